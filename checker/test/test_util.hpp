// Shared helpers of the checker tests: a search whose every counterexample is replayed, and
// counterexamples as (thread, index) pairs for comparison and printing.
#pragma once

#include <catch2/catch.hpp>

#include <set>
#include <utility>
#include <vector>

#include "checker/search.hpp"
#include "checker/test/replay.hpp"

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

}  // namespace pcmc::checker::test
