// Command-line options of `pcmc`, in groups (Model, Search, Limits, Output), parsed and validated
// in one place. The only user of Boost.Program_options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pcmc::cli {

struct Options {
  std::string command;     // "check", "list"
  std::string list_what;   // list: "properties"
  std::string scenario;
  // Model
  std::vector<std::string> defines;
  std::vector<std::string> include_path;
  bool debug_vm = false;
  // Search
  std::string order = "bfs";
  bool all = false;
  bool liveness = true;
  std::uint64_t shuffle = 0;
  // Limits
  std::uint64_t max_states = 0, max_depth = 0, max_memory_mib = 0;
  double max_time = 0;
  // Output
  std::string json_file;
  std::string progress = "auto";  // auto | json | off
  bool judge = false;
  bool quiet = false;
};

struct ParseResult {
  Options options;
  bool exit_now = false;   // --help / --version printed
  int exit_code = 0;
  std::string error;       // usage error message (exit 64)
};

ParseResult parse_options(int argc, const char* const* argv);

}  // namespace pcmc::cli
