// The orderings of atomic blocks under the memory models (docs/memory-models.md, "Atomics and
// locks"): `atomic unordered` / `atomic acquire` go to memory without draining the buffer under
// pso but wait for an older store to their own location and for an smp_wmb() separator; tso
// drains for them; `atomic release` buffers its stores (after a separator under pso); sc is
// unchanged by any of the words.
#include <catch2/catch.hpp>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/storebuf.h"
#include "model/test/state_helpers.hpp"

using namespace pcmc::model;
using pcmc::model::test::global;
using pcmc::model::test::buffered;
using pcmc::model::test::build;
using pcmc::model::test::initial;
using pcmc::model::test::step;

namespace {

std::string with(const char* word) {
  return std::string("int[0..3] x; int[0..3] y;\n"
                     "thread P0 { x = 1; atomic ") + word + " { y = y + 1; } }\n";
}

}  // namespace

TEST_CASE("atomic unordered/acquire under pso: no drain, the store goes to memory",
          "[memory-model]") {
  for (const char* word : {"unordered", "acquire"}) {
    INFO(word);
    const Program p = build(with(word), MemoryModel::Pso);
    auto s = initial(p);
    step(p, s, 0);  // x = 1 buffered
    // The block and the flush of x are both successors: the block does not wait for x.
    CHECK(step(p, s, 0, 0) == std::vector<std::int16_t>{-1, 0});
    CHECK(global(p, s, "y") == 1);  // in memory at once
    CHECK(global(p, s, "x") == 0);  // x still buffered
    CHECK(buffered(p, s, 0) == 1);
  }
}

TEST_CASE("atomic unordered under tso: a lock-prefixed instruction drains", "[memory-model]") {
  const Program p = build(with("unordered"), MemoryModel::Tso);
  auto s = initial(p);
  step(p, s, 0);
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0});  // only the flush
}

TEST_CASE("atomic unordered under pso waits for its own location and for smp_wmb()",
          "[memory-model]") {
  // An older buffered store to y: the RMW must not overtake it.
  const Program own = build("int[0..3] x; int[0..3] y;\n"
                            "thread P0 { y = 1; x = 1; atomic unordered { y = y + 2; } }\n",
                            MemoryModel::Pso);
  auto s = initial(own);
  step(own, s, 0);
  step(own, s, 0);
  CHECK(step(own, s, 0, 1) == std::vector<std::int16_t>{0, 1});  // flushes only; take x's
  CHECK(step(own, s, 0, 0) == std::vector<std::int16_t>{0});     // y still buffered: waits
  CHECK(step(own, s, 0) == std::vector<std::int16_t>{-1});       // y flushed: the RMW runs
  CHECK(global(own, s, "y") == 3);
  // An smp_wmb() separator: the stores before it reach memory before the RMW's store.
  const Program wmb = build("int[0..3] x; int[0..3] y;\n"
                            "thread P0 { x = 1; smp_wmb(); atomic unordered { y = 1; } }\n",
                            MemoryModel::Pso);
  s = initial(wmb);
  step(wmb, s, 0);
  CHECK(step(wmb, s, 0, 0) == std::vector<std::int16_t>{0});  // waits for x
  CHECK(step(wmb, s, 0) == std::vector<std::int16_t>{-1});
  // A block that only reads does not wait, and reads its own buffered store.
  const Program rd = build("int[0..3] x; int[0..3] r;\n"
                           "thread P0 { x = 2; atomic unordered { r = 0; } r = x; }\n",
                           MemoryModel::Pso);
  s = initial(rd);
  step(rd, s, 0);
  CHECK(step(rd, s, 0) == std::vector<std::int16_t>{-1, 0});
}

TEST_CASE("atomic release buffers its stores, after a separator under pso", "[memory-model]") {
  const char* src = "int[0..3] x; int[0..3] y; int[0..3] z;\n"
                    "thread P0 { x = 1; atomic release { y = 1; } z = 1; }\n";
  const Program p = build(src, MemoryModel::Pso);
  CHECK(p.sb_entries == 3);  // the release block's store counts towards the exact bound
  CHECK(p.sb_exact);
  auto s = initial(p);
  step(p, s, 0);
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{-1, 0});  // no drain
  CHECK(global(p, s, "y") == 0);
  CHECK(buffered(p, s, 0) == 2);
  step(p, s, 0);  // z = 1
  // x first (the separator), then y and z in either order.
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0});
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0, 1});
  const Program t = build(src, MemoryModel::Tso);
  s = initial(t);
  step(t, s, 0);
  CHECK(step(t, s, 0) == std::vector<std::int16_t>{-1, 0});  // tso: a store, buffered
  CHECK(buffered(t, s, 0) == 2);
}

TEST_CASE("atomic ordering words leave sc unchanged", "[memory-model]") {
  const Program full = build(with(""), MemoryModel::Sc);
  for (const char* word : {"unordered", "acquire", "release"}) {
    INFO(word);
    const Program p = build(with(word), MemoryModel::Sc);
    CHECK(p.state_size == full.state_size);
    REQUIRE(p.threads[0].code.size() == full.threads[0].code.size());
    auto a = initial(p);
    auto b = initial(full);
    for (int i = 0; i < 2; ++i) {
      CHECK(step(p, a, 0) == step(full, b, 0));
      CHECK(a == b);
    }
  }
}
