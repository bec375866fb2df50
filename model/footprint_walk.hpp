// What model/footprint.cpp and model/narrow_footprint.cpp share: the walk over one instruction's
// global accesses, as the executor performs them (exec.cpp, Stepper::run), and the backward
// propagation over a thread's control-flow graph. footprint.hpp says what is over-approximated.
//
// Narrowable accesses (narrow_footprint.hpp): a `Deref` (a field of a pool of more than one
// element) whose reference expression is exactly a load of a plain thread-local scalar
// (`page->lock_owner` with `page` a local or parameter, not an element of a local array). A
// Collector given a `narrow` list records those there instead of marking every pool element.
#pragma once

#include <cstdint>
#include <vector>

#include "model/program.hpp"

namespace pcmc::model::walk {

using Bits = std::vector<std::uint64_t>;

// One narrowable access: the field at offset + (r - 1) * stride for r = the value of the local
// at `origin` (thread-area offset, origin_width bytes), width bytes.
struct NarrowAccess {
  std::uint32_t origin = 0;
  std::uint8_t origin_width = 0;
  std::uint8_t width = 0;
  bool write = false;
  std::uint32_t offset = 0, stride = 0, count = 0;
};

// Whether address `a` is narrowable (see the file comment); fills `out` but its `width`/`write`.
bool narrowable(const Program& p, AddrId a, NarrowAccess& out);

class Collector {
 public:
  // `precise_reads` / `precise_writes` (may be null): also mark there the bytes of accesses
  // that name one place (footprint.hpp). `narrow` (may be null): see the file comment.
  Collector(const Program& p, Bits& reads, Bits& writes, Bits* precise_reads = nullptr,
            Bits* precise_writes = nullptr, std::vector<NarrowAccess>* narrow = nullptr)
      : p_(p), reads_(reads), writes_(writes), preads_(precise_reads), pwrites_(precise_writes),
        narrow_(narrow) {}

  // Everything evaluating expression `e` may read. `assertion`: guarded fields' guards too.
  void expr(ExprId e, bool assertion);
  // What computing address `a` may read (index and pointer expressions, guards).
  void address(AddrId a, bool assertion);
  // Marks every globals byte the scalar at address `a` (width bytes) may occupy.
  // `precise` (may be null): the same bytes, when the address names one place.
  void cells(AddrId a, std::uint8_t width, Bits& out, Bits* precise);
  void write(AddrId a, std::uint8_t width);
  // Every start offset address `a` may name (none for a thread-local address).
  void places(AddrId a, std::vector<std::uint32_t>& out);

 private:
  void starts(AddrId a, std::vector<std::uint32_t>& out, bool& widened);
  // A narrowable access to `a`, recorded in narrow_: true (then nothing is marked).
  bool narrowed(AddrId a, std::uint8_t width, bool write);

  const Program& p_;
  Bits& reads_;
  Bits& writes_;
  Bits* preads_;
  Bits* pwrites_;
  std::vector<NarrowAccess>* narrow_;
  std::vector<std::uint32_t> starts_;
};

// The accesses of one instruction, as the executor performs them.
void own(const Program& p, const Instr& ins, bool debug_vm, Bits& reads, Bits& writes,
         Bits& precise_reads, Bits& precise_writes, std::vector<NarrowAccess>* narrow = nullptr);

bool or_into(std::uint64_t* dst, const std::uint64_t* src, std::size_t words);

// The successors of `pc` in `th`'s control-flow graph (at most 2), unchecked.
int successors(const Thread& th, std::size_t pc, std::uint32_t out[2]);

// Backward fixpoint over `th`'s control-flow graph: a pc's sets include its successors' sets.
// `stop` (may be null): pcs that do not take their successors' sets.
void propagate(const Thread& th, std::size_t words, const std::vector<Bits*>& sets,
               const std::vector<bool>* stop);

// The lock conjuncts of an await condition `e` (footprint.hpp): conjuncts of && that compare a
// thread_t load of the globals block with NO_THREAD (the constant 0), either operand order.
// Per conjunct, its possible places (offset, width) and `load`: the load's address.
struct LockConjunct {
  std::vector<std::pair<std::uint32_t, std::uint8_t>> places;
  AddrId load = -1;
};
void lock_conjuncts(const Program& p, ExprId e, std::vector<LockConjunct>& out);

}  // namespace pcmc::model::walk
