// The explored state graph as JSON, for scripts (`pcmc graph -o FILE.json`; schema
// docs/graph-schema.json): where DOT/SVG stop being useful (thousands of states), a script can
// still search, filter and diff the graph.
//
// Shape: {"kind": "pcmc-graph", "schema_version", the run (scenario, file, variant, debug_vm,
// constants), counts, "nodes": one per GraphNode in index order (id, kind, depth, label lines,
// thread positions, shared fields that differ from the initial state, violated properties, exists
// clauses that hold, on_path), "edges": one per GraphEdge (from, to, thread and thread_id,
// choice, the step's function/file/line/source, fatal, violated, on_path), and "path": the
// highlighted shortest path to the first violation as edge ids in order (empty: none).
#pragma once

#include <nlohmann/json.hpp>

#include "traces/render.hpp"
#include "traces/state_graph.hpp"
#include "traces/trace.hpp"

namespace pcmc::traces {

inline constexpr int kGraphSchemaVersion = 1;

// `ctx` is the context the graph's states came from.
nlohmann::json graph_json(const StateGraph& g, const TraceContext& ctx, const RunInfo& run);

}  // namespace pcmc::traces
