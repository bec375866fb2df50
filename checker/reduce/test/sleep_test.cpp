// Sleep sets (SearchOptions::sleep; checker/reduce/sleep_sets.hpp, docs/sleep-sets.md):
// hand-computed counts on toy models with footprints, the conditions under which they apply
// (BFS, no liveness, no symmetry), the merge rule against invariant-violating states, hash
// compaction, -j 2, and pinned counts of the basics examples. The oracle on every example and on
// random models is in por_test.cpp (against off) and oracle_test.cpp (-j 2 against -j 1).
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;

namespace {

SearchOptions reduced(bool sleep, bool por = false) {
  SearchOptions o;
  o.all = true;
  o.liveness = false;
  o.sleep = sleep;
  o.por = por;
  return o;
}

// Per violated property (by name), the length of its counterexample.
std::map<std::string, std::size_t> lengths(const VariantRun& r) {
  std::map<std::string, std::size_t> m;
  for (const Counterexample& c : r.result.violations)
    m[r.table.props.at(c.property).name] = c.steps.size();
  return m;
}

VariantRun run_text(const char* text, const SearchOptions& o) {
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
  return run_variant(ast, sm, {}, false, o);
}

}  // namespace

// Two independent threads of k steps each: the grid (i, j), 0 <= i, j <= k. Expansion order
// thread 0 then thread 1; thread 0 is never in a sleep set of row j = 0 (its only edges come from
// thread 0, whose contribution can hold thread 1 only), and every state (i, j) with j >= 1 is
// first reached by thread 1 from (i, j - 1), with thread 0 asleep: at (i, 0) thread 0 was
// explored before thread 1 (i < k), and Z = {0} propagates up the column along thread 1's steps
// (independent of thread 0). The edge into (i, j) by thread 0 from (i - 1, j) is never generated
// (thread 0 is asleep there), so nothing intersects. Generated: row 0 has 2 per state for i < k
// and 1 at (k, 0): 2k + 1; rows 1..k-1 have thread 1 only: (k - 1)(k + 1); row k nothing. Total
// 2k + 1 + k^2 - 1 = k(k + 2) = (k + 1)^2 - 1: a spanning tree of the grid. Slept: thread 0 in
// every (i, j) with j >= 1 and i < k: k^2. Off: 2k(k + 1) = k(k + 2) + k^2.
TEST_CASE("sleep: two independent threads: the same states, a spanning tree of transitions",
          "[sleep]") {
  for (const std::uint8_t k : {std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{3}, std::uint8_t{7}}) {
    INFO("k = " << int(k));
    const FootprintCounters sys(2, k);
    const Result off = run(sys, reduced(false));
    const std::uint64_t n = k;
    CHECK(off.stats.states == (n + 1) * (n + 1));
    CHECK(off.stats.transitions == 2 * n * (n + 1));
    CHECK_FALSE(off.stats.sleep);
    for (const unsigned workers : {1u, 2u}) {
      INFO("workers " << workers);
      SearchOptions o = reduced(true);
      o.workers = workers;
      const Result on = run(sys, o);
      CHECK(on.stats.sleep);
      CHECK(on.stats.states == (n + 1) * (n + 1));
      CHECK(on.stats.transitions == n * (n + 2));
      CHECK(on.stats.slept == n * n);
      CHECK(on.stats.transitions < off.stats.transitions);
      CHECK(on.stats.end_states == 1);
      CHECK(on.stats.max_depth == 2 * n);
    }
  }
  // k = 3 by the numbers: 16 states; 15 transitions instead of 24; 9 slept.
  const Result on = run(FootprintCounters(2, 3), reduced(true));
  CHECK(on.stats.transitions == 15);
  CHECK(on.stats.slept == 9);
}

