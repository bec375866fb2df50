// The JSON report of one variant's run (`pcmc check --json`, `--judge --json`), schema
// traces::kTraceSchemaVersion: verdict, statistics (reductions, store, ranks), exists clauses,
// includes and violations; docs/trace-schema.json is its schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/options.hpp"
#include "checker/session/session.hpp"

namespace pcmc::cli {

// The word for an `exists` clause over the quiescent end states: never, sometimes, always, or
// undecided when the search was not exhaustive.
const char* exists_word(std::uint64_t hits, std::uint64_t ends, bool exhaustive);

// The run of `defines` / `debug_vm` (one variant of scenario `l`) as a JSON object.
nlohmann::json run_json(const checker::VariantRun& run, const Scenario& l, const Options& o,
                        const std::vector<std::string>& defines, bool debug_vm);

}  // namespace pcmc::cli
