// Graphviz DOT of an explored state graph (traces/state_graph.hpp), written with Boost.Graph
// (boost::adjacency_list + boost::write_graphviz with property writers).
//
// Drawing conventions (docs/graphs-and-viewer.md):
//   node    box with the label's lines left-aligned; the initial state bold; an end state
//           rounded ("end", "exists" when the scenario's exists condition holds there); a
//           deadlock or a state violating an invariant or final condition filled pink with
//           "!! name"; the state a fatal step reached an octagon ("!! name" on the edge);
//   edge    "P0: file:line  statement"; a transition that violates a property red and dashed
//           with "!! name";
//   path    the shortest path to the first violation: color=red, penwidth=2.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "traces/state_graph.hpp"
#include "traces/trace.hpp"

namespace pcmc::traces {

// The text of a node or an edge; lines separated by '\n'. write_dot adds the markers above.
struct GraphLabels {
  std::function<std::string(const StateGraph&, std::size_t node)> node;
  std::function<std::string(const StateGraph&, std::size_t edge)> edge;
};

// Labels of a compiled Program: node "s7" then one line per thread ("P0 inc:25 tmp=1") and the
// shared fields that differ from the initial state (all non-zero ones for the initial state);
// edge "P0: lost_update.pcm:24  tmp = counter;". The context must outlive the labels.
GraphLabels program_labels(const TraceContext& ctx);

// Labels of any transition system: node "s7", edge "t0.1" (thread 0, successor 1).
GraphLabels plain_labels();

// Writes the whole graph; `title` goes on top of the picture.
void write_dot(std::ostream& out, const StateGraph& g, const GraphLabels& labels,
               const std::string& title);

}  // namespace pcmc::traces
