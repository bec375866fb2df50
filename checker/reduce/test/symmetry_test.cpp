// Oracle tests of symmetry reduction on programs (docs/symmetry.md; DESIGN §6,
// STYLE 5: `off` is the oracle). On every example (examples/**, except quarantine/ and the scale
// benchmarks under scaled/) and every kernel test (model/kernel/*/test/*.pcm), for every variant
// and mode its expect blocks name, and on seeded random models with interchangeable threads,
// symmetry on (liveness off) must give what it gives off:
//   --all: the verdict, the set of violated properties, the exists verdict (never / sometimes /
//          always over the end states), never more states or end states, and counterexamples
//          that replay step by step on the unreduced system (ProgramSystem, no symmetry);
//   first violation: the verdict, and a property the full search violates, replayable;
//   -j 2 with symmetry gives exactly what -j 1 with symmetry gives (counts, paths);
//   DFS with symmetry keeps verdicts.
// Pinned symmetry counts of the basics examples and of C-R1 catch a canonicaliser that silently
// weakens (counts grow) or merges too much (counts shrink: then the oracle must still pass).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "checker/reduce/program_symmetry.hpp"
#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/replay.hpp"
#include "model/compile.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using pcmc::checker::test::compile_file;
using pcmc::checker::test::compile_text;
using pcmc::checker::test::parse;
using pcmc::checker::test::require_replays;
using pcmc::checker::test::scenario_files;
using pcmc::checker::test::summary;
using pcmc::checker::test::Summary;
using pcmc::checker::test::symmetry_options;

namespace {

constexpr std::uint64_t kCap = 400000;  // a run this large fails the test (none is)

// never / sometimes / always over the end states
int exists_verdict(const Summary& s) {
  return s.exists_hits == 0 ? 0 : s.exists_hits == s.end_states ? 2 : 1;
}

bool same_paths(const checker::Result& a, const checker::Result& b) {
  if (a.violations.size() != b.violations.size()) return false;
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    const auto& x = a.violations[i].steps;
    const auto& y = b.violations[i].steps;
    if (!std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
          return p.thread == q.thread && p.index == q.index;
        }))
      return false;
  }
  return true;
}

struct OracleRun {
  bool complete = false;      // the full search stayed under kCap
  bool applied = false;       // symmetry found interchangeable threads
  std::uint64_t full = 0, reduced = 0;
};

// `por`: partial-order reduction on as well in every reduced run (the oracle stays both off).
OracleRun symmetry_oracle(const model::ast::Model& ast, const model::SourceManager& sm,
                          const std::vector<std::string>& defines, bool debug_vm,
                          bool por = false) {
  OracleRun out;
  const auto full =
      checker::run_variant(ast, sm, defines, debug_vm, symmetry_options(false, true, kCap));
  if (!full.result.incomplete_reason.empty()) return out;
  out.complete = true;
  const Summary f = summary(full);
  CHECK_FALSE(full.result.stats.symmetry);

  const auto red =
      checker::run_variant(ast, sm, defines, debug_vm, symmetry_options(true, true, kCap, por));
  REQUIRE(red.result.incomplete_reason.empty());
  out.applied = red.result.stats.symmetry;
  const Summary p = summary(red);
  CHECK(p.status == f.status);
  CHECK(p.violated == f.violated);
  CHECK(exists_verdict(p) == exists_verdict(f));
  CHECK((p.end_states > 0) == (f.end_states > 0));
  CHECK(p.end_states <= f.end_states);
  CHECK(p.states <= f.states);
  if (!out.applied && !por) CHECK(p.states == f.states);
  CHECK(red.result.stats.por == por);
  out.full = f.states;
  out.reduced = p.states;
  require_replays(red);

  const auto first =
      checker::run_variant(ast, sm, defines, debug_vm, symmetry_options(true, false, kCap, por));
  CHECK(first.result.status == f.status);
  for (const std::string& v : summary(first).violated) CHECK(f.violated.count(v) == 1);
  require_replays(first);

  checker::SearchOptions par = symmetry_options(true, true, kCap, por);
  par.workers = 2;
  const auto two = checker::run_variant(ast, sm, defines, debug_vm, par);
  CHECK(two.result.stats.states == p.states);
  CHECK(two.result.stats.transitions == p.transitions);
  CHECK(summary(two).violated == p.violated);
  CHECK(same_paths(two.result, red.result));

  checker::SearchOptions dfs = symmetry_options(true, true, kCap, por);
  dfs.order = checker::Order::DFS;
  const auto d = checker::run_variant(ast, sm, defines, debug_vm, dfs);
  CHECK(summary(d).status == f.status);
  CHECK(summary(d).violated == f.violated);
  require_replays(d);
  return out;
}

