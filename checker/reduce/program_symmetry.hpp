// Which threads of a compiled Program are interchangeable, and where its thread_t values live:
// the SymmetrySpec (symmetry.hpp) of a Program, found automatically (docs/symmetry.md;
// docs/language.md, "Symmetry").
//
// Two threads are interchangeable when their lowered code is the same instruction by instruction,
// expressions and addresses compared as trees (the same statements with the same arguments;
// names, source locations and inline-frame records do not count), their areas have the same size,
// and no code or condition (invariant, final, exists, guard) singles either out by a constant
// thread value. Thread cells: every thread_t global and pool field (from the symbol table) and
// every thread-area byte range that the code stores or loads as thread_t.
//
// Conservative on purpose: a thread-area byte used both as thread_t and as another type (inline
// frames that share stack bytes) turns symmetry off for the whole program; a constant thread
// value in any expression excludes that thread; a `choose` into a thread_t turns it off.
//
// The spec's page-frame part (spec.frames) comes from program_frames.hpp; its notes follow the
// thread notes.
//
// Contract: pure function of the Program; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "checker/reduce/symmetry.hpp"
#include "model/program.hpp"

namespace pcmc::checker {

struct ProgramSymmetry {
  SymmetrySpec spec;               // spec.classes empty: no symmetry to exploit
  std::vector<std::string> notes;  // why threads were left out ("thread P0 is named by a constant")
  // Pools permuted in blocks (program_frames.hpp): the executor of the reduced search must check
  // them (model::ExecOptions::ref_blocks); empty: no check needed.
  std::vector<std::uint32_t> ref_blocks;
};

// `frame_blocks` false: no pool is permuted in blocks (the fallback after a block crossing).
ProgramSymmetry program_symmetry(const model::Program& program, bool frame_blocks = true);

// The classes as thread names, "{Oa, Ob}", for messages and statistics; "" when none.
std::string describe_classes(const model::Program& program, const SymmetrySpec& spec);

}  // namespace pcmc::checker
