// The memory models (docs/memory-models.md) on tiny models: sc leaves programs as they were,
// tso/pso stores go through the thread's store buffer, loads forward from it, flushes are
// steps of their own, barriers and atomic blocks drain, pso's smp_wmb() orders flushes, a full
// buffer is reported, and the parser keeps only the expect blocks of the selected model.
#include <catch2/catch.hpp>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/test/state_helpers.hpp"
#include "model/storebuf.h"

using namespace pcmc::model;
using pcmc::model::test::global;
using pcmc::model::test::buffered;
using pcmc::model::test::build;
using pcmc::model::test::initial;
using pcmc::model::test::step;

namespace {

const char* kSB =
    "int[0..1] x; int[0..1] y; int[0..1] r0;\n"
    "switch MB \"smp_mb\";\n"
    "thread P0 { WRITE_ONCE(x, 1); if (MB) smp_mb(); r0 = READ_ONCE(y); }\n"
    "thread P1 { WRITE_ONCE(y, 1); }\n";

}  // namespace

TEST_CASE("memory model sc: barriers compile to nothing, no buffers", "[memory-model]") {
  const Program plain = build("int[0..1] x; int[0..1] y; int[0..1] r0;\n"
                              "thread P0 { x = 1; r0 = y; }\nthread P1 { y = 1; }\n",
                              MemoryModel::Sc);
  const Program sb = build(kSB, MemoryModel::Sc, {"MB"});
  CHECK(sb.state_size == plain.state_size);
  CHECK(sb.sb_entries == 0);
  CHECK(sb.threads[0].code.size() == plain.threads[0].code.size());
  for (const Instr& i : sb.threads[0].code) CHECK(i.op != IOp::Fence);
}

TEST_CASE("memory model tso: a store is buffered, forwarded to its own loads, flushed later",
          "[memory-model]") {
  const Program p = build(
      "int[0..3] x; int[0..3] r0; int[0..3] r1;\n"
      "thread P0 { WRITE_ONCE(x, 2); r0 = READ_ONCE(x); }\n"
      "thread P1 { r1 = READ_ONCE(x); }\n",
      MemoryModel::Tso);
  REQUIRE(p.sb_entries == 2);  // loop-free: two store instructions (x, r0)
  CHECK(p.sb_exact);
  auto s = initial(p);
  step(p, s, 0);  // x = 2 into P0's buffer
  CHECK(global(p, s, "x") == 0);
  CHECK(buffered(p, s, 0) == 1);
  auto t = s;
  step(p, t, 1);  // P1 reads memory: 0
  CHECK(buffered(p, t, 1) == 1);
  step(p, s, 0);  // P0 reads its own store: r0 = 2 (buffered too)
  CHECK(buffered(p, s, 0) == 2);
  // P0 has halted; its successors are the flush of the oldest entry only (FIFO).
  Executor ex(p, {});
  CHECK(!ex.finished(s.data(), 0));
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0});
  CHECK(global(p, s, "x") == 2);
  CHECK(global(p, s, "r0") == 0);
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0});
  CHECK(global(p, s, "r0") == 2);
  CHECK(ex.finished(s.data(), 0));
}

TEST_CASE("memory model tso: smp_mb and atomic blocks wait for an empty buffer", "[memory-model]") {
  const Program p = build(kSB, MemoryModel::Tso, {"MB"});
  auto s = initial(p);
  step(p, s, 0);  // x = 1 buffered
  // At smp_mb(): only the flush is a successor.
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0});
  CHECK(global(p, s, "x") == 1);
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{-1});  // the barrier itself
  const Program a = build("int[0..1] x; int[0..1] y;\n"
                          "thread P0 { x = 1; atomic { y = x; } }\n",
                          MemoryModel::Tso);
  auto t = initial(a);
  step(a, t, 0);
  CHECK(step(a, t, 0) == std::vector<std::int16_t>{0});  // the atomic block waits
  CHECK(step(a, t, 0) == std::vector<std::int16_t>{-1});
  CHECK(global(a, t, "y") == 1);  // written to memory directly
  CHECK(buffered(a, t, 0) == 0);
}

