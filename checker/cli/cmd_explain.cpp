// pcmc explain SCENARIO.pcm TRACE.json [--width N]
//
// Prints every counterexample saved in TRACE.json in CPU columns (traces/columns.hpp), ready to
// paste into a commit message or a mail. The scenario is read to warn when it has changed since
// the trace was recorded, and each trace is replayed on it, on the variant it was recorded on:
// a trace that does not reproduce there (another scenario's, or one the scenario no longer
// allows) is refused, as `pcmc replay` refuses it; the trace itself is printed as saved. Exit 0,
// or 65 for a malformed trace file or scenario, or a trace that does not fit the scenario.
#include <iostream>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/trace_input.hpp"
#include "model/compile.hpp"
#include "traces/columns.hpp"
#include "traces/replay.hpp"

namespace pcmc::cli {

namespace {

// Why `s` does not fit the scenario (its path does not reproduce its property on the variant
// and mode it was recorded on), or "" when it does.
std::string misfit(const Options& o, const TraceInput& in, const traces::SavedTrace& s) {
  model::Program program;
  try {
    model::CompileOptions copts;
    copts.defines = s.run.switches;
    copts.debug_vm = s.run.debug_vm;
    copts.memory_model = memory_model_named(s.run.memory_model);
    program = model::compile(in.scenario.ast, in.scenario.sm, copts);
  } catch (const model::CompileError& e) {
    return e.what();
  }
  model::ExecOptions eopts;
  eopts.debug_vm = s.run.debug_vm;
  if (o.max_local_steps != 0) eopts.local_budget = o.max_local_steps;
  const model::Executor exec(program, eopts);
  const traces::ReplayResult r = traces::replay({program, exec, in.scenario.sm}, s.trace);
  return r.status == traces::ReplayStatus::Reproduced ? "" : r.reason;
}

}  // namespace

int run_explain(const Options& o) {
  TraceInput in;
  if (int rc = load_trace_input(o, in)) return rc;
  for (const auto& s : in.saved)
    if (const std::string why = misfit(o, in, s); !why.empty()) {
      std::cerr << "pcmc: " << o.trace_file << " does not fit " << o.scenario << ": its "
                << s.trace.property << " trace, replayed on "
                << mode_label(s.run.variant, s.run.debug_vm) << ", diverged: " << why
                << " (pcmc replay shows the steps)\n";
      return kBadModel;
    }
  for (const auto& s : in.saved) {
    const traces::Trace& t = s.trace;
    if (&s != &in.saved.front()) std::cout << "\n";
    std::cout << s.run.scenario << ": " << t.property << " (" << t.cls << ") violated, "
              << mode_label(s.run.variant, s.run.debug_vm) << ", " << t.steps.size()
              << " steps\n\n"
              << traces::render_columns(t, o.width);
  }
  return kHolds;
}

}  // namespace pcmc::cli