const char* kWorkers =
    "scenario w \"workers\";\n"
    "int[0..7] counter;\nthread_t owner;\n"
    "void lock() { atomic { await(owner == NO_THREAD); owner = current; } }\n"
    "void unlock() { owner = NO_THREAD; }\n"
    "void work() { int[0..7] t; lock(); t = counter; counter = t + 1; unlock(); }\n"
    "thread P0 { work(); }\nthread P1 { work(); }\nthread P2 { work(); }\n"
    "thread Q { counter = 0; }\n"
    "final all: counter >= 0;\n";

}  // namespace

// Every expected run of `files` (one tier of the corpus), with and without POR: symmetry on
// against off. Returns {runs checked, runs where symmetry applied}.
static std::pair<unsigned, unsigned> symmetry_every_example(
    const std::vector<std::string>& files) {
  unsigned checked = 0, applied = 0;
  checker::test::for_each_expected_run(files, [&](const std::string&, const model::ast::Model& ast,
                                                  const model::SourceManager& sm,
                                                  const properties::RunSpec& spec) {
    for (const bool por : {false, true}) {
      const OracleRun r = symmetry_oracle(ast, sm, spec.defines, spec.debug_vm, por);
      CHECK(r.complete);  // over kCap states: too large for this test
      ++checked;
      if (r.applied) ++applied;
    }
  });
  INFO(checked << " runs checked, " << applied << " with interchangeable threads");
  return {checked, applied};
}

TEST_CASE("symmetry: every example and kernel test, every expected variant, matches off",
          "[symmetry][oracle]") {
  const auto files = checker::test::of_tier(scenario_files(), checker::test::Tier::routine);
  REQUIRE(files.size() >= 12);
  const auto [checked, applied] = symmetry_every_example(files);
  CHECK(checked >= 2 * checker::test::kRoutineRuns);
  CHECK(applied >= 20);  // C-R1, C-R4, ... have two identical openers in many variants
}

TEST_CASE("symmetry: every example, every expected variant, matches off (long tier)",
          "[symmetry][oracle][long]") {
  const auto files = checker::test::of_tier(scenario_files(), checker::test::Tier::long_tier);
  REQUIRE(files.size() == 2);  // C-R2 and C-stress (scaled/ is not in this corpus)
  // C-R2's and C-stress's threads are all different (khugepaged, openers with different
  // ranges), so symmetry finds nothing to interchange here: the oracle is that it changes nothing.
  const auto [checked, applied] = symmetry_every_example(files);
  CHECK(checked >= 2 * checker::test::kLongRuns);
  CHECK(applied == 0);
}

