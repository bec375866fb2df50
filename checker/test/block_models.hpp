// Shared by the page-frame block tests (frame_blocks_test.cpp, frame_blocks_random_test.cpp)
// and the native oracle (native_oracle_test.cpp): seeded random models with a pool of compound
// pages (`blocks(2)`), and a small model whose steps or conditions may cross a block.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

#include "checker/hash.hpp"

namespace pcmc::checker::test {

// The random block models of frame_blocks_random_test.cpp (its header comment describes them);
// crossing() after source(): whether the model got a statement that may cross a block.
class BlockModel {
 public:
  explicit BlockModel(std::uint64_t seed) : x_(seed * 0xD1B54A32D192ED03ull + 11) {}

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario blocks_" << seed << " \"random block model " << seed << "\";\n"
      << "struct page { int[0..3] f; bool b; thread_t owner; struct page *next; "
         "struct page *first; };\n"
      << "pool struct page mem_map[6] blocks(2) named { A0, A1, B0, B1, C0, C1 };\n"
      << "struct page *head;\nstruct page *spare;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nthread_t l0;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "init { A0->next = B0; B0->next = C0; head = A0; A1->first = A0; B1->first = B0; "
         "C1->first = C0; g0 = "
      << pick(4) << "; }\n";
    crossing_ = pick(4) == 0;
    const bool identical = pick(2) == 0;
    const unsigned threads = 2 + pick(2);
    std::string shared_body = body();
    if (identical) o << "void body() {\n" << shared_body << "}\n";
    for (unsigned t = 0; t < threads; ++t)
      o << "thread T" << t << " { " << (identical ? std::string("body();") : "\n" + body())
        << " }\n";
    o << "invariant inv: !(head != NULL && head->f == 3 && g0 == " << pick(4) << ");\n";
    o << "final fin: spare == NULL || spare->b || g1 != " << pick(4) << ";\n";
    o << "exists (head != NULL && head->next == NULL);\n";
    // A tail named by a condition keeps its whole block in place (two blocks still move).
    if (pick(4) == 0) o << "invariant named: spare != B1 || !B1->b || g1 != " << pick(4) << ";\n";
    return o.str();
  }

  bool crossing() const { return crossing_; }

 private:
  unsigned pick(unsigned n) { return static_cast<unsigned>(checker::splitmix64(x_) % n); }

  std::string body() {
    std::string b = "\tstruct page *q = NULL;\n\tstruct page *r = NULL;\n";
    const unsigned n = 3 + pick(4);
    const unsigned at = pick(n);  // where the block arithmetic goes (every body has one)
    for (unsigned i = 0; i < n; ++i) {
      b += "\t" + statement() + "\n";
      if (i == at) b += "\tif (q != NULL && q->first == NULL) r = q + 1;\n";
    }
    if (crossing_) b += "\t" + crosser() + "\n";
    return b;
  }

  std::string crosser() {
    switch (pick(3)) {
      case 0: return "if (q != NULL && q->next != NULL && q < q->next) g1 = 1;";
      case 1: return "r = head; if (r != NULL && r->next != NULL) g1 = (r->next - r + 4) % 4;";
      default: return "r = head; if (r != NULL && r->first == NULL && r->next != NULL) r = r + 2;";
    }
  }

  std::string statement() {
    const std::string c = std::to_string(pick(4));
    switch (pick(20)) {
      case 0: return "q = head;";
      case 1: return "if (q != NULL) head = q->next;";
      case 2: return "if (q != NULL) { q->next = head; head = q; }";
      case 3: return "if (q != NULL) q->f = (q->f + 1) % 4;";
      case 4: return "if (r != NULL) r->b = !r->b;";
      case 5: return "spare = r;";
      case 6: return "r = spare;";
      case 7: return "if (q == r) g1 = (g1 + 1) % 4;";
      case 8: return "if (q != NULL) q = q->next;";
      case 9: return "lock0(); q = head; if (q != NULL) head = q->next; unlock0();";
      case 10: return "if (r != NULL) HARM_ON(r->b && r->f == " + c + ", \"H_r\");";
      case 11: return "await(head != NULL || g0 == " + c + ");";
      case 12:  // a page lock: a thread cell inside the page
        return "if (q != NULL) { atomic { await(q->owner == NO_THREAD); q->owner = current; } }";
      case 13: return "if (q != NULL && q->owner == current) q->owner = NO_THREAD;";
      case 14: return "if (r != NULL && r->first != NULL) r = r->first;";
      case 15: return "if (q != NULL && q->first == NULL) (q + 1)->f = (q->f + 2) % 4;";
      case 16: return "if (r != NULL && r->first != NULL) g1 = (r - r->first + g1) % 4;";
      case 17: return "if (q != NULL && r != NULL && r->first == q && r > q) g1 = 2;";
      case 18: return "q = r;";
      default: return "WARN_ON(head == spare && g1 == " + c + ");";
    }
  }

  std::uint64_t x_;
  bool crossing_ = false;
};

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
