// pcmc explain SCENARIO.pcm TRACE.json [--width N]
//
// Prints every counterexample saved in TRACE.json in CPU columns (traces/columns.hpp), ready to
// paste into a commit message or a mail. The scenario is read to warn when it has changed since
// the trace was recorded; the trace itself is printed as saved. Exit 0, or 65 for a malformed
// trace file or scenario.
#include <iostream>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/trace_input.hpp"
#include "traces/columns.hpp"

namespace pcmc::cli {

int run_explain(const Options& o) {
  TraceInput in;
  if (int rc = load_trace_input(o, in)) return rc;
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
