// The whole state graph of a small model, for pictures (`pcmc graph`): a breadth-first
// exploration over the TransitionSystem interface that keeps every node and edge, unlike the
// search (checker/search/search.hpp), which keeps only parent links.
//
// It follows the search's pipeline and successor order (threads in increasing id, then
// successor index) without stopping at violations, so on a complete graph its state, transition
// and end-state counts equal those of `search()` with `all = true`, and the highlighted path is
// the search's first (shortest) counterexample, with one exception: non-termination (a cycle
// property) is not computed here.
//
// Contract: single-threaded; the system must outlive the call. Memory grows with the graph, so
// exploration stops as soon as more than `max_nodes` states are stored (GraphResult::too_large);
// the caller counts the states with the search if it wants to say how many there are.
#pragma once

#include <cstdint>

#include "checker/system/system.hpp"
#include "traces/state_graph.hpp"

namespace pcmc::checker {

inline constexpr std::uint64_t kDefaultMaxGraphNodes = 2000;

struct GraphOptions {
  std::uint64_t max_nodes = kDefaultMaxGraphNodes;  // stored states; Fatal nodes do not count
};

struct GraphResult {
  traces::StateGraph graph;  // partial (and without a highlighted path) when too_large
  bool too_large = false;
};

GraphResult explore_graph(const TransitionSystem& system, const GraphOptions& options);

}  // namespace pcmc::checker
