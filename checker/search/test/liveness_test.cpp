// The non-termination pass on toy models: a livelock is found as a lasso that replays back to
// its entry state; spin-waits that weak fairness ends are not reported; intermittently enabled
// threads may starve (weak, not strong, fairness).
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;
using pcmc::properties::PropertyClass;

TEST_CASE("livelock: a thread retrying forever after the other finished", "[checker]") {
  const FlagWait sys(false);
  const Result r = run(sys);
  CHECK(r.stats.states == 4);
  CHECK(r.stats.transitions == 6);
  CHECK(r.stats.end_states == 0);
  REQUIRE(r.status == Status::Violated);
  REQUIRE(r.violations.size() == 1);
  const Counterexample& c = r.violations[0];
  CHECK(c.property == kNontermination);
  // Stem: thread 1 finishes; cycle: thread 0 checks, retries, back to the entry state.
  CHECK(path(c) == Path{{1, 0}, {0, 0}, {0, 0}});
  CHECK(c.loop_start == 1);
  CHECK(c.thread == 0);
  CHECK(c.pc == 0);
}

TEST_CASE("a spin-wait that another thread ends is not a non-termination", "[checker]") {
  SECTION("flag set by the other thread") {
    const FlagWait sys(true);
    const Result r = run(sys);
    CHECK(r.status == Status::Holds);
    CHECK(r.stats.states == 5);
    CHECK(r.stats.transitions == 6);
    CHECK(r.stats.end_states == 1);
  }
  SECTION("lock held by a thread that will release it") {
    const Mutex sys(false);  // the waiter spins in a self-loop while the holder is enabled
    CHECK(run(sys).status == Status::Holds);
  }
}

TEST_CASE("weak fairness: an intermittently enabled thread may starve", "[checker]") {
  const Starvation sys;
  const Result r = run(sys);
  CHECK(r.stats.states == 4);
  CHECK(r.stats.transitions == 4);
  CHECK(r.stats.end_states == 1);
  REQUIRE(r.violations.size() == 1);
  const Counterexample& c = r.violations[0];
  CHECK(c.property == kNontermination);
  CHECK(path(c) == Path{{0, 0}, {0, 0}});
  CHECK(c.loop_start == 0);
  CHECK(c.thread == 0);
}

TEST_CASE("a single thread choosing to loop forever is a self-loop lasso", "[checker]") {
  GraphSpec g;
  g.edges = {{0, 1}, {1, 1}, {1, 2}};
  const Graph sys(g);
  const Result r = run(sys);
  REQUIRE(r.violations.size() == 1);
  CHECK(r.violations[0].property == kNontermination);
  CHECK(path(r.violations[0]) == Path{{0, 0}, {0, 0}});
  CHECK(r.violations[0].loop_start == 1);
}

TEST_CASE("the lasso enters the fair SCC with the smallest state id by a shortest cycle",
          "[checker]") {
  // Two fair SCCs: {1, 2, 3} (cycles 1-2-1 and 1-2-3-1) and {4, 5}; BFS numbers node 1 first.
  GraphSpec g;
  g.edges = {{0, 1}, {0, 4}, {1, 2}, {2, 3}, {3, 1}, {2, 1}, {4, 5}, {5, 4}, {3, 6}};
  const Graph sys(g);
  const Result r = run(sys);
  REQUIRE(r.violations.size() == 1);
  const Counterexample& c = r.violations[0];
  // Entry node 1 (state id 1); the shortest cycle through it is 1-2-1, via 2's second edge.
  CHECK(path(c) == Path{{0, 0}, {0, 0}, {0, 1}});
  CHECK(c.loop_start == 1);
}

TEST_CASE("fatal transitions are not edges of a cycle", "[checker]") {
  GraphSpec g;
  g.props = {make_property("bug", PropertyClass::Bug)};
  g.edges = {{0, 1}, {1, 0, 0}, {1, 2}};  // the only way back is fatal
  const Graph sys(g);
  SearchOptions o;
  o.all = true;
  const Result r = run(sys, o);
  REQUIRE(r.violations.size() == 1);
  CHECK(r.violations[0].property == kOwn);
}

TEST_CASE("the non-termination pass is skipped when the search is cut short", "[checker]") {
  const FlagWait sys(false);
  SECTION("liveness off") {
    SearchOptions o;
    o.liveness = false;
    CHECK(run(sys, o).status == Status::Holds);
  }
  SECTION("state limit") {
    SearchOptions o;
    o.max_states = 3;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.violations.empty());
  }
  SECTION("stopped at a violation without all") {
    const Mutex broken(true);
    const Result r = run(broken);
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].property == kMutualExclusion);
  }
}

TEST_CASE("non-termination under --all alongside other violations", "[checker]") {
  // The retry loop of a livelock next to an invariant violation elsewhere.
  GraphSpec g;
  g.props = {make_property("inv", PropertyClass::Invariant)};
  g.edges = {{0, 1}, {0, 2}, {2, 3}, {3, 2}, {1, 4}, {4, 1}};
  g.bad = {{1, 0}};  // not expanded: its cycle with 4 is never explored
  const Graph sys(g);
  SearchOptions o;
  o.all = true;
  const Result r = run(sys, o);
  REQUIRE(r.violations.size() == 2);
  CHECK(r.violations[0].property == kOwn);
  CHECK(r.violations[1].property == kNontermination);
  CHECK(path(r.violations[1]) == Path{{0, 1}, {0, 0}, {0, 0}});
  CHECK(r.stats.states == 4);
}
