// Replay: re-executes a saved trace's choice path on a (possibly different) variant of its
// scenario, step by step with the executor, and says either that the same property is violated
// at the end ("reproduced: A3") or exactly where and why the path stops applying:
//
//   step 7: Ob cannot take filemap_invalidate_lock(M): M.invalidate_lock_owner held by Oa
//   step 3: P1 has finished (its last step was step 2)
//   step 5: P0 has 1 successor here, the trace takes successor 1 (choose() ... / a branch)
//   step 4: the path ends here: P0's step fires BUG_ON(...) B1 (a fatal assertion)
//   end of path (4 steps): both_counted holds: counter == 2
//
// Threads are matched by name (the trace's step `thread`), so a scenario whose thread order
// changed still replays. The saved steps' statements are compared with the executed ones; the
// first difference is reported as a note (the path may still reproduce).
//
// Contract: `ctx` is a freshly compiled Program/Executor of the scenario for the variant to
// replay on; the saved trace is only read. Never throws for a path that does not apply (that is
// a result); throws std::logic_error only on internal errors.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace pcmc::traces {

enum class ReplayStatus {
  Reproduced,  // every step applied and the property is violated at the end
  Diverged,    // a step does not apply, or the path ends without the violation
};

enum class Divergence {
  None,
  UnknownThread,  // the trace names a thread the scenario does not have
  BadInit,        // the init block fails in this variant
  Finished,       // the thread has finished
  Blocked,        // every path of the thread's step waits at an await
  NoSuchChoice,   // the successor index does not exist (a choose/branch went another way)
  EndedEarly,     // a fatal assertion or model error ends the path before its last step
  NotViolated,    // all steps applied, the property is not violated at the end
};

struct ReplayResult {
  ReplayStatus status = ReplayStatus::Diverged;
  Divergence why = Divergence::None;
  std::size_t step = 0;              // 1-based step of the divergence (NotViolated: 0)
  std::string reason;                // one line, see above ("reproduced: A3" when reproduced)
  std::vector<std::string> details;  // further lines: the statement, callers, values read
  std::vector<std::string> notes;    // where the executed statements first differ from the trace
  Trace replayed;                    // the steps that applied, described in this variant
};

ReplayResult replay(const TraceContext& ctx, const Trace& saved);

const char* to_string(Divergence d);

}  // namespace pcmc::traces
