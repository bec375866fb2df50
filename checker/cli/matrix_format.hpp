// Renderings of a fix matrix (checker/session/matrix.hpp) for `pcmc matrix --format text|md|json`:
// an aligned plain-ASCII table, a Markdown table (✓/✗, each violation linked to its trace file)
// and a JSON document (schema in docs/graphs-and-viewer.md). None of them contains times, so
// the same run gives the same bytes (the CLI tests compare them with golden files).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/session/matrix.hpp"

namespace pcmc::cli {

inline constexpr int kMatrixSchemaVersion = 1;

// trace_files[row][column]: the file the violation's trace was written to, "" for none.
using TraceFiles = std::vector<std::vector<std::string>>;

std::string matrix_text(const checker::Matrix& m, const TraceFiles& files);
std::string matrix_markdown(const checker::Matrix& m, const TraceFiles& files);
nlohmann::json matrix_json(const checker::Matrix& m, const TraceFiles& files);

}  // namespace pcmc::cli
