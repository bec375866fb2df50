// Which elements of the pools of a compiled Program are interchangeable page frames, and where
// references to them live: the FrameSpec (frame_symmetry.hpp) of a Program (docs/reductions.md,
// "Symmetry", "Page frames").
//
// Elements of a pool are interchangeable when nothing but the init block can tell them apart:
// * no thread code, guard, invariant, final or exists condition names an element by constant
//   (`C0`, or `page == C1`): a named element stays where it is (it is not movable), the others
//   of its pool still permute;
// * the pool has no reference arithmetic or ordering outside init (`head + i`, `page - head`,
//   `p < q`): these see the element order, and a permutation would not commute with them. The
//   pool is then not permuted at all. (This is why compound pages are safe: without arithmetic
//   the only link between a head and its tails is their reference fields, which the permutation
//   rewrites, so a "block" never needs to stay contiguous. With arithmetic — the kernel model's
//   find_subpage() and page_to_index() — nothing is permuted.)
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

#include "checker/frame_symmetry.hpp"
#include "model/program.hpp"

namespace pcmc::checker {

struct ProgramFrames {
  FrameSpec spec;                  // spec.pools empty: nothing to permute
  std::vector<std::string> notes;  // why pools or elements were left out
  std::vector<std::int32_t> pool_of;  // per spec pool: its index in Program::pools
};

ProgramFrames program_frames(const model::Program& program);

}  // namespace pcmc::checker
