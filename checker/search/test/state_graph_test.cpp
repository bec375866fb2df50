// The state-graph exploration behind `pcmc graph` (checker/search/explore_graph.hpp) and its DOT
// rendering (traces/graph_dot.hpp): the search is the oracle for the counts and for the
// highlighted path, on the toy models (counts computed by hand in toy_models.hpp) and on every
// basics example.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/search/explore_graph.hpp"
#include "checker/testing/toy_models.hpp"
#include "model/parser.hpp"
#include "traces/graph_dot.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using namespace pcmc::checker;

namespace {

// The highlighted edges, followed from the initial state, as (thread, index). At most one
// highlighted edge leaves a node (parent links plus the violating step).
std::vector<std::pair<int, int>> highlighted(const traces::StateGraph& g) {
  std::vector<std::pair<int, int>> path;
  std::uint32_t at = 0;
  while (path.size() < g.edges.size()) {
    const traces::GraphEdge* next = nullptr;
    for (const auto& e : g.edges)
      if (e.on_path && e.from == at) next = &e;
    if (next == nullptr) break;
    path.emplace_back(next->thread, next->index);
    at = next->to;
  }
  return path;
}

std::vector<std::pair<int, int>> steps_of(const Counterexample& c) {
  std::vector<std::pair<int, int>> p;
  for (const Step& s : c.steps) p.emplace_back(s.thread, s.index);
  return p;
}

// explore_graph agrees with search(all, no liveness) on counts and on the first counterexample.
void check_against_search(const TransitionSystem& sys) {
  GraphResult gr = explore_graph(sys, GraphOptions{});
  REQUIRE_FALSE(gr.too_large);
  SearchOptions opt;
  opt.all = true;
  opt.liveness = false;
  Result r = search(sys, opt);
  CHECK(gr.graph.states == r.stats.states);
  CHECK(gr.graph.edges.size() == r.stats.transitions);
  CHECK(gr.graph.end_states == r.stats.end_states);
  if (r.violations.empty()) {
    CHECK(gr.graph.first_violation.empty());
    return;
  }
  CHECK(gr.graph.first_violation == sys.properties().at(r.violations.front().property).name);
  CHECK(gr.graph.path_length == r.violations.front().steps.size());
  CHECK(highlighted(gr.graph) == steps_of(r.violations.front()));
}

std::size_t count_lines(const std::string& text, const std::regex& re) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += std::regex_search(line, re) ? 1 : 0;
  return n;
}

model::ast::Model parse_basics(model::SourceManager& sm, const std::string& name) {
  model::ParseOptions po;
  po.include_path.push_back(PCMC_SOURCE_DIR + "/model");
  return model::parse_file(sm, PCMC_SOURCE_DIR + "/examples/basics/" + name, po);
}

SearchOptions one_state() {
  SearchOptions opt;
  opt.max_states = 1;  // only the compiled program is wanted
  return opt;
}

// A compiled basics example. The run is initialised in place: its Executor points into its
// Program, so a VariantRun must not be moved.
struct Basics {
  model::SourceManager sm;
  model::ast::Model ast;
  VariantRun run;
  explicit Basics(const std::string& name)
      : ast(parse_basics(sm, name)), run(run_variant(ast, sm, {}, false, one_state())) {}
};

}  // namespace

TEST_CASE("graph of the toy models matches the search", "[graph]") {
  check_against_search(toy::Counter(5));
  check_against_search(toy::TwoCounters(3));
  check_against_search(toy::Mutex(false));
  check_against_search(toy::Mutex(true));
  check_against_search(toy::Abba());
}

TEST_CASE("graph of the broken mutex highlights the 4-step violation", "[graph]") {
  GraphResult gr = explore_graph(toy::Mutex(true), GraphOptions{});
  CHECK(gr.graph.states == 16);
  CHECK(gr.graph.edges.size() == 22);
  CHECK(gr.graph.path_length == 4);
  std::size_t marked = 0;
  for (const auto& n : gr.graph.nodes) marked += n.violated.empty() ? 0 : 1;
  CHECK(marked == 1);  // (2,2), not expanded
}

TEST_CASE("graph of every basics example matches the search", "[graph]") {
  for (const char* name : {"lost_update.pcm", "abba_deadlock.pcm", "livelock.pcm",
                           "guarded_index.pcm", "debug_only.pcm", "use_after_free.pcm"}) {
    INFO(name);
    Basics b(name);
    ProgramSystem sys(*b.run.exec, b.run.table);
    check_against_search(sys);
  }
}

TEST_CASE("lost_update: 12 nodes, 14 edges, the lost update in red", "[graph][dot]") {
  Basics b("lost_update.pcm");
  ProgramSystem sys(*b.run.exec, b.run.table);
  GraphResult gr = explore_graph(sys, GraphOptions{});
  const traces::StateGraph& g = gr.graph;
  REQUIRE(g.nodes.size() == 12);
  REQUIRE(g.edges.size() == 14);
  CHECK(g.first_violation == "both_counted");
  // P0 load, P1 load, P0 store, P1 store (the README's counterexample).
  CHECK(highlighted(g) == std::vector<std::pair<int, int>>{{0, 0}, {1, 0}, {0, 0}, {1, 0}});

  traces::TraceContext ctx = b.run.trace_context(b.sm);
  std::ostringstream dot;
  traces::write_dot(dot, g, traces::program_labels(ctx), "lost_update");
  const std::string text = dot.str();
  CHECK(count_lines(text, std::regex(R"(^\d+\[label=)")) == 12);
  CHECK(count_lines(text, std::regex(R"(^\d+->\d+ )")) == 14);
  CHECK(count_lines(text, std::regex(R"(^\d+->\d+ .*color=red.*penwidth=2)")) == 4);
  CHECK(count_lines(text, std::regex(R"(^\d+\[.*!! both_counted.*penwidth=2)")) == 1);
  CHECK(text.find(R"(P0: lost_update.pcm:24  tmp = counter;)") != std::string::npos);
  CHECK(text.find(R"(s0\lP0 inc:20\lP1 inc:20\l)") != std::string::npos);
  CHECK(count_lines(text, std::regex(R"(end, exists)")) == 1);  // counter == 1 at one end
}

TEST_CASE("graph exploration stops above max_nodes", "[graph]") {
  Basics b("lost_update.pcm");
  ProgramSystem sys(*b.run.exec, b.run.table);
  GraphOptions small;
  small.max_nodes = 11;
  CHECK(explore_graph(sys, small).too_large);
  small.max_nodes = 12;
  CHECK_FALSE(explore_graph(sys, small).too_large);
}

TEST_CASE("a fatal step gets its own octagon node", "[graph][dot]") {
  Basics b("use_after_free.pcm");
  ProgramSystem sys(*b.run.exec, b.run.table);
  GraphResult gr = explore_graph(sys, GraphOptions{});
  std::size_t fatal = 0;
  for (const auto& n : gr.graph.nodes) fatal += n.kind == traces::GraphNode::Fatal ? 1 : 0;
  CHECK(fatal == gr.graph.nodes.size() - gr.graph.states);
  CHECK(fatal >= 1);
  traces::TraceContext ctx = b.run.trace_context(b.sm);
  std::ostringstream dot;
  traces::write_dot(dot, gr.graph, traces::program_labels(ctx), "uaf");
  CHECK(count_lines(dot.str(), std::regex("shape=octagon")) == fatal);
  CHECK(count_lines(dot.str(), std::regex(R"(^\d+->\d+ .*!! H_uaf.*penwidth=2)")) == 1);
}
