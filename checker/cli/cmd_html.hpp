// `pcmc check --html FILE`: the self-contained trace viewer page of one run (traces/html.hpp).
#pragma once

#include "checker/cli/options.hpp"
#include "checker/session/session.hpp"
#include "model/source.hpp"

namespace pcmc::cli {

// Writes o.html_file for `run` (every trace of it; a page saying so when the run holds).
// Returns kHolds, or kIoError after printing why the file could not be written.
int write_html_report(const checker::VariantRun& run, const model::SourceManager& sm,
                      const Options& o);

}  // namespace pcmc::cli
