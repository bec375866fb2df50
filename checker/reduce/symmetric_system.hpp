// Symmetry reduction as a TransitionSystem decorator (docs/symmetry.md): the same
// system with every successor and the initial state replaced by its canonical form
// (symmetry.hpp). The search loop is unchanged — canonicalisation is part of "successors" — so
// the sequential and parallel BFS, DFS and BFS parent reconstruction (which re-expands the
// parent and matches the stored child) all see one consistent quotient system.
//
// Steps found on it name threads of canonical states; concretise() turns such a counterexample
// into a path of the inner system (replayable with symmetry off).
//
// Contract: holds references to the inner system and the canonicaliser, which must outlive it.
// Thread-safe like the inner system: one Context per worker. Partial-order reduction goes
// through it when the inner system offers it: footprints and interference are the inner
// system's, taken in the stored (canonical, hence concrete) state, and only the successors are
// canonicalised — why that is sound: docs/symmetry.md, "POR and symmetry together". Each
// successor carries its canonicalising thread permutation (Transition::thread_perm), through
// which the non-termination pass decides weak fairness on the quotient (docs/reductions.md);
// its lasso, a cycle of canonical states, is lifted to the program by concretise_lasso.
#pragma once

#include <string>
#include <vector>

#include "checker/system/counterexample.hpp"
#include "checker/reduce/symmetry.hpp"
#include "checker/system/forwarding_system.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker {

class SymmetricSystem final : public ForwardingSystem {
 public:
  // Throws std::invalid_argument when the canonicaliser does not fit the inner system.
  SymmetricSystem(const TransitionSystem& inner, const Canonicaliser& canon);

  const Canonicaliser& canonicaliser() const { return canon_; }

  // Canonicalised; everything else (footprints, futures and interference taken in the stored,
  // canonical hence concrete state) is the inner system's, through ForwardingSystem.
  std::unique_ptr<Context> make_context() const override;
  void initial_state(std::uint8_t* out) const override;
  unsigned successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                      TransitionSink& sink) const override;
  void check_state(const std::uint8_t* state, Context& ctx,
                   std::vector<Report>& out) const override;
  ExistsMask check_end(const std::uint8_t* state, Context& ctx,
                 std::vector<Report>& out) const override;
  unsigned successors_with_footprint(const std::uint8_t* state, unsigned thread, Context& ctx,
                                     TransitionSink& sink, Footprint& fp) const override;

 private:
  const Canonicaliser& canon_;
};

// Rewrites `cex`, found by a search on `sym`, into a path of sym.inner() from its own initial
// state: each canonical step (t, i) becomes the step of the concrete thread that t stands for,
// with the successor index whose canonical image is the canonical path's next state (the same
// index when it matches, and with the same reports); `cex.thread` is mapped likewise. Throws
// std::logic_error when no concrete step matches (the spec is not a symmetry of the system).
void concretise(const SymmetricSystem& sym, Counterexample& cex);

// concretise() for every counterexample; a lasso (loop_start >= 0) found on `sym` by the
// non-termination pass, whose SCC's canonical states are `scc` (Result::lasso_scc), becomes a
// weakly fair lasso of sym.inner(): the stem concretised, then a cycle built among the program
// states over `scc` from the stem's end, on which every thread steps or is disabled somewhere
// (symmetric_lasso.cpp). Throws std::logic_error when none exists (an unsound reduction).
void concretise_lasso(const SymmetricSystem& sym, Counterexample& cex,
                      const std::vector<std::string>& scc);

}  // namespace pcmc::checker
