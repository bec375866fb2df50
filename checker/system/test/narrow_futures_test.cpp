// Narrowed futures (model/narrow_footprint.hpp) through ProgramSystem on tiny programs: a pointer
// local stable up to its access narrows the future to the element it holds in the state; a
// reassignment before the access kills it (every element); a copy into a parameter renames it;
// the loop fixpoint carries a kill around the back edge; a lock barrier on `p->lk` is closed
// only by the lock word of the element p holds. Each check fails with the wide futures
// (model/footprint.hpp), which count every element.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "checker/system/program_system.hpp"
#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/parser.hpp"
#include "properties/table.hpp"

using namespace pcmc;

namespace {

const char* kDecls =
    "struct obj { int[0..3] v; thread_t lk; struct obj *next; };\n"
    "pool struct obj objs[3] named { E0, E1, E2 };\n"
    "struct obj *g;\nint[0..3] x;\n";

struct Built {
  model::SourceManager sm;
  model::Program p;
  std::unique_ptr<model::Executor> exec;
  properties::PropertyTable table;
  std::unique_ptr<checker::ProgramSystem> sys;
  std::vector<std::uint8_t> state;

  Built(const std::string& init, const std::string& threads) {
    const std::string src = std::string("scenario n \"narrow\";\n") + kDecls + "init { " + init +
                            " }\n" + threads;
    model::ast::Model m = model::parse_text(sm, "n.pcm", src, {});
    p = model::compile(m, sm, model::CompileOptions{});
    exec = std::make_unique<model::Executor>(p, model::ExecOptions{});
    table = properties::build_property_table(p);
    sys = std::make_unique<checker::ProgramSystem>(*exec, table);
    state.resize(p.state_size);
    std::vector<model::Event> events;
    exec->initial_state(state.data(), events);
  }

  // Runs `steps` steps of `thread` (its first successor each time).
  void step(unsigned thread, int steps) {
    struct First : model::Sink {
      std::vector<std::uint8_t> s;
      std::size_t n;
      void on_successor(const model::Successor& x) override {
        if (s.empty()) s.assign(x.state, x.state + n);
      }
    };
    model::Scratch scratch;
    for (int i = 0; i < steps; ++i) {
      First f;
      f.n = p.state_size;
      REQUIRE(exec->step(state.data(), thread, scratch, f) >= 1);
      state = f.s;
    }
  }

  std::uint32_t global(const std::string& name) const {
    for (const model::Symbol& s : p.symbols)
      if (s.name == name && s.thread == -1) return s.offset;
    FAIL("no global " << name);
    return 0;
  }

  // A footprint writing (or reading) the global named `name`.
  checker::Footprint touching(const std::string& name, bool write) const {
    checker::Footprint fp;
    const std::size_t words = (p.globals_size + 63) / 64;
    fp.reads.assign(words, 0);
    fp.writes.assign(words, 0);
    const std::uint32_t b = global(name);
    (write ? fp.writes : fp.reads)[b / 64] |= std::uint64_t{1} << (b % 64);
    return fp;
  }

  bool interferes(unsigned thread, const std::string& name, bool write = true) const {
    return sys->may_interfere(state.data(), thread, touching(name, write));
  }
};

}  // namespace

TEST_CASE("narrowed futures: a stable pointer local names the element it holds",
          "[por][narrow]") {
  Built b("g = E1;", "thread A { struct obj *p = g; x = 1; p->v = 1; }\nthread B { x = 2; }\n");
  b.step(0, 1);  // p = E1; A waits at x = 1
  CHECK_FALSE(b.interferes(0, "E0.v"));
  CHECK_FALSE(b.interferes(0, "E2.v"));
  CHECK(b.interferes(0, "E1.v"));
  CHECK(b.interferes(0, "E1.v", false));  // a read of the step meets the future write
  // Before p is assigned, its value is not the one the access uses: every element.
  Built a("g = E1;", "thread A { struct obj *p = g; x = 1; p->v = 1; }\nthread B { x = 2; }\n");
  CHECK(a.interferes(0, "E0.v"));
}

