// The self-contained HTML trace viewer (`pcmc check --html FILE`): one page with inline CSS and
// JavaScript (traces/viewer.html, compiled in) and the run embedded as JSON; it loads nothing
// from the network. It shows each trace as swimlanes (one column per thread, one row per step)
// and, for the selected step, the whole shared state (traces/snapshots.hpp).
//
// The embedded document (the <script id="pcmc-data"> element):
//   { "schema_version": 1, "scenario", "file", "variant", "debug_vm", "verdict", "stats",
//     "threads": [names in thread-id order],
//     "traces": [ the trace object of to_json (render.hpp) plus
//                 "states": [snapshot 0 = initial, snapshot k = after step k] ] }
// '<' is written as \u003c inside it, so no string in the data can end the script element.
#pragma once

#include <string>
#include <vector>

#include "traces/render.hpp"
#include "traces/trace.hpp"

namespace pcmc::traces {

inline constexpr int kViewerSchemaVersion = 1;

// The viewer's data document (see above). `verdict` is "holds", "violated" or "incomplete";
// `stats` one line of statistics.
nlohmann::json viewer_data(const TraceContext& ctx, const std::vector<Trace>& traces,
                           const RunInfo& run, const std::string& verdict,
                           const std::string& stats);

// The whole page with `data` embedded.
std::string render_html(const nlohmann::json& data);

}  // namespace pcmc::traces