// Three independent threads of one step each (the cube {0,1}^3; c = (c0 c1 c2)):
//   000, Z {}: 0 -> 100 (Z {}), 1 -> 010 (Z {0}), 2 -> 001 (Z {0,1})           3 generated
//   100 {}: 1 -> 110 ({}), 2 -> 101 ({1});  010 {0}: 0 slept, 2 -> 011 ({0});
//   001 {0,1}: 0 and 1 slept                                                     3 generated, 3 slept
//   110 {}: 2 -> 111 ({});  101 {1}: 1 slept;  011 {0}: 0 slept                  1 generated, 2 slept
// 8 states, 7 transitions (a spanning tree), 5 slept; off: 12 = 7 + 5.
TEST_CASE("sleep: three independent one-step threads (a cube)", "[sleep]") {
  const FootprintCounters sys(3, 1);
  CHECK(run(sys, reduced(false)).stats.transitions == 12);
  const Result on = run(sys, reduced(true));
  CHECK(on.stats.states == 8);
  CHECK(on.stats.transitions == 7);
  CHECK(on.stats.slept == 5);
  // 001, 101 and 011 have every enabled thread asleep: not deadlocks, not end states (quiescence
  // is about enabled threads); 111 is the one end state.
  CHECK(on.violations.empty());
  CHECK(on.stats.end_states == 1);
}

// Thread 1 reads c[0], which thread 0 writes: they are dependent while thread 0 runs, so nothing
// is slept (once thread 0 has finished it is no longer enabled, so it is neither explored nor
// asleep). k = 2: 9 states; 12 transitions, as off (2k(k + 1)); nothing slept.
TEST_CASE("sleep: dependent threads are never asleep", "[sleep]") {
  const FootprintCounters sys(2, 2, true);
  const Result off = run(sys, reduced(false));
  const Result on = run(sys, reduced(true));
  CHECK(on.stats.states == 9);
  CHECK(on.stats.transitions == off.stats.transitions);
  CHECK(on.stats.transitions == 12);
  CHECK(on.stats.slept == 0);
}

// With ample sets, {0} is persistent at (0, 0) (thread 1's future never touches c[0]), and so on:
// thread 0 runs alone to k, then thread 1: 2k + 1 states, 2k transitions. Sleep sets add nothing
// (one thread explored per state: every contribution is empty), and remove nothing.
TEST_CASE("sleep: with ample sets, the toy reduces to one interleaving", "[sleep]") {
  const FootprintCounters sys(2, 4);
  for (const bool sleep : {false, true}) {
    const Result r = run(sys, reduced(sleep, true));
    CHECK(r.stats.por);
    CHECK(r.stats.sleep == sleep);
    CHECK(r.stats.states == 9);
    CHECK(r.stats.transitions == 8);
    CHECK(r.stats.slept == 0);
  }
}

// Where sleep sets do not apply: DFS (state matching would need a re-exploration rule), the
// non-termination pass, a system without footprints.
TEST_CASE("sleep: not applied with DFS, with liveness, without footprints", "[sleep]") {
  const FootprintCounters sys(2, 3);
  SearchOptions dfs = reduced(true);
  dfs.order = Order::DFS;
  const Result d = run(sys, dfs);
  CHECK_FALSE(d.stats.sleep);
  CHECK(d.stats.slept == 0);
  CHECK(d.stats.transitions == 24);
  SearchOptions live = reduced(true);
  live.liveness = true;
  CHECK_FALSE(run(sys, live).stats.sleep);
  const Result plain = run(TwoCounters(3), reduced(true));
  CHECK_FALSE(plain.stats.sleep);
  CHECK(plain.stats.transitions == 24);
}

// The reason steps must be invisible to sleep (PorProbe::independent): A and B are independent
// (a and b), but the invariant reads both. Off, the state a = 1, b = 0 violates it and is not
// expanded, and a = 1, b = 1 is reached by B then A. A sleep set that let A sleep after B would
// lose a = 1, b = 1 (its only other path runs through the violating state).
TEST_CASE("sleep: a state behind an invariant violation is still reached", "[sleep]") {
  const char* text =
      "scenario cut \"the reordered path runs through a violating state\";\n"
      "int[0..1] a;\nint[0..1] b;\n"
      "thread A { a = 1; }\nthread B { b = 1; }\n"
      "invariant not_a_alone: !(a == 1 && b == 0);\n"
      "final both: a == 1 && b == 1;\n"
      "exists (a == 1 && b == 1);\n";
  const VariantRun off = run_text(text, reduced(false));
  const VariantRun on = run_text(text, reduced(true));
  CHECK(on.result.stats.sleep);
  CHECK(on.result.stats.states == off.result.stats.states);
  CHECK(on.result.stats.end_states == off.result.stats.end_states);
  CHECK(on.result.stats.exists_hits == 1);
  CHECK(summary(on).violated == summary(off).violated);
}

