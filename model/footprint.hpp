// Static shared-state footprints of a compiled Program, for partial-order reduction
// (docs/por.md): for every thread and program counter, an over-approximation of the
// globals-block bytes that any step the thread can take from that pc on may read or write (the
// step starting at pc included, whether it is enabled or blocked), and the bytes the invariants
// read.
//
// Over-approximation: an access through a pointer (`page->flags`) counts as that field of every
// element of the pool; an array access with a computed index counts as every slot; both branches
// of every conditional and every instruction reachable in the thread's control-flow graph count,
// feasible or not. Reads include the conditions of awaits, branches and assertions (with the
// guards of guarded fields an assertion reads), and the index and pointer expressions of
// addresses. Debug-class assertions count only when compiled in (debug_vm), as the executor
// evaluates them only then.
//
// Precise futures (for diagnostics only, checker/reduce/por_stats.hpp): the same futures counting only
// the accesses that name one place (a global, a field of a pool of one element): a byte in the
// future but not in the precise future is reached only through a widening (a pointer counted for
// every pool element, an index for every slot). The search never reads them.
//
// Lock barriers (lock-aware persistence, docs/por.md, "C1 with locks"): an `await`
// whose condition, as a conjunction (&&), has a conjunct `Load(a) == NO_THREAD` (either operand
// order) with `a` a thread_t address of the globals block; the conjunct's lock words are every
// place `a` may name (the over-approximation above: every pool element for a pointer, every slot
// for a computed index). While every lock word of such a conjunct holds a nonzero thread_t, no
// thread gets past the await. For each pc, the *stop future* is the future restricted to what is
// reachable without getting past a barrier (a barrier's own condition reads included, what follows
// it not), and the *stop sites* are the barriers reachable that way (pc itself, if a barrier).
//
// Bitsets use the layout of model::Access (exec.hpp): one bit per byte of the globals block.
// Contract: immutable after construction; safe to share between threads.
#pragma once

#include <cstdint>
#include <vector>

#include "model/program.hpp"

namespace pcmc::model {

class StaticFootprints {
 public:
  StaticFootprints(const Program& program, bool debug_vm);

  std::size_t words() const { return words_; }
  // Future read / write bitsets (words() words) of `thread` at `pc`; `pc` must be a pc of the
  // thread's code (kPcFinished has no future: callers test finished() first).
  const std::uint64_t* future_reads(unsigned thread, std::uint32_t pc) const {
    return &reads_[thread][std::size_t{pc} * words_];
  }
  const std::uint64_t* future_writes(unsigned thread, std::uint32_t pc) const {
    return &writes_[thread][std::size_t{pc} * words_];
  }
  // The precise parts of the above (see the file comment), same layout.
  const std::uint64_t* precise_reads(unsigned thread, std::uint32_t pc) const {
    return &precise_reads_[thread][std::size_t{pc} * words_];
  }
  const std::uint64_t* precise_writes(unsigned thread, std::uint32_t pc) const {
    return &precise_writes_[thread][std::size_t{pc} * words_];
  }
  std::size_t code_size(unsigned thread) const { return reads_[thread].size() / words_; }
  // The step starting at `pc` alone: its yielding instruction and the instructions after it up to
  // the next yielding one (an atomic block's body included), same over-approximation and layout
  // (the transaction reduction's cheap test, checker/reduce/transactions.hpp).
  const std::uint64_t* step_reads(unsigned thread, std::uint32_t pc) const {
    return &step_reads_[thread][std::size_t{pc} * words_];
  }
  const std::uint64_t* step_writes(unsigned thread, std::uint32_t pc) const {
    return &step_writes_[thread][std::size_t{pc} * words_];
  }
  // Whether that step may run a `choose` (several successors).
  bool step_chooses(unsigned thread, std::uint32_t pc) const {
    return step_chooses_[thread][pc] != 0;
  }
  // ---- lock barriers (see the file comment)
  struct LockWord {
    std::uint32_t offset;  // in the globals block
    std::uint8_t width;
  };
  struct Barrier {
    std::uint32_t pc;                                // the await
    std::vector<std::vector<LockWord>> conjuncts;    // per lock conjunct: its possible places
  };
  const std::vector<Barrier>& barriers(unsigned thread) const { return barriers_[thread]; }
  const std::uint64_t* stop_reads(unsigned thread, std::uint32_t pc) const {
    return &stop_reads_[thread][std::size_t{pc} * words_];
  }
  const std::uint64_t* stop_writes(unsigned thread, std::uint32_t pc) const {
    return &stop_writes_[thread][std::size_t{pc} * words_];
  }
  // Bit i: barriers(thread)[i] is a stop site of pc; site_words(thread) words.
  std::size_t site_words(unsigned thread) const { return site_words_[thread]; }
  const std::uint64_t* stop_sites(unsigned thread, std::uint32_t pc) const {
    return &stop_sites_[thread][std::size_t{pc} * site_words_[thread]];
  }

  // Bytes read by the invariants (checked in every state: steps writing them are visible).
  const std::vector<std::uint64_t>& invariant_reads() const { return invariant_reads_; }

  // Whether `pc` lies on a cycle of `thread`'s control-flow graph (a loop: some path of
  // instructions leads from pc back to pc). A state a thread at such a pc can return to is on a
  // cycle only through a step of that thread: POR with the non-termination pass expands no
  // thread alone there (docs/reductions.md).
  bool on_cycle(unsigned thread, std::uint32_t pc) const {
    return pc < cyclic_[thread].size() && cyclic_[thread][pc];
  }

 private:
  std::size_t words_;
  std::vector<std::vector<std::uint64_t>> reads_, writes_;  // per thread: code size x words_
  std::vector<std::vector<std::uint64_t>> precise_reads_, precise_writes_;  // the same shape
  std::vector<std::vector<std::uint64_t>> step_reads_, step_writes_;        // the same shape
  std::vector<std::vector<std::uint8_t>> step_chooses_;                     // per thread, per pc
  std::vector<std::uint64_t> invariant_reads_;
  std::vector<std::vector<Barrier>> barriers_;                   // per thread
  std::vector<std::vector<std::uint64_t>> stop_reads_, stop_writes_;  // code size x words_
  std::vector<std::size_t> site_words_;
  std::vector<std::vector<std::uint64_t>> stop_sites_;  // code size x site_words_
  std::vector<std::vector<bool>> cyclic_;               // per thread, per pc: on_cycle
};

}  // namespace pcmc::model
