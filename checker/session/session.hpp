// One run of one variant, end to end: compile the parsed model for a variant, check the init
// block, search, and turn every counterexample into a trace. The `pcmc` command line (cli/) is
// a thin layer of option parsing and printing over this.
//
// Library code never exits: malformed models throw model::CompileError; the caller maps errors
// and results to exit codes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "model/ast.hpp"
#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/program.hpp"
#include "properties/judge.hpp"
#include "properties/table.hpp"
#include "traces/trace.hpp"

namespace pcmc::checker {

struct VariantRun {
  model::Program program;
  std::unique_ptr<model::Executor> exec;
  properties::PropertyTable table;
  Result result;
  std::vector<traces::Trace> traces;  // one per Result::violations entry, same order
  std::string scenario_hash;          // of every file the parser loaded (traces/scenario_hash.hpp)

  traces::TraceContext trace_context(const model::SourceManager& sm) const {
    return {program, *exec, sm};
  }
};

// Compiles `model` for `defines`/`debug_vm`, runs the init block (a model error there throws a
// CompileError at the init block), searches with `options` and builds the traces. With
// symmetry, pools permuted in blocks are searched with a checking executor; when a reference
// operation crosses a block the search is repeated without blocks and
// Result::stats.symmetry_fallback says why (docs/frame-blocks.md).
VariantRun run_variant(const model::ast::Model& model, const model::SourceManager& sm,
                       const std::vector<std::string>& defines, bool debug_vm,
                       const SearchOptions& options);

// The run's result in the terms expectations use.
properties::Outcome outcome_of(const VariantRun& run);

// The property a counterexample violates, for traces/.
traces::PropertyRef property_ref(const properties::PropertyTable& table, PropertyId id);

// The path of a counterexample, for traces/.
traces::ChoicePath choice_path(const Counterexample& cex);

}  // namespace pcmc::checker
