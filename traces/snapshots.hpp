// The state at every step of a trace, for the HTML viewer: the trace's choice path is replayed
// with the executor and the whole shared state is recorded before the first step and after
// each one, grouped the way a kernel developer reads it (one group per pool element or struct
// variable: "C0" with PG_locked, _refcount, index, mapping...; "M" with i_pages[], nrpages...),
// with each thread's position, live locals and the locks (thread_t fields) it holds.
//
// Contract: the TraceContext must be the one the trace was built with. Throws std::logic_error
// when the choice path does not replay (an internal error, as in build_trace).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace pcmc::traces {

struct ThreadView {
  std::string name;
  std::string at;                                           // "inc:25" or "done"
  std::vector<std::pair<std::string, std::string>> locals;  // live, non-zero
  std::vector<std::string> holds;                           // thread_t fields equal to it
};

struct FieldGroup {
  std::string name;  // "C0", "M", or "" for plain globals
  std::string kind;  // "struct page" for a pool element; "" otherwise
  std::vector<std::pair<std::string, std::string>> fields;  // ("PG_locked", "1"), in symbol order
};

struct Snapshot {
  std::vector<ThreadView> threads;
  std::vector<FieldGroup> groups;
};

Snapshot snapshot(const TraceContext& ctx, const std::uint8_t* state);

// trace.steps.size() + 1 snapshots: [0] the initial state, [k] the state after step k.
std::vector<Snapshot> trace_snapshots(const TraceContext& ctx, const Trace& trace);

nlohmann::json to_json(const Snapshot& s);

}  // namespace pcmc::traces