TEST_CASE("narrowed futures: a reassignment before the access widens it, the old value's "
          "read stays narrowed", "[por][narrow]") {
  Built b("g = E1; E1->next = E2;",
          "thread A { struct obj *p = g; x = 1; p = p->next; p->v = 1; }\nthread B { x = 2; }\n");
  b.step(0, 1);
  CHECK(b.interferes(0, "E0.v"));        // p->v after p = p->next: every element
  CHECK(b.interferes(0, "E1.next"));     // p = p->next reads E1.next through the old p
  CHECK_FALSE(b.interferes(0, "E0.next"));
  CHECK_FALSE(b.interferes(0, "E2.next"));
}

TEST_CASE("narrowed futures: a copy into a parameter renames the key", "[por][narrow]") {
  Built b("g = E2;",
          "void f(struct obj *q) { q->v = 1; }\n"
          "thread A { struct obj *p = g; x = 1; f(p); }\nthread B { x = 2; }\n");
  b.step(0, 1);
  CHECK_FALSE(b.interferes(0, "E0.v"));
  CHECK_FALSE(b.interferes(0, "E1.v"));
  CHECK(b.interferes(0, "E2.v"));
}

TEST_CASE("narrowed futures: the loop fixpoint", "[por][narrow]") {
  Built stable("g = E1;",
               "thread A { struct obj *p = g; x = 1; while (x < 3) { p->v = 1; x = x + 1; } }\n"
               "thread B { x = 2; }\n");
  stable.step(0, 1);
  CHECK_FALSE(stable.interferes(0, "E0.v"));
  CHECK(stable.interferes(0, "E1.v"));
  // p moves on in the body: the back edge brings the kill to the loop head.
  Built moving("g = E0; E0->next = E1;",
               "thread A { struct obj *p = g; x = 1; while (x < 3) { p->v = 1; p = p->next; "
               "x = x + 1; } }\nthread B { x = 2; }\n");
  moving.step(0, 1);
  CHECK(moving.interferes(0, "E2.v"));
}

TEST_CASE("narrowed futures: a page-lock barrier is closed only by the current element's lock",
          "[por][narrow]") {
  const std::string threads =
      "thread A { struct obj *p = g; x = 1; atomic { await(p->lk == NO_THREAD); "
      "p->lk = current; } p->v = 1; }\n"
      "thread B { atomic { await(E1->lk == NO_THREAD); E1->lk = current; } x = 2; }\n";
  for (const char* init : {"g = E1;", "g = E0;"}) {
    INFO(init);
    Built b(init, threads);
    b.step(0, 1);  // A: p = g
    b.step(1, 1);  // B holds E1's lock
    const bool on_e1 = std::string(init) == "g = E1;";
    CHECK(((b.sys->barrier_holders(b.state.data()) >> 1) & 1) == 1);
    checker::TransitionSystem::CutFuture cut;
    REQUIRE(b.sys->cut_future(b.state.data(), 0, std::uint64_t{1} << 1, cut));
    const std::uint32_t lk1 = b.global("E1.lk"), lk0 = b.global("E0.lk");
    const std::uint32_t v1 = b.global("E1.v"), v0 = b.global("E0.v");
    const auto bit = [](const std::vector<std::uint64_t>& v, std::uint32_t o) {
      return ((v[o / 64] >> (o % 64)) & 1) != 0;
    };
    CHECK(bit(cut.held, lk1) == on_e1);   // closed on E1 by B, open on E0
    CHECK_FALSE(bit(cut.held, lk0));
    CHECK(bit(cut.writes, on_e1 ? v1 : v0) == !on_e1);  // what follows the barrier
    CHECK_FALSE(bit(cut.writes, on_e1 ? v0 : v1));
  }
}
