// The explored state graph as plain data, for drawing (DOT, traces/graph_dot.hpp).
//
// The checker fills it (checker/search/explore_graph.hpp explores a TransitionSystem); traces/ only reads
// it, so this header depends on nothing but the standard library (DESIGN §2: checker → traces).
//
// Shape: one node per stored state, in BFS discovery order (node 0 is the initial state), plus
// one extra node per fatal transition (the state the fatal step reached; the path ends there and
// it is not explored further, as in the search). One edge per transition, in the search's
// successor order (state, then thread id, then successor index). Properties are named, not
// numbered, so that renderers need no property table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pcmc::traces {

struct GraphNode {
  enum Kind : std::uint8_t {
    Inner,     // a stored state with at least one successor
    End,       // quiescent end state: every thread finished
    Deadlock,  // no successor, some thread unfinished
    Fatal,     // reached by a fatal transition; not a stored state, not explored
    Unexpanded,// a stored state that violates an invariant: the search does not go on from it
  };
  std::vector<std::uint8_t> state;      // the state's bytes
  Kind kind = Inner;
  std::uint32_t depth = 0;              // BFS depth (steps from the initial state)
  bool exists_hit = false;              // End: some `exists` clause holds here
  std::uint64_t exists_mask = 0;        // End: bit i when the scenario's exists clause i holds
  std::vector<std::string> violated;    // properties violated by the state itself (invariant,
                                        // final, deadlock)
  bool on_path = false;                 // on the highlighted counterexample path
};

struct GraphEdge {
  std::uint32_t from = 0, to = 0;       // node indices
  std::uint16_t thread = 0;
  std::uint16_t index = 0;              // successor index within the thread's step
  bool fatal = false;                   // the step ends the path (`to` is a Fatal node)
  std::vector<std::string> violated;    // properties violated by this transition
  bool on_path = false;
};

struct StateGraph {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::uint64_t states = 0;             // stored states (nodes that are not Fatal)
  std::uint64_t end_states = 0;
  // The first violation in BFS order (the one `pcmc check` reports first) and the length of its
  // shortest path, which is highlighted (GraphNode/GraphEdge::on_path). Empty when none.
  std::string first_violation;
  std::size_t path_length = 0;
};

}  // namespace pcmc::traces
