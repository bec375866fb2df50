// Reading saved traces back: the inverse of traces::to_json (render.hpp), for `pcmc replay` and
// `pcmc explain`.
//
// Accepted documents: the output of `pcmc check --json` (one run object, its "violations"), of
// `pcmc check --judge --json` (an array of run objects), or one trace object on its own
// ($defs/trace in docs/trace-schema.json). Contract: for every trace t written by to_json,
// to_json(from_json(to_json(t))) == to_json(t) (tested on every basics scenario).
//
// Errors: a malformed document throws TraceFormatError naming the JSON path of the bad member
// ("violations[0].steps[3].line: expected an unsigned integer"); a file that cannot be read or
// is not JSON also throws TraceFormatError.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/render.hpp"
#include "traces/trace.hpp"

namespace pcmc::traces {

class TraceFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A trace with the run it was recorded in.
struct SavedTrace {
  RunInfo run;
  Trace trace;
};

// One trace object ($defs/trace). `where` prefixes error messages.
SavedTrace trace_from_json(const nlohmann::json& j, const std::string& where = "");

// Every trace of a document (see above), in file order. May be empty (a run that holds).
std::vector<SavedTrace> traces_from_json(const nlohmann::json& doc);

// Reads and parses `path`.
std::vector<SavedTrace> read_trace_file(const std::string& path);

// The choice path of a saved trace, for replay.
ChoicePath choice_path_of(const Trace& t);

}  // namespace pcmc::traces
