// The compiled form of a model: what the compiler (model/compile.hpp) produces from the syntax
// tree for one variant, and what the executor (model/exec.hpp) runs.
//
// Shape:
// * Every function call is inlined (the language has no recursion), so each thread is one flat
//   instruction vector and all locals of every inlined frame live at fixed offsets in that
//   thread's area of the state. A thread's program counter is the only control state.
// * Expressions are trees flattened into Program::exprs (children by index); addresses
//   (l-values) likewise into Program::addrs. Both are shared by all threads.
// * The state is one byte vector: [globals and pools][thread 0 area][thread 1 area]...;
//   each thread area starts with its 2-byte program counter. Every scalar is stored at a fixed
//   byte offset, little-endian two's complement, in 1, 2 or 4 bytes (Scalar::width). No padding
//   exists, so the bytes are the canonical form.
//
// Value encoding: int/enum/bool values as themselves; a pool reference as 0 = NULL or
// i + 1 = element i; a thread_t as 0 = NO_THREAD or t + 1 = thread t. Zero bytes are therefore
// the "empty" value of every type.
//
// Contract: a Program is immutable after compile() and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/source.hpp"

namespace pcmc::model {

using ExprId = std::int32_t;  // index into Program::exprs; -1 = none
using AddrId = std::int32_t;  // index into Program::addrs; -1 = none

inline constexpr std::uint16_t kPcFinished = 0xFFFF;
inline constexpr std::uint32_t kPcBytes = 2;
inline constexpr std::size_t kMaxExists = 64;  // exists clauses (an end state's hits: a bit mask)

enum class ScalarKind : std::uint8_t { Int, Bool, Enum, Ref, Thread };

struct Scalar {
  ScalarKind kind = ScalarKind::Int;
  std::uint8_t width = 1;        // bytes: 1, 2 or 4
  std::int64_t lo = 0, hi = 0;   // inclusive value range; a store outside it is a model error
  std::int32_t pool = -1;        // Ref: index into Program::pools
  std::int32_t enum_id = -1;     // Enum: index into Program::enums
};

// --------------------------------------------------------------------------------------------
// Expressions. Values are computed as int64.
enum class EOp : std::uint8_t {
  Const,    // value
  Load,     // the scalar at address a (an AddrId); `scalar` says how it is stored
  Current,  // the executing thread as a thread_t value (t + 1)
  Self,     // only inside a guard: the reference whose field is being read
  Not, Neg, BitNot,                                   // a
  Add, Sub, Mul, Div, Mod, Shl, Shr,                  // a, b (Div/Mod by zero: model error)
  Lt, Le, Gt, Ge, Eq, Ne, BitAnd, BitXor, BitOr,      // a, b
  LAnd, LOr,                                          // a, b, short-circuit
  Cond,                                               // a ? b : c
  RefAdd,   // reference a plus integer b, staying inside pool `scalar.pool` (else model error);
            // NULL + k is a model error
  RefDiff,  // reference a minus reference b (same pool) as an integer; NULL is a model error
};

struct ENode {
  EOp op = EOp::Const;
  ExprId a = -1, b = -1, c = -1;  // operands; for Load, `a` is an AddrId
  std::int64_t value = 0;         // Const
  Scalar scalar;                  // Load: stored type; RefAdd: result type (its pool)
  SrcLoc loc;
  std::int32_t ref_pool = -1;     // RefAdd, RefDiff, and Lt/Le/Gt/Ge on two references: the
                                  // pool (ExecOptions::ref_blocks checks them); -1 otherwise
};

// --------------------------------------------------------------------------------------------
// Addresses (l-values). An address evaluates to a byte offset in the state.
enum class AOp : std::uint8_t {
  Global,  // offset: absolute offset in the state (globals and pools)
  Local,   // offset: relative to the start of the executing thread's area
  Index,   // base (AddrId) + offset + index (ExprId) * stride; index must be in [0, count)
  Deref,   // pool element field: offset + (ref(index) - 1) * stride, where offset is the pool's
           // base plus the field's offset in the element, stride the element size and count the
           // pool size. ref == NULL, or out of [1, count], is a model error.
};

struct ANode {
  AOp op = AOp::Global;
  AddrId base = -1;        // Index: the array's address
  ExprId index = -1;       // Index: the index expression; Deref: the reference expression
  std::uint32_t offset = 0;
  std::uint32_t stride = 0;
  std::uint32_t count = 0;
  bool local = false;      // true when the final offset is inside the thread area
  ExprId guard = -1;       // Deref of a guarded field: the guard (evaluated with Self = ref)
  std::int32_t field = -1; // Deref: index into Program::fields of the field read (for messages)
  SrcLoc loc;
};

// --------------------------------------------------------------------------------------------
// Instructions. A step of a thread runs from its pc through exactly one *yielding* instruction
// (one that reads or writes shared state, awaits, or chooses) and on through the purely local
// instructions after it, stopping before the next yielding instruction (or at Halt). Inside an
// atomic block no instruction yields except the block's AtomicBegin.
enum class IOp : std::uint8_t {
  Assign,       // *addr(a) = expr(b), range-checked against addrs' scalar (`scalar`)
  Jump,         // pc = target
  JumpIfNot,    // if (!expr(b)) pc = target
  Await,        // enabled only when expr(b) holds (otherwise the whole step does not exist)
  Choose,       // *addr(a) = v for each v in [lo, hi]: one successor per value, increasing
  Assert,       // assertion site `site` fires when expr(b) != 0 (kernel polarity); when a >= 0
                // the condition's value is also stored to addr(a) (WARN_ON(x) in an expression)
  AtomicBegin,  // start of an atomic block (a no-op that yields); `lo` is an AtomicOrder.
                // Under tso, and under pso when Full, it is also a full barrier: enabled only
                // when the thread's store buffer is empty
  Fence,        // only under tso/pso (docs/memory-models.md); `lo` is a FenceKind.
                // Full (smp_mb): yields, enabled only when the store buffer is empty.
                // Store (smp_wmb, the release half of smp_store_release, pso only): local;
                // later stores may not flush before the buffered ones
  Nop,          // no effect (end of an atomic block, label targets)
  Clear,        // zero thread-area bytes [offset, offset + len): dead locals at frame exit
  Halt,         // the thread is finished
};

// The ordering of an atomic block (Instr::lo of its AtomicBegin, Instr::order of everything in
// it), docs/memory-models.md: `atomic { }` is Full (an RMW that returns a value, a lock-prefixed
// instruction). Under pso `atomic unordered { }` (atomic_inc, set_bit: Documentation/atomic_t.txt)
// and `atomic acquire { }` (spin_lock) do not drain the buffer, their stores wait only for
// older stores to the same location and for smp_wmb(); tso drains for them as for Full. Under
// tso and pso `atomic release { }` (spin_unlock's store-release) buffers its stores, after an
// smp_wmb() separator under pso.
enum class AtomicOrder : std::uint8_t { Full = 0, Unordered = 1, Acquire = 2, Release = 3 };

struct Instr {
  IOp op = IOp::Nop;
  bool yields = false;     // a scheduling point (see above)
  bool shared = false;     // reads or writes globals/pools (for traces and reduction)
  AddrId a = -1;
  ExprId b = -1;
  std::uint32_t target = 0;
  std::int64_t lo = 0, hi = 0;  // Choose
  Scalar scalar;                // Assign/Choose: destination type
  std::uint32_t site = 0;       // Assert: index into Program::asserts
  std::uint32_t offset = 0, len = 0;  // Clear
  AtomicOrder order = AtomicOrder::Full;  // the outermost atomic block around it, if any
  std::int32_t frame = -1;      // inline frame (index into Program::frames): function + call chain
  SrcLoc loc;                   // the statement this instruction comes from
};

// Instr::lo of a Fence.
enum class FenceKind : std::int64_t { Full = 0, Store = 1 };


// The memory model a Program was compiled for (docs/memory-models.md). Under Tso and Pso every
// thread has a bounded store buffer in the state (Program::sb_*); under Sc there is none and
// the state is byte for byte what it was before memory models existed.
enum class MemoryModel : std::uint8_t { Sc, Tso, Pso };
const char* to_string(MemoryModel m);

enum class AssertClass : std::uint8_t {
  Debug,  // VM_BUG_ON, VM_BUG_ON_PAGE: only with --debug-vm (CONFIG_DEBUG_VM); fatal then
  Warn,   // WARN_ON, WARN_ON_ONCE: always evaluated; reported; the thread continues
  Bug,    // BUG_ON: always evaluated; fatal
  Harm,   // HARM_ON(cond, "H_name"): real damage; always evaluated; fatal
};

struct AssertSite {
  std::string name;      // label (`A3: VM_BUG_ON_PAGE(...)`), HARM_ON's name, or "function:line"
  std::string macro;     // "VM_BUG_ON_PAGE", "WARN_ON", "HARM_ON", ...
  AssertClass cls = AssertClass::Bug;
  std::string function;  // the function the assertion is written in
  SrcLoc loc;
  std::string text;      // the condition as written (for reports)
};

// One inlined call: the function and where it was called from (the parent frame's call site).
struct Frame {
  std::string function;
  std::int32_t parent = -1;  // -1: the thread body (or init)
  SrcLoc call_site;
};

struct Thread {
  std::string name;   // as declared: P0, Oa, K, ...
  SrcLoc loc;
  std::vector<Instr> code;
  std::uint32_t area_offset = 0;  // state offset of this thread's pc
  std::uint32_t area_size = 0;    // pc plus locals
};

// A named scalar of the state, for printing states and trace diffs in kernel words:
// "counter", "C0.PG_locked" (pool element names), "mapping.nrpages", "P0.page" (locals are
// named thread.function.variable, or thread.variable in the thread body).
struct Symbol {
  std::string name;
  Scalar scalar;
  std::uint32_t offset = 0;  // absolute offset in the state
  std::int32_t thread = -1;  // owning thread for locals and pcs, -1 for globals
  std::int32_t frame = -1;   // locals: the inline frame they belong to. Frames that are never
                             // live at the same time share offsets (a stack), so several local
                             // symbols may have the same offset; the frame tells them apart.
  bool is_pc = false;        // a thread's program counter (2 bytes, not a Scalar)
};

struct Pool {
  std::string name;            // the pool variable
  std::string struct_name;
  std::uint32_t base = 0;      // state offset of element 0
  std::uint32_t elem_size = 0;
  std::uint32_t count = 0;
  std::vector<std::string> elem_names;  // names of elements for printing ("C0"), or pool[i]
  std::uint32_t block = 1;     // `blocks(N)`: elements per block (compound page); divides count.
                               // Symmetry may permute whole blocks of a pool with reference
                               // arithmetic, checked at run time (docs/frame-blocks.md)
};

struct FieldInfo {  // a field of a struct, for messages about guarded reads
  std::string struct_name;
  std::string name;
  std::string guard_text;  // the guard as written
};

struct EnumInfo {
  std::string name;
  std::vector<std::string> items;
};

struct NamedCond {
  std::string name;
  ExprId cond = -1;
  SrcLoc loc;
  std::string text;
};

struct Program {
  std::string scenario;                // scenario name (or the file's stem)
  std::string doc;                     // scenario description
  std::string main_file;               // path of the main file
  std::vector<std::string> switches;   // every declared switch
  std::vector<std::string> defined;    // the switches turned on for this variant (sorted)
  bool debug_vm = false;               // compiled with CONFIG_DEBUG_VM: VM_BUG_ON* are present

