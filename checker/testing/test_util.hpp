// Shared helpers of the checker tests: a search whose every counterexample is replayed, and
// counterexamples as (thread, index) pairs for comparison and printing.
#pragma once

#include <catch2/catch.hpp>

#include <set>
#include <utility>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/testing/replay.hpp"

namespace pcmc::checker::test {

// search(), then every counterexample must replay to a violation of its property.
inline Result run(const TransitionSystem& sys, SearchOptions opt = {}) {
  Result r = search(sys, opt);
  for (const Counterexample& c : r.violations) {
    INFO("property " << sys.properties().at(c.property).name);
    CHECK(check_counterexample(sys, c) == "");
  }
  return r;
}

inline SearchOptions all() {
  SearchOptions o;
  o.all = true;
  return o;
}

using Path = std::vector<std::pair<int, int>>;

inline Path path(const Counterexample& c) {
  Path p;
  for (const Step& s : c.steps) p.emplace_back(s.thread, s.index);
  return p;
}

inline std::set<PropertyId> violated(const Result& r) {
  std::set<PropertyId> s;
  for (const auto& c : r.violations) s.insert(c.property);
  return s;
}

// Two searches of the same system gave the same result: status, counts and counterexamples
// (property, thread, pc, loop start, steps).
inline void require_identical(const Result& a, const Result& b) {
  CHECK(a.status == b.status);
  CHECK(a.incomplete_reason == b.incomplete_reason);
  CHECK(a.stats.states == b.stats.states);
  CHECK(a.stats.transitions == b.stats.transitions);
  CHECK(a.stats.end_states == b.stats.end_states);
  CHECK(a.stats.exists_hits == b.stats.exists_hits);
  CHECK(a.stats.max_depth == b.stats.max_depth);
  REQUIRE(a.violations.size() == b.violations.size());
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    INFO("violation " << i);
    CHECK(a.violations[i].property == b.violations[i].property);
    CHECK(a.violations[i].thread == b.violations[i].thread);
    CHECK(a.violations[i].pc == b.violations[i].pc);
    CHECK(a.violations[i].loop_start == b.violations[i].loop_start);
    CHECK(path(a.violations[i]) == path(b.violations[i]));
  }
}

}  // namespace pcmc::checker::test
