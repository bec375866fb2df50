// `pcmc check --por-stats`: the POR diagnostics (checker/reduce/por_stats.hpp) as the JSON object
// stats.por_stats (docs/trace-schema.json) and as a short summary for people on stdout.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "checker/reduce/por_stats.hpp"

namespace pcmc::cli {

nlohmann::json por_stats_json(const checker::PorStats& s);
void print_por_stats(std::ostream& out, const checker::PorStats& s);

}  // namespace pcmc::cli
