// Oracle tests of partial-order reduction (docs/por.md; DESIGN §6, STYLE 5: `off` is the
// oracle). On every example (examples/**, except quarantine/ and the scale benchmarks under
// scaled/, which are millions of states), and on every kernel test (model/kernel/*/test/*.pcm),
// for every variant and mode its expect blocks name, and on seeded random models, the reduced
// search (POR on, liveness off) must give what the full search gives:
//   --all: the verdict, the set of violated properties, the number of end states and of end
//          states where `exists` holds (persistent sets preserve every terminal state), never
//          more states than the full search, and counterexamples that replay step by step on
//          the unreduced system (ProgramSystem::successors, no POR) and are exactly the full
//          search's (BFS re-derives them without POR: search_shortest.cpp);
//   first violation: the verdict, the violation and the counterexample of the full search;
//   -j 2 with POR gives exactly what -j 1 with POR gives (counts, paths);
//   both provisos (NewState, NextLevel) and DFS keep the same verdicts and end states;
//   sleep sets alone (--all): the same states at the same depths, end states, exists hits,
//          violated properties and counterexample lengths, and every transition of the full
//          search either generated or slept (transitions + slept = full transitions);
//   sleep sets with ample sets: what POR alone guarantees (verdicts, violated properties, end
//          states, exists hits, no more states), in --all and first-violation mode;
//   every counterexample found with sleep sets replays on the unreduced system.
// Pinned POR counts of the basics examples catch a reduction that silently weakens (the counts
// grow) or strengthens (they shrink: then the oracle above must still pass).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/replay.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using pcmc::checker::test::parse;
using pcmc::checker::test::require_replays;
using pcmc::checker::test::scenario_files;
using pcmc::checker::test::summary;
using pcmc::checker::test::Summary;

