// Expectations and their judgement: compares what a run found with the `expect` blocks of the
// scenario file, like the `Result:` line of an LKMM litmus test.
//
// Rules (docs/language.md, "Expected verdicts"):
// * The blocks that apply to a run are those naming the run's variant (the exact set of switches
//   turned on; "B" is none) and its --debug-vm mode.
// * `NAME holds|violated`, `class C holds|violated`, `states N`, `transitions N`,
//   `exists [NAME] never|sometimes|always [N]` are checked as written (no NAME: the unnamed
//   clause). `states N with symmetry`
//   (ExpectItem::reduced) is checked only by a run that applied exactly those reductions (plus
//   the default one, dead variables); a plain `states N` only by a run with the default
//   reductions alone (`pcmc check`, dead variables), or is a mismatch saying so when the run
//   has no count pinned for its reductions; `with none` only by a `--no-reduce` run.
// * A property the run violated that no applicable block lists as violated (by name or by class)
//   is a mismatch: a scenario names every violation it expects.
// * An incomplete run cannot be judged: every applicable block is a mismatch.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/source.hpp"
#include "properties/table.hpp"

namespace pcmc::properties {

// What a run found, independent of how the search was done.
struct Outcome {
  bool complete = true;                 // the whole state space was explored
  std::string incomplete_reason;
  std::set<std::string> violated;       // property names
  std::uint64_t states = 0;
  std::uint64_t transitions = 0;
  std::uint64_t end_states = 0;
  // Per exists clause (model::Program::exists, by name; the unnamed one is "exists"): the end
  // states where it holds. Empty when the scenario has no exists clause.
  std::map<std::string, std::uint64_t> exists;
  std::string reduced;  // the reductions the run applied ("dead variables, por, sleep sets");
                        // empty: none. Plain `states` and `transitions` pins are counts of
                        // kDefaultReductions: with others they are a mismatch saying so.
  bool por_unavailable = false;  // POR was asked for but cannot apply (tso/pso, > 64 threads):
                                 // the default run is then without it
  bool symmetry_unavailable = false;  // symmetry was asked for but nothing is interchangeable
                                      // (or tso/pso): the default run is then without it
};

// What a plain pin is measured under: the reductions of `pcmc check` with no option (the parser
// writes the same words, model/parser_decl.cpp). Where POR cannot apply (weak memory models,
// more than 64 threads; transactions need what POR needs: checker/reduce/transactions.hpp) or
// nothing is interchangeable, the default run applies the rest, also judged by plain pins.
inline constexpr const char* kDefaultReductions = "dead variables, por, symmetry, transactions";
// Whether a count pinned under `pinned` is one of a run that applied `applied`. A run with
// `--por off`, `--symmetry off` or `--transactions off` applies fewer too, but its counts are not the default run's:
// only a run where a default reduction could not apply is judged by plain pins without it.
inline bool pinned_under(const std::string& pinned, const std::string& applied,
                         bool por_unavailable, bool symmetry_unavailable) {
  if (pinned == applied) return true;
  if (pinned != kDefaultReductions) return false;
  std::string rest = "dead variables";
  if (!por_unavailable) rest += ", por";
  if (!symmetry_unavailable) rest += ", symmetry";
  if (!por_unavailable) rest += ", transactions";
  return applied == rest;
}

struct Mismatch {
  model::SrcLoc loc;    // the expectation item (or block) that failed
  std::string message;
};

// One (variant, mode) pair that some expect block names.
struct RunSpec {
  std::vector<std::string> defines;  // sorted switch names; empty = B
  bool debug_vm = false;
  std::string label() const;         // "B", "F1+F3", with " --debug-vm" when debug_vm
};

// Every (variant, mode) pair named by the model's expect blocks, in order of first mention.
std::vector<RunSpec> runs_to_judge(const std::vector<model::ast::ExpectDecl>& expects);

// True when block `e` applies to `run`.
bool applies(const model::ast::ExpectDecl& e, const RunSpec& run);

// Judges one run. `known_names` are names an expectation may use even when this variant has no
// such property (assertions removed by a switch): they trivially hold. Any other unknown name is
// a mismatch ("no property named ...").
std::vector<Mismatch> judge(const std::vector<model::ast::ExpectDecl>& expects,
                            const RunSpec& run, const PropertyTable& table,
                            const std::vector<std::string>& known_names, const Outcome& outcome);

// The properties that the blocks applying to `run` name and that the variant does not contain
// (a switch removed the assertion; `known_names` holds every name the model declares), in order
// of first mention. `NAME holds` is then trivially met; `pcmc check --judge` and `pcmc matrix`
// show such a property as absent rather than as holding.
std::vector<std::string> absent_properties(const std::vector<model::ast::ExpectDecl>& expects,
                                           const RunSpec& run, const PropertyTable& table,
                                           const std::vector<std::string>& known_names);

}  // namespace pcmc::properties
