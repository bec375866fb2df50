// The checker's view of a model: a transition system over fixed-size byte states, with threads,
// named properties and violation reports. The language runtime is adapted to it in
// checker/system/program_system.hpp; the checker's own tests implement it directly with toy models
// (a counter, a two-thread mutex, a diamond), independent of any kernel model.
//
// Contract: implementations are immutable during a search and may be called from several
// threads at once, each with its own Context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "properties/property.hpp"

namespace pcmc::checker {

// Which exists clauses hold in an end state: bit i for clause i (model::kMaxExists bits).
using ExistsMask = std::uint64_t;

using properties::PropertyId;

// A property violated by a transition or by a state.
struct Report {
  PropertyId property = 0;
  std::uint16_t thread = 0xFFFF;  // the thread that violated it; 0xFFFF for state properties
  std::uint32_t pc = 0;           // where (opaque to the checker; the trace re-derives it)
};

struct Transition {
  const std::uint8_t* state = nullptr;  // the successor (valid during the callback only)
  std::uint16_t thread = 0;
  std::uint16_t index = 0;              // successor index within this thread's step
  std::span<const Report> reports;      // properties violated by this transition
  bool fatal = false;                   // the path ends at this transition (not explored on)
  // A symmetry quotient (reduce/symmetric_system.hpp): `state` is σ(x) for the program
  // successor x, and thread_perm[t] = σ(t), the place concrete thread t of x takes in `state`
  // (thread_count() entries). Null: `state` is the successor itself (σ the identity). The
  // non-termination pass threads these through an SCC (liveness.cpp).
  const unsigned* thread_perm = nullptr;
};

// Partial-order reduction (docs/por.md): what one step of a thread touches in one state.
// Objects are the system's own small integers (a Program: the bytes of its globals block),
// as bitsets; the checker only intersects them.
struct Footprint {
  std::vector<std::uint64_t> reads, writes;  // over every branch of the step, including the
                                             // conditions of awaits that blocked a branch
  bool visible = false;  // the step may change a property's outcome: some successor reports
                         // (or is fatal), or it writes an object an invariant reads
  bool forks = false;    // TransitionSystem::next_step_bound only: the step may have several
                         // successors (a choose)
};

// POR diagnostics (--por-stats, checker/reduce/por_stats.hpp): readable names for a system's objects.
// Names are grouped twice: `names` as precise as the system can say ("M.xa_lock", "C0._refcount",
// "M.i_pages[3]"), `fields` over pool elements and array slots ("mem_map[*]._refcount",
// "M.i_pages[*]"). `lock` marks names of lock words (a holder or a lock count: what lock-aware
// independence would reason about).
struct ObjectNames {
  std::vector<std::string> names;
  std::vector<std::uint32_t> field_of;  // per name: index into `fields`
  std::vector<bool> lock;               // per name
  std::vector<bool> slot;               // per name: an array slot ("M.i_pages[3]": an index
                                        // widening reaches it), else a scalar or a field
  std::vector<std::string> fields;
  std::vector<std::int32_t> of;         // per object: index into `names` (-1: no name)
};

class TransitionSink {
 public:
  virtual ~TransitionSink() = default;
  virtual void on_transition(const Transition& t) = 0;
};

// Per-worker mutable memory of a TransitionSystem.
class Context {
 public:
  virtual ~Context() = default;
};

class TransitionSystem {
 public:
  virtual ~TransitionSystem() = default;

  virtual std::size_t state_size() const = 0;
  virtual unsigned thread_count() const = 0;
  // Every property the system can report; PropertyId is the position in this vector.
  virtual const std::vector<properties::Property>& properties() const = 0;
  // Ids of the builtin properties the checker itself reports.
  virtual PropertyId deadlock_property() const = 0;
  virtual PropertyId nontermination_property() const = 0;

  // Where the visited set may cut a state into separately shared parts (state_store.hpp):
  // offsets strictly inside the state, ascending. Affects memory only, never results. Default:
  // every 8 bytes; a Program cuts at the globals block and at each thread's block.
  virtual std::vector<std::uint32_t> state_parts() const {
    std::vector<std::uint32_t> cuts;
    for (std::size_t o = 8; o < state_size(); o += 8) cuts.push_back(static_cast<std::uint32_t>(o));
    return cuts;
  }

  virtual std::unique_ptr<Context> make_context() const = 0;
  virtual void initial_state(std::uint8_t* out) const = 0;
  virtual bool finished(const std::uint8_t* state, unsigned thread) const = 0;

  // Calls sink.on_transition for every successor of `thread`, in successor-index order.
  // Returns the number of successors (0 when the thread is finished or blocked).
  virtual unsigned successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                              TransitionSink& sink) const = 0;

