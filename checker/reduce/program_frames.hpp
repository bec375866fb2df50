// Which elements of the pools of a compiled Program are interchangeable page frames, and where
// references to them live: the FrameSpec (frame_symmetry.hpp) of a Program (docs/symmetry.md,
// "Page frames").
//
// Elements of a pool are interchangeable when nothing but the init block can tell them apart:
// * no thread code, guard, invariant, final or exists condition names an element by constant
//   (`C0`, or `page == C1`): a named element stays where it is (it is not movable), the others
//   of its pool still permute;
// * the pool has no reference arithmetic or ordering outside init (`head + i`, `page - head`,
//   `p < q`): these see the element order, and a permutation would not commute with them. The
//   pool is then not permuted at all — unless it is declared `blocks(B)` and `blocks` is true:
//   then whole blocks of B consecutive elements (compound pages) are permuted, an element named
//   by a constant fixes its block, and `ref_blocks` asks the executor to check on every step
//   and condition that no arithmetic or order crosses a block (model::ExecOptions::ref_blocks;
//   a crossing means the search must fall back to `blocks` false). Without arithmetic a pool
//   is permuted element by element, declared blocks or not: the only link between a head and
//   its tails is then their reference fields, which the permutation rewrites.
// * no `choose` picks a reference of the pool, and every reference of the pool ranges over the
//   whole pool (model/compile.cpp gives [0, count]).
// References are rewritten in every global and pool field of reference type (symbol table) and in
// thread areas by pc (frame_area_types.hpp); an ambiguous area byte in any thread turns
// page-frame symmetry off for the whole program, with a note.
//
// Contract: pure function of the Program; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "checker/reduce/frame_symmetry.hpp"
#include "model/program.hpp"

namespace pcmc::checker {

struct ProgramFrames {
  FrameSpec spec;                  // spec.pools empty: nothing to permute
  std::vector<std::string> notes;  // why pools or elements were left out
  std::vector<std::int32_t> pool_of;  // per spec pool: its index in Program::pools
  // Per Program pool: the block size the executor must check (0: none); empty when no pool is
  // permuted in blocks (then no check is needed).
  std::vector<std::uint32_t> ref_blocks;
};

// `blocks` false: pools with reference arithmetic or order are never permuted (the fallback).
ProgramFrames program_frames(const model::Program& program, bool blocks = true);

}  // namespace pcmc::checker
