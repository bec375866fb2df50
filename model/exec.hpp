// The executor: the runtime semantics of a compiled Program. Given a state and a thread it
// produces that thread's successor states (one per nondeterministic choice), with the events
// (assertions fired, guarded-read violations, model errors) raised on the way.
//
// Contract: an Executor is immutable and may be shared between threads; all mutable working
// memory is in the caller's Scratch. Successor states handed to a Sink are only valid during the
// callback. Successors are produced in increasing choice order; their `index` (0, 1, ...) is the
// choice-path component that replay uses.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/liveness.hpp"
#include "model/program.hpp"

namespace pcmc::model {

class NativeModule;  // model/native.hpp

// The default ExecOptions::local_budget (--max-local-steps, docs/language.md, "Steps").
inline constexpr std::uint32_t kDefaultLocalBudget = 1000000;

// Every field here changes what a step does: model/codegen.cpp's native_supports() decides
// whether the native engine implements it (a static_assert there fails when a field is added).
struct ExecOptions {
  bool debug_vm = false;                // CONFIG_DEBUG_VM: evaluate Debug-class assertions
  std::uint32_t local_budget = kDefaultLocalBudget;  // instructions one step may run
                                        // before it is a model error, local-divergence (a
                                        // purely local loop that never ends, or one longer
                                        // than this: --max-local-steps raises it)
  // Block check (docs/frame-blocks.md): per pool (Program::pools), a
  // block size B > 0 makes every RefAdd, RefDiff and ordered comparison (ENode::ref_pool) on
  // that pool report when its operands or result lie in different blocks of B elements (or
  // leave the pool): Scratch::block_crossed for steps, eval_cond's `block_crossed` for
  // conditions. 0 or absent: unchecked. Empty (the default): no check at all. The init block
  // is never checked. The values computed are the same either way.
  std::vector<std::uint32_t> ref_blocks = {};
  bool dead_vars = false;  // dead-variable reduction (model/liveness.hpp): a step
                           // that leaves its thread at a pc stores the thread's
                           // bytes dead there as 0 (not on a fatal path). Off: the
                           // concrete values (traces, replay)

  bool operator==(const ExecOptions&) const = default;
};

enum class ModelErrorKind : std::uint8_t {
  Range,          // a store outside the destination's declared range
  NullDeref,      // dereference of NULL
  PoolBounds,     // reference arithmetic left its pool
  IndexBounds,    // array index out of range
  DivZero,        // division or modulo by zero
  LocalDivergence,// a step ran local_budget instructions without yielding
  Unlock,         // reserved for library checks
  Overflow,       // + - * / % << or unary - left the 64-bit range (INT64_MIN / -1, 1 << 63)
  Shift,          // a shift count outside 0..63 (Event::value: the count)
};

const char* to_string(ModelErrorKind k);

struct Event {
  enum Kind : std::uint8_t {
    AssertFired,  // `site` fired
    Discipline,   // `site`'s condition read guarded field `addr` without its guard holding
    ModelError,   // `error` happened at `pc`
  } kind = AssertFired;
  ModelErrorKind error = ModelErrorKind::Range;
  std::uint16_t thread = 0;
  std::uint32_t site = 0;
  std::uint32_t pc = 0;     // instruction index in the thread's code
  std::int32_t addr = -1;   // Discipline: ANode of the guarded field read
  std::int64_t value = 0;   // ModelError Range: the value that did not fit; IndexBounds: index
};

struct Successor {
  const std::uint8_t* state = nullptr;  // state_size bytes, valid during the callback only
  std::uint16_t index = 0;              // choice index within this thread's step
  std::span<const Event> events;
  bool fatal = false;   // a fatal assertion fired or a model error happened: the path ends here
  std::uint32_t first_pc = 0;           // pc the step started at
  std::uint32_t main_pc = 0;            // the yielding instruction the step executed
  std::int16_t flush = -1;              // tso/pso: this step flushed entry `flush` of the
                                        // thread's store buffer (and executed no instruction)
  std::span<const std::uint32_t> executed;  // every pc executed, in order (only with explain)
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_successor(const Successor& s) = 0;
};

// The shared state one step touched, for partial-order reduction (docs/por.md): bitsets
// over the bytes of the globals block [0, Program::globals_size), one bit per byte. Filled by
// Executor::step when Scratch::access is set, over every branch of the step (every `choose`
// value), including reads made by conditions of `await`s that blocked a branch and by the
// address computations of pointer and array accesses. Thread areas (pc, locals) are private to
// their thread and never recorded.
struct Access {
  std::vector<std::uint64_t> reads, writes;
  bool assertion = false;  // the step evaluated an assertion condition (a property)

