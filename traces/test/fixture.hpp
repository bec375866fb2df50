// Shared fixture of the traces tests: one basics scenario compiled for one variant, and traces
// built from hand-written choice paths (the paths BFS finds; the checker's own tests and
// checker/session/test/trace_roundtrip_test.cpp cover traces produced by a search).
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "traces/trace.hpp"
#include "model/test/source_dir.hpp"

namespace pcmc::traces::test {

struct Scenario {
  model::SourceManager sm;
  model::Program program;
  std::unique_ptr<model::Executor> exec;
  explicit Scenario(const std::string& name, std::vector<std::string> defines = {},
                    bool debug_vm = false) {
    model::CompileOptions co;
    co.defines = std::move(defines);
    co.debug_vm = debug_vm;
    program = model::load_program(sm, PCMC_SOURCE_DIR + "/examples/basics/" + name + ".pcm", {}, co);
    model::ExecOptions eo;
    eo.debug_vm = debug_vm;
    exec = std::make_unique<model::Executor>(program, eo);
  }
  TraceContext ctx() const { return {program, *exec, sm}; }
  Trace trace(const PropertyRef& prop, const ChoicePath& path) const {
    return build_trace(ctx(), prop, path);
  }
};

// The shortest counterexamples of the basics scenarios, as `pcmc check` reports them.
inline Trace lost_update_trace(const Scenario& s) {
  ChoicePath p;
  p.steps = {{0, 0}, {1, 0}, {0, 0}, {1, 0}};
  return s.trace({"both_counted", "final", "final", "", {}, "counter == 2"}, p);
}

inline Trace abba_trace(const Scenario& s) {
  ChoicePath p;
  p.steps = {{0, 0}, {1, 0}};
  return s.trace({"deadlock", "deadlock", "", "", {}, ""}, p);
}

inline Trace livelock_trace(const Scenario& s) {
  ChoicePath p;
  p.steps = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
             {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
  p.loop_start = 7;
  p.thread = 0;
  return s.trace({"nontermination", "nontermination", "", "", {}, ""}, p);
}

// Compares `text` with traces/test/golden/NAME; with PCMC_UPDATE_GOLDEN=1 in the environment
// rewrites the file instead (then review the diff).
inline void check_golden(const std::string& name, const std::string& text) {
  const std::string path = PCMC_SOURCE_DIR + "/traces/test/golden/" + name;
  if (const char* u = std::getenv("PCMC_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(path) << text;
    WARN("rewrote " << path);
    return;
  }
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  INFO("golden file " << path << " (PCMC_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(text == ss.str());
}

}  // namespace pcmc::traces::test
