// Partial-order reduction for the safety search (docs/por.md): in a state s the search
// may expand a set T of threads alone — an ample / persistent set — instead of every thread, when
//   C0  every thread of T has an enabled step in s (it has a successor);
//   C1  T is closed under interference: for every thread t in T and every other unfinished
//       thread u not in T, t's step is independent of every step u may take from its control
//       point in s on (TransitionSystem::may_interfere, a static over-approximation: the next
//       step included, enabled or blocked — so a step that could enable a blocked thread is
//       dependent — and every later one); then T's steps form a persistent set;
//   C2  every step of T is invisible in s (Footprint::visible is false: no successor reports
//       anything or is fatal, and it writes nothing an invariant reads; assertions it evaluates
//       pass, and keep passing along independent steps, by C1);
//   C3  every successor of every step of T is a new state: none was stored before s was
//       expanded (the cycle proviso; sound for any search order, docs/por.md).
// C0–C2 are a function of s alone (candidates); C3 depends on the visited set and is checked by
// the caller (Search, ParallelBfs). The candidates are the closures T(t) of each enabled
// thread t (start from {t}, add every thread some member's step interferes with; give up when
// that needs a thread that is blocked or visible), without duplicates and without the set of
// every enabled thread (no reduction), ordered by size, then by the least thread id. This
// order is a function of the state, whatever the expansion order: the first candidate that
// passes C3 is expanded alone, else every thread is. A singleton candidate is the one-thread
// ample set of SPIN; larger ones are Valmari's stubborn-set closure over threads.
// With `locks` (SearchOptions::por_locks), C1 checks T's steps against the futures of the other
// threads cut at the lock barriers T's threads keep closed (TransitionSystem::cut_future), when
// no such cut future writes a lock word one of them waits on; otherwise (or when the system
// cannot cut) against the full futures, as without `locks` (docs/por.md, "C1 with
// locks").
//
// Contract: one PorProbe per worker (it buffers successors), used for one state at a time:
// begin(s) forgets the previous state. The state passed to begin must stay alive and unchanged
// until the next begin. At most kMaxThreads threads (Search turns POR off beyond).
#pragma once

#include <cstdint>
#include <vector>

#include "checker/system/system.hpp"
#include "checker/system/transition_buffer.hpp"

namespace pcmc::checker::detail {

class PorProbe {
 public:
  static constexpr unsigned kMaxThreads = 64;
  using Mask = std::uint64_t;  // a set of threads: bit t is thread t

  // `loop_free`: no candidate has a thread at a control point on a loop of its code
  // (TransitionSystem::on_loop), so that no state expanded with an ample set lies on a cycle of
  // the graph — what the non-termination pass on the reduced graph needs (docs/reductions.md).
  explicit PorProbe(const TransitionSystem& sys, bool locks = true, bool loop_free = false);

  void begin(const std::uint8_t* state);
  // What each thread's closure gave, for diagnostics (checker/reduce/por_stats.hpp).
  enum class Outcome : std::uint8_t {
    Disabled,      // the thread has no step (blocked or finished): no closure from it
    Candidate,     // its closure is a candidate
    AllEnabled,    // its closure is every enabled thread (C1 pulled them all in): no reduction
    SelfVisible,   // its own step is visible (C2)
    NeedsBlocked,  // C1 pulled in a blocked thread (C0)
    NeedsVisible,  // C1 pulled in a thread whose step is visible (C2)
  };

  // The sets of threads satisfying C0–C2 in the current state, in the order to try them (runs
  // the steps it needs once, buffering their successors). Replaces `out`'s contents. With `why`
  // (an array of thread_count() entries), also says what each thread's closure gave.
  void candidates(Context& ctx, std::vector<Mask>& out, Outcome* why = nullptr);
  // t's footprint in the current state (runs the step if needed).
  const Footprint& footprint(unsigned t, Context& ctx) {
    probe(t, ctx);
    return bufs_[t].fp;
  }
  // t's transitions in the current state, in successor-index order (runs the step if needed).
  std::size_t count(unsigned t, Context& ctx);
  const std::uint8_t* target(unsigned t, std::size_t i) const;
  bool fatal(unsigned t, std::size_t i) const { return bufs_[t].recs[i].fatal; }
  // Hands t's buffered transitions to `sink` (as successors() would); returns how many.
  unsigned emit(unsigned t, Context& ctx, TransitionSink& sink);

  // ---- sleep sets (checker/reduce/sleep_sets.hpp): the probe doubles as the footprint source.
  // The threads with at least one transition in the current state (probes every thread).
  Mask enabled(Context& ctx);
  // The members x of `among` whose steps are independent of b's in the current state (probes
  // them): x writes nothing b reads or writes, b writes nothing x reads, and neither step is
  // visible (Footprint::visible). Invisibility is not needed for the diamond itself; it keeps
  // every reordering of independent steps away from invariant-violating states, which the search
  // does not expand (docs/sleep-sets.md). b itself is never in the result.
  Mask independent(unsigned b, Mask among, Context& ctx);

 private:
  using Rec = TransitionBuffer::Rec;
  struct Buf final : TransitionBuffer {
    bool probed = false;
    Footprint fp;
  };
  void probe(unsigned t, Context& ctx);
  // Some thread of `m` is at a control point on a loop (TransitionSystem::on_loop).
  bool on_loop(Mask m) const;
  // C0 and C2 for thread t alone.
  bool self_ok(unsigned t, Context& ctx);
  // self_ok(x) for member x of the closure of t; when it fails, says why in `why` (if given).
  bool member_ok(unsigned x, unsigned t, Context& ctx, Outcome* why);
  // The closure T(t) of C1, or 0 when it needs a thread that fails self_ok (`why`, if given,
  // says which way).
  Mask closure(unsigned t, Context& ctx, Outcome* why);
  // The closure with lock-aware futures; sets `fallback` (and returns 0) when they do not apply
  // (a cut future writes a held lock word, or the system cannot cut).
  Mask lock_closure(unsigned t, Context& ctx, Outcome* why, bool& fallback);

  const TransitionSystem& sys_;
  const std::uint8_t* state_ = nullptr;
  std::vector<Buf> bufs_;  // per thread
  bool locks_;
  bool loop_free_;
  // lock_closure's cut futures, per thread: valid in the current closure, for the set cut_for_.
  std::vector<TransitionSystem::CutFuture> cuts_;
  std::vector<Mask> cut_for_;
  std::vector<bool> cut_valid_;
  std::vector<std::uint64_t> held_, writes_;  // lock_closure's final check
  Mask barrier_holders_ = 0;  // TransitionSystem::barrier_holders of the current state
  bool holders_known_ = false;
};

}  // namespace pcmc::checker::detail
