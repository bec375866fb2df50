// The compiler's lowering rules and the executor's step semantics, on tiny models: what is one
// step, what costs nothing, what a call, an out-parameter, a switch or an assertion becomes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/test/state_helpers.hpp"

using namespace pcmc::model;
using pcmc::model::test::global;
using pcmc::model::test::initial;

namespace {

Program build(const std::string& src, std::vector<std::string> defines = {}, bool debug = true) {
  SourceManager sm;
  ast::Model m = parse_text(sm, "t.pcm", src, {});
  CompileOptions co;
  co.defines = std::move(defines);
  co.debug_vm = debug;
  return compile(m, sm, co);
}

struct Collect : Sink {
  std::vector<std::vector<std::uint8_t>> states;
  std::vector<std::vector<Event>> events;
  std::vector<bool> fatal;
  std::size_t size;
  explicit Collect(std::size_t n) : size(n) {}
  void on_successor(const Successor& s) override {
    states.emplace_back(s.state, s.state + size);
    events.emplace_back(s.events.begin(), s.events.end());
    fatal.push_back(s.fatal);
  }
};

// Runs thread t alone, always taking successor 0; returns the number of steps to finish.
int steps_to_finish(const Program& p, std::vector<std::uint8_t>& s, unsigned t,
                    bool debug = true) {
  Executor ex(p, ExecOptions{debug});
  Scratch scratch;
  int n = 0;
  while (!ex.finished(s.data(), t)) {
    Collect c(p.state_size);
    if (ex.step(s.data(), t, scratch, c) == 0) return -1;
    if (c.fatal[0]) return -2;
    s = c.states[0];
    ++n;
  }
  return n;
}

int count_yields(const Program& p, unsigned t) {
  int n = 0;
  for (const Instr& i : p.threads[t].code) n += i.yields;
  return n;
}

}  // namespace

TEST_CASE("a statement touching shared state is one step; local work is free", "[lowering]") {
  Program p = build(
      "int[0..9] g;\n"
      "thread P0 { int[0..9] a = 1; int[0..9] b = a + 2; g = b; b = 0; a = g; g = a + b; }\n");
  auto s = initial(p);
  CHECK(steps_to_finish(p, s, 0) == 3);  // g = b; a = g; g = a + b
  CHECK(global(p, s, "g") == 3);
  CHECK(count_yields(p, 0) == 3);
}

TEST_CASE("atomic blocks are one step and await blocks", "[lowering]") {
  Program p = build(
      "int[0..9] g; bool go;\n"
      "thread P0 { atomic { await(go); g = 1; g = g + 1; g = g + 1; } }\n"
      "thread P1 { go = true; }\n");
  auto s = initial(p);
  Executor ex(p, {});
  Scratch scratch;
  Collect blocked(p.state_size);
  CHECK(ex.step(s.data(), 0, scratch, blocked) == 0);  // await(go) does not hold
  CHECK(steps_to_finish(p, s, 1) == 1);
  CHECK(steps_to_finish(p, s, 0) == 1);
  CHECK(global(p, s, "g") == 3);
}

TEST_CASE("choose forks one successor per value, in order", "[lowering]") {
  Program p = build("int[0..9] g;\nthread P0 { g = choose(2, 5) + 1; }\n");
  auto s = initial(p);
  Executor ex(p, {});
  Scratch scratch;
  Collect c(p.state_size);
  // First step: the choice (a step of its own); then the store.
  REQUIRE(ex.step(s.data(), 0, scratch, c) == 4);
  std::vector<std::int64_t> got;
  for (auto& st : c.states) {
    auto t = st;
    REQUIRE(steps_to_finish(p, t, 0) == 1);
    got.push_back(global(p, t, "g"));
  }
  CHECK(got == std::vector<std::int64_t>{3, 4, 5, 6});
}