// Symmetry permutes thread ids, which sleep masks name: run_variant turns sleep sets off while it
// applies (and only then).
TEST_CASE("sleep: off while symmetry applies", "[sleep]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm");
  SearchOptions o = reduced(true);
  o.symmetry = true;
  const VariantRun sym = run_variant(ast, sm, {}, false, o);
  CHECK(sym.result.stats.symmetry);
  CHECK_FALSE(sym.result.stats.sleep);
  CHECK(sym.result.stats.slept == 0);
  o.symmetry = false;
  CHECK(run_variant(ast, sm, {}, false, o).result.stats.sleep);
}

// Hash compaction: the sleep masks of stored states are found by signature, and the path
// recovery re-runs the same search (with sleep sets): the exact store's counts and paths.
TEST_CASE("sleep: hash compaction gives the exact store's result", "[sleep][hashcompact]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, PCMC_SOURCE_DIR + "/examples/basics/use_after_free.pcm");
  for (const bool por : {false, true})
    for (const unsigned workers : {1u, 2u}) {
      INFO("por " << por << ", workers " << workers);
      SearchOptions o = reduced(true, por);
      o.workers = workers;
      const VariantRun exact = run_variant(ast, sm, {}, false, o);
      o.store = StoreMode::HashCompact;
      const VariantRun lossy = run_variant(ast, sm, {}, false, o);
      CHECK(lossy.result.stats.sleep);
      CHECK(lossy.result.stats.states == exact.result.stats.states);
      CHECK(lossy.result.stats.transitions == exact.result.stats.transitions);
      CHECK(lossy.result.stats.slept == exact.result.stats.slept);
      CHECK(lengths(lossy) == lengths(exact));
      CHECK_FALSE(lossy.result.violations.empty());
      require_replays(lossy);
    }
}

// Pinned counts (sleep sets alone and with ample sets; --all, liveness off, BFS). Sleep sets
// alone keep the states and move transitions to `slept` (transitions + slept = off), so a
// weakened reduction (fewer slept) or a broken one (other states) fails here. With ample sets
// too (`both`): use_after_free 14 states / 14 transitions, as POR alone (por_test.cpp);
// page_frames -D LOCKED 941 states / 1528 transitions off, 829 / 873 with both.
TEST_CASE("sleep: pinned counts of the basics examples", "[sleep]") {
  struct Pin {
    const char* file;
    std::vector<std::string> defines;
    std::uint64_t states, off_transitions, sleep_transitions, slept, both_states,
        both_transitions;
  };
  const std::vector<Pin> pins = {
      {"lost_update.pcm", {}, 12, 14, 13, 1, 12, 13},
      {"use_after_free.pcm", {}, 24, 34, 24, 10, 14, 14},
      // Both: 739 states, 783 transitions before the narrowed futures (docs/narrowed-futures.md).
      {"page_frames.pcm", {"LOCKED"}, 941, 1528, 994, 534, 614, 649},
  };
  for (const Pin& pin : pins) {
    INFO(pin.file << " " << (pin.defines.empty() ? "B" : pin.defines.front()));
    model::SourceManager sm;
    const model::ast::Model ast =
        parse(sm, PCMC_SOURCE_DIR + "/examples/basics/" + std::string(pin.file));
    const VariantRun off = run_variant(ast, sm, pin.defines, false, reduced(false));
    const VariantRun on = run_variant(ast, sm, pin.defines, false, reduced(true));
    const VariantRun both = run_variant(ast, sm, pin.defines, false, reduced(true, true));
    CHECK(off.result.stats.states == pin.states);
    CHECK(off.result.stats.transitions == pin.off_transitions);
    CHECK(on.result.stats.states == pin.states);
    CHECK(on.result.stats.transitions == pin.sleep_transitions);
    CHECK(on.result.stats.slept == pin.slept);
    CHECK(on.result.stats.transitions + on.result.stats.slept == off.result.stats.transitions);
    CHECK(both.result.stats.states == pin.both_states);
    CHECK(both.result.stats.transitions == pin.both_transitions);
  }
}
