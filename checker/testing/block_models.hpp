// Shared by the page-frame block tests (frame_blocks_test.cpp, frame_blocks_random_test.cpp)
// and the native oracle (native_oracle_test.cpp): the seeded random models with a pool of
// compound pages (`blocks(2)`; BlockModel, random_page_models.hpp), and a small model whose
// steps or conditions may cross a block.
#pragma once

#include <string>

#include "checker/testing/random_page_models.hpp"

namespace pcmc::checker::test {

// Two identical CPUs take the first block of a free list of three blocks of two (heads A0, B0,
// C0) and mark both of its pages; `step` (in the step that takes a block) and `cond` (a
// condition) may cross a block. Nothing outside init names an element unless `cond` does.
inline std::string crossing_model(const std::string& step, const std::string& cond) {
  return "scenario c \"crossing\";\n"
         "struct page { bool used; struct page *next; };\n"
         "pool struct page mem_map[6] blocks(2) named { A0, A1, B0, B1, C0, C1 };\n"
         "struct page *head;\nint[0..3] g;\n"
         "void take() { struct page *p = head; if (p != NULL) { head = p->next; p->used = true;"
         " (p + 1)->used = true; " + step + " } }\n"
         "thread P0 { take(); take(); }\nthread P1 { take(); take(); }\n"
         "init { A0->next = B0; B0->next = C0; head = A0; }\n" + cond +
         "final all_taken: head == NULL;\n";
}

}  // namespace pcmc::checker::test
