// pcmc matrix SCENARIO --variants "B; F1; F1+F3" [--debug-vm on|off|both] [--kernels "v5.15; v6.12"]
//             [--format text|md|json] [--trace-dir DIR] [--rows all|violated]
//
// Runs every variant (and mode) and prints properties × variants (checker/session/matrix.hpp), writing
// one trace JSON per violation into the trace folder (default matrix-traces/), each a single
// trace object that `pcmc replay` reads. Exit: 0 every run complete, 20 some run incomplete,
// 64 a variant names a switch the scenario does not declare,
// 65 a malformed model or a model error at run time, 74 a trace file could not be written;
// violations are the table's content, not a failure.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <list>
#include <stdexcept>

#include "checker/cli/cmd_util.hpp"
#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/matrix_format.hpp"
#include "checker/session/matrix.hpp"
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

// Appends the columns of `add` to `m`; rows are matched by property name (a property only one
// library has is "holds" in the other's columns: not compiled there, as for a switch that
// deletes an assertion).
void merge_matrix(checker::Matrix& m, checker::Matrix& add) {
  const std::size_t before = m.columns.size();
  if (m.scenario.empty()) m.scenario = add.scenario;
  for (auto& col : add.columns) m.columns.push_back(std::move(col));
  for (auto& row : m.rows) {
    row.cells.resize(m.columns.size(), checker::Cell::Holds);
    row.trace.resize(m.columns.size(), -1);
  }
  for (auto& row : add.rows) {
    auto it = std::find_if(m.rows.begin(), m.rows.end(),
                           [&](const checker::MatrixRow& r) { return r.property == row.property; });
    if (it == m.rows.end()) {
      checker::MatrixRow fresh{row.property, row.cls,
                               std::vector<checker::Cell>(m.columns.size(), checker::Cell::Holds),
                               std::vector<int>(m.columns.size(), -1)};
      m.rows.push_back(std::move(fresh));
      it = std::prev(m.rows.end());
    }
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      it->cells[before + c] = row.cells[c];
      it->trace[before + c] = row.trace[c];
    }
  }
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

  // One library (--kernel), or several side by side (--kernels): each runs the variants whose
  // switches its library declares; the columns are labelled "v6.12 B" then.
  const std::vector<std::string> kernels = kernel_list(o.kernels.empty() ? o.kernel : o.kernels);
  const bool multi = !o.kernels.empty();
  std::list<Scenario> parsed;  // alive to the end: errors and traces point into their sources
  std::vector<std::string> column_kernel;  // per column of m
  std::string hash;
  try {
    checker::SearchOptions sopts = limit_options(o);
    sopts.liveness = o.liveness;
    sopts.por = o.por;  // the reductions apply as in check
    sopts.sleep = o.sleep;
    sopts.symmetry = o.symmetry;
    sopts.dead_vars = o.dead_vars;
    sopts.transactions = o.transactions;
    sopts.workers = o.jobs;
    checker::Matrix m;
    for (const std::string& k : kernels) {
      Options ok = o;
      ok.kernel = k;
      Scenario& ks = parsed.emplace_back();
      parse_scenario(ok, ks);
      // One library: every variant must name switches it declares (as -D does for check).
      // Several: each library runs the variants it can, below.
      if (!multi)
        for (const auto& v : variants) check_switches(ks, v, "--variants");
      std::vector<std::vector<std::string>> mine;
      for (const auto& v : variants)
        if (!multi || std::all_of(v.begin(), v.end(), [&](const std::string& sw) {
              return std::any_of(ks.ast.switches.begin(), ks.ast.switches.end(),
                                 [&](const auto& d) { return d.name == sw; });
            }))
          mine.push_back(v);
      if (mine.empty()) continue;
      checker::Matrix km = checker::compute_matrix(ks.ast, ks.sm, mine, modes, sopts);
      if (multi) for (auto& col : km.columns) col.label = k + " " + col.label;
      merge_matrix(m, km);
      column_kernel.resize(m.columns.size(), k);
      if (hash.empty()) hash = traces::scenario_hash(ks.sm);
    }
    if (o.rows == "violated")   // only the rows with at least one violated cell
      std::erase_if(m.rows, [](const checker::MatrixRow& row) {
        return std::none_of(row.cells.begin(), row.cells.end(),
                            [](checker::Cell c) { return c == checker::Cell::Violated; });
      });

    // One trace file per violated cell.
    const fs::path dir = o.trace_dir.empty() ? fs::path("matrix-traces") : fs::path(o.trace_dir);
    TraceFiles files(m.rows.size(), std::vector<std::string>(m.columns.size()));
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
        info.kernel = column_kernel[c];
        info.memory_model = o.memory_model;
        info.constants = o.sets;
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
    std::cerr << parsed.back().sm.format(e);
    return kBadModel;
  }
}

}  // namespace pcmc::cli
