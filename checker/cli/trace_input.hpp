// Loading a saved trace file next to its scenario, for `pcmc replay` and `pcmc explain`:
// reads TRACE.json (traces/json_import.hpp), parses the scenario on the trace's kernel library
// (unless --kernel is given), and warns on stderr when the
// scenario text is not the one the trace was recorded on (content hash,
// traces/scenario_hash.hpp) or is another scenario altogether.
#pragma once

#include <string>
#include <vector>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/options.hpp"
#include "traces/json_import.hpp"

namespace pcmc::cli {

struct TraceInput {
  Scenario scenario;
  std::vector<traces::SavedTrace> saved;
};

// Returns 0, or the exit code after printing why: 65 for a malformed/unreadable trace file, a
// file without counterexamples, or a malformed scenario.
int load_trace_input(const Options& o, TraceInput& in);

// "variant B, CONFIG_DEBUG_VM off"
std::string mode_label(const std::string& variant, bool debug_vm);

}  // namespace pcmc::cli
