#include "traces/json_import.hpp"

#include "model/source.hpp"

namespace pcmc::traces {

namespace {

using nlohmann::json;

// A non-negative integer, whether nlohmann stored it signed (written from an int) or unsigned
// (parsed).
bool is_uint(const json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
}

// Member access with the JSON path in every error message.
class Reader {
 public:
  Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& member, const std::string& what) const {
    throw TraceFormatError(path(member) + ": " + what);
  }
  std::string path(const std::string& member) const {
    if (member.empty()) return where_.empty() ? "(top level)" : where_;
    return where_.empty() ? member : where_ + "." + member;
  }
  const json& at(const std::string& m) const {
    if (!j_.is_object()) fail("", "expected an object");
    auto it = j_.find(m);
    if (it == j_.end()) fail(m, "missing");
    return *it;
  }
  bool has(const std::string& m) const { return j_.is_object() && j_.contains(m); }
  std::string str(const std::string& m) const {
    const json& v = at(m);
    if (!v.is_string()) fail(m, "expected a string");
    return v.get<std::string>();
  }
  std::string str_or(const std::string& m, const std::string& dflt) const {
    return has(m) ? str(m) : dflt;
  }
  std::uint64_t uint(const std::string& m, std::uint64_t max) const {
    const json& v = at(m);
    if (!is_uint(v)) fail(m, "expected an unsigned integer");
    auto x = v.get<std::uint64_t>();
    if (x > max) fail(m, "out of range");
    return x;
  }
  bool boolean(const std::string& m) const {
    const json& v = at(m);
    if (!v.is_boolean()) fail(m, "expected true or false");
    return v.get<bool>();
  }
  std::vector<std::string> strings(const std::string& m) const {
    const json& v = at(m);
    if (!v.is_array()) fail(m, "expected an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(m + "[" + std::to_string(i) + "]", "expected a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  const json& array(const std::string& m) const {
    const json& v = at(m);
    if (!v.is_array()) fail(m, "expected an array");
    return v;
  }

 private:
  const json& j_;
  std::string where_;
};

std::vector<std::string> split_variant(const std::string& v) {
  std::vector<std::string> out;
  if (v == "B" || v.empty()) return out;
  std::size_t b = 0;
  for (;;) {
    std::size_t e = v.find('+', b);
    out.push_back(v.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) return out;
    b = e + 1;
  }
}

TraceStep step_from_json(const json& j, const std::string& where, std::size_t number) {
  Reader r(j, where);
  if (r.uint("step", UINT32_MAX) != number)
    r.fail("step", "expected " + std::to_string(number) + " (steps are numbered from 1)");
  TraceStep s;
  s.thread_name = r.str("thread");
  s.thread = static_cast<unsigned>(r.uint("thread_id", 0xFFFE));
  s.index = static_cast<std::uint16_t>(r.uint("choice", 0xFFFF));
  s.function = r.str("function");
  if (r.has("call_chain")) s.call_chain = r.strings("call_chain");
  s.file = r.str("file");
  s.line = static_cast<std::uint32_t>(r.uint("line", UINT32_MAX));
  if (r.has("col")) s.col = static_cast<std::uint32_t>(r.uint("col", UINT32_MAX));
  s.source = r.str("source");
  const json& changes = r.array("changes");
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Reader c(changes[i], r.path("changes[" + std::to_string(i) + "]"));
    s.changes.push_back({c.str("field"), c.str("old"), c.str("new")});
  }
  if (r.has("locks_held")) s.locks_held = r.strings("locks_held");
  if (r.has("events")) s.events = r.strings("events");
  s.flush = r.str_or("flush", "");
  if (r.has("buffered")) s.buffered = r.strings("buffered");
  if (r.has("reads")) s.reads = r.strings("reads");
  return s;
}

}  // namespace

SavedTrace trace_from_json(const json& j, const std::string& where) {
  Reader r(j, where);
  SavedTrace out;
  if (const auto v = r.uint("schema_version", 1000);
      v < static_cast<unsigned>(kTraceSchemaOldest) || v > static_cast<unsigned>(kTraceSchemaVersion))
    r.fail("schema_version", "this pcmc reads schema_version " +
                                 std::to_string(kTraceSchemaOldest) + " to " +
                                 std::to_string(kTraceSchemaVersion));
  out.run.scenario = r.str("scenario");
  out.run.file = r.str_or("file", "");
  out.run.variant = r.str("variant");
  out.run.kernel = r.str_or("kernel", "v5.15");  // traces written before --kernel: v5.15
  out.run.memory_model = r.str_or("memory_model", "sc");  // schema 1: sc
  if (out.run.memory_model != "sc" && out.run.memory_model != "tso" &&
      out.run.memory_model != "pso")
    r.fail("memory_model", "expected sc, tso or pso");
  out.run.debug_vm = r.boolean("debug_vm");
  out.run.switches = r.has("switches") ? r.strings("switches") : split_variant(out.run.variant);
  out.run.scenario_hash = r.str_or("scenario_hash", "");
  if (r.has("constants")) {  // --set overrides: {"HPAGE_PMD_NR": 8, ...}
    const json& c = r.at("constants");
    if (!c.is_object()) r.fail("constants", "expected an object of integers");
    for (const auto& [name, v] : c.items()) {
      if (!v.is_number_integer()) r.fail("constants." + name, "expected an integer");
      out.run.constants.emplace_back(name, v.get<std::int64_t>());
    }
  }

  Trace& t = out.trace;
  Reader p(r.at("property"), r.path("property"));
  t.property = p.str("name");
  t.cls = p.str("class");
  t.macro = p.str_or("macro", "");
  t.function = p.str_or("function", "");
  t.location = p.str_or("location", "");
  t.text = p.str_or("text", "");
  t.thread_name = r.str_or("thread", "");
  t.detail = r.str_or("detail", "");

  const json& steps = r.array("steps");
  for (std::size_t i = 0; i < steps.size(); ++i)
    t.steps.push_back(step_from_json(steps[i], r.path("steps[" + std::to_string(i) + "]"), i + 1));

  if (r.has("loop_start") && !r.at("loop_start").is_null()) {
    auto ls = r.uint("loop_start", steps.size());
    if (ls == 0) r.fail("loop_start", "steps are numbered from 1");
    t.loop_start = static_cast<std::int64_t>(ls) - 1;
  }

  const json& fin = r.at("final_state");
  if (!fin.is_object()) r.fail("final_state", "expected an object");
  for (const auto& [k, v] : fin.items()) {
    if (!v.is_string()) r.fail("final_state." + k, "expected a string");
    t.final_state.emplace_back(k, v.get<std::string>());
  }

  const json& path = r.array("choice_path");
  if (path.size() != steps.size())
    r.fail("choice_path", "has " + std::to_string(path.size()) + " entries for " +
                              std::to_string(steps.size()) + " steps");
  for (std::size_t i = 0; i < path.size(); ++i) {
    const json& e = path[i];
    std::string m = "choice_path[" + std::to_string(i) + "]";
    if (!e.is_array() || e.size() != 2 || !is_uint(e[0]) || !is_uint(e[1]) ||
        e[0].get<std::uint64_t>() > 0xFFFE ||
        e[1].get<std::uint64_t>() > 0xFFFF)
      r.fail(m, "expected [thread_id, choice]");
    t.choice_path.emplace_back(e[0].get<std::uint16_t>(), e[1].get<std::uint16_t>());
  }
  return out;
}

std::vector<SavedTrace> traces_from_json(const json& doc) {
  std::vector<SavedTrace> out;
  auto run = [&](const json& j, const std::string& where) {
    Reader r(j, where);
    const json& v = r.array("violations");
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(trace_from_json(v[i], r.path("violations[" + std::to_string(i) + "]")));
  };
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) run(doc[i], "[" + std::to_string(i) + "]");
  } else if (doc.is_object() && doc.contains("violations")) {
    run(doc, "");
  } else if (doc.is_object() && doc.contains("steps")) {
    out.push_back(trace_from_json(doc, ""));
  } else {
    throw TraceFormatError(
        "(top level): neither a `pcmc check --json` run, an array of runs, nor a trace");
  }
  return out;
}

std::vector<SavedTrace> read_trace_file(const std::string& path) {
  std::string text;
  try {
    text = model::read_text_file(path);
  } catch (const model::ReadError& e) {
    throw TraceFormatError(e.what());
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw TraceFormatError(path + ": not JSON: " + e.what());
  }
  try {
    return traces_from_json(doc);
  } catch (const TraceFormatError& e) {
    throw TraceFormatError(path + ": " + e.what());
  }
}

ChoicePath choice_path_of(const Trace& t) {
  ChoicePath p;
  p.steps = t.choice_path;
  p.loop_start = t.loop_start;
  return p;
}

}  // namespace pcmc::traces
