#include "checker/cli/matrix_format.hpp"

#include <algorithm>

namespace pcmc::cli {

namespace {

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

// Lines under the table: why a column is incomplete, or a model error.
std::string column_notes(const checker::Matrix& m) {
  std::string out;
  for (const auto& c : m.columns) {
    if (!c.incomplete_reason.empty())
      out += "note: " + c.label + " is incomplete (" + c.incomplete_reason +
             "): \"unknown\" cells were not violated before it stopped\n";
    if (c.model_error) out += "note: " + c.label + " hit a model error (see model_error)\n";
  }
  return out;
}

}  // namespace

std::string matrix_text(const checker::Matrix& m, const TraceFiles& files) {
  // Cells as strings: header, property rows, then the states/transitions rows.
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header{"property", "class"};
  for (const auto& c : m.columns) header.push_back(c.label);
  table.push_back(header);
  for (const auto& r : m.rows) {
    std::vector<std::string> line{r.property, r.cls};
    for (auto cell : r.cells) line.push_back(checker::to_string(cell));
    table.push_back(line);
  }
  std::vector<std::string> states{"states", ""}, transitions{"transitions", ""};
  for (const auto& c : m.columns) {
    states.push_back(std::to_string(c.stats.states));
    transitions.push_back(std::to_string(c.stats.transitions));
  }
  table.push_back(states);
  table.push_back(transitions);

  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : table)
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  auto render = [&](const std::vector<std::string>& line) {
    std::string s;
    for (std::size_t i = 0; i < line.size(); ++i)
      s += i + 1 == line.size() ? line[i] : pad(line[i], width[i]) + "  ";
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = "pcmc matrix: " + m.scenario + ", " + std::to_string(m.columns.size()) +
                    " run" + (m.columns.size() == 1 ? "" : "s") + "\n\n";
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i == 1 || i == table.size() - 2) out += render(rule);
    out += render(table[i]);
  }
  out += column_notes(m);
  bool any = false;
  for (std::size_t r = 0; r < m.rows.size(); ++r)
    for (std::size_t c = 0; c < m.columns.size(); ++c)
      if (!files[r][c].empty()) {
        if (!any) out += "\ntraces:\n";
        any = true;
        out += "  " + pad(m.rows[r].property, width[0]) + "  " + pad(m.columns[c].label, 8) +
               "  " + files[r][c] + "\n";
      }
  return out;
}

std::string matrix_markdown(const checker::Matrix& m, const TraceFiles& files) {
  std::string out = "| property | class |";
  std::string rule = "| --- | --- |";
  for (const auto& c : m.columns) {
    out += " " + c.label + " |";
    rule += " --- |";
  }
  out += "\n" + rule + "\n";
  for (std::size_t r = 0; r < m.rows.size(); ++r) {
    out += "| " + m.rows[r].property + " | " + m.rows[r].cls + " |";
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
      switch (m.rows[r].cells[c]) {
        case checker::Cell::Holds: out += " \u2713 holds |"; break;
        case checker::Cell::Unknown: out += " ? unknown |"; break;
        case checker::Cell::Absent: out += " – absent |"; break;
        case checker::Cell::Violated:
          out += files[r][c].empty() ? " \u2717 violated |"
                                     : " \u2717 [violated](" + files[r][c] + ") |";
          break;
      }
    }
    out += "\n";
  }
  std::string states = "| *states* | |", transitions = "| *transitions* | |";
  for (const auto& c : m.columns) {
    states += " " + std::to_string(c.stats.states) + " |";
    transitions += " " + std::to_string(c.stats.transitions) + " |";
  }
  out += states + "\n" + transitions + "\n";
  std::string notes = column_notes(m);
  return notes.empty() ? out : out + "\n" + notes;
}

nlohmann::json matrix_json(const checker::Matrix& m, const TraceFiles& files) {
  using nlohmann::json;
  const char* verdict[] = {"holds", "violated", "incomplete"};
  json cols = json::array();
  for (const auto& c : m.columns)
    cols.push_back({{"label", c.label},
                    {"switches", c.defines},
                    {"debug_vm", c.debug_vm},
                    {"verdict", verdict[static_cast<int>(c.status)]},
                    {"incomplete_reason", c.incomplete_reason},
                    {"states", c.stats.states},
                    {"transitions", c.stats.transitions}});
  json rows = json::array();
  for (std::size_t r = 0; r < m.rows.size(); ++r) {
    json cells = json::array();
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
      json cell = {{"status", checker::to_string(m.rows[r].cells[c])}};
      if (!files[r][c].empty()) cell["trace"] = files[r][c];
      if (m.rows[r].trace[c] >= 0)
        cell["steps"] = m.columns[c].traces[static_cast<std::size_t>(m.rows[r].trace[c])].steps.size();
      cells.push_back(cell);
    }
    rows.push_back({{"property", m.rows[r].property}, {"class", m.rows[r].cls}, {"cells", cells}});
  }
  return {{"schema_version", kMatrixSchemaVersion},
          {"kind", "pcmc-matrix"},
          {"scenario", m.scenario},
          {"columns", cols},
          {"rows", rows}};
}

}  // namespace pcmc::cli
