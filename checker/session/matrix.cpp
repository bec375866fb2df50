#include "checker/session/matrix.hpp"

#include <algorithm>
#include <stdexcept>

#include "checker/session/session.hpp"

namespace pcmc::checker {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\n") - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = s.find(sep, start);
    out.push_back(trim(s.substr(start, end == std::string::npos ? end : end - start)));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// A scenario's own named properties: labelled assertions (an unlabelled one is named
// "function:line"), invariants and final conditions.
bool named_row(const properties::Property& p) {
  using properties::PropertyClass;
  switch (p.cls) {
    case PropertyClass::Debug:
    case PropertyClass::Warn:
    case PropertyClass::Bug:
    case PropertyClass::Harm:
      return p.name.find(':') == std::string::npos;
    case PropertyClass::Invariant:
    case PropertyClass::Final:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<std::vector<std::string>> parse_variants(const std::string& spec) {
  std::vector<std::string> parts = split(spec, ';');
  if (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // "B; F1;" is fine
  std::vector<std::vector<std::string>> out;
  for (const std::string& v : parts) {
    if (v.empty()) throw std::invalid_argument("empty variant in \"" + spec + "\"");
    std::vector<std::string> defines;
    if (v != "B")
      for (const std::string& d : split(v, '+')) {
        if (d.empty()) throw std::invalid_argument("empty switch name in variant \"" + v + "\"");
        defines.push_back(d);
      }
    out.push_back(std::move(defines));
  }
  return out;
}

const char* to_string(Cell c) {
  switch (c) {
    case Cell::Holds: return "holds";
    case Cell::Violated: return "violated";
    case Cell::Unknown: return "unknown";
    case Cell::Absent: return "absent";
  }
  return "?";
}

Matrix compute_matrix(const model::ast::Model& model, const model::SourceManager& sm,
                      const std::vector<std::vector<std::string>>& variants,
                      const std::vector<bool>& debug_modes, SearchOptions options) {
  options.all = true;
  Matrix m;
  // Row candidates in table order: (name, class), first column first.
  std::vector<std::pair<std::string, std::string>> candidates;
  for (const auto& defines : variants)
    for (const bool debug : debug_modes) {
      VariantRun run = run_variant(model, sm, defines, debug, options);
      if (m.scenario.empty()) m.scenario = run.program.scenario;
      MatrixColumn col;
      col.defines = defines;
      col.debug_vm = debug;
      for (const auto& d : defines) col.label += (col.label.empty() ? "" : "+") + d;
      if (col.label.empty()) col.label = "B";
      if (debug) col.label += " dbg";
      col.status = run.result.status;
      col.incomplete_reason = run.result.incomplete_reason;
      col.stats = run.result.stats;
      col.traces = std::move(run.traces);
      for (const auto& p : run.table.props) {
        col.properties.push_back(p.name);
        const bool violated = std::any_of(col.traces.begin(), col.traces.end(),
                                          [&](const traces::Trace& t) { return t.property == p.name; });
        if (p.cls == properties::PropertyClass::ModelError && violated) col.model_error = true;
        if ((violated || named_row(p)) &&
            std::none_of(candidates.begin(), candidates.end(),
                         [&](const auto& c) { return c.first == p.name; }))
          candidates.emplace_back(p.name, properties::to_string(p.cls));
      }
      m.columns.push_back(std::move(col));
    }

  for (const auto& [name, cls] : candidates) {
    MatrixRow row;
    row.property = name;
    row.cls = cls;
    for (const MatrixColumn& col : m.columns) {
      int found = -1;
      for (std::size_t i = 0; i < col.traces.size(); ++i)
        if (col.traces[i].property == name) found = static_cast<int>(i);
      row.trace.push_back(found);
      const bool present =
          std::find(col.properties.begin(), col.properties.end(), name) != col.properties.end();
      row.cells.push_back(found >= 0                        ? Cell::Violated
                          : !present                        ? Cell::Absent
                          : col.incomplete_reason.empty()   ? Cell::Holds
                                                            : Cell::Unknown);
    }
    m.rows.push_back(std::move(row));
  }
  return m;
}

}  // namespace pcmc::checker
