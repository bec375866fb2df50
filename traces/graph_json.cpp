// The state graph as JSON (traces/graph_json.hpp).
#include "traces/graph_json.hpp"

#include "traces/graph_dot.hpp"
#include "traces/state_labels.hpp"

namespace pcmc::traces {

namespace {

const char* kind_name(GraphNode::Kind k) {
  switch (k) {
    case GraphNode::Inner: return "inner";
    case GraphNode::End: return "end";
    case GraphNode::Deadlock: return "deadlock";
    case GraphNode::Fatal: return "fatal";
    case GraphNode::Unexpanded: return "unexpanded";
  }
  return "?";
}

// "a\nb" → ["a", "b"]
nlohmann::json lines(const std::string& text) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) return out;
    start = nl + 1;
  }
}

// The highlighted path as edge ids in order: from the initial state along on_path edges.
nlohmann::json path_of(const StateGraph& g) {
  nlohmann::json out = nlohmann::json::array();
  std::uint32_t at = 0;
  for (std::size_t steps = 0; steps < g.path_length; ++steps) {
    bool found = false;
    for (std::size_t e = 0; e < g.edges.size() && !found; ++e)
      if (g.edges[e].on_path && g.edges[e].from == at) {
        out.push_back(e);
        at = g.edges[e].to;
        found = true;
      }
    if (!found) break;  // the violation is the state reached so far (an invariant, deadlock)
  }
  return out;
}

}  // namespace

nlohmann::json graph_json(const StateGraph& g, const TraceContext& ctx, const RunInfo& run) {
  using nlohmann::json;
  const model::Program& p = ctx.program;
  const GraphLabels labels = program_labels(ctx);
  json nodes = json::array();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const GraphNode& n = g.nodes[i];
    const std::uint8_t* s = n.state.data();
    json threads = json::array();
    for (unsigned t = 0; t < p.threads.size(); ++t) {
      json locals = json::object();
      for (const auto& [name, value] : live_locals(ctx, s, t)) locals[name] = value;
      threads.push_back({{"name", p.threads[t].name}, {"at", thread_position(ctx, s, t)},
                         {"locals", locals}});
    }
    json shared = json::object();
    for (const auto& [name, value] : shared_diff(p, s, i == 0 ? nullptr : g.nodes[0].state.data()))
      shared[name] = value;
    json exists = json::array();
    for (std::size_t c = 0; c < p.exists.size() && c < 64; ++c)
      if (n.exists_mask >> c & 1) exists.push_back(p.exists[c].name);
    nodes.push_back({{"id", i}, {"kind", kind_name(n.kind)}, {"depth", n.depth},
                     {"label", lines(labels.node(g, i))}, {"threads", threads},
                     {"shared", shared}, {"violated", n.violated}, {"exists", exists},
                     {"on_path", n.on_path}});
  }
  json edges = json::array();
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const GraphEdge& e = g.edges[i];
    const StepSite site = step_site(ctx, g.nodes[e.from].state.data(), e.thread, e.index);
    edges.push_back({{"id", i}, {"from", e.from}, {"to", e.to},
                     {"thread", p.threads.at(e.thread).name}, {"thread_id", e.thread},
                     {"choice", e.index},
                     {"step", {{"function", site.function}, {"file", site.file},
                               {"line", site.line}, {"source", site.source}}},
                     {"label", labels.edge(g, i)}, {"fatal", e.fatal},
                     {"violated", e.violated}, {"on_path", e.on_path}});
  }
  json constants = json::object();
  for (const auto& [name, value] : run.constants) constants[name] = value;
  return {{"kind", "pcmc-graph"},
          {"schema_version", kGraphSchemaVersion},
          {"scenario", run.scenario},
          {"file", run.file},
          {"variant", run.variant},
          {"debug_vm", run.debug_vm},
          {"constants", constants},
          {"states", g.states},
          {"transitions", g.edges.size()},
          {"end_states", g.end_states},
          {"first_violation", g.first_violation},
          {"path_length", g.path_length},
          {"nodes", nodes},
          {"edges", edges},
          {"path", path_of(g)}};
}

}  // namespace pcmc::traces