// Also with POR on (docs/symmetry.md, "POR and symmetry together"): the same oracle, and the
// product reduces more than symmetry alone on the same models.
TEST_CASE("symmetry: random models with identical threads match off, with and without POR",
          "[symmetry][por][oracle]") {
  std::uint64_t full = 0, reduced = 0, both = 0;
  unsigned applied = 0, with_locals = 0, skipped = 0;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.symmetric_source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    const OracleRun r = symmetry_oracle(ast, sm, {}, false);
    if (!r.complete) {
      ++skipped;  // four threads can exceed kCap
      continue;
    }
    full += r.full;
    reduced += r.reduced;
    const OracleRun b = symmetry_oracle(ast, sm, {}, false, /*por=*/true);
    REQUIRE(b.complete);
    both += b.reduced;
    if (!r.applied) continue;
    ++applied;
    model::CompileOptions co;
    const checker::ProgramSymmetry ps = checker::program_symmetry(model::compile(ast, sm, co));
    for (const auto& cells : ps.spec.local_cells)
      if (!cells.empty()) {
        ++with_locals;
        break;
      }
  }
  INFO("states: " << full << " without symmetry, " << reduced << " with, " << both
                  << " with POR too; " << applied
                  << " models reduced, " << with_locals << " with thread_t locals, " << skipped
                  << " over " << kCap << " states");
  CHECK(skipped <= 5);
  CHECK(applied >= 70);      // identical bodies are found (nothing names a thread)
  CHECK(with_locals >= 20);  // and thread cells in thread areas are exercised
  CHECK(reduced * 10 < full * 7);
  CHECK(both < reduced);
}

TEST_CASE("symmetry: random models without identical threads are unchanged", "[symmetry]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    REQUIRE(symmetry_oracle(ast, sm, {}, false).complete);
  }
}

// Pinned counts (symmetry on, --all, liveness off, BFS) next to the unreduced ones.
TEST_CASE("symmetry: pinned state counts of the basics examples and C-R1", "[symmetry]") {
  struct Pin {
    const char* file;
    std::vector<std::string> defines;
    bool debug_vm;
    std::uint64_t full, sym, sym_end;
  };
  const std::vector<Pin> pins = {
      // Two threads in different roles: nothing to reduce.
      {"basics/abba_deadlock.pcm", {}, false, 23, 23, 1},
      {"basics/abba_deadlock.pcm", {"ORDERED"}, false, 21, 21, 1},
      {"basics/use_after_free.pcm", {}, false, 24, 24, 2},
      {"basics/guarded_index.pcm", {}, false, 12, 12, 1},
      {"basics/debug_only.pcm", {}, false, 14, 14, 1},
      {"basics/livelock.pcm", {"SPLIT_TAILS"}, false, 13, 13, 1},
      // Two identical incrementers.
      {"basics/lost_update.pcm", {}, false, 12, 8, 2},
      {"basics/lost_update.pcm", {"LOCKED"}, false, 16, 9, 1},
      // Two identical openers: (2520 + 16 symmetric states) / 2 = 1268 orbits.
      {"seed/c-r1.pcm", {}, false, 2520, 1268, 2},
      {"seed/c-r1.pcm", {}, true, 1963, 987, 1},
  };
  for (const Pin& pin : pins) {
    INFO(pin.file << " " << (pin.defines.empty() ? "B" : pin.defines.front())
                  << (pin.debug_vm ? " debug" : ""));
    model::SourceManager sm;
    const model::ast::Model ast = parse(sm, PCMC_SOURCE_DIR + "/examples/" + std::string(pin.file));
    const auto full = checker::run_variant(ast, sm, pin.defines, pin.debug_vm,
                                           symmetry_options(false, true, kCap));
    const auto sym = checker::run_variant(ast, sm, pin.defines, pin.debug_vm,
                                          symmetry_options(true, true, kCap));
    CHECK(full.result.stats.states == pin.full);
    CHECK(sym.result.stats.states == pin.sym);
    CHECK(sym.result.stats.end_states == pin.sym_end);
  }
}