  void reset(std::uint32_t globals_size) {
    const std::size_t words = (globals_size + 63) / 64;
    reads.assign(words, 0);
    writes.assign(words, 0);
    assertion = false;
  }
};

// Per-caller working memory. Not shared between threads.
struct Scratch {
  std::vector<std::vector<std::uint8_t>> states;  // fork buffers, one per choice depth
  std::vector<Event> events;
  std::vector<std::uint32_t> executed;
  bool explain = false;   // record executed pcs into Successor::executed
  // Only with explain (replay diagnostics): each await that blocked a path of the last step,
  // with the state as it was at that await (locals set earlier in the step included).
  struct Blocked {
    std::uint32_t pc = 0;
    std::vector<std::uint8_t> state;
  };
  std::vector<Blocked> blocked;
  // When set, step() resets it and records the step's shared accesses into it (costs a test per
  // load and store; off in plain searches).
  Access* access = nullptr;
  // Set by step() when some path of the step crossed a block (ExecOptions::ref_blocks); reset
  // at the start of every step. Always false without ref_blocks.
  bool block_crossed = false;
  // tso/pso: set by step() when some path of the step stopped because the thread's store
  // buffer was full (Program::sb_entries); reset at the start of every step. The search is
  // then not exhaustive (the session reports it incomplete).
  bool sb_full = false;
};

class Executor {
 public:
  Executor(const Program& program, ExecOptions options);
  const Program& program() const { return *program_; }
  const ExecOptions& options() const { return options_; }
  // With ExecOptions::dead_vars: what each step clears; null otherwise.
  const DeadLocals* dead_locals() const { return dead_.get(); }

  // The native engine (docs/native-engine.md): when set, step() and eval_cond() run the module's
  // compiled code, except with Scratch::explain (replay diagnostics), which the interpreter
  // serves. Set it before sharing the executor; the module must be built for this program and
  // these options (NativeModule::build): a module generated for other options (say, without
  // the block check of ref_blocks) would silently run other semantics, so set_native throws
  // std::logic_error when the module's options differ from the executor's.
  // Thread-safety: set_native may also be called while other threads run step() and
  // eval_cond() (--engine auto switches in the middle of a search, checker/system/native_upgrade.hpp):
  // each call runs one engine or the other, and the two give the same results step by step
  // (the oracle tests), so where the switch falls changes no result. Calls of set_native itself
  // must not overlap. A module once set stays loaded until the executor is destroyed (another
  // thread may still be running it when a later call replaces it).
  void set_native(std::shared_ptr<const NativeModule> native);
  const NativeModule* native() const { return native_.load(std::memory_order_acquire); }

  // Runs the init block on a zeroed state. Events (assertions in init, model errors) are
  // appended to `events`; the caller treats any as a bad model.
  void initial_state(std::uint8_t* out, std::vector<Event>& events) const;

  // Finished: halted, and under tso/pso with an empty store buffer (a halted thread still
  // flushes; its flushes are its steps).
  bool finished(const std::uint8_t* state, unsigned thread) const;
  std::uint16_t pc(const std::uint8_t* state, unsigned thread) const;

  // Produces the successors of `thread` in `state`; returns how many (0: disabled or finished).
  // Under tso/pso the instruction's successors come first, then one per store-buffer entry
  // that may flush (Successor::flush), oldest first.
  unsigned step(const std::uint8_t* state, unsigned thread, Scratch& scratch, Sink& sink) const;

  // Evaluates a global condition (invariant, final, exists) in `state`. Model errors during the
  // evaluation are appended to `events` and the result is false. With ExecOptions::ref_blocks,
  // `*block_crossed` (when not null) is set to true if the evaluation crossed a block.
  bool eval_cond(ExprId cond, const std::uint8_t* state, std::vector<Event>& events,
                 bool* block_crossed = nullptr) const;

  // Diagnostics (replay, not the search): evaluate an expression / an address as `thread` would
  // in `state` (its locals, `current`). Return false on a model error (NULL dereference, ...).
  bool eval_in_thread(ExprId e, const std::uint8_t* state, unsigned thread,
                      std::int64_t& value) const;
  bool addr_in_thread(AddrId a, const std::uint8_t* state, unsigned thread,
                      std::uint32_t& offset) const;

  // Reads the scalar stored at `offset` (helpers for printing).
  static std::int64_t load(const std::uint8_t* state, std::uint32_t offset, std::uint8_t width);

 private:
  unsigned flushes(const std::uint8_t* state, unsigned thread, std::uint16_t pc0, unsigned index,
                   Scratch& scratch, Sink& sink) const;

  const Program* program_;
  ExecOptions options_;
  std::shared_ptr<const DeadLocals> dead_;  // ExecOptions::dead_vars
  std::atomic<const NativeModule*> native_{nullptr};       // the engine step() runs, or null
  std::vector<std::shared_ptr<const NativeModule>> loaded_;  // owns every module ever set
};

}  // namespace pcmc::model
