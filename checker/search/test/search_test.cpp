// The search on toy models with hand-computed counts (toy_models.hpp): counts, verdicts,
// shortest counterexamples, end states, fatal reports, --all, limits (orders: order_test.cpp).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;
using pcmc::properties::PropertyClass;

// ---------------------------------------------------------------- counts

TEST_CASE("counter: N+1 states, N transitions, one end state", "[checker]") {
  for (std::uint32_t n : {0u, 1u, 5u, 1000u}) {
    INFO("N = " << n);
    const Counter sys(n);
    const Result r = run(sys);
    CHECK(r.status == Status::Holds);
    CHECK(r.incomplete_reason.empty());
    CHECK(r.stats.states == n + 1);
    CHECK(r.stats.transitions == n);
    CHECK(r.stats.end_states == 1);
    CHECK(r.stats.exists_hits == 0);
    CHECK(r.stats.max_depth == n);
    CHECK(r.stats.queue == 0);
    CHECK(r.stats.store_bytes > 0);
    CHECK(r.violations.empty());
  }
}

TEST_CASE("two counters: (K+1)^2 states, 2K(K+1) transitions", "[checker]") {
  for (std::uint16_t k : {1, 3, 10, 40}) {
    INFO("K = " << k);
    const TwoCounters sys(k);
    const Result r = run(sys);
    CHECK(r.status == Status::Holds);
    CHECK(r.stats.states == std::uint64_t(k + 1) * (k + 1));
    CHECK(r.stats.transitions == 2ull * k * (k + 1));
    CHECK(r.stats.end_states == 1);
    CHECK(r.stats.max_depth == 2ull * k);
  }
}

TEST_CASE("diamond graph: 3k+1 states, 4k transitions", "[checker]") {
  for (std::uint32_t k : {1u, 2u, 7u}) {
    INFO("k = " << k);
    const Graph sys(diamonds(k));
    const Result r = run(sys);
    CHECK(r.status == Status::Holds);
    CHECK(r.stats.states == 3 * k + 1);
    CHECK(r.stats.transitions == 4 * k);
    CHECK(r.stats.end_states == 1);
    CHECK(r.stats.max_depth == 2 * k);
  }
}

// ---------------------------------------------------------------- invariants and deadlock

TEST_CASE("mutex: test-and-set keeps mutual exclusion", "[checker]") {
  const Mutex sys(false);
  const Result r = run(sys);
  CHECK(r.status == Status::Holds);
  CHECK(r.stats.states == 8);
  CHECK(r.stats.transitions == 10);
  CHECK(r.stats.end_states == 1);
}

TEST_CASE("broken mutex: check-then-set violates mutual exclusion in 4 steps", "[checker]") {
  const Mutex sys(true);
  SECTION("first violation") {
    const Result r = run(sys);
    REQUIRE(r.status == Status::Violated);
    REQUIRE(r.violations.size() == 1);
    const Counterexample& c = r.violations[0];
    CHECK(c.property == kMutualExclusion);
    CHECK(c.thread == 0xFFFF);
    CHECK(c.loop_start == -1);
    // A checks, B checks, A sets, B sets (BFS, threads in id order).
    CHECK(path(c) == Path{{0, 0}, {1, 0}, {0, 0}, {1, 0}});
    CHECK(r.stats.states < 16);
  }
  SECTION("all") {
    const Result r = run(sys, all());
    REQUIRE(r.status == Status::Violated);
    REQUIRE(r.violations.size() == 1);  // no deadlock, no fair non-termination
    CHECK(r.violations[0].steps.size() == 4);
    CHECK(r.stats.states == 16);
    CHECK(r.stats.transitions == 22);
    CHECK(r.stats.end_states == 1);
  }
}

TEST_CASE("ABBA locking deadlocks, found with the shortest path", "[checker]") {
  const Abba sys;
  SECTION("first violation") {
    const Result r = run(sys);
    REQUIRE(r.status == Status::Violated);
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].property == kDeadlock);
    CHECK(r.violations[0].thread == 0xFFFF);
    CHECK(path(r.violations[0]) == Path{{0, 0}, {1, 0}});
  }
  SECTION("all") {
    const Result r = run(sys, all());
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].steps.size() == 2);
    CHECK(r.stats.states == 19);
    CHECK(r.stats.transitions == 22);
    CHECK(r.stats.end_states == 1);
  }
}