namespace {

constexpr std::uint64_t kCap = 400000;  // a run this large fails the test (none is)

checker::SearchOptions options(bool por, bool all) {
  checker::SearchOptions o = checker::test::safety_options(all, kCap);
  o.por = por;
  return o;
}

bool complete(const checker::VariantRun& r) {
  return r.result.incomplete_reason.empty();  // a capped run may still say "violated"
}

// What every reduction keeps (--all): the verdict, the violated properties, the end states and
// the end states where `exists` holds.
void check_same_outcome(const Summary& got, const Summary& want) {
  CHECK(got.status == want.status);
  CHECK(got.violated == want.violated);
  CHECK(got.end_states == want.end_states);
  CHECK(got.exists_hits == want.exists_hits);
}

// BFS with POR re-derives its counterexamples without POR (search_shortest.cpp): the violations
// are those of the unreduced search exactly — same properties, same order, same steps.
void require_same_violations(const checker::VariantRun& red, const checker::VariantRun& full) {
  CHECK(red.result.stats.rerun_failed.empty());
  REQUIRE(red.result.violations.size() == full.result.violations.size());
  for (std::size_t i = 0; i < red.result.violations.size(); ++i) {
    const checker::Counterexample& a = red.result.violations[i];
    const checker::Counterexample& b = full.result.violations[i];
    INFO("violation " << i << ": " << red.table.props.at(a.property).name);
    CHECK(a.property == b.property);
    CHECK(a.thread == b.thread);
    CHECK(std::equal(a.steps.begin(), a.steps.end(), b.steps.begin(), b.steps.end(),
                     [](const auto& x, const auto& y) {
                       return x.thread == y.thread && x.index == y.index;
                     }));
  }
  // A re-run happens exactly when some state was reduced and something was violated.
  CHECK((red.result.stats.rerun_states > 0) ==
        (red.result.stats.ample_states > 0 && !red.result.violations.empty()));
}

// Per violated property, the length of its counterexample.
std::map<std::string, std::size_t> lengths(const checker::VariantRun& r) {
  std::map<std::string, std::size_t> m;
  for (const auto& c : r.result.violations) m[r.table.props.at(c.property).name] = c.steps.size();
  return m;
}

// The sleep-set oracle against the full search `full` (--all, complete); returns the
// transitions slept by sleep sets alone.
std::uint64_t sleep_oracle(const model::ast::Model& ast, const model::SourceManager& sm,
                           const std::vector<std::string>& defines, bool debug_vm,
                           const checker::VariantRun& full) {
  const Summary f = summary(full);
  checker::SearchOptions o = options(false, true);
  o.sleep = true;
  const checker::VariantRun sl = checker::run_variant(ast, sm, defines, debug_vm, o);
  REQUIRE(sl.result.stats.sleep);
  REQUIRE(complete(sl));
  const Summary z = summary(sl);
  check_same_outcome(z, f);
  CHECK(z.states == f.states);
  CHECK(sl.result.stats.max_depth == full.result.stats.max_depth);
  CHECK(z.transitions + sl.result.stats.slept == f.transitions);
  CHECK(lengths(sl) == lengths(full));
  require_replays(sl);

  for (const bool all : {true, false}) {
    INFO("sleep sets with ample sets, " << (all ? "--all" : "first violation"));
    o = options(true, all);
    o.sleep = true;
    const checker::VariantRun both = checker::run_variant(ast, sm, defines, debug_vm, o);
    REQUIRE(both.result.stats.sleep);
    REQUIRE(both.result.stats.por);
    REQUIRE(complete(both));
    const Summary b = summary(both);
    CHECK(b.status == f.status);
    if (all) {
      check_same_outcome(b, f);
      CHECK(b.states <= f.states);
      require_same_violations(both, full);
    } else {
      for (const std::string& v : b.violated) CHECK(f.violated.count(v) == 1);
    }
    require_replays(both);
  }
  return sl.result.stats.slept;
}

// The POR oracle on one variant; returns false when the full search hit the cap.
bool por_oracle(const model::ast::Model& ast, const model::SourceManager& sm,
                const std::vector<std::string>& defines, bool debug_vm) {
  const checker::VariantRun full =
      checker::run_variant(ast, sm, defines, debug_vm, options(false, true));
  if (!complete(full)) return false;
  const Summary f = summary(full);
  sleep_oracle(ast, sm, defines, debug_vm, full);

  const checker::VariantRun red = checker::run_variant(ast, sm, defines, debug_vm, options(true, true));
  REQUIRE(red.result.stats.por);
  REQUIRE(complete(red));
  const Summary p = summary(red);
  check_same_outcome(p, f);
  CHECK(p.states <= f.states);
  require_replays(red);
  require_same_violations(red, full);

  // First-violation mode: the violation and counterexample of the unreduced search.
  const checker::VariantRun first =
      checker::run_variant(ast, sm, defines, debug_vm, options(true, false));
  CHECK(first.result.status == f.status);
  for (const std::string& v : summary(first).violated) CHECK(f.violated.count(v) == 1);
  require_replays(first);
  require_same_violations(
      first, checker::run_variant(ast, sm, defines, debug_vm, options(false, false)));

  // -j 2 with POR is the sequential POR search exactly.
  checker::SearchOptions par = options(true, true);
  par.workers = 2;
  const checker::VariantRun two = checker::run_variant(ast, sm, defines, debug_vm, par);
  const Summary q = summary(two);
  CHECK(q.states == p.states);
  CHECK(q.transitions == p.transitions);
  CHECK(q.violated == p.violated);
  CHECK(two.result.stats.ample_states == red.result.stats.ample_states);
  REQUIRE(two.result.violations.size() == red.result.violations.size());
  for (std::size_t i = 0; i < two.result.violations.size(); ++i) {
    const auto& a = two.result.violations[i].steps;
    const auto& b = red.result.violations[i].steps;
    CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.thread == y.thread && x.index == y.index;
    }));
  }

  // The conservative proviso, DFS, and a shuffled order keep verdicts and end states.
  for (int variant = 0; variant < 3; ++variant) {
    checker::SearchOptions o = options(true, true);
    if (variant == 0) o.proviso = checker::Proviso::NewState;
    if (variant == 1) o.order = checker::Order::DFS;
    if (variant == 2) o.shuffle_seed = 7;
    INFO("variant " << variant << " (0 NewState, 1 DFS, 2 shuffle 7)");
    const checker::VariantRun v = checker::run_variant(ast, sm, defines, debug_vm, o);
    REQUIRE(complete(v));
    check_same_outcome(summary(v), f);
    require_replays(v);
  }
  return true;
}

}  // namespace

