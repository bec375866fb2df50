#include "traces/html.hpp"

#include <stdexcept>

#include "traces/snapshots.hpp"
#include "viewer_html.hpp"

namespace pcmc::traces {

nlohmann::json viewer_data(const TraceContext& ctx, const std::vector<Trace>& traces,
                           const RunInfo& run, const std::string& verdict,
                           const std::string& stats) {
  using nlohmann::json;
  json threads = json::array();
  for (const auto& t : ctx.program.threads) threads.push_back(t.name);
  json items = json::array();
  for (const Trace& t : traces) {
    json j = to_json(t, run);
    json states = json::array();
    for (const Snapshot& s : trace_snapshots(ctx, t)) states.push_back(to_json(s));
    j["states"] = std::move(states);
    items.push_back(std::move(j));
  }
  return {{"schema_version", kViewerSchemaVersion},
          {"scenario", run.scenario},
          {"file", run.file},
          {"variant", run.variant},
          {"debug_vm", run.debug_vm},
          {"verdict", verdict},
          {"stats", stats},
          {"threads", threads},
          {"traces", items}};
}

std::string render_html(const nlohmann::json& data) {
  std::string page = kViewerHtml;
  const std::string marker = "/*PCMC-DATA*/";
  const std::size_t at = page.find(marker);
  if (at == std::string::npos) throw std::logic_error("viewer template has no data marker");
  // JSON has '<' only inside strings, where \u003c means the same character.
  std::string text;
  for (char c : data.dump()) {
    if (c == '<') text += "\\u003c";
    else text += c;
  }
  page.replace(at, marker.size(), text);
  return page;
}

}  // namespace pcmc::traces