TEST_CASE("calls are inlined in C order with short-circuit", "[lowering]") {
  Program p = build(
      "int[0..9] calls;\n"
      "bool yes() { calls = calls + 1; return true; }\n"
      "bool no() { calls = calls + 1; return false; }\n"
      "bool r1; bool r2;\n"
      "thread P0 { r1 = no() && yes(); r2 = yes() || no(); }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) > 0);
  CHECK(global(p, s, "calls") == 2);  // yes() after no() && and no() after yes() || are skipped
  CHECK(global(p, s, "r1") == 0);
  CHECK(global(p, s, "r2") == 1);
}

TEST_CASE("a returned value may inline calls of its own, at any depth", "[lowering]") {
  // Lowering `return f() + 1;` pushes f's frame while the return is being lowered; the return
  // once kept a reference to its own frame across that push (a use after free when the frame
  // vector moved: found by the mutation fuzzer in a mutant of shmem.pcm; ASan sees it here).
  Program p = build(
      "int[0..9] calls;\n"
      "int[0..9] f1() { calls = calls + 1; return 1; }\n"
      "int[0..9] f2() { int[0..9] k = 1; return f1() + k; }\n"  // (not expression functions:
      "int[0..9] f3() { int[0..9] k = 1; return f2() + k; }\n"  // those lower apart)
      "int[0..9] f4() { int[0..9] k = 1; return f3() + k; }\n"
      "int[0..9] f5() { int[0..9] k = 0; return f4() + f1() + k; }\n"
      "int[0..9] r;\n"
      "thread P0 { r = f5(); }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) > 0);
  CHECK(global(p, s, "r") == 5);
  CHECK(global(p, s, "calls") == 2);
}

TEST_CASE("expression functions cost no instructions", "[lowering]") {
  Program a = build("int[0..9] g;\nint[0..9] twice(int[0..4] x) { return x * 2; }\nthread P0 { g = twice(3); }\n");
  Program b = build("int[0..9] g;\nthread P0 { g = 6; }\n");
  CHECK(a.threads[0].code.size() == b.threads[0].code.size());
}

TEST_CASE("out-parameters and arrays write the caller's variables", "[lowering]") {
  Program p = build(
      "int[0..9] g; int[0..9] h;\n"
      "struct pagevec { int[0..3] nr; int[0..9] pages[3]; };\n"
      "void fill(struct pagevec *pvec, int[0..9] indices[3], int[0..9] *out) {\n"
      "  pvec->pages[pvec->nr] = 7; pvec->nr++; indices[2] = 5; *out = 4; }\n"
      "thread P0 { struct pagevec pv; int[0..9] idx[3]; int[0..9] o;\n"
      "  fill(&pv, idx, &o); g = pv.pages[0] + pv.nr; h = idx[2] + o; }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) == 2);
  CHECK(global(p, s, "g") == 8);
  CHECK(global(p, s, "h") == 9);
}

TEST_CASE("locals are cleared when a function returns and when the thread ends", "[lowering]") {
  Program p = build(
      "int[0..20] g;\n"
      "void f() { int[0..9] junk = 7; g = junk; }\n"
      "thread P0 { int[0..9] mine = 3; f(); g = g + mine; }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) == 2);
  CHECK(global(p, s, "g") == 10);
  const Thread& th = p.threads[0];
  for (std::uint32_t i = kPcBytes; i < th.area_size; ++i) CHECK(s[th.area_offset + i] == 0);
}

TEST_CASE("switches fold: a variant costs no steps", "[lowering]") {
  const char* src = "switch F1;\nint[0..9] g;\nthread P0 { if (F1) g = 1; else g = 2; if (!F1) { g = 3; } }\n";
  Program off = build(src);
  Program on = build(src, {"F1"});
  CHECK(count_yields(off, 0) == 2);
  CHECK(count_yields(on, 0) == 1);
  for (const Program* p : {&off, &on})
    for (const Instr& i : p->threads[0].code) CHECK(i.op != IOp::JumpIfNot);
}

TEST_CASE("#default is a library's constant that a #define or const overrides", "[lowering]") {
  // the library's value when nobody defines the name
  const char* lib = "#default N 4\n#default M N + 1\nint[0..N] a = N;\nint[0..M] b = M;\nthread P0 { }\n";
  Program p = build(lib);
  CHECK(global(p, initial(p), "a") == 4);
  CHECK(global(p, initial(p), "b") == 5);
  // a scenario's #define wins, before or after the library's #default; defaults built on it follow
  for (const std::string& src : {std::string("#define N 8\n") + lib, std::string(lib) + "const N = 8;\n"}) {
    INFO(src);
    Program q = build(src);
    CHECK(global(q, initial(q), "a") == 8);
    CHECK(global(q, initial(q), "b") == 9);
  }
  // through an include, as the kernel library uses it (page.pcm: #default HPAGE_PMD_NR 4)
  auto dir = std::filesystem::temp_directory_path() / "pcmc-default-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "lib.pcm") << "#default N 4\nint[0..N] a = N;\n";
  std::ofstream(dir / "s.pcm") << "#define N 16\n#include \"lib.pcm\"\nthread P0 { }\n";
  SourceManager sm;
  ast::Model m = parse_file(sm, (dir / "s.pcm").string(), {});
  Program r = compile(m, sm, CompileOptions{});
  CHECK(global(r, initial(r), "a") == 16);
}

TEST_CASE("VM_BUG_ON is compiled out without CONFIG_DEBUG_VM, but its name exists", "[lowering]") {
  const char* src = "int[0..9] g;\nthread P0 { A1: VM_BUG_ON(g == 0); g = 1; }\n";
  Program dbg = build(src, {}, true);
  Program nodbg = build(src, {}, false);
  CHECK(count_yields(dbg, 0) == 2);
  CHECK(count_yields(nodbg, 0) == 1);
  REQUIRE(nodbg.asserts.size() == 1);
  CHECK(nodbg.asserts[0].name == "A1");
  auto s = initial(dbg);
  CHECK(steps_to_finish(dbg, s, 0) == -2);  // fatal: g == 0
}

TEST_CASE("assertion classes: WARN_ON continues and returns its value", "[lowering]") {
  Program p = build(
      "int[0..9] g;\nthread P0 { if (WARN_ON(g == 0)) g = 5; BUG_ON(g == 5); }\n");
  auto s = initial(p);
  Executor ex(p, {true});
  Scratch scratch;
  Collect c(p.state_size);
  REQUIRE(ex.step(s.data(), 0, scratch, c) == 1);
  REQUIRE(c.events[0].size() == 1);
  CHECK(c.events[0][0].kind == Event::AssertFired);
  CHECK(p.asserts[c.events[0][0].site].cls == AssertClass::Warn);
  CHECK(p.asserts[c.events[0][0].site].name == "P0:2");  // unlabelled: function:line
  CHECK_FALSE(c.fatal[0]);
  auto t = c.states[0];
  CHECK(steps_to_finish(p, t, 0) == -2);  // BUG_ON(g == 5) is fatal
}

TEST_CASE("a guarded field read by an assertion without its guard is a discipline event",
          "[lowering]") {
  Program p = build(
      "struct page { thread_t owner; int[0..3] index guarded_by(self->owner == current); };\n"
      "pool struct page mm[1] named { pg };\n"
      "thread P0 { int[0..3] i = pg->index; A1: VM_BUG_ON(pg->index != 0);\n"
      "  pg->owner = current; A2: VM_BUG_ON(pg->index != 0); }\n");
  auto s = initial(p);
  Executor ex(p, {true});
  Scratch scratch;
  int discipline = 0;
  while (!ex.finished(s.data(), 0)) {
    Collect c(p.state_size);
    REQUIRE(ex.step(s.data(), 0, scratch, c) == 1);
    for (const Event& e : c.events[0]) {
      if (e.kind != Event::Discipline) continue;
      ++discipline;
      CHECK(p.asserts[e.site].name == "A1");  // not the plain read, not A2 under the lock
    }
    s = c.states[0];
  }
  CHECK(discipline == 1);
  bool guarded = false;
  for (const ANode& a : p.addrs) guarded |= a.guard >= 0;
  CHECK(guarded);
}

TEST_CASE("model errors: range, NULL, pool bounds, index bounds, division, overflow, shift",
          "[lowering]") {
  struct Case {
    const char* src;
    ModelErrorKind kind;
  } cases[] = {
      {"int[0..1] g;\nthread P0 { g = g + 2; }\n", ModelErrorKind::Range},
      {"struct s { bool b; };\npool struct s ss[1];\nstruct s *p;\nthread P0 { p->b = true; }\n", ModelErrorKind::NullDeref},
      {"struct s { bool b; };\npool struct s ss[2] named { A, B };\nstruct s *p = NULL;\nthread P0 { p = B; p = p + 1; }\n", ModelErrorKind::PoolBounds},
      {"int[0..3] a[2]; int[0..3] i;\nthread P0 { i = 2; a[i] = 1; }\n", ModelErrorKind::IndexBounds},
      {"int[0..3] z; int[0..3] g;\nthread P0 { g = 3 / z; }\n", ModelErrorKind::DivZero},
      {"bool g;\nthread P0 { int[0..1] x = 0; while (x == 0) { } g = true; }\n", ModelErrorKind::LocalDivergence},
      // Issue 14, A1, A2, A11: checked 64-bit arithmetic (model/arith.h), never SIGFPE or a wrap.
      {"int[-1..1] m = -1; bool r;\nthread P0 { r = (-9223372036854775807 - 1) / m == 0; }\n", ModelErrorKind::Overflow},
      {"int[-1..1] m = -1; bool r;\nthread P0 { r = (-9223372036854775807 - 1) % m == 0; }\n", ModelErrorKind::Overflow},
      {"int[0..3] x = 1; bool r;\nthread P0 { r = x * 4611686018427387904 + x * 4611686018427387904 == 0; }\n", ModelErrorKind::Overflow},
      {"int[0..3] x = 2; bool r;\nthread P0 { r = x * 4611686018427387904 == 0; }\n", ModelErrorKind::Overflow},
      {"int[0..3] x = 1; bool r;\nthread P0 { r = -(-9223372036854775807 - x) > 0; }\n", ModelErrorKind::Overflow},
      {"int[0..70] c = 64; bool r;\nthread P0 { r = (1 << c) == 0; }\n", ModelErrorKind::Shift},
      {"int[-1..70] c = -1; bool r;\nthread P0 { r = (8 >> c) == 0; }\n", ModelErrorKind::Shift},
      {"int[0..70] c = 63; bool r;\nthread P0 { r = (1 << c) > 0; }\n", ModelErrorKind::Overflow},
      {"int[-1..1] m = -1; bool r;\nthread P0 { r = (m << 1) < 0; }\n", ModelErrorKind::Overflow},
  };
  for (const auto& c : cases) {
    INFO(c.src);
    Program p = build(c.src);
    auto s = initial(p);
    Executor ex(p, ExecOptions{true, 1000});
    Scratch scratch;
    bool found = false;
    for (int i = 0; i < 4 && !found && !ex.finished(s.data(), 0); ++i) {
      Collect col(p.state_size);
      REQUIRE(ex.step(s.data(), 0, scratch, col) == 1);
      for (const Event& e : col.events[0])
        if (e.kind == Event::ModelError) {
          CHECK(e.error == c.kind);
          CHECK(col.fatal[0]);
          found = true;
        }
      s = col.states[0];
    }
    CHECK(found);
  }
}

TEST_CASE("symbols name pool elements and locals in the model's words", "[lowering]") {
  Program p = build(
      "struct page { bool PG_locked; };\npool struct page mm[2] named { C0, C1 };\n"
      "void inc() { int[0..3] tmp = 1; C0->PG_locked = tmp == 1; }\nthread P0 { inc(); }\n");
  std::set<std::string> names;
  for (const Symbol& s : p.symbols) names.insert(s.name);
  CHECK(names.count("C0.PG_locked"));
  CHECK(names.count("C1.PG_locked"));
  CHECK(names.count("P0.inc.tmp"));
  CHECK(names.count("P0.pc"));
}

TEST_CASE("goto, labels and loops behave as in C", "[lowering]") {
  Program p = build(
      "int[0..20] g;\n"
      "thread P0 { int[0..9] i; for (i = 0; i < 5; i++) { if (i == 3) continue; g = g + i; }\n"
      "  i = 0; retry: i++; if (i < 3) goto retry; g = g + i;\n"
      "  do { i--; } while (i > 0); while (true) { if (i == 0) break; } }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) > 0);
  CHECK(global(p, s, "g") == 0 + 1 + 2 + 4 + 3);
}

// A WARN raised inside a step before a fork stays in the events of every later branch, also after
// a sibling branch blocked at an await or ran a nested choose (both used to truncate the events
// to the step's start, and the next branch grew them back with default events).
TEST_CASE("exec: events raised before a choose survive blocked and nested sibling branches",
          "[exec]") {
  for (const char* tail : {"await(a == 1);", "b = choose(0, 1);"}) {
    INFO(tail);
    const Program p = build(std::string("scenario t;\nint[0..3] g;\nthread T {\n"
                                        "  int[0..1] a; int[0..1] b;\n"
                                        "  atomic { WARN_ON(g == 0); a = choose(0, 1); ") +
                            tail + " g = 1; }\n}\n");
    std::uint32_t warn_pc = 0;
    for (std::uint32_t i = 0; i < p.threads[0].code.size(); ++i)
      if (p.threads[0].code[i].op == IOp::Assert) warn_pc = i;
    REQUIRE(warn_pc > 0);
    std::vector<std::uint8_t> s = initial(p);
    Executor ex(p, {});
    Scratch scratch;
    Collect c(p.state_size);
    REQUIRE(ex.step(s.data(), 0, scratch, c) >= 1);
    for (const auto& evs : c.events) {
      REQUIRE(evs.size() == 1);
      CHECK(evs[0].kind == Event::AssertFired);
      CHECK(evs[0].pc == warn_pc);
    }
  }
}

TEST_CASE("select: one atomic step running any enabled alternative; blocked when none is",
          "[lowering][select]") {
  Program p = build(
      "int[0..9] g; bool a, b;\n"
      "void bump(int[0..9] by) { g = g + by; g = g + 1; }\n"
      "thread P0 { select { when (a) bump(1); when (b) { g = 5; } when (a && b) g = 7; } }\n"
      "thread P1 { a = true; b = true; }\n");
  CHECK(count_yields(p, 0) == 1);  // the whole select is one scheduling point
  auto s = initial(p);
  Executor ex(p, {});
  Scratch scratch;
  Collect none(p.state_size);
  CHECK(ex.step(s.data(), 0, scratch, none) == 0);  // no guard holds: blocked
  REQUIRE(steps_to_finish(p, s, 1) == 2);           // a, then b
  Collect both(p.state_size);
  REQUIRE(ex.step(s.data(), 0, scratch, both) == 3);  // every alternative enabled, in order
  std::vector<std::int64_t> got;
  for (auto& st : both.states) {
    CHECK(ex.finished(st.data(), 0));  // one step, the called function's steps included
    got.push_back(global(p, st, "g"));
  }
  CHECK(got == std::vector<std::int64_t>{2, 5, 7});
  // The choice leaves nothing behind: the thread area is zero after every alternative.
  for (auto& st : both.states)
    for (std::uint32_t i = p.threads[0].area_offset + kPcBytes;
         i < p.threads[0].area_offset + p.threads[0].area_size; ++i)
      CHECK(st[i] == 0);
}

TEST_CASE("select: only the enabled alternatives are successors", "[lowering][select]") {
  Program p = build(
      "int[0..9] g; bool a;\n"
      "thread P0 { a = true; select { when (!a) g = 1; when (a) g = 2; } }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) == 2);
  CHECK(global(p, s, "g") == 2);
}

TEST_CASE("select: errors", "[lowering][select]") {
  CHECK_THROWS_WITH(build("int[0..1] g;\nthread P0 { select { } }\n"),
                    Catch::Contains("at least one 'when'"));
  CHECK_THROWS_WITH(build("int[0..1] g;\nthread P0 { select { g = 1; } }\n"),
                    Catch::Contains("'when (guard)'"));
  CHECK_THROWS_WITH(build("int[0..1] g;\ninit { select { when (g == 0) g = 1; } }\n"
                          "thread P0 { g = 0; }\n"),
                    Catch::Contains("select cannot be used in init"));
  // `select` stays a name where no '{' follows.
  Program p = build("int[0..3] select;\nthread P0 { select = 2; }\n");
  auto s = initial(p);
  REQUIRE(steps_to_finish(p, s, 0) == 1);
  CHECK(global(p, s, "select") == 2);
}

TEST_CASE("a finished thread keeps no local, not even one a return or break jumped past",
          "[lowering]") {
  // A frame's exit clears every byte a local held at a return, break, continue or goto of the
  // frame (Compiler::release_frame): without it the inner block's `k` stayed in the state after
  // the thread finished, and --no-reduce counted end states the default run merges.
  Program p = build(
      "int[0..9] g;\n"
      "int[0..9] f(int[0..9] a) {\n"
      "  if (a > 0) { int[0..9] k = a + 1; g = k; return k; }\n"
      "  return 0;\n"
      "}\n"
      "thread P0 { int[0..9] r = f(3); g = r; }\n"
      "thread P1 { while (true) { int[0..9] j = g + 2; if (j > 0) break; } g = 1; }\n");
  auto s = initial(p);
  for (unsigned t = 0; t < 2; ++t) {
    INFO("thread " << t);
    REQUIRE(steps_to_finish(p, s, t) > 0);
    const Thread& th = p.threads[t];
    for (std::uint32_t b = kPcBytes; b < th.area_size; ++b)
      CHECK(static_cast<int>(s[th.area_offset + b]) == 0);
  }
  CHECK(global(p, s, "g") == 1);
}
