// Transaction (Lipton) reduction (docs/transactions-proof.md): a system whose step of
// thread t is a run of t's steps in the system it wraps — the first step, then every following
// step of t that no other thread can observe, checked per state — explored as one transition.
// The intermediate states are neither stored nor interleaved with other threads.
//
// From a state s the transaction of t runs t's inner step (each successor x1 in index order);
// from each x_i it takes t's next inner step too when
//   M1  the step into x_i is invisible (Footprint::visible false: no report, not fatal, no write
//       to an object an invariant reads) — so x_i differs from the stored states around it only
//       in objects no property reads, and any violation ends a transaction;
//   M2  t's step in x_i is enabled, has exactly one successor and is invisible;
//   M3  {t} is a persistent set in x_i: t's step conflicts with the future of no other unfinished
//       thread, that future cut at the lock barriers t keeps closed (docs/por.md, "C1 with
//       locks"), and no cut future writes a lock word it relies on (else the full futures).
//       Checked on the static bound of the step (TransitionSystem::next_step_bound) before it
//       runs, when the system has one — a conflict there stops the transaction without running
//       the step — else on the step's dynamic footprint;
//   M4  fewer than kMaxMerged steps were merged so far (a transaction is finite, also when t
//       loops alone);
//   M5  the step into x_i moved t's control point forward (TransitionSystem::control_point:
//       a larger pc), or it is the first step of the transaction that does not (a back edge:
//       a loop's jump back, or a loop of one step that stays where it is); the second back edge
//       ends the transaction. Every cycle of t's code has such a step, so a transaction holds
//       at most one whole loop iteration (a lasso on the transactions' graph is not many
//       iterations of a private loop long), and a transaction ends where t's loop turns the
//       second time whatever place in the turn it started from, so the runs from different
//       stored states meet in the same end states instead of overlapping by up to kMaxMerged
//       steps (which cost more time than the merge saved).
// M3 is where lock-protected data becomes a both-mover: while t holds the lock, the other
// threads' futures stop at its `await`, so t's accesses to the data behind it conflict with
// nothing — unless some thread reads or writes that data without the lock (an RCU reader of
// slots, `page->index` read before lock_page), whose future then meets t's step: no merge.
// The successor index of a transaction is the index of its first inner step; the later ones are
// single successors, so inner_steps() can rewrite a path step by step.
//
// Contract: as TransitionSystem (immutable during a search, one Context per worker). Without
// POR support in the inner system, or with more than 64 threads, it merges nothing.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "checker/system/counterexample.hpp"
#include "checker/system/forwarding_system.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker {

// Why a transaction stopped where it did (the state after its last step is stored).
enum class TxStop : std::uint8_t {
  Visible,   // the last step, or t's next one, is visible (M1, M2)
  Blocked,   // t's next step is blocked, or t finished (M2)
  Choice,    // t's next step has several successors (M2)
  Conflict,  // t's next step meets another thread's (cut) future (M3)
  Limit,     // kMaxMerged steps merged (M4)
  Loop,      // the last step was t's second back edge in the transaction (M5)
};
inline constexpr unsigned kTxStops = 6;
const char* to_string(TxStop s);

struct TxStats {
  std::uint64_t transactions = 0;  // transitions that merged at least one step
  std::uint64_t merged = 0;        // inner steps taken inside transactions after their first:
                                   // intermediate states neither stored nor interleaved
  std::array<std::uint64_t, kTxStops> stops{};  // per TxStop: transitions that stopped so
  // With attribution on: the objects (ObjectNames::names) whose access by another thread may
  // observe the next step, with the Conflict stops each took part in, most first; empty
  // otherwise.
  std::vector<std::pair<std::string, std::uint64_t>> conflicts;
};

class TransactionSystem final : public ForwardingSystem {
 public:
  static constexpr unsigned kMaxMerged = 64;
  static constexpr unsigned kMaxBackEdges = 1;  // M5

  // `attribute`: count the objects of the conflicts that stop transactions (--reduce-stats).
  explicit TransactionSystem(const TransitionSystem& inner, bool attribute = false);

  TxStats stats() const;

  std::unique_ptr<Context> make_context() const override;
  unsigned successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                      TransitionSink& sink) const override;
  void check_state(const std::uint8_t* state, Context& ctx,
                   std::vector<Report>& out) const override;
  ExistsMask check_end(const std::uint8_t* state, Context& ctx,
                       std::vector<Report>& out) const override;

  // POR over transactions: a transaction's footprint is the union of its steps' (over every
  // successor), visible when its first step is; the futures are the inner system's (a thread's
  // transactions are runs of its inner steps).
  unsigned successors_with_footprint(const std::uint8_t* state, unsigned thread, Context& ctx,
                                     TransitionSink& sink, Footprint& fp) const override;
  // A transaction is many inner steps: the inner system's one-step bound is not its bound.
  bool next_step_bound(const std::uint8_t* state, unsigned thread,
                       Footprint& out) const override {
    (void)state;
    (void)thread;
    (void)out;
    return false;
  }

  // The inner steps of transition (thread, index) from `state`, appended to `out`; the state
  // after them in `state` (resized to state_size()). Throws std::logic_error when the inner
  // system has no such transition.
  void inner_steps(std::vector<std::uint8_t>& state, Step step, Context& ctx,
                   std::vector<Step>& out) const;

  class Ctx;

 private:
  // From x: whether t takes its next step too (M2–M4, with `merged` steps so far; M1 is the
  // caller's); if so, that step's successor is in the context's buffer. Counts the stop
  // otherwise (with `count`).
  bool next(const std::uint8_t* x, unsigned t, unsigned merged, Ctx& c, bool count) const;
  // M5: whether the step into x moved t's control point forward from the state before it, or
  // is the transaction's first back edge (of kMaxBackEdges); begin() starts the count at the
  // transaction's start state.
  void begin(const std::uint8_t* start, unsigned t, Ctx& c) const;
  bool may_turn(const std::uint8_t* x, unsigned t, Ctx& c) const;
  // M3 fails: a step of t in x with footprint `fp` (or a bound of it) meets the future of
  // another unfinished thread; with `attribute`, the objects it meets are counted.
  bool observable(const std::uint8_t* x, unsigned t, const Footprint& fp, Ctx& c,
                  bool attribute) const;
  // The transaction of t from each buffered successor of its first step, handed to `sink`.
  unsigned run(const std::uint8_t* state, unsigned thread, Ctx& c, TransitionSink& sink,
               Footprint* fp) const;

  bool enabled_;
  bool attribute_;
  ObjectNames names_;  // with attribute_
  mutable std::atomic<std::uint64_t> transactions_{0}, merged_{0};
  mutable std::array<std::atomic<std::uint64_t>, kTxStops> stops_{};
  mutable std::mutex conflicts_mu_;
  mutable std::vector<std::uint64_t> conflicts_;  // per name, merged from the contexts
  friend class Ctx;
};

// Rewrites `cex`, a path of `tx`, as the path of tx.inner() it stands for (every inner step of
// every transaction, the lasso's start moved along); the property, thread and pc stay.
void refine(const TransactionSystem& tx, Counterexample& cex);

}  // namespace pcmc::checker