TEST_CASE("memory model pso: stores to other locations flush out of order, smp_wmb orders them",
          "[memory-model]") {
  const char* src = "int[0..1] x; int[0..1] y;\nswitch WMB \"wmb\";\n"
                    "thread P0 { x = 1; if (WMB) smp_wmb(); y = 1; x = 0; }\n";
  const Program p = build(src, MemoryModel::Pso);
  auto s = initial(p);
  for (int i = 0; i < 3; ++i) step(p, s, 0);
  // x=1, y=1, x=0 buffered: x=1 and y=1 may flush, the second x must wait for the first.
  CHECK(step(p, s, 0) == std::vector<std::int16_t>{0, 1});
  const Program w = build(src, MemoryModel::Pso, {"WMB"});
  s = initial(w);
  for (int i = 0; i < 3; ++i) step(w, s, 0);
  CHECK(step(w, s, 0, 0) == std::vector<std::int16_t>{0});  // x=1 first (the separator)
  CHECK(step(w, s, 0) == std::vector<std::int16_t>{0, 1});  // then y=1 or x=0, either first
  const Program t = build(src, MemoryModel::Tso, {"WMB"});
  for (const Instr& i : t.threads[0].code) CHECK(i.op != IOp::Fence);  // no-op under tso
}

TEST_CASE("memory model: a full buffer blocks the store and says so", "[memory-model]") {
  const Program p = build("int[0..1] x; int[0..1] y;\nthread P0 { x = 1; y = 1; }\n",
                          MemoryModel::Tso, {}, 1);
  CHECK(p.sb_entries == 1);
  CHECK(!p.sb_exact);
  auto s = initial(p);
  step(p, s, 0);
  Scratch sc;
  CHECK(step(p, s, 0, 9, &sc) == std::vector<std::int16_t>{0});  // only the flush
  CHECK(sc.sb_full);
  const Program loop = build("int[0..1] x;\nthread P0 { while (x == 0) x = 1; }\n",
                             MemoryModel::Tso);
  CHECK(loop.sb_entries == 8);  // a loop: the default bound, not exact
  CHECK(!loop.sb_exact);
}

TEST_CASE("memory model: the ordering vocabulary type-checks like the kernel's", "[memory-model]") {
  const auto error = [](const std::string& src) {
    try {
      build(src, MemoryModel::Tso);
    } catch (const CompileError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error("int[0..1] x;\nthread P0 { smp_store_release(&x, 1); x = smp_load_acquire(&x); }\n")
            .empty());
  CHECK(error("int[0..1] x;\nthread P0 { x = smp_mb(); }\n").find("has no value") !=
        std::string::npos);
  CHECK(error("int[0..1] x;\nthread P0 { WRITE_ONCE(x); }\n").find("WRITE_ONCE takes") !=
        std::string::npos);
  CHECK(error("int[0..1] x;\nthread P0 { smp_wmb(1); }\n").find("takes no arguments") !=
        std::string::npos);
}

TEST_CASE("expect memory_model blocks are kept only under their models", "[memory-model]") {
  const std::string src =
      "int[0..1] x;\nthread P0 { x = 1; }\n"
      "expect B { states 2; }\n"
      "expect memory_model \"tso\" \"pso\" B { states 4; }\n"
      "expect memory_model \"pso\" B { deadlock holds; }\n";
  for (const auto& [mm, n] : {std::pair{"sc", 1u}, std::pair{"tso", 1u}, std::pair{"pso", 2u}}) {
    SourceManager sm;
    ParseOptions po;
    po.memory_model = mm;
    CHECK(parse_text(sm, "t.pcm", src, po).expects.size() == n);
  }
  SourceManager sm;
  CHECK_THROWS_WITH(parse_text(sm, "t.pcm", "thread P0 { }\nexpect memory_model \"arm\" B { }\n", {}),
                    Catch::Contains("unknown memory model \"arm\""));
}