TEST_CASE("BFS records the shortest path to each property", "[checker]") {
  // Deadlocks at depth 3 (0-1-2-3) and at depth 2 (0-4-5); the invariant fails at depth 3 on
  // the first branch and at depth 2 (node 7, via 4) on the second.
  GraphSpec g;
  g.props = {make_property("inv", PropertyClass::Invariant)};
  g.edges = {{0, 1}, {1, 2}, {2, 3}, {2, 6}, {0, 4}, {4, 5}, {4, 7}};
  g.stuck = {3, 5};
  g.bad = {{6, 0}, {7, 0}};
  const Graph sys(g);
  const Result r = run(sys, all());
  REQUIRE(violated(r) == std::set<PropertyId>{kDeadlock, kOwn});
  for (const auto& c : r.violations) CHECK(c.steps.size() == 2);
}

TEST_CASE("end states: final conditions and exists", "[checker]") {
  GraphSpec g;
  g.props = {make_property("fin", PropertyClass::Final)};
  g.edges = {{0, 1}, {0, 2}, {0, 3}};
  g.exists = {1, 3};
  g.final_bad = {{2, 0}};
  const Graph sys(g);
  const Result r = run(sys, all());
  CHECK(r.stats.end_states == 3);
  CHECK(r.stats.exists_hits == 2);
  REQUIRE(r.violations.size() == 1);
  CHECK(r.violations[0].property == kOwn);
  CHECK(path(r.violations[0]) == Path{{0, 1}});
}

// ---------------------------------------------------------------- transition reports

TEST_CASE("a fatal report ends its path; a warning does not", "[checker]") {
  GraphSpec g;
  g.props = {make_property("bug", PropertyClass::Bug), make_property("warn", PropertyClass::Warn)};
  SECTION("fatal") {
    g.edges = {{0, 1, 0}, {0, 2}, {1, 3}, {2, 4}};
    const Graph sys(g);
    const Result r = run(sys, all());
    REQUIRE(r.violations.size() == 1);
    const Counterexample& c = r.violations[0];
    CHECK(c.property == kOwn);
    CHECK(c.thread == 0);
    CHECK(c.pc == 100);
    CHECK(path(c) == Path{{0, 0}});
    CHECK(r.stats.states == 3);  // 0, 2, 4: node 1 is never stored, so neither is 3
    CHECK(r.stats.transitions == 3);
    CHECK(r.stats.end_states == 1);
  }
  SECTION("warning") {
    g.edges = {{0, 1, 1}, {0, 2}, {1, 3}, {2, 4}};
    const Graph sys(g);
    const Result r = run(sys, all());
    REQUIRE(r.violations.size() == 1);
    CHECK(r.violations[0].property == kOwn + 1);
    CHECK(r.stats.states == 5);
    CHECK(r.stats.transitions == 4);
    CHECK(r.stats.end_states == 2);
    const Result first = run(sys);  // first-violation mode stops at the warning
    CHECK(first.status == Status::Violated);
    CHECK(first.stats.states < 5);
  }
}

// ---------------------------------------------------------------- --all

TEST_CASE("all: one counterexample per property; first-violation mode stops early", "[checker]") {
  GraphSpec g;
  g.props = {make_property("inv", PropertyClass::Invariant), make_property("bug", PropertyClass::Bug),
             make_property("fin", PropertyClass::Final)};
  g.edges = {{0, 1}, {0, 2}, {1, 3}, {1, 7}, {2, 4, 1}, {2, 5}, {3, 6}, {3, 9}, {5, 8}};
  g.bad = {{6, 0}, {7, 0}};
  g.final_bad = {{9, 2}};
  g.stuck = {8};
  const Graph sys(g);

  const Result r = run(sys, all());
  REQUIRE(r.status == Status::Violated);
  REQUIRE(r.violations.size() == 4);
  // Discovery order: inv at 7 (depth 2), bug on 2->4 (2 steps), fin at 9, deadlock at 8.
  CHECK(r.violations[0].property == kOwn);
  CHECK(path(r.violations[0]) == Path{{0, 0}, {0, 1}});
  CHECK(r.violations[1].property == kOwn + 1);
  CHECK(path(r.violations[1]) == Path{{0, 1}, {0, 0}});
  CHECK(r.violations[2].property == kOwn + 2);
  CHECK(r.violations[2].steps.size() == 3);
  CHECK(r.violations[3].property == kDeadlock);
  CHECK(path(r.violations[3]) == Path{{0, 1}, {0, 1}, {0, 0}});
  CHECK(r.stats.states == 9);
  CHECK(r.stats.transitions == 9);
  CHECK(r.stats.end_states == 1);

  const Result first = run(sys);
  REQUIRE(first.violations.size() == 1);
  CHECK(first.violations[0].property == kOwn);
  CHECK(first.stats.states < 9);
  CHECK(first.incomplete_reason.empty());
}

// ---------------------------------------------------------------- limits

