// Renderings of a Trace: numbered steps for people (stdout) and the JSON document for tools
// (schema in docs/trace-schema.json; `schema_version` bumps on any incompatible change).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/trace.hpp"

namespace pcmc::traces {

inline constexpr int kTraceSchemaVersion = 2;  // 2: memory_model, steps' flush/buffered/reads
inline constexpr int kTraceSchemaOldest = 1;   // json_import still reads version 1 (sc traces)

// Where a trace came from, for the JSON header.
struct RunInfo {
  std::string scenario;
  std::string file;
  std::string variant;   // "B" or "F1+F3"
  bool debug_vm = false;
  std::vector<std::string> switches;  // the switches turned on, as given (-D order)
  std::string scenario_hash;          // traces/scenario_hash.hpp; "" when unknown
  std::string kernel = "v5.15";      // the kernel library the run used (pcmc check --kernel)
  // --set NAME=VALUE overrides of library #default constants the run used, in command-line
  // order (after a JSON round trip, in name order); replay applies them again (JSON "constants", written only when not empty)
  std::vector<std::pair<std::string, std::int64_t>> constants = {};
  std::string memory_model = "sc";  // --memory-model; replay and explain compile with it
};

// "  1  P0  inc  lost_update.pcm:14  tmp = counter;\n        counter 0→1\n" ...
std::string render_steps(const Trace& t);

nlohmann::json to_json(const Trace& t, const RunInfo& run);

}  // namespace pcmc::traces
