// Dead locals (model/liveness.hpp) on tiny programs: which bytes a step clears where it stops,
// and that the executor with ExecOptions::dead_vars stores them as 0 while the plain executor
// keeps the values the thread holds.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/liveness.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc::model;

namespace {

Program build(const std::string& src) {
  SourceManager sm;
  ast::Model m = parse_text(sm, "t.pcm", src, {});
  return compile(m, sm, CompileOptions{});
}

struct First : Sink {
  std::vector<std::uint8_t> state;
  std::size_t size;
  explicit First(std::size_t n) : size(n) {}
  void on_successor(const Successor& s) override {
    if (state.empty()) state.assign(s.state, s.state + size);
  }
};

// The area offset of local `name` of thread 0.
std::uint32_t local(const Program& p, const std::string& name) {
  for (const Symbol& s : p.symbols)
    if (s.name == name) return s.offset;
  FAIL("no symbol " << name);
  return 0;
}

// Runs thread 0 for `steps` steps (successor 0 each time).
std::vector<std::uint8_t> run(const Program& p, const Executor& ex, int steps) {
  std::vector<std::uint8_t> s(p.state_size);
  std::vector<Event> events;
  ex.initial_state(s.data(), events);
  Scratch scratch;
  for (int i = 0; i < steps; ++i) {
    First f(p.state_size);
    REQUIRE(ex.step(s.data(), 0, scratch, f) >= 1);
    s = f.state;
  }
  return s;
}

bool cleared_at(const DeadLocals& d, std::uint32_t pc, std::uint32_t off) {
  for (const auto& r : d.at(0, pc))
    if (off >= r.offset && off < r.offset + r.len) return true;
  return false;
}

}  // namespace

TEST_CASE("liveness: a local published and then overwritten is dead in between", "[liveness]") {
  // Steps: [h = t] [g = 1] [t = g] [h = t]: t is dead from after the first to the third.
  const Program p = build(
      "scenario s \"s\";\nint[0..3] g;\nint[0..3] h;\n"
      "thread P { int[0..3] t = 2; h = t; g = 1; t = g; h = t; }\n");
  const DeadLocals d(p);
  const std::uint32_t t = local(p, "P.t") - p.threads[0].area_offset;
  Executor plain(p, ExecOptions{});
  ExecOptions eo;
  eo.dead_vars = true;
  Executor reduced(p, eo);
  REQUIRE(reduced.dead_locals() != nullptr);
  CHECK(plain.dead_locals() == nullptr);
  const auto a = run(p, plain, 1), b = run(p, reduced, 1);  // stopped before `g = 1`
  CHECK(Executor::load(a.data(), local(p, "P.t"), 1) == 2);   // the value the thread holds
  CHECK(Executor::load(b.data(), local(p, "P.t"), 1) == 0);   // dead: stored as 0
  CHECK(cleared_at(d, plain.pc(a.data(), 0), t));
  // Before `h = t` it is live (read there).
  const auto c = run(p, reduced, 0);
  CHECK(!cleared_at(d, reduced.pc(c.data(), 0), t));
  CHECK(d.total_bytes() > 0);
}

TEST_CASE("liveness: a computed index keeps the whole array live, a constant one kills a slot",
          "[liveness]") {
  const std::string head = "scenario s \"s\";\nint[0..3] g;\nint[0..3] h;\nint[0..1] k;\n"
                           "init { g = 2; }\n";
  ExecOptions eo;
  eo.dead_vars = true;
  {  // read through v[k]: both slots live before `h = 1`
    const Program p = build(head + "thread P { int[0..3] v[2]; v[0] = g; v[1] = g; h = 1; "
                                   "h = v[k]; }\n");
    const Executor reduced(p, eo);
    const auto s = run(p, reduced, 2);  // stopped before `h = 1`
    CHECK(Executor::load(s.data(), local(p, "P.v[0]"), 1) == 2);
    CHECK(Executor::load(s.data(), local(p, "P.v[1]"), 1) == 2);
  }
  {  // v[0] = 0 (a constant index) overwrites slot 0 before it is read: dead there
    const Program p = build(head + "thread P { int[0..3] v[2]; v[0] = g; v[1] = g; h = 1; "
                                   "v[0] = 0; h = v[0] + v[1]; }\n");
    const Executor reduced(p, eo), plain(p, ExecOptions{});
    const auto s = run(p, reduced, 2), c = run(p, plain, 2);
    CHECK(Executor::load(s.data(), local(p, "P.v[0]"), 1) == 0);
    CHECK(Executor::load(c.data(), local(p, "P.v[0]"), 1) == 2);
    CHECK(Executor::load(s.data(), local(p, "P.v[1]"), 1) == 2);
  }
}

