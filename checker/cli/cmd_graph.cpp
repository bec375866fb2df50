// pcmc graph SCENARIO -o FILE.dot|FILE.svg|FILE.json [-D ...] [--debug-vm] [--max-nodes N] [--svg]
// Exit: 0 drawn, 21 too large, 65 a malformed model or a model error at run time (drawn too),
// 74 a file could not be written.
//
// FILE.json: the graph as data for scripts (traces/graph_json.hpp, docs/graph-schema.json),
// with a default --max-nodes of kGraphJsonMaxNodes.
//
// Draws the explored state graph with the shortest path to the first violation in red
// (checker/search/explore_graph.hpp explores, traces/graph_dot.hpp draws). Refuses, with exit code
// kTooLarge and the state count, when the graph has more than --max-nodes states: a picture of
// thousands of states is unreadable. SVG goes through Graphviz's `dot` when it is installed.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/search/explore_graph.hpp"
#include "traces/graph_dot.hpp"
#include "traces/graph_json.hpp"

extern char** environ;

namespace pcmc::cli {

namespace {

namespace fs = std::filesystem;

// The counting search stops here when no --max-states is given: enough to say "far too many"
// without exploring a kernel scenario to the end just to refuse it.
std::uint64_t count_cap(std::uint64_t max_nodes) {
  return std::max<std::uint64_t>(max_nodes * 100, 1000000);
}

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// `dot` on the PATH, or "" when Graphviz is not installed.
std::string find_dot() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    fs::path p = fs::path(dir) / "dot";
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

// Runs `dot -Tsvg IN -o OUT` without a shell; returns its exit status (-1: could not start).
// The graph is drawn either way, but a model that goes wrong at run time is a bad model (exit
// 65), as for check: each model error is named on stderr.
int model_error_exit(const checker::VariantRun& run) {
  int done = kHolds;
  for (const auto& t : run.traces)
    if (t.cls == "model_error") {
      std::cerr << "pcmc: " << (t.location.empty() ? "" : t.location + ": ") << t.detail
                << " (`pcmc check` prints the path)\n";
      done = kBadModel;
    }
  return done;
}

int run_dot(const std::string& dot, const std::string& in, const std::string& out) {
  std::vector<std::string> args{dot, "-Tsvg", in, "-o", out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, dot.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

int run_graph(const Options& o) {
  Scenario sc;
  try {
    parse_scenario(o, sc);
    // Count first, with the ordinary search (and the user's limits): it compiles the variant,
    // checks the init block, and says whether the graph is small enough to draw.
    checker::SearchOptions sopts = limit_options(o);
    sopts.all = true;
    sopts.liveness = true;  // the graph does not compute cycles: the note below does
    sopts.max_depth = 0;  // the picture is of the whole graph
    const std::uint64_t cap = count_cap(o.max_nodes);
    if (sopts.max_states == 0 || sopts.max_states > cap) sopts.max_states = cap;
    checker::VariantRun run = checker::run_variant(sc.ast, sc.sm, o.defines, o.debug_vm, sopts);
    const auto& st = run.result.stats;
    const std::string label = variant_label(o.defines);
    auto refuse = [&](const std::string& count) {
      std::cerr << "pcmc: refusing to draw " << count << " states (limit " << o.max_nodes
                << ", --max-nodes to raise); the picture would be unreadable\n";
      return kTooLarge;
    };
    // A counting search that stopped early (state cap, a limit, Ctrl-C) gives a lower bound.
    const bool counted = run.result.incomplete_reason.empty();
    if (st.states > o.max_nodes)
      return refuse((counted ? "" : "at least ") + std::to_string(st.states));

    checker::ProgramSystem system(*run.exec, run.table);
    checker::GraphOptions gopts;
    gopts.max_nodes = o.max_nodes;
    checker::GraphResult gr = checker::explore_graph(system, gopts);
    if (gr.too_large) return refuse("more than " + std::to_string(o.max_nodes));
    // The graph and the search must agree on a complete state space (an internal invariant).
    if (counted && gr.graph.states != st.states)
      throw std::logic_error("state graph has " + std::to_string(gr.graph.states) +
                             " states, the search " + std::to_string(st.states));
    const traces::StateGraph& g = gr.graph;

    traces::TraceContext ctx = run.trace_context(sc.sm);
    std::cout << "pcmc graph: " << run.program.scenario << " (" << o.scenario << "), variant "
              << label << sets_label(o) << ", CONFIG_DEBUG_VM " << (o.debug_vm ? "on" : "off")
              << "\n";
    if (has_suffix(o.output_file, ".json")) {  // for scripts: docs/graph-schema.json
      traces::RunInfo info;
      info.scenario = run.program.scenario;
      info.file = o.scenario;
      info.variant = label;
      info.debug_vm = o.debug_vm;
      info.switches = o.defines;
      info.constants = o.sets;
      if (!write_file(o.output_file, traces::graph_json(g, ctx, info).dump(1) + "\n")) {
        std::cerr << "pcmc: cannot write " << o.output_file << "\n";
        return kIoError;
      }
      std::cout << "wrote " << o.output_file << ": " << g.states << " states, " << g.edges.size()
                << " transitions, " << g.end_states << " end states; highlighted path: "
                << (g.first_violation.empty() ? std::string("none")
                                              : g.first_violation + ", " +
                                                    std::to_string(g.path_length) + " steps")
                << "\n";
      return model_error_exit(run);
    }
    // Otherwise -o ends in .dot or .svg (options.cpp): the other file is its sibling.
    const bool want_svg = o.svg || has_suffix(o.output_file, ".svg");
    fs::path dot_path = o.output_file, svg_path = o.output_file;
    if (has_suffix(o.output_file, ".svg")) dot_path.replace_extension(".dot");
    else svg_path.replace_extension(".svg");

    std::ostringstream dot;
    std::string title = run.program.scenario + ", variant " + label + ", CONFIG_DEBUG_VM " +
                        (o.debug_vm ? "on" : "off") + ": " + std::to_string(g.states) +
                        " states, " + std::to_string(g.edges.size()) + " transitions";
    if (!g.first_violation.empty())
      title += "; red: shortest path to " + g.first_violation + " (" +
               std::to_string(g.path_length) + " steps)";
    traces::write_dot(dot, g, traces::program_labels(ctx), title);
    if (!write_file(dot_path.string(), dot.str())) {
      std::cerr << "pcmc: cannot write " << dot_path.string() << "\n";
      return kIoError;
    }
    std::cout << "wrote " << dot_path.string() << ": " << g.states << " states, "
              << g.edges.size() << " transitions, " << g.end_states << " end states";
    if (g.nodes.size() > g.states)
      std::cout << ", " << g.nodes.size() - g.states << " fatal steps";
    std::cout << "\n";
    for (const auto& t : run.traces)
      if (t.cls == "nontermination")
        std::cout << "note: " << t.property << " is violated (a cycle; `pcmc check` prints it), "
                  << "not highlighted here\n";
    if (g.first_violation.empty()) std::cout << "no violation in any state or step: nothing highlighted\n";
    else std::cout << "highlighted (red): the shortest path to " << g.first_violation << ", "
                   << g.path_length << " steps\n";

    const int done = model_error_exit(run);
    const std::string render = "dot -Tsvg " + dot_path.string() + " -o " + svg_path.string();
    if (!want_svg) {
      std::cout << "render it with: " << render << "\n";
      return done;
    }
    const std::string dot_bin = find_dot();
    if (dot_bin.empty()) {
      std::cout << "Graphviz's dot is not installed (Debian: apt-get install graphviz); "
                << "render it with: " << render << "\n";
      return done;
    }
    if (int rc = run_dot(dot_bin, dot_path.string(), svg_path.string()); rc != 0) {
      std::cerr << "pcmc: " << render << " failed (exit " << rc << ")\n";
      return kIoError;
    }
    std::cout << "wrote " << svg_path.string() << "\n";
    return done;
  } catch (const model::CompileError& e) {
    std::cerr << sc.sm.format(e);
    return kBadModel;
  }
}

}  // namespace pcmc::cli