  std::uint32_t state_size = 0;
  std::uint32_t globals_size = 0;

  // Store buffers (tso/pso only; model/storebuf.h has the layout): thread t's buffer is the
  // sb_stride bytes at sb_offset + t * sb_stride, holding at most sb_entries stores. Under sc
  // sb_entries is 0 and no bytes exist. sb_exact: the bound is at least the number of stores
  // any thread can have buffered (loop-free thread code), so a store never finds its buffer
  // full; otherwise a run that fills a buffer says `incomplete`.
  MemoryModel memory_model = MemoryModel::Sc;
  std::uint32_t sb_offset = 0;
  std::uint32_t sb_stride = 0;
  std::uint32_t sb_entries = 0;
  bool sb_exact = true;

  std::vector<ENode> exprs;
  std::vector<ANode> addrs;
  std::vector<Thread> threads;
  Thread init;                         // init block (runs once, atomically). Its locals use the
                                       // bytes from init.area_offset (the thread areas) as
                                       // scratch and are cleared before it ends.
  std::vector<AssertSite> asserts;
  std::vector<Frame> frames;
  std::vector<Symbol> symbols;         // every global scalar, every local, every pc
  std::vector<Pool> pools;
  std::vector<FieldInfo> fields;
  std::vector<EnumInfo> enums;

  std::vector<NamedCond> invariants;   // checked in every reachable state
  std::vector<NamedCond> finals;       // checked in quiescent end states (all threads finished)
  std::vector<NamedCond> exists;       // counted over quiescent end states, each on its own;
                                       // the unnamed clause is named "exists"; at most
                                       // kMaxExists
  std::vector<ast::ExpectDecl> expects;  // expected verdicts, all variants (judged later)
};

}  // namespace pcmc::model