// Every expected run of `files` (one tier of the corpus), POR on against POR off; returns how many
// runs were checked.
static unsigned por_every_example(const std::vector<std::string>& files) {
  unsigned checked = 0, skipped = 0;
  checker::test::for_each_expected_run(files, [&](const std::string&, const model::ast::Model& ast,
                                                  const model::SourceManager& sm,
                                                  const properties::RunSpec& spec) {
    const bool done = por_oracle(ast, sm, spec.defines, spec.debug_vm);
    CHECK(done);  // over kCap states: too large for this test
    ++(done ? checked : skipped);
  });
  INFO(checked << " runs checked, " << skipped << " over " << kCap << " states");
  return checked;
}

TEST_CASE("por: every example and kernel test, every expected variant, matches POR off",
          "[por][oracle]") {
  const auto files = checker::test::of_tier(scenario_files(), checker::test::Tier::routine);
  REQUIRE(files.size() >= 12);
  CHECK(por_every_example(files) >= checker::test::kRoutineRuns);
}

TEST_CASE("por: every example, every expected variant, matches POR off (long tier)",
          "[por][oracle][long]") {
  const auto files = checker::test::of_tier(scenario_files(), checker::test::Tier::long_tier);
  REQUIRE(files.size() == 2);  // C-R2 and C-stress (scaled/ is not in this corpus)
  CHECK(por_every_example(files) >= checker::test::kLongRuns);
}

TEST_CASE("por: random models match POR off", "[por][oracle]") {
  std::uint64_t full_states = 0, por_states = 0, slept = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    REQUIRE(por_oracle(ast, sm, {}, false));
    full_states += checker::run_variant(ast, sm, {}, false, options(false, true)).result.stats.states;
    por_states += checker::run_variant(ast, sm, {}, false, options(true, true)).result.stats.states;
    checker::SearchOptions o = options(false, true);
    o.sleep = true;
    slept += checker::run_variant(ast, sm, {}, false, o).result.stats.slept;
  }
  INFO("states: " << full_states << " without POR, " << por_states << " with");
  CHECK(por_states < full_states);  // the reduction does something on these models
  CHECK(slept > 0);                 // and so do sleep sets
}

// Pinned counts (POR on, --all, liveness off, BFS, NextLevel proviso) next to the unreduced ones
// (the expect blocks of examples/basics pin those, with liveness on).
TEST_CASE("por: pinned state counts of the basics examples", "[por]") {
  struct Pin {
    const char* file;
    std::vector<std::string> defines;
    std::uint64_t full, por, por_transitions;
  };
  const std::vector<Pin> pins = {
      {"abba_deadlock.pcm", {}, 23, 21, 22},
      {"abba_deadlock.pcm", {"ORDERED"}, 21, 20, 20},
      {"lost_update.pcm", {}, 12, 12, 14},
      {"lost_update.pcm", {"LOCKED"}, 16, 16, 16},
      {"use_after_free.pcm", {}, 24, 14, 14},
      {"use_after_free.pcm", {"SPECULATIVE_GET"}, 37, 30, 37},
      {"guarded_index.pcm", {}, 12, 12, 12},
      {"debug_only.pcm", {}, 14, 8, 7},
      {"livelock.pcm", {"SPLIT_TAILS"}, 13, 13, 12},
  };
  for (const Pin& pin : pins) {
    INFO(pin.file << " " << (pin.defines.empty() ? "B" : pin.defines.front()));
    model::SourceManager sm;
    const model::ast::Model ast =
        parse(sm, PCMC_SOURCE_DIR + "/examples/basics/" + std::string(pin.file));
    const auto full = checker::run_variant(ast, sm, pin.defines, false, options(false, true));
    const auto red = checker::run_variant(ast, sm, pin.defines, false, options(true, true));
    CHECK(full.result.stats.states == pin.full);
    CHECK(red.result.stats.states == pin.por);
    CHECK(red.result.stats.transitions == pin.por_transitions);
  }
}

