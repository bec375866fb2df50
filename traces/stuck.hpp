// Why a thread cannot go on, in kernel words: the diagnostics behind `pcmc replay`'s
// divergence messages (traces/replay.hpp).
//
// A blocked await is explained by the first conjunct of its condition that is false in the state
// at the await. When that conjunct reads a thread_t field that holds a thread (a lock owner such
// as `C0.lock_owner` or `M.invalidate_lock_owner`), the thread "cannot take" the lock function
// the await is written in, named with the pool element the field belongs to:
//   "Ob cannot take filemap_invalidate_lock(M): M.invalidate_lock_owner held by Oa"
// otherwise it "waits in" that function, with the values of the shared fields the conjunct reads:
//   "T waits in wait_on_page_writeback(C0): await(!PageWriteback(page)) is false (C0.PG_writeback=1)"
//
// Contract: read-only over the Program and states; uses Executor::eval_in_thread/addr_in_thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/exec.hpp"
#include "traces/trace.hpp"

namespace pcmc::traces {

struct StuckReport {
  std::string reason;                // after "step N: "
  std::vector<std::string> details;  // "at FILE:LINE: SOURCE", "called from f() at ...", values
};

StuckReport why_blocked(const TraceContext& ctx, unsigned thread,
                        const model::Scratch::Blocked& at);

// A source line without comments, blanks collapsed: what the trace texts quote.
std::string without_comments(const std::string& src);

// "lost_update.pcm:24: tmp = counter;" for instruction `pc` of `thread` (basename, trimmed).
std::string statement_at(const TraceContext& ctx, unsigned thread, std::uint32_t pc);

// The callers of the frame of instruction `pc`, innermost first:
// "called from inc() at lost_update.pcm:22: spin_lock();" ...
std::vector<std::string> callers_of(const TraceContext& ctx, unsigned thread, std::uint32_t pc);

// A conditional branch a thread executed: which statement and which way it went.
struct Branch {
  std::uint32_t pc = 0;
  bool taken = false;        // the condition's value (true: fell through into the `then` part)
  std::size_t step = 0;      // 1-based step that executed it
};

// Branches (JumpIfNot) among `executed` pcs of one step, in order; `pc_after` is the thread's
// pc after the step.
std::vector<Branch> branches_in(const model::Program& p, unsigned thread,
                                const std::vector<std::uint32_t>& executed,
                                std::uint32_t pc_after, std::size_t step);

}  // namespace pcmc::traces
