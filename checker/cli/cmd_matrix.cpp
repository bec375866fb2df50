// pcmc matrix SCENARIO --variants "B; F1; F1+F3" [--debug-vm on|off|both]
//             [--format text|md|json] [--trace-dir DIR] [--rows all|violated]
//
// Runs every variant (and mode) and prints properties × variants (checker/matrix.hpp), writing
// one trace JSON per violation into the trace folder (default matrix-traces/), each a single
// trace object that `pcmc replay` reads. Exit: 0 every run complete, 20 some run incomplete,
// 64 a variant names a switch the scenario does not declare,
// 65 a malformed model or a model error at run time, 74 a trace file could not be written;
// violations are the table's content, not a failure.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/matrix_format.hpp"
#include "checker/matrix.hpp"
#include "traces/render.hpp"
#include "traces/scenario_hash.hpp"

namespace pcmc::cli {

namespace {

namespace fs = std::filesystem;

// A file-name-safe form: letters, digits, '+', '-', '_', '.'; anything else becomes '_'.
std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace

int run_matrix(const Options& o) {
  std::vector<std::vector<std::string>> variants;
  try {
    variants = checker::parse_variants(o.variants);
  } catch (const std::invalid_argument& e) {
    std::cerr << "pcmc: --variants: " << e.what() << "\n";
    return kUsage;
  }
  std::vector<bool> modes{o.debug_vm};
  if (o.debug_vm_mode == "both") modes = {false, true};

  Scenario sc;
  try {
    parse_scenario(o, sc);
    for (const auto& v : variants) check_switches(sc, v, "--variants");
    checker::SearchOptions sopts = limit_options(o);
    sopts.liveness = o.liveness;
    sopts.por = o.por;  // the reductions apply as in check (with --liveness off)
    sopts.sleep = o.sleep;
    sopts.symmetry = o.symmetry;
    sopts.workers = o.jobs;
    checker::Matrix m = checker::compute_matrix(sc.ast, sc.sm, variants, modes, sopts);
    if (o.rows == "violated")   // only the rows with at least one violated cell
      std::erase_if(m.rows, [](const checker::MatrixRow& row) {
        return std::none_of(row.cells.begin(), row.cells.end(),
                            [](checker::Cell c) { return c == checker::Cell::Violated; });
      });

    // One trace file per violated cell.
    const fs::path dir = o.trace_dir.empty() ? fs::path("matrix-traces") : fs::path(o.trace_dir);
    TraceFiles files(m.rows.size(), std::vector<std::string>(m.columns.size()));
    const std::string hash = traces::scenario_hash(sc.sm);
    for (std::size_t r = 0; r < m.rows.size(); ++r)
      for (std::size_t c = 0; c < m.columns.size(); ++c) {
        if (m.rows[r].trace[c] < 0) continue;
        const checker::MatrixColumn& col = m.columns[c];
        std::error_code ec;
        fs::create_directories(dir, ec);
        std::string label = col.label;
        if (auto sp = label.find(' '); sp != std::string::npos) label.replace(sp, 1, "-");
        const fs::path file = dir / (safe_name(label) + "-" + safe_name(m.rows[r].property) + ".json");
        traces::RunInfo info;
        info.scenario = m.scenario;
        info.file = o.scenario;
        info.variant = variant_label(col.defines);
        info.debug_vm = col.debug_vm;
        info.switches = col.defines;
        info.scenario_hash = hash;
        const auto& trace = col.traces[static_cast<std::size_t>(m.rows[r].trace[c])];
        if (!write_file(file.string(), traces::to_json(trace, info).dump(2) + "\n")) {
          std::cerr << "pcmc: cannot write " << file.string() << "\n";
          return kIoError;
        }
        files[r][c] = file.string();
      }

    if (o.format == "json") std::cout << matrix_json(m, files).dump(2) << "\n";
    else if (o.format == "md") std::cout << matrix_markdown(m, files);
    else std::cout << matrix_text(m, files);

    for (const auto& col : m.columns)
      if (col.model_error) return kBadModel;
    for (const auto& col : m.columns)
      if (!col.incomplete_reason.empty()) return kIncomplete;
    return kHolds;
  } catch (const model::CompileError& e) {
    std::cerr << sc.sm.format(e);
    return kBadModel;
  }
}

}  // namespace pcmc::cli