// The basics examples whose POR counts lock-aware C1 changes (docs/por.md, "C1 with
// locks"): pinned with it on (the default) and off; verdicts and end states are those of POR
// off (the example oracle above checks them, with it on).
TEST_CASE("por: pinned lock-aware state counts of the basics examples", "[por]") {
  struct Pin {
    const char* file;
    std::vector<std::string> defines;
    std::uint64_t full, unaware, unaware_transitions, por, por_transitions;
  };
  const std::vector<Pin> pins = {
      {"page_frames.pcm", {"LOCKED"}, 941, 701, 964, 749, 886},
      {"thp_alloc.pcm", {"LOCKED"}, 2875, 2301, 3396, 2225, 2832},
  };
  for (const Pin& pin : pins) {
    INFO(pin.file << " " << pin.defines.front());
    model::SourceManager sm;
    const model::ast::Model ast =
        parse(sm, PCMC_SOURCE_DIR + "/examples/basics/" + std::string(pin.file));
    const auto full = checker::run_variant(ast, sm, pin.defines, false, options(false, true));
    checker::SearchOptions o = options(true, true);
    o.por_locks = false;
    const auto plain = checker::run_variant(ast, sm, pin.defines, false, o);
    const auto red = checker::run_variant(ast, sm, pin.defines, false, options(true, true));
    CHECK(full.result.stats.states == pin.full);
    CHECK(plain.result.stats.states == pin.unaware);
    CHECK(plain.result.stats.transitions == pin.unaware_transitions);
    CHECK(red.result.stats.states == pin.por);
    CHECK(red.result.stats.transitions == pin.por_transitions);
    check_same_outcome(summary(red), summary(full));
    check_same_outcome(summary(plain), summary(full));
  }
}

// Stubborn-set closure over threads (por.hpp): A0/A1 both write x and B0/B1 both write y, so
// while a pair is unfinished no single thread is ample, but each pair is (nothing outside it
// touches its variable). One-thread ample sets alone gave 48 states here; the full graph has 64.
TEST_CASE("por: a pair of interfering threads is ample when no single thread is", "[por]") {
  const char* text =
      "scenario pairs \"two pairs of threads, each pair sharing one variable\";\n"
      "int[0..3] x;\nint[0..3] y;\n"
      "thread A0 { x = 1; x = 2; }\nthread A1 { x = 3; }\n"
      "thread B0 { y = 1; y = 2; }\nthread B1 { y = 3; }\n"
      "final f: x != 0 && y != 0;\n";
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "pairs.pcm", text, model::ParseOptions{});
  const auto full = checker::run_variant(ast, sm, {}, false, options(false, true));
  CHECK(full.result.stats.states == 64);
  for (const unsigned workers : {1u, 2u}) {
    checker::SearchOptions o = options(true, true);
    o.workers = workers;
    const auto red = checker::run_variant(ast, sm, {}, false, o);
    CHECK(red.result.stats.states == 22);
    CHECK(red.result.stats.transitions == 24);
    CHECK(red.result.stats.end_states == full.result.stats.end_states);
    CHECK(summary(red).violated == summary(full).violated);
  }
}

