// Dead-variable reduction (docs/reductions.md): static liveness of each thread's own bytes (its
// locals, parameters, pagevec arrays, out-params and temporaries: the thread area after the pc)
// over the compiled step program, so that the executor can store a dead byte as 0 when a step
// leaves the thread at a pc. Two states that differ only in bytes dead at their pcs have the same
// futures step for step (same enabled steps, same choice indices, same events, same globals), so
// storing one canonical form is a bisimulation quotient: every property pcmc checks keeps its
// verdict, and counterexample lengths are unchanged (SPIN's dead-variable reduction, `-o`).
//
// Per pc of a thread, two backward/forward fixpoints over its control-flow graph (the one
// model/footprint.cpp walks):
// * live(pc): the bytes some path from pc may read before it overwrites them. A read is any load
//   of a local address in any expression the executor evaluates there (assignments, branch and
//   await conditions, assertion conditions even when compiled out, guards, the index
//   expressions of addresses). An access through a computed index counts as reading every slot
//   of the array; only a store to one statically known place (a local, a constant index, a
//   Clear) kills.
// * maybe_set(pc): the bytes some path from the thread's start may have written and not cleared
//   since (a store through a computed index counts for every slot). Thread areas start zero.
// The bytes cleared at pc are maybe_set(pc) minus live(pc), minus the pc itself; a finished
// thread has its whole area after the pc cleared (a return may jump past the Clear of an inner
// scope, so a finished thread can otherwise keep stale locals: without the reduction, end states
// that differ only there are distinct, so end-state and exists counts may be lower with it while
// the exists verdicts stay). Invariants,
// finals and `exists` read globals only (docs/language.md), and no thread reads another's area,
// so no property reads a thread-local byte outside the thread's own instructions.
//
// Contract: immutable after construction; safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/program.hpp"

namespace pcmc::model {

class DeadLocals {
 public:
  struct Range {
    std::uint32_t offset;  // relative to the thread's area_offset (never the 2 pc bytes)
    std::uint32_t len;
  };

  explicit DeadLocals(const Program& program);

  // The bytes to store as 0 when a step leaves `thread` at `pc` (a pc of its code). Ranges are
  // disjoint, increasing, maximal.
  std::span<const Range> at(unsigned thread, std::uint32_t pc) const {
    const Table& t = threads_[thread];
    return {t.ranges.data() + t.first[pc], t.first[pc + 1] - t.first[pc]};
  }
  // Bytes cleared over every yielding pc of every thread (0: the reduction changes nothing).
  std::uint64_t total_bytes() const { return total_; }

 private:
  struct Table {
    std::vector<std::uint32_t> first;  // code size + 1 entries into `ranges` (CSR)
    std::vector<Range> ranges;
  };
  std::vector<Table> threads_;
  std::uint64_t total_ = 0;
};

// Diagnostics (`pcmc check --reduce-stats`): per local scalar (Program::symbols), the yielding
// pcs of its thread where DeadLocals clears it while its frame is active.
struct DeadLocalStat {
  std::int32_t symbol = -1;              // index into Program::symbols
  std::uint32_t stops = 0;               // yielding pcs where its frame is active
  std::uint32_t dead = 0;                // ... of which it is cleared
  std::vector<SrcLoc> where;             // the statements of the first few such pcs
};
std::vector<DeadLocalStat> dead_local_stats(const Program& program, const DeadLocals& dead);

}  // namespace pcmc::model
