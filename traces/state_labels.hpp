// Short descriptions of the states and steps of a compiled Program, for pictures (the DOT
// state graph, the HTML viewer): where each thread is ("inc:25"), its live locals, the shared
// fields that differ from a reference state, and the statement a step executes.
//
// Contract: the TraceContext must be the one the states came from (same Program and Executor).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "traces/trace.hpp"

namespace pcmc::traces {

// The statement a step executes: re-executes `thread` in `state` and takes successor `index`.
struct StepSite {
  std::string function;  // innermost function of the statement (the thread's name in its body)
  std::string file;      // base name of the file
  std::uint32_t line = 0;
  std::string source;    // the statement's source line, trimmed, without comments
};
// Throws std::logic_error when the thread has no successor with that index.
StepSite step_site(const TraceContext& ctx, const std::uint8_t* state, unsigned thread,
                   std::uint16_t index);

// "inc:25" (innermost function and line of the thread's next statement), or "done".
std::string thread_position(const TraceContext& ctx, const std::uint8_t* state, unsigned thread);

// The thread's locals of the frames live at its pc whose value is not zero, as (name, value),
// names without the "thread." prefix ("inc.tmp").
std::vector<std::pair<std::string, std::string>> live_locals(const TraceContext& ctx,
                                                             const std::uint8_t* state,
                                                             unsigned thread);

// Shared scalars whose value in `state` differs from `reference` (every non-zero one when
// `reference` is null), as (name, value) in symbol order.
std::vector<std::pair<std::string, std::string>> shared_diff(const model::Program& p,
                                                             const std::uint8_t* state,
                                                             const std::uint8_t* reference);

// Thread-id fields of the shared state held by each thread (value == that thread), such as
// "lock_owner" or "C0.locked_by": per thread, in symbol order.
std::vector<std::vector<std::string>> held_by_thread(const model::Program& p,
                                                     const std::uint8_t* state);

}  // namespace pcmc::traces
