// Successor order is a contract, and the search does not depend on it: DFS stores the same
// states as BFS, seeded shuffles change neither counts nor verdicts (nor BFS counterexample
// lengths), and the same options give the same counterexamples.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;
using pcmc::properties::PropertyClass;

// ---------------------------------------------------------------- orders

namespace {

struct Outcome {
  std::uint64_t states, transitions, end_states, exists_hits;
  Status status;
  std::map<PropertyId, std::size_t> cex_length;  // BFS lengths (non-termination: presence only)
};

Outcome outcome(const TransitionSystem& sys, const Result& r, bool lengths) {
  Outcome o{r.stats.states, r.stats.transitions, r.stats.end_states, r.stats.exists_hits,
            r.status, {}};
  for (const auto& c : r.violations)
    o.cex_length[c.property] =
        lengths && sys.properties()[c.property].cls != PropertyClass::Nontermination ? c.steps.size() : 0;
  return o;
}

void require_same(const Outcome& a, const Outcome& b) {
  CHECK(a.states == b.states);
  CHECK(a.transitions == b.transitions);
  CHECK(a.end_states == b.end_states);
  CHECK(a.exists_hits == b.exists_hits);
  CHECK(a.status == b.status);
  CHECK(a.cex_length == b.cex_length);
}

struct Zoo {
  TwoCounters two_counters{4};
  Mutex mutex{false};
  Mutex broken{true};
  Abba abba;
  FlagWait livelock{false};
  FlagWait spin{true};
  Starvation starve;
  Graph diamond{diamonds(5)};
  std::vector<const TransitionSystem*> systems() const {
    return {&two_counters, &mutex, &broken, &abba, &livelock, &spin, &starve, &diamond};
  }
};

}  // namespace

TEST_CASE("DFS stores the same states as BFS", "[checker]") {
  const Zoo zoo;
  for (const TransitionSystem* sys : zoo.systems()) {
    SearchOptions o = all();
    const Outcome bfs = outcome(*sys, run(*sys, o), false);
    o.order = Order::DFS;
    const Outcome dfs = outcome(*sys, run(*sys, o), false);
    require_same(bfs, dfs);
  }
}

TEST_CASE("shuffled successor order changes neither counts nor verdicts", "[checker]") {
  const Zoo zoo;
  for (const TransitionSystem* sys : zoo.systems()) {
    const Outcome base = outcome(*sys, run(*sys, all()), true);
    for (std::uint64_t seed : {1ull, 2ull, 3ull, 12345ull, 0xdeadbeefull}) {
      INFO("shuffle seed " << seed);
      SearchOptions o = all();
      o.shuffle_seed = seed;
      require_same(base, outcome(*sys, run(*sys, o), true));
      o.order = Order::DFS;
      require_same(outcome(*sys, run(*sys, all()), false), outcome(*sys, run(*sys, o), false));
    }
  }
}

TEST_CASE("the search is deterministic", "[checker]") {
  const Zoo zoo;
  for (const TransitionSystem* sys : zoo.systems()) {
    for (std::uint64_t seed : {0ull, 7ull}) {
      SearchOptions o = all();
      o.shuffle_seed = seed;
      const Result a = run(*sys, o), b = run(*sys, o);
      REQUIRE(a.violations.size() == b.violations.size());
      for (std::size_t i = 0; i < a.violations.size(); ++i) {
        CHECK(a.violations[i].property == b.violations[i].property);
        CHECK(path(a.violations[i]) == path(b.violations[i]));
        CHECK(a.violations[i].loop_start == b.violations[i].loop_start);
      }
    }
  }
}