namespace {

// Another system, with every successors() call slowed down: for clock-driven behaviour.
class Slow final : public TransitionSystem {
 public:
  Slow(const TransitionSystem& inner, std::chrono::microseconds delay)
      : inner_(inner), delay_(delay) {}
  std::size_t state_size() const override { return inner_.state_size(); }
  unsigned thread_count() const override { return inner_.thread_count(); }
  const std::vector<Property>& properties() const override { return inner_.properties(); }
  PropertyId deadlock_property() const override { return inner_.deadlock_property(); }
  PropertyId nontermination_property() const override { return inner_.nontermination_property(); }
  std::unique_ptr<Context> make_context() const override { return inner_.make_context(); }
  void initial_state(std::uint8_t* out) const override { inner_.initial_state(out); }
  bool finished(const std::uint8_t* s, unsigned t) const override { return inner_.finished(s, t); }
  unsigned successors(const std::uint8_t* s, unsigned t, Context& ctx,
                      TransitionSink& sink) const override {
    std::this_thread::sleep_for(delay_);
    return inner_.successors(s, t, ctx, sink);
  }
  void check_state(const std::uint8_t* s, Context& ctx, std::vector<Report>& out) const override {
    inner_.check_state(s, ctx, out);
  }
  ExistsMask check_end(const std::uint8_t* s, Context& ctx, std::vector<Report>& out) const override {
    return inner_.check_end(s, ctx, out);
  }

 private:
  const TransitionSystem& inner_;
  std::chrono::microseconds delay_;
};

}  // namespace

TEST_CASE("time limit and progress on a slow model", "[checker]") {
  const Counter counter(100000);
  const Slow sys(counter, std::chrono::microseconds(1000));
  SearchOptions o;
  std::vector<Stats> reports;
  o.progress = [&](const Stats& s) { reports.push_back(s); };
  o.max_seconds = 1.3;
  const auto t0 = std::chrono::steady_clock::now();
  const Result r = search(sys, o);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.status == Status::Incomplete);
  CHECK(r.incomplete_reason == "time limit 1.3 s reached");
  CHECK(took < 1.5);  // the clock is read often enough when expansions are slow
  CHECK(r.stats.seconds >= 1.3);
  REQUIRE(reports.size() == 1);  // at most once a second
  CHECK(reports[0].seconds >= 1.0);
  CHECK(reports[0].states > 100);
  CHECK(reports[0].states <= r.stats.states);
}

TEST_CASE("limits give an incomplete verdict with a reason", "[checker]") {
  const Counter sys(1000);
  SECTION("states") {
    SearchOptions o;
    o.max_states = 100;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason == "state limit 100 reached");
    CHECK(r.stats.states == 100);
  }
  SECTION("a state limit that fits the whole space is not hit") {
    SearchOptions o;
    o.max_states = 1001;
    CHECK(run(sys, o).status == Status::Holds);
  }
  SECTION("interrupted before the first expansion") {
    std::atomic<bool> stop{true};
    SearchOptions o;
    o.interrupt = &stop;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason == "interrupted");
    CHECK(r.stats.states == 1);
  }
  SECTION("depth") {
    SearchOptions o;
    o.max_depth = 10;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason == "depth limit 10 reached");
    CHECK(r.stats.states == 11);
    CHECK(r.stats.max_depth == 10);
    const TwoCounters tc(3);  // depth 6: a limit of 6 cuts nothing
    o.max_depth = 6;
    CHECK(run(tc, o).status == Status::Holds);
  }
  SECTION("time") {
    SearchOptions o;
    o.max_seconds = 1e-9;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason.rfind("time limit", 0) == 0);
  }
  SECTION("memory") {
    SearchOptions o;
    o.max_memory = 1;
    const Result r = run(sys, o);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason == "memory limit 1 bytes reached");
  }
  SECTION("a violation found before a limit is still a violation") {
    const Mutex broken(true);
    SearchOptions o = all();
    o.max_depth = 5;
    const Result r = run(broken, o);
    CHECK(r.status == Status::Violated);
  }
}

// ---------------------------------------------------------------- speed (not run by default)

TEST_CASE("speed: counter to 1e6", "[checker][.bench]") {
  const Counter sys(999999);
  SearchOptions o;
  o.liveness = false;
  const auto t0 = std::chrono::steady_clock::now();
  const Result r = search(sys, o);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(r.stats.states == 1000000);
  std::cout << "counter 1e6: " << s << " s, " << r.stats.states / s << " states/s, "
            << double(r.stats.store_bytes) / double(r.stats.states) << " store bytes/state\n";
  o.liveness = true;
  const auto t1 = std::chrono::steady_clock::now();
  const Result l = search(sys, o);
  const double ls = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  REQUIRE(l.status == Status::Holds);
  std::cout << "counter 1e6 with liveness: " << ls << " s\n";
}