  // Properties violated by a state itself (invariants); appended to `out`.
  virtual void check_state(const std::uint8_t* state, Context& ctx,
                           std::vector<Report>& out) const = 0;
  // A quiescent end state (every thread finished): final conditions are appended to `out`;
  // returns which `exists` clauses hold in it, bit i for clause i (0 when there is none).
  virtual ExistsMask check_end(const std::uint8_t* state, Context& ctx,
                               std::vector<Report>& out) const = 0;
  virtual bool has_exists() const { return false; }

  // ---- partial-order reduction (docs/por.md); the defaults mean "not supported"
  virtual bool supports_por() const { return false; }
  // successors(), also describing the step in `fp`: its reads and writes, and `visible`.
  virtual unsigned successors_with_footprint(const std::uint8_t* state, unsigned thread, Context& ctx,
                              TransitionSink& sink, Footprint& fp) const {
    fp.visible = true;
    return successors(state, thread, ctx, sink);
  }
  // Whether any step `thread` may take from its control point in `state` on (the next one
  // included, enabled or blocked, and every later one along any path) may read an object `fp`
  // writes or write an object `fp` reads or writes. A static over-approximation; must be true
  // when unsure. False for a finished thread.
  virtual bool may_interfere(const std::uint8_t* state, unsigned thread,
                             const Footprint& fp) const {
    (void)state;
    (void)thread;
    (void)fp;
    return true;
  }

  // Whether `thread`'s control point in `state` lies on a loop of its code (a cycle of its
  // control-flow graph). The graph can return to a state only through steps of threads at such
  // points; POR with the non-termination pass expands no set of threads alone when one of them
  // is (docs/reductions.md). Must be true when unsure (the default); false for a finished thread.
  virtual bool on_loop(const std::uint8_t* state, unsigned thread) const {
    (void)state;
    (void)thread;
    return true;
  }

  // Lock-aware persistence (docs/por.md, "C1 with locks"): `thread`'s
  // future from its control point in `state`, cut at the lock barriers that threads of `among`
  // (a set of threads, bit t = thread t) keep closed in `state`: `reads` and `writes` are what it
  // may touch before getting past such a barrier (the barrier's own condition included), `held`
  // the lock words those barriers wait on (the objects that must stay unwritten for them to stay
  // closed). All three as fp's bitsets; all empty (zero) for a finished thread. Returns false
  // when the system cannot say (the default): the caller then uses may_interfere alone.
  struct CutFuture {
    std::vector<std::uint64_t> reads, writes, held;
  };
  virtual bool cut_future(const std::uint8_t* state, unsigned thread, std::uint64_t among,
                          CutFuture& out) const {
    (void)state;
    (void)thread;
    (void)among;
    (void)out;
    return false;
  }

  // The threads that hold some lock barrier closed in `state` on their own: the union, over the
  // lock conjuncts whose every possible lock word holds a thread, of those threads. 0 when no
  // barrier can be closed by any set of threads, and then cut_future() is the full future for
  // every set (the caller may skip it). The default: every thread (unknown).
  virtual std::uint64_t barrier_holders(const std::uint8_t* state) const {
    (void)state;
    return ~std::uint64_t{0};
  }

  // The transaction reduction (checker/reduce/transactions.hpp): an over-approximation of what
  // `thread`'s next step from its control point in `state` may read and write, as fp's bitsets
  // (both branches of every conditional, pointers widened as in the futures). False when the
  // system cannot say (the default) or the thread is finished.
  virtual bool next_step_bound(const std::uint8_t* state, unsigned thread, Footprint& out) const {
    (void)state;
    (void)thread;
    (void)out;
    return false;
  }

  // `thread`'s control point in `state` (its pc in the step program), or -1 when the system
  // cannot say (the default) or the thread is finished. The transaction reduction ends a
  // transaction at a step that does not move it forward (checker/reduce/transactions.hpp, M5).
  virtual std::int64_t control_point(const std::uint8_t* state, unsigned thread) const {
    (void)state;
    (void)thread;
    return -1;
  }

  // ---- POR diagnostics (checker/reduce/por_stats.hpp); never consulted by the search itself
  // The objects behind may_interfere(state, thread, fp), as fp's bitsets: `objects` where fp
  // meets the thread's future; `widened` those of them the future reaches only through a
  // widened access (a pointer counted for every pool element, an index for every slot). Both
  // left empty when the system cannot say (the default).
  virtual void interference(const std::uint8_t* state, unsigned thread, const Footprint& fp,
                            std::vector<std::uint64_t>& objects,
                            std::vector<std::uint64_t>& widened) const {
    (void)state;
    (void)thread;
    (void)fp;
    objects.clear();
    widened.clear();
  }
  virtual ObjectNames object_names() const { return {}; }
  // Whether `thread` holds some lock in `state` (a lock word of object_names() names it).
  virtual bool holds_lock(const std::uint8_t* state, unsigned thread) const {
    (void)state;
    (void)thread;
    return false;
  }
};

}  // namespace pcmc::checker