// Ample sets apply with the non-termination pass (docs/reductions.md), sleep sets do not; C-R4's
// livelock (a truncation restarting forever) is found on the reduced graph, as a lasso that
// replays.
TEST_CASE("por: applied with the non-termination pass, sleep sets not", "[por]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, PCMC_SOURCE_DIR + "/examples/seed/c-r4-reg.pcm");
  checker::SearchOptions o = options(true, true);
  o.liveness = true;
  const auto r = checker::run_variant(ast, sm, {}, false, o);
  CHECK(r.result.stats.por);
  CHECK_FALSE(r.result.stats.sleep);
  CHECK(r.result.stats.ample_states > 0);
  CHECK(r.result.stats.liveness_graph == "reduced");
  CHECK(summary(r).violated.count("nontermination") == 1);
  require_replays(r);
}

// The ignoring problem (why C3 exists): T0 spins forever on an object nobody else touches, so
// its step is independent and invisible in every state; without the cycle proviso the reduced
// search would follow T0's cycle alone and never run T1, missing the invariant violation.
TEST_CASE("por: the cycle proviso keeps a thread from being ignored", "[por]") {
  const char* text =
      "scenario ignoring \"a spinning thread must not hide the other one\";\n"
      "int[0..1] a;\nint[0..1] g;\n"
      "thread T0 { for (;;) { a = 1 - a; } }\n"
      "thread T1 { g = 1; }\n"
      "invariant g_zero: g == 0;\n";
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "ignoring.pcm", text, model::ParseOptions{});
  for (const checker::Proviso pv : {checker::Proviso::NextLevel, checker::Proviso::NewState})
    for (const checker::Order order : {checker::Order::BFS, checker::Order::DFS}) {
      checker::SearchOptions o = options(true, true);
      o.proviso = pv;
      o.order = order;
      const auto r = checker::run_variant(ast, sm, {}, false, o);
      CHECK(summary(r).violated == std::set<std::string>{"g_zero"});
      require_replays(r);
    }
}

// search_shortest.cpp: with POR, BFS counterexamples are re-derived without POR. A and B are
// independent, so POR runs A alone to its assertion (each A step is ample) in a few states,
// while the unreduced BFS up to that depth sees the whole 9 x 9 grid.
TEST_CASE("por: counterexamples are re-derived without POR, or kept when that re-run is cut",
          "[por]") {
  const char* text =
      "scenario grid \"two independent counters; A asserts at its end\";\n"
      "int[0..9] x;\nint[0..9] y;\n"
      "thread A { x = 1; x = 2; x = 3; x = 4; x = 5; x = 6; x = 7; x = 8; BUG_ON(x != 0); }\n"
      "thread B { y = 1; y = 2; y = 3; y = 4; y = 5; y = 6; y = 7; y = 8; }\n";
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "grid.pcm", text, model::ParseOptions{});
  const auto full = checker::run_variant(ast, sm, {}, false, options(false, false));
  REQUIRE(full.result.violations.size() == 1);
  CHECK(full.result.violations[0].steps.size() == 9);

  const auto red = checker::run_variant(ast, sm, {}, false, options(true, false));
  CHECK(red.result.stats.ample_states > 0);
  CHECK(red.result.stats.rerun_states > red.result.stats.states);
  require_same_violations(red, full);

  // A state limit the reduced search fits in but the re-run does not: the reduced
  // counterexample is kept (real, replayable), and the result says why it may not be shortest.
  checker::SearchOptions capped = options(true, false);
  capped.max_states = red.result.stats.states + 1;
  REQUIRE(capped.max_states < red.result.stats.rerun_states);
  const auto cut = checker::run_variant(ast, sm, {}, false, capped);
  CHECK(cut.result.status == checker::Status::Violated);
  CHECK(cut.result.stats.rerun_failed ==
        "state limit " + std::to_string(capped.max_states) + " reached");
  CHECK(cut.result.incomplete_reason.empty());
  require_replays(cut);
}