TEST_CASE("liveness: an out-parameter's target is killed by the callee's store", "[liveness]") {
  const Program p = build(
      "scenario s \"s\";\nint[0..3] g;\nint[0..3] h;\n"
      "void fetch(int[0..3] *out) { *out = g; }\n"
      "thread P { int[0..3] x = 3; h = x; h = 1; fetch(&x); h = x; }\n");
  ExecOptions eo;
  eo.dead_vars = true;
  const Executor reduced(p, eo), plain(p, ExecOptions{});
  // Stopped before `h = 1`: x (3) is dead, as fetch overwrites it before `h = x` reads it.
  const auto a = run(p, plain, 1), b = run(p, reduced, 1);
  CHECK(Executor::load(a.data(), local(p, "P.x"), 1) == 3);
  CHECK(Executor::load(b.data(), local(p, "P.x"), 1) == 0);
  const auto stats = dead_local_stats(p, DeadLocals(p));
  bool found = false;
  for (const auto& s : stats)
    if (p.symbols[static_cast<std::size_t>(s.symbol)].name == "P.x") {
      found = true;
      CHECK(s.dead >= 1);
      CHECK(s.dead < s.stops);
    }
  CHECK(found);
}

namespace {

// Collects every successor of one thread step.
struct All : Sink {
  std::vector<std::vector<std::uint8_t>> states;
  std::vector<bool> fatal;
  std::size_t size;
  explicit All(std::size_t n) : size(n) {}
  void on_successor(const Successor& s) override {
    states.emplace_back(s.state, s.state + size);
    fatal.push_back(s.fatal);
  }
};

// The reduced form of a concrete state: each unfinished thread's dead bytes at its pc cleared.
std::vector<std::uint8_t> canon(const Program& p, const DeadLocals& d, std::vector<std::uint8_t> s,
                                const Executor& ex) {
  for (unsigned t = 0; t < p.threads.size(); ++t) {
    if (ex.finished(s.data(), t)) {
      std::memset(s.data() + p.threads[t].area_offset + kPcBytes, 0,
                  p.threads[t].area_size - kPcBytes);
      continue;
    }
    for (const auto& r : d.at(t, ex.pc(s.data(), t)))
      std::memset(s.data() + p.threads[t].area_offset + r.offset, 0, r.len);
  }
  return s;
}

// Step by step: from every concrete state reached (up to `cap`), each thread's successors on the
// reduced executor are the reduced forms of its concrete successors, index by index, and stepping
// from the reduced form gives the same (the bisimulation of liveness.hpp).
void check_bisimulation(const Program& p, std::size_t cap) {
  ExecOptions eo;
  eo.dead_vars = true;
  const Executor plain(p, ExecOptions{}), reduced(p, eo);
  const DeadLocals& d = *reduced.dead_locals();
  std::vector<std::uint8_t> init(p.state_size);
  std::vector<Event> events;
  plain.initial_state(init.data(), events);
  std::set<std::vector<std::uint8_t>> seen{init};
  std::vector<std::vector<std::uint8_t>> queue{init};
  Scratch scratch;
  for (std::size_t q = 0; q < queue.size() && seen.size() < cap; ++q) {
    const std::vector<std::uint8_t> s = queue[q];
    const std::vector<std::uint8_t> c = canon(p, d, s, plain);
    for (unsigned t = 0; t < p.threads.size(); ++t) {
      All a(p.state_size), b(p.state_size);
      plain.step(s.data(), t, scratch, a);
      reduced.step(c.data(), t, scratch, b);
      INFO("thread " << p.threads[t].name << " at pc " << plain.pc(s.data(), t) << " (line "
                     << p.threads[t].code.at(plain.pc(s.data(), t) < p.threads[t].code.size() ? plain.pc(s.data(), t) : 0).loc.line << ")");
      REQUIRE(a.states.size() == b.states.size());
      for (std::size_t i = 0; i < a.states.size(); ++i) {
        REQUIRE(a.fatal[i] == b.fatal[i]);
        if (a.fatal[i]) continue;
        const auto want = canon(p, d, a.states[i], plain);
        if (want != b.states[i])
          for (std::size_t k = 0; k < want.size(); ++k)
            if (want[k] != b.states[i][k]) {
              std::string name = "?";
              for (const Symbol& sym : p.symbols)
                if (sym.offset <= k && k < sym.offset + (sym.is_pc ? 2u : sym.scalar.width))
                  name = sym.name;
              FAIL_CHECK("successor " << i << " differs at byte " << k << " (" << name << ")");
              break;
            }
        REQUIRE(want == b.states[i]);
        if (seen.insert(a.states[i]).second) queue.push_back(a.states[i]);
      }
    }
  }
}

}  // namespace

TEST_CASE("liveness: the reduction is a bisimulation step by step on the seed scenarios",
          "[liveness]") {
  for (const char* f : {"examples/seed/c-r1.pcm", "examples/seed/c-r3.pcm",
                        "examples/seed/c-stress.pcm"}) {
    INFO(f);
    SourceManager sm;
    ParseOptions po;
    po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
    const Program p = load_program(sm, PCMC_SOURCE_DIR + "/" + std::string(f), po, CompileOptions{});
    check_bisimulation(p, 20000);
  }
}
