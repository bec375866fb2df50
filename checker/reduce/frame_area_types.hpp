// Where a thread's area holds pool references, per program counter (docs/symmetry.md,
// "Page frames"): the thread-area part of page-frame symmetry detection.
//
// Inline frames and block scopes share stack bytes (model/compiler.hpp: alloc/release_to), so
// one byte may be a `struct page *` at one pc and an int at another. A forward data-flow
// analysis over the thread's control-flow graph (every edge of every instruction, both ways of
// every branch) gives, per pc and byte, what the byte may hold when the thread is at that pc:
// zero (never written since the area was zeroed, or cleared by a `Clear` at scope or frame exit),
// a reference into pool P stored as the cell (start, width), another type, or a mix of a
// reference and something else (ambiguous). Zero joins with anything (a zero reference is NULL,
// which every renaming keeps).
//
// Refusal (ok == false): some pc has an ambiguous byte, or some load reads bytes whose possible
// contents do not match the loaded type (a reference read from bytes last written as an int, or
// the reverse). Then renaming references in this thread's area cannot be done by pc, and the
// caller turns page-frame symmetry off. Conservative: ambiguity at any pc refuses, even at pcs
// where no state is ever stored.
//
// Contract: pure function of the Program; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/program.hpp"

namespace pcmc::checker {

struct AreaRefCell {
  std::uint32_t offset = 0;  // relative to the thread's area (its pc is at 0)
  std::uint8_t width = 1;
  std::int32_t pool = -1;    // index into Program::pools

  bool operator==(const AreaRefCell&) const = default;
  bool operator<(const AreaRefCell& o) const {
    return offset != o.offset ? offset < o.offset : pool < o.pool;
  }
};

struct AreaRefTypes {
  bool ok = true;
  std::string why;                              // !ok: what is ambiguous and where
  std::vector<std::vector<AreaRefCell>> at_pc;  // per pc: reference cells (ascending offset)
  std::vector<AreaRefCell> finished;            // after Halt (pc 0xFFFF)
};

// Refuses (ok == false) when the analysis would need more than `max_cells` (pcs × bytes)
// abstract bytes.
AreaRefTypes area_ref_types(const model::Program& program, const model::Thread& thread,
                            std::size_t max_cells = 32u << 20);

}  // namespace pcmc::checker
