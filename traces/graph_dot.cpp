#include "traces/graph_dot.hpp"

// GCC 12 reports a false -Wmaybe-uninitialized inside Boost.Graph's edge iterator (a
// boost::optional member) when write_graphviz is instantiated; silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include "traces/state_labels.hpp"

namespace pcmc::traces {

namespace {

// A DOT quoted string whose '\n'-separated lines are left-justified ("\l").
std::string quote_lines(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') out += "\\l";
    else if (c == '"' || c == '\\') (out += '\\') += c;
    else out += c;
  }
  return out + "\\l\"";
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

struct Vertex {
  std::string attrs;  // the whole attribute list, "[label=..., ...]"
};
struct Edge {
  std::string attrs;
};
using DotGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Vertex, Edge>;

std::string node_attrs(const StateGraph& g, std::size_t i, const GraphLabels& labels) {
  const GraphNode& n = g.nodes[i];
  std::string text = labels.node(g, i);
  std::vector<std::string> style;
  std::string extra;
  switch (n.kind) {
    case GraphNode::End:
      text += n.exists_hit ? "\nend, exists" : "\nend";
      style.push_back("rounded");
      break;
    case GraphNode::Deadlock: text += "\ndeadlock"; break;
    case GraphNode::Fatal: extra += ", shape=octagon"; break;
    case GraphNode::Unexpanded:
    case GraphNode::Inner: break;
  }
  for (const auto& v : n.violated) text += "\n!! " + v;
  if (!n.violated.empty() || n.kind == GraphNode::Fatal) {
    style.push_back("filled");
    extra += ", fillcolor=\"#ffe0e0\", fontcolor=red";
  }
  if (i == 0) style.push_back("bold");
  if (n.on_path) extra += ", color=red, penwidth=2";
  else if (!n.violated.empty() || n.kind == GraphNode::Fatal) extra += ", color=red";
  std::string attrs = "[label=" + quote_lines(text);
  if (!style.empty()) attrs += ", style=" + quote(join(style, ","));
  return attrs + extra + "]";
}

std::string edge_attrs(const StateGraph& g, std::size_t i, const GraphLabels& labels) {
  const GraphEdge& e = g.edges[i];
  std::string text = labels.edge(g, i);
  for (const auto& v : e.violated) text += "\n!! " + v;
  std::string attrs = "[label=" + quote_lines(text);
  if (e.on_path) attrs += ", color=red, fontcolor=red, penwidth=2";
  else if (!e.violated.empty()) attrs += ", color=red, fontcolor=red, style=dashed";
  return attrs + "]";
}

}  // namespace

GraphLabels program_labels(const TraceContext& ctx) {
  GraphLabels l;
  l.node = [&ctx](const StateGraph& g, std::size_t i) {
    const std::uint8_t* s = g.nodes[i].state.data();
    std::string text = "s" + std::to_string(i);
    if (g.nodes[i].kind == GraphNode::Fatal) text = "x" + std::to_string(i) + " (fatal step)";
    for (unsigned t = 0; t < ctx.program.threads.size(); ++t) {
      text += "\n" + ctx.program.threads[t].name + " " + thread_position(ctx, s, t);
      for (const auto& [name, value] : live_locals(ctx, s, t)) text += " " + name + "=" + value;
    }
    const std::uint8_t* ref = i == 0 ? nullptr : g.nodes[0].state.data();
    for (const auto& [name, value] : shared_diff(ctx.program, s, ref))
      text += "\n" + name + "=" + value;
    return text;
  };
  l.edge = [&ctx](const StateGraph& g, std::size_t i) {
    const GraphEdge& e = g.edges[i];
    StepSite site = step_site(ctx, g.nodes[e.from].state.data(), e.thread, e.index);
    std::string text = ctx.program.threads.at(e.thread).name + ": " + site.file + ":" +
                       std::to_string(site.line) + "  " + site.source;
    if (e.index > 0) text += "  [choice " + std::to_string(e.index) + "]";
    return text;
  };
  return l;
}

GraphLabels plain_labels() {
  GraphLabels l;
  l.node = [](const StateGraph&, std::size_t i) { return "s" + std::to_string(i); };
  l.edge = [](const StateGraph& g, std::size_t i) {
    return "t" + std::to_string(g.edges[i].thread) + "." + std::to_string(g.edges[i].index);
  };
  return l;
}

void write_dot(std::ostream& out, const StateGraph& g, const GraphLabels& labels,
               const std::string& title) {
  DotGraph dg(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) dg[i].attrs = node_attrs(g, i, labels);
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    auto added = boost::add_edge(g.edges[i].from, g.edges[i].to, dg);
    dg[added.first].attrs = edge_attrs(g, i, labels);
  }
  boost::write_graphviz(
      out, dg, [&dg](std::ostream& os, DotGraph::vertex_descriptor v) { os << dg[v].attrs; },
      [&dg](std::ostream& os, DotGraph::edge_descriptor e) { os << dg[e].attrs; },
      [&title](std::ostream& os) {
        os << "label=" << quote(title) << ";\nlabelloc=t;\n"
           << "node [shape=box, fontname=\"monospace\", fontsize=10];\n"
           << "edge [fontname=\"monospace\", fontsize=9];\n";
      });
}

}  // namespace pcmc::traces

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
