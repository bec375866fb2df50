#include "checker/cli/cmd_html.hpp"

#include <cstdio>
#include <iostream>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/exit_codes.hpp"
#include "traces/html.hpp"
#include "traces/scenario_hash.hpp"

namespace pcmc::cli {

int write_html_report(const checker::VariantRun& run, const model::SourceManager& sm,
                      const Options& o) {
  traces::RunInfo info;
  info.scenario = run.program.scenario;
  info.file = o.scenario;
  info.variant = variant_label(o.defines);
  info.debug_vm = o.debug_vm;
  info.switches = o.defines;
  info.scenario_hash = traces::scenario_hash(sm);
  info.kernel = o.kernel;
  info.memory_model = o.memory_model;
  info.constants = o.sets;
  const char* verdicts[] = {"holds", "violated", "incomplete"};
  const auto& st = run.result.stats;
  std::string stats = std::to_string(st.states) + " states, " + std::to_string(st.transitions) +
                      " transitions, " + std::to_string(st.end_states) + " end states";
  if (!run.result.incomplete_reason.empty()) stats += " (" + run.result.incomplete_reason + ")";
  if (st.store == checker::StoreMode::HashCompact) {  // docs/hash-compaction.md
    char bound[96];
    std::snprintf(bound, sizeof bound, "; hash compaction (lossy): P(omission) <= %.2g",
                  st.omission_bound);
    stats += bound;
  }
  const nlohmann::json data =
      traces::viewer_data(run.trace_context(sm), run.traces, info,
                          verdicts[static_cast<int>(run.result.status)], stats);
  if (!write_file(o.html_file, traces::render_html(data))) {
    std::cerr << "pcmc: cannot write " << o.html_file << "\n";
    return kIoError;
  }
  return kHolds;
}

}  // namespace pcmc::cli
