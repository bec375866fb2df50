// Partial-order reduction for the safety search (docs/reductions.md): in a state s the search
// may expand one thread t alone — an "ample" set of one thread — instead of every thread, when
//   C0  t's step is enabled in s (it has a successor);
//   C1  t's step is independent of every step any other unfinished thread u may take from its
//       control point in s on (TransitionSystem::may_interfere, a static over-approximation:
//       the next step included, enabled or blocked — so a step that could enable a blocked
//       thread is dependent — and every later one); then {t's step} is a persistent set;
//   C2  t's step is invisible in s (Footprint::visible is false: it evaluates no assertion,
//       reports nothing, has no fatal successor, writes nothing an invariant reads);
//   C3  every successor of t's step is a new state: none was stored before s was expanded (the
//       cycle proviso; sound for any search order, docs/reductions.md).
// C0–C2 are a function of s alone (eligible); C3 depends on the visited set and is checked by
// the caller (Search, ParallelBfs). Candidates are tried in increasing thread id, whatever the
// expansion order; the first that satisfies all four is expanded alone, else every thread is.
//
// Contract: one PorProbe per worker (it buffers successors), used for one state at a time:
// begin(s) forgets the previous state. The state passed to begin must stay alive and unchanged
// until the next begin.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/system.hpp"

namespace pcmc::checker::detail {

class PorProbe {
 public:
  explicit PorProbe(const TransitionSystem& sys);

  void begin(const std::uint8_t* state);
  // C0–C2 for thread t in the current state (runs t's step once, buffering its successors).
  bool eligible(unsigned t, Context& ctx);
  // t's transitions in the current state, in successor-index order (runs the step if needed).
  std::size_t count(unsigned t, Context& ctx);
  const std::uint8_t* target(unsigned t, std::size_t i) const;
  bool fatal(unsigned t, std::size_t i) const { return bufs_[t].recs[i].fatal; }
  // Hands t's buffered transitions to `sink` (as successors() would); returns how many.
  unsigned emit(unsigned t, Context& ctx, TransitionSink& sink);

 private:
  struct Rec {
    std::uint16_t index = 0;
    bool fatal = false;
    std::uint32_t rep_begin = 0, rep_end = 0;
  };
  struct Buf final : TransitionSink {
    std::size_t size = 0;  // state size
    bool probed = false;
    std::vector<Rec> recs;
    std::vector<std::uint8_t> bytes;
    std::vector<Report> reports;
    Footprint fp;
    void on_transition(const Transition& t) override;
  };
  void probe(unsigned t, Context& ctx);

  const TransitionSystem& sys_;
  const std::uint8_t* state_ = nullptr;
  std::vector<Buf> bufs_;  // per thread
};

}  // namespace pcmc::checker::detail
