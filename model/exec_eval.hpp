// Internal to the executor (model/exec.cpp, model/exec_eval.cpp): the interpreter's expression
// evaluator, Eval, shared by the step path (Stepper), initial_state(), eval_cond() and the
// diagnostic evaluations. Not part of the public model API.
//
// Contract: errors are carried in the Eval (error, kind, bad_value: the first one wins) instead
// of exceptions, and evaluation allocates nothing except the discipline events of assertion
// mode. The native engine's generated code follows this evaluation order exactly
// (model/codegen_expr.cpp), so footprint marks and discipline events come out the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/exec.hpp"
#include "model/program.hpp"

namespace pcmc::model::interp {

// Marks the bytes [off, off + width) in `bits` when they lie in the globals block (Access).
inline void mark(std::vector<std::uint64_t>& bits, std::uint32_t globals, std::uint32_t off,
                 std::uint8_t width) {
  for (std::uint32_t b = off; b < off + width && b < globals; ++b)
    bits[b / 64] |= std::uint64_t{1} << (b % 64);
}

// One evaluation: the state, the executing thread, and the first error raised.
struct Eval {
  const Program& p;
  std::uint8_t* s;
  std::uint32_t area;     // executing thread's area offset
  unsigned thread;
  bool error = false;
  ModelErrorKind kind = ModelErrorKind::Range;
  std::int64_t bad_value = 0;
  // Assertion mode: guarded reads are checked and reported here.
  bool assertion = false;
  std::vector<Event>* events = nullptr;
  std::uint32_t site = 0, pc = 0;
  std::int64_t self = 0;  // for guards
  Access* access = nullptr;  // partial-order reduction: record shared reads here
  // tso/pso: the executing thread's store buffer (model/storebuf.h); a load of a global reads
  // the newest buffered store to it before memory. Null under sc and for global conditions.
  const std::uint8_t* sb = nullptr;
  // Block check (ExecOptions::ref_blocks): per pool block sizes, and where to report a crossing.
  const std::uint32_t* blocks = nullptr;
  std::size_t nblocks = 0;
  bool* crossed = nullptr;

  void check_blocks(const std::vector<std::uint32_t>& sizes, bool* flag) {
    if (sizes.empty() || flag == nullptr) return;
    blocks = sizes.data();
    nblocks = sizes.size();
    crossed = flag;
  }

  // The block size checked for `pool`, 0 for none.
  std::uint32_t block_of(std::int32_t pool) const {
    return crossed != nullptr && pool >= 0 && static_cast<std::size_t>(pool) < nblocks
               ? blocks[pool]
               : 0;
  }

  // References x and y (element + 1, both non-NULL) of `pool` must lie in one block.
  void same_block(std::int32_t pool, std::int64_t x, std::int64_t y) {
    const std::uint32_t b = block_of(pool);
    if (b != 0 && (x - 1) / b != (y - 1) / b) *crossed = true;
  }

  // An ordered comparison of two references: NULL is below every element under every block
  // permutation, so only two elements are checked.
  void ordered(std::int32_t pool, std::int64_t x, std::int64_t y) {
    if (crossed != nullptr && x != 0 && y != 0) same_block(pool, x, y);
  }

  void fail(ModelErrorKind k, std::int64_t v = 0) {
    if (!error) {
      error = true;
      kind = k;
      bad_value = v;
    }
  }

  // The byte offset of address node `id` in the state (0 after an error). In assertion mode a
  // Deref through a guarded field checks its guard (check_guard).
  std::uint32_t addr(AddrId id);

  // Evaluates the guard of `a` with Self = `ref` (assertion mode off for the guard's own reads);
  // a guard that does not hold adds one Discipline event per (site, address) to *events.
  void check_guard(const ANode& a, AddrId id, std::int64_t ref);

  // The value of expression node `id` (0 after an error); loads mark Access::reads, reference
  // arithmetic and order report block crossings (check_blocks).
  std::int64_t expr(ExprId id);
};

}  // namespace pcmc::model::interp