// Lock-aware persistence (docs/por.md, "C1 with locks"): x is touched only under lock
// l0, y only under l1. While A holds l0, B and C can still work under l1 (they conflict with
// each other), and every future of theirs reaches x — but only past `await(l0 == NO_THREAD)`,
// which A keeps closed: lock-aware C1 runs A's steps under l0 alone (141 -> 115 states; 211
// without POR). Verdicts, violated properties, end states and exists counts are those of POR
// off and of lock-unaware POR.
TEST_CASE("por: lock-aware C1 runs a lock holder alone, with the verdicts of POR off", "[por]") {
  const char* text =
      "scenario lockpor \"x under lock l0, y under lock l1\";\n"
      "int[0..3] x;\nint[0..3] y;\nthread_t l0;\nthread_t l1;\n"
      "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      "void unlock0() { l0 = NO_THREAD; }\n"
      "void lock1() { atomic { await(l1 == NO_THREAD); l1 = current; } }\n"
      "void unlock1() { l1 = NO_THREAD; }\n"
      "thread A { lock0(); x = 1; x = (x + 1) % 4; unlock0(); }\n"
      "thread B { lock1(); y = 1; y = (y + 1) % 4; unlock1(); lock0(); x = 3; unlock0(); }\n"
      "thread C { lock1(); y = 3; unlock1(); lock0(); WARN_ON(x == 2); unlock0(); }\n"
      "final f: x != 2;\n"
      "exists (y == 3);\n";
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "lockpor.pcm", text, model::ParseOptions{});
  const auto full = checker::run_variant(ast, sm, {}, false, options(false, true));
  REQUIRE(complete(full));
  checker::SearchOptions unaware = options(true, true);
  unaware.por_locks = false;
  const auto plain = checker::run_variant(ast, sm, {}, false, unaware);
  const Summary f = summary(full);
  check_same_outcome(summary(plain), f);
  CHECK(f.violated.count("f") == 1);
  CHECK(f.exists_hits > 0);
  CHECK(f.states == 211);
  CHECK(plain.result.stats.states == 141);
  for (const unsigned workers : {1u, 2u}) {
    checker::SearchOptions o = options(true, true);
    o.workers = workers;
    const auto red = checker::run_variant(ast, sm, {}, false, o);
    REQUIRE(complete(red));
    check_same_outcome(summary(red), f);
    require_replays(red);
    require_same_violations(red, full);
    INFO("states: " << full.result.stats.states << " full, " << plain.result.stats.states
                    << " lock-unaware POR, " << red.result.stats.states << " lock-aware");
    CHECK(red.result.stats.states < plain.result.stats.states);
    CHECK(red.result.stats.states == 115);
  }
}

// Lock-heavy random models (RandomModel::locked_source, their own seed range): the whole POR
// oracle, lock-aware C1 on (the default); and it reduces more than lock-unaware POR in sum.
TEST_CASE("por: random lock models match POR off", "[por][oracle]") {
  std::uint64_t full_states = 0, plain_states = 0, lock_states = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.locked_source(seed);
    INFO("random lock model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    REQUIRE(por_oracle(ast, sm, {}, false));
    const auto full = checker::run_variant(ast, sm, {}, false, options(false, true));
    full_states += full.result.stats.states;
    checker::SearchOptions unaware = options(true, true);
    unaware.por_locks = false;
    const auto plain = checker::run_variant(ast, sm, {}, false, unaware);
    check_same_outcome(summary(plain), summary(full));
    plain_states += plain.result.stats.states;
    lock_states +=
        checker::run_variant(ast, sm, {}, false, options(true, true)).result.stats.states;
  }
  INFO("states: " << full_states << " without POR, " << plain_states << " lock-unaware POR, "
                  << lock_states << " lock-aware");
  CHECK(lock_states < plain_states);
  CHECK(plain_states < full_states);
}
