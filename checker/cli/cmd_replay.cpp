// pcmc replay SCENARIO.pcm TRACE.json [-D NAME ...] [--debug-vm]
//
// Re-executes every counterexample saved in TRACE.json (`pcmc check --json` output) on the
// variant given on this command line, which may differ from the trace's (traces/replay.hpp).
// Prints the steps that applied, then "reproduced: PROPERTY" or where and why the path
// diverges. Exit codes: 10 every trace reproduced (the variant is still violated along the
// same path), 11 at least one diverged, 65 malformed trace file or scenario.
#include <iostream>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/trace_input.hpp"
#include "model/compile.hpp"
#include "model/exec.hpp"
#include "traces/render.hpp"
#include "traces/replay.hpp"

namespace pcmc::cli {

int run_replay(const Options& o) {
  TraceInput in;
  if (int rc = load_trace_input(o, in)) return rc;
  model::Program program;
  try {
    model::CompileOptions copts;
    copts.defines = o.defines;
    copts.debug_vm = o.debug_vm;
    copts.memory_model = memory_model_named(in.saved.front().run.memory_model);  // as recorded
    program = model::compile(in.scenario.ast, in.scenario.sm, copts);
  } catch (const model::CompileError& e) {
    std::cerr << in.scenario.sm.format(e);
    return kBadModel;
  }
  model::ExecOptions eopts;
  eopts.debug_vm = o.debug_vm;
  if (o.max_local_steps != 0) eopts.local_budget = o.max_local_steps;
  model::Executor exec(program, eopts);
  traces::TraceContext ctx{program, exec, in.scenario.sm};
  const std::string now = mode_label(variant_label(o.defines), o.debug_vm);

  int diverged = 0;
  for (const auto& s : in.saved) {
    const traces::Trace& t = s.trace;
    std::cout << "replay " << t.property << " (" << t.cls << "), " << t.steps.size()
              << " steps recorded on " << mode_label(s.run.variant, s.run.debug_vm)
              << "; replaying on " << now << "\n";
    traces::ReplayResult r = traces::replay(ctx, t);
    if (!o.quiet) std::cout << traces::render_steps(r.replayed);
    for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
    if (r.status == traces::ReplayStatus::Reproduced) {
      std::cout << r.reason << "\n";
    } else {
      ++diverged;
      std::cout << "diverged: " << r.reason << "\n";
      for (const auto& d : r.details) std::cout << "  " << d << "\n";
    }
    if (&s != &in.saved.back()) std::cout << "\n";
  }
  return diverged ? kDiverged : kViolated;
}

}  // namespace pcmc::cli