TEST_CASE("symmetry: detection of interchangeable threads", "[symmetry]") {
  SECTION("C-R1: the two openers") {
    const model::Program p = compile_file(PCMC_SOURCE_DIR + "/examples/seed/c-r1.pcm");
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{Oa, Ob}");
    CHECK(s.spec.global_cells.size() >= 5);  // lock owners of M and of every page
  }
  SECTION("C-stress-5: the two openers, not khugepaged, the reader or the splitter") {
    const model::Program p = compile_file(PCMC_SOURCE_DIR + "/examples/quarantine/c-stress-5.pcm");
    CHECK(checker::describe_classes(p, checker::program_symmetry(p).spec) == "{Oa, Ob}");
  }
  SECTION("one thread stores its result, the other does not: different code") {
    const model::Program p = compile_text(
        "scenario r \"result\";\nint[0..3] g;\nbool ok;\n"
        "bool f() { g = g + 1; return true; }\n"
        "thread A { ok = f(); }\nthread B { f(); }\n");
    CHECK(checker::program_symmetry(p).spec.empty());
  }
  SECTION("the same calls make a class; another body stays out") {
    const model::Program p = compile_text(kWorkers);
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1, P2}");
    CHECK(s.spec.global_cells.size() == 1);
  }
  SECTION("different arguments are different code") {
    const model::Program p = compile_text(
        "scenario a \"args\";\nint[0..3] g;\nvoid f(int[0..3] v) { g = v; }\n"
        "thread A { f(1); }\nthread B { f(2); }\nthread C { f(1); }\n");
    CHECK(checker::describe_classes(p, checker::program_symmetry(p).spec) == "{A, C}");
  }
  SECTION("area bytes used as thread_t and as int: off, with a note") {
    const model::Program p = compile_text(
        "scenario c \"conflict\";\nthread_t o;\nint[0..3] g;\n"
        "void f() { thread_t w = o; if (w == NO_THREAD) g = 1; }\n"
        "void h() { int[0..3] i = g; g = i; }\n"
        "thread A { f(); h(); }\nthread B { f(); h(); }\n");
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(s.spec.empty());
    REQUIRE(s.notes.size() >= 1);
    CHECK(s.notes[0].find("thread_t and as another type") != std::string::npos);
  }
  SECTION("a constant thread value excludes that thread") {
    // The language has no thread constants; a compiled comparison with one is made by hand.
    model::Program p = compile_text(kWorkers);
    // Every thread's lock() becomes `await(owner == P1)`: P1 is singled out, P0 and P2 still
    // run the same code.
    unsigned patched = 0;
    for (model::ENode& n : p.exprs) {
      if (n.op != model::EOp::Eq) continue;
      model::ENode& k = p.exprs.at(static_cast<std::size_t>(n.b));
      if (k.op == model::EOp::Const && k.value == 0) {
        k.value = 2;
        ++patched;
      }
    }
    REQUIRE(patched >= 3);
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P2}");
    REQUIRE(s.notes.size() == 1);
    CHECK(s.notes[0] == "thread P1 is named by a constant");
  }
}

// With the non-termination pass the quotient decides when it is acyclic, else the full graph
// does (docs/reductions.md): the verdicts of the search without symmetry either way.
TEST_CASE("symmetry: applied with the non-termination pass", "[symmetry]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, PCMC_SOURCE_DIR + "/examples/seed/c-r1.pcm");
  checker::SearchOptions o = symmetry_options(true, true, kCap);
  o.liveness = true;
  const auto r = checker::run_variant(ast, sm, {}, false, o);
  o.symmetry = false;
  const auto off = checker::run_variant(ast, sm, {}, false, o);
  CHECK(r.result.stats.symmetry);
  CHECK(r.result.stats.states < off.result.stats.states);
  CHECK(off.result.stats.states == 2520);
  CHECK(!r.result.stats.liveness_graph.empty());
  CHECK(summary(r).violated == summary(off).violated);
  require_replays(r);
}

TEST_CASE("symmetry: three identical workers and a fourth thread", "[symmetry]") {
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "w.pcm", kWorkers, model::ParseOptions{});
  const auto full = checker::run_variant(ast, sm, {}, false, symmetry_options(false, true, kCap));
  const auto sym = checker::run_variant(ast, sm, {}, false, symmetry_options(true, true, kCap));
  CHECK(sym.result.stats.symmetry_classes == "{P0, P1, P2}");
  CHECK(full.result.stats.states == 157);
  CHECK(sym.result.stats.states == 46);
}
