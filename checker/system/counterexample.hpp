// A path through a TransitionSystem from its initial state: what a search reports for a
// violated property and what symmetry, replay and the trace writers rewrite or read. It lives
// beside the system interface (not in search/) because the layers below the search — the
// symmetric quotient's concretisation (reduce/symmetric_system.hpp) — produce paths too.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/system/system.hpp"

namespace pcmc::checker {

struct Step {
  std::uint16_t thread = 0;
  std::uint16_t index = 0;
};

struct Counterexample {
  PropertyId property = 0;
  std::uint16_t thread = 0xFFFF;  // violating thread (0xFFFF: a state property or deadlock)
  std::uint32_t pc = 0;
  std::vector<Step> steps;        // from the initial state
  // Non-termination: steps[loop_start..] lead from the state after steps[loop_start - 1] back
  // to itself (a lasso). -1 otherwise.
  std::int64_t loop_start = -1;
};

}  // namespace pcmc::checker
