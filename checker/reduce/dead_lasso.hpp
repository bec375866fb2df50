// Counterexamples of the dead-variable reduction (model/liveness.hpp, docs/reductions.md) made
// concrete. A path found with dead locals stored as 0 is a path of the program itself (the
// reduction is a bisimulation that keeps every successor index), so replaying its choices
// without the reduction shows the values the threads really hold. Only a lasso needs more: its
// cycle returns to the same reduced state, which concretely may differ in dead bytes. Unrolled:
// after one round of the cycle every byte is either live at its entry (equal by construction) or
// rewritten from live values (so equal from then on) or untouched, hence the concrete cycle closes
// after at most two rounds; close_lasso finds the first round it closes at.
#pragma once

#include "checker/system/counterexample.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker {

// Rewrites `cex` (a lasso: loop_start >= 0; anything else is left alone) into a lasso of
// `concrete`: the cycle's steps repeated in the stem until the concrete state at its entry
// repeats. Throws std::logic_error when a step is not a transition of `concrete` or the cycle
// does not close within a few rounds (an unsound reduction).
void close_lasso(const TransitionSystem& concrete, Counterexample& cex);

}  // namespace pcmc::checker
