// Command-line options of `pcmc`, in groups (Model, Search, Limits, Output), parsed and validated
// in one place (the option table itself: option_table.hpp). With it, the only user of
// Boost.Program_options.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pcmc::cli {

inline constexpr std::uint64_t kGraphJsonMaxNodes = 200000;  // graph -o FILE.json default

struct Options {
  std::string command;     // "check", "list"
  std::string list_what;   // list: "properties" | "switches"
  std::string scenario;
  // Model
  std::vector<std::string> defines;
  std::vector<std::string> include_path;
  std::string kernel = "v5.15";  // --kernel: the library folder model/kernel/<kernel>/ that
                                 // `#include "kernel/NAME.pcm"` selects (docs/kernel-model-v6.md)
  bool kernel_given = false;     // --kernel was on the command line (replay/explain otherwise
                                 // take the trace's kernel)
  std::string kernels;           // matrix --kernels "v5.15; v6.12": one column group per library
  bool debug_vm = false;
  std::string memory_model = "sc";  // --memory-model sc|tso|pso (docs/memory-models.md)
  std::uint32_t store_buffer = 0;   // --store-buffer N: entries per store buffer (0: computed)
  // --set NAME=VALUE: library #default overrides, in command-line order
  // (model/constant_sets.hpp); parse_scenario applies them
  std::vector<std::pair<std::string, std::int64_t>> sets;
  // Search
  std::string order = "bfs";
  bool all = false;
  bool liveness = true;
  bool liveness_given = false;  // --liveness was on the command line (mpirun refuses an explicit
                                // on, and turns the default off with a note: mpi_launch.hpp)
  std::uint64_t shuffle = 0;
  unsigned jobs = 1;       // -j: BFS worker threads (same results as 1)
  std::string store = "exact";  // --store exact|hashcompact: the visited set (state-store.md)
  std::string engine = "interp";  // --engine interp|native (docs/native-engine.md)
  // Reduction
  bool por = false;        // --por on|persistent: ample (persistent) sets (docs/por.md)
  bool sleep = false;      // --por on|sleep: sleep sets (docs/sleep-sets.md)
  bool por_given = false;  // --por was on the command line (the default, on, applies quietly
                           // where it can: no note where it does not)
  bool symmetry = true;    // --symmetry on|off: interchangeable threads (docs/symmetry.md)
  bool symmetry_given = false;  // --symmetry was on the command line (the default applies
                                // quietly: no note where nothing is interchangeable)
  bool por_locks = true;   // --por-locks: lock-aware C1 (docs/por.md, "C1 with locks")
  bool por_stats = false;  // --por-stats: why POR reduced where it did not (por_stats.hpp)
  bool dead_vars = true;   // --dead-vars on|off: dead-variable reduction (docs/reductions.md)
  bool transactions = true;  // --transactions on|off: transaction (Lipton) reduction
                             // (docs/transactions-proof.md)
  bool no_reduce = false;  // --no-reduce: every reduction off (dead variables, POR, sleep
                           // sets, symmetry): the oracle
  bool reduce_stats = false;  // --reduce-stats: which locals the dead-variable reduction clears
  // Limits
  std::uint64_t max_states = 0, max_depth = 0, max_memory_mib = 0;
  double max_time = 0;
  std::uint32_t max_local_steps = 0;  // --max-local-steps (0: model::kDefaultLocalBudget)
  // Output
  std::string json_file;
  std::string progress = "auto";  // auto | json | off
  bool judge = false;
  bool quiet = false;
  std::string html_file;        // check --html: the self-contained trace viewer page
  // graph (cmd_graph.cpp)
  std::string output_file;      // -o FILE.dot | FILE.svg
  bool svg = false;             // also render SVG with Graphviz's dot
  std::uint64_t max_nodes = 2000;  // refuse to draw more states than this (-o FILE.json:
                                   // kGraphJsonMaxNodes unless given)
  // matrix (cmd_matrix.cpp)
  std::string variants;         // "B; F1; F1+F3"
  std::string debug_vm_mode = "off";  // --debug-vm [on|off|both]; both: matrix only
  std::string format;           // matrix: text | md | json (default text)
  std::string trace_dir;        // where matrix writes one trace JSON per violation
  std::string rows = "all";     // matrix: all | violated
  // replay, explain (cmd_replay.cpp, cmd_explain.cpp); check --format columns
  std::string trace_file;       // a saved trace: `pcmc check --json` output
  unsigned width = 80;          // --width: the CPU-column text is at most this wide
};

struct ParseResult {
  Options options;
  bool exit_now = false;   // --help / --version printed
  int exit_code = 0;
  std::string error;       // usage error message (exit 64)
};

ParseResult parse_options(int argc, const char* const* argv);

// "v5.15; v6.12" → {"v5.15", "v6.12"} (blanks dropped; an empty element stays, as "").
std::vector<std::string> kernel_list(const std::string& spec);

}  // namespace pcmc::cli
