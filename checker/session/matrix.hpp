// The fix matrix (DESIGN §8): properties × variants. Runs every variant (and CONFIG_DEBUG_VM
// mode) of one scenario to the end (`all`: one shortest trace per violated property) and
// tabulates, per property, "holds" or "violated" with the trace. Rendering is the caller's
// (checker/cli/matrix_format.hpp).
//
// Rows: every property violated in at least one column, plus the scenario's named properties —
// labelled assertions of every class (VM_BUG_ON*, WARN_ON*, BUG_ON, HARM_ON), invariants and
// final conditions — in the order of the first column's property table (properties that only
// later columns have come after, in their order). A property a variant does not compile (its
// switch deletes the assertion) is `absent` there: it cannot fire, but it was not checked either,
// so the matrix does not call it "holds".
//
// Library code: throws model::CompileError for a malformed model or an unknown switch and
// std::invalid_argument for a malformed --variants string; never exits.
#pragma once

#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "model/ast.hpp"
#include "model/source.hpp"
#include "traces/trace.hpp"

namespace pcmc::checker {

// "B; F1; F1+F3" → {{}, {"F1"}, {"F1", "F3"}}: variants separated by ';', switches by '+',
// blanks ignored, "B" the baseline. Throws std::invalid_argument on an empty variant or switch.
std::vector<std::vector<std::string>> parse_variants(const std::string& spec);

enum class Cell : std::uint8_t {
  Holds,     // not violated, complete search
  Violated,  // violated; MatrixColumn::traces has its trace
  Unknown,   // not violated so far, but the search was incomplete
  Absent,    // this variant does not contain the property (a switch removed the assertion)
};

const char* to_string(Cell c);  // "holds", "violated", "unknown", "absent"

struct MatrixColumn {
  std::vector<std::string> defines;
  bool debug_vm = false;
  std::string label;                 // "F1+F3", with " dbg" appended when debug_vm
  Status status = Status::Holds;
  std::string incomplete_reason;     // "" when the search was complete
  Stats stats;
  std::vector<traces::Trace> traces; // one per violated property, in discovery order
  bool model_error = false;          // the model itself went wrong at run time
  std::vector<std::string> properties;  // every property this variant's model has
};

struct MatrixRow {
  std::string property;
  std::string cls;                   // "final", "debug", "harm", ...
  std::vector<Cell> cells;           // one per column
  std::vector<int> trace;            // per column: index into MatrixColumn::traces, or -1
};

struct Matrix {
  std::string scenario;              // the scenario's name
  std::vector<MatrixColumn> columns; // variant-major: each variant, then each mode
  std::vector<MatrixRow> rows;
};

// Runs every variant in every mode of `debug_modes` (e.g. {false}, {true} or {false, true})
// with `options` (forced to `all = true`).
Matrix compute_matrix(const model::ast::Model& model, const model::SourceManager& sm,
                      const std::vector<std::vector<std::string>>& variants,
                      const std::vector<bool>& debug_modes, SearchOptions options);

}  // namespace pcmc::checker
