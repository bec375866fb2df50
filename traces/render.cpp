#include "traces/render.hpp"

#include <algorithm>

#include "pcmc_version.hpp"

namespace pcmc::traces {

namespace {

std::string base_name(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

}  // namespace

std::string render_steps(const Trace& t) {
  std::size_t wthread = 2, wfunc = 4, wloc = 4;
  for (const auto& s : t.steps) {
    wthread = std::max(wthread, s.thread_name.size());
    wfunc = std::max(wfunc, s.function.size());
    wloc = std::max(wloc, s.file.empty() ? 0 : base_name(s.file).size() + 1 + std::to_string(s.line).size());
  }
  std::string out;
  std::string indent(5 + wthread + 2 + wfunc + 2 + wloc + 2, ' ');
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const TraceStep& s = t.steps[i];
    if (t.loop_start >= 0 && static_cast<std::int64_t>(i) == t.loop_start)
      out += "  -- cycle: the following steps repeat forever --\n";
    std::string num = std::to_string(i + 1);
    out += std::string(num.size() < 3 ? 3 - num.size() : 0, ' ') + num + "  ";
    out += pad(s.thread_name, wthread) + "  " + pad(s.function, wfunc) + "  " +
           pad(s.file.empty() ? "" : base_name(s.file) + ":" + std::to_string(s.line), wloc) +
           "  " + s.source + "\n";
    if (!s.changes.empty()) {
      std::string line;
      for (const auto& c : s.changes) {
        std::string item = c.name + " " + c.before + "\u2192" + c.after;
        if (!line.empty() && line.size() + item.size() > 72) {
          out += indent + line + "\n";
          line.clear();
        }
        line += (line.empty() ? "" : ", ") + item;
      }
      out += indent + line + "\n";
    }
    for (const auto& b : s.buffered) out += indent + "store buffered: " + b + "\n";
    for (const auto& rd : s.reads) out += indent + "read " + rd + "\n";
    for (const auto& e : s.events) out += indent + "!! " + e + "\n";
  }
  return out;
}

nlohmann::json to_json(const Trace& t, const RunInfo& run) {
  using nlohmann::json;
  json j;
  j["schema_version"] = kTraceSchemaVersion;
  j["tool"] = {{"name", "pcmc"}, {"version", PCMC_VERSION}};
  j["scenario"] = run.scenario;
  j["file"] = run.file;
  j["variant"] = run.variant;
  j["kernel"] = run.kernel;
  j["memory_model"] = run.memory_model;
  j["debug_vm"] = run.debug_vm;
  j["switches"] = run.switches;
  j["scenario_hash"] = run.scenario_hash;
  if (!run.constants.empty()) {
    json c = json::object();
    for (const auto& [name, value] : run.constants) c[name] = value;
    j["constants"] = c;
  }
  j["property"] = {{"name", t.property}, {"class", t.cls},     {"macro", t.macro},
                   {"function", t.function}, {"location", t.location}, {"text", t.text}};
  j["thread"] = t.thread_name;
  j["detail"] = t.detail;
  json steps = json::array();
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const TraceStep& s = t.steps[i];
    json changes = json::array();
    for (const auto& c : s.changes)
      changes.push_back({{"field", c.name}, {"old", c.before}, {"new", c.after}});
    steps.push_back({{"step", i + 1},
                     {"thread", s.thread_name},
                     {"thread_id", s.thread},
                     {"choice", s.index},
                     {"function", s.function},
                     {"call_chain", s.call_chain},
                     {"file", s.file},
                     {"line", s.line},
                     {"col", s.col},
                     {"source", s.source},
                     {"changes", changes},
                     {"locks_held", s.locks_held},
                     {"events", s.events}});
    if (!s.flush.empty()) steps.back()["flush"] = s.flush;
    if (!s.buffered.empty()) steps.back()["buffered"] = s.buffered;
    if (!s.reads.empty()) steps.back()["reads"] = s.reads;
  }
  j["steps"] = steps;
  j["loop_start"] = t.loop_start < 0 ? json(nullptr) : json(t.loop_start + 1);
  json fin = json::object();
  for (const auto& [k, v] : t.final_state) fin[k] = v;
  j["final_state"] = fin;
  json path = json::array();
  for (const auto& [th, idx] : t.choice_path) path.push_back({th, idx});
  j["choice_path"] = path;
  return j;
}

}  // namespace pcmc::traces
