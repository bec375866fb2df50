// Small helpers shared by the commands in cmd_*.cpp (graph, matrix, the HTML viewer): parsing a
// scenario with the include path, naming a variant, and the search limits of the command line.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "checker/cli/options.hpp"
#include "checker/search/search.hpp"
#include "model/ast.hpp"
#include "model/source.hpp"

namespace pcmc::cli {

struct Scenario {
  model::SourceManager sm;
  model::ast::Model ast;
};

// A command-line error found after the options parsed (an undeclared -D switch): main() prints
// "pcmc: " and the message and exits 64.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses o.scenario with -I folders and the kernel library (checker/cli/library_root.hpp) on the
// include path, applies the --set overrides and checks that it declares every -D switch. Throws
// model::CompileError (print with sm.format()), model::SetError and UsageError (command-line
// errors: main() prints them and exits 64).
void parse_scenario(const Options& o, Scenario& s);

// ", HPAGE_PMD_NR=8, NR_SLOTS=4" for the --set overrides of a header line; "" without any.
std::string sets_label(const Options& o);

// Throws UsageError unless the scenario declares every switch of `defines`; `given` says where
// they came from ("-D", "--variants").
void check_switches(const Scenario& s, const std::vector<std::string>& defines,
                    const std::string& given);

// Every file the scenario included, in order of first inclusion, as loaded: a library file as
// its path under library_root() ("kernel/v5.15/open.pcm"), another file as its path with
// " (shadows the library's ...)" when the library has a file of the same relative path.
std::vector<std::string> included_files(const Scenario& s);

// "B" for no switch, else the switches joined with '+': "F1+F3".
std::string variant_label(const std::vector<std::string>& defines);

// The default --max-memory: 3/4 of physical memory (8 GiB when it cannot be read).
std::uint64_t default_memory_limit();

// Installs the SIGINT and SIGTERM handler (Ctrl-C or a kill stops the search cleanly, with the
// verdict "incomplete" and its statistics) and points `s` at the flag it sets and the count of
// signals it keeps (SearchOptions::interrupt, stop_signals).
void install_interrupt(checker::SearchOptions& s);

// The Limits group of the command line (--max-states/-depth/-time/-memory), BFS, Ctrl-C
// stopping cleanly (installs a SIGINT handler), no progress output.
checker::SearchOptions limit_options(const Options& o);

// --memory-model as the model's enum.
model::MemoryModel memory_model_of(const Options& o);
model::MemoryModel memory_model_named(const std::string& name);  // "sc" | "tso" | "pso"

// Writes `text` to `path`; false when the file cannot be written (checked after the close, so
// a full disk is seen for small files too).
bool write_file(const std::string& path, const std::string& text);

}  // namespace pcmc::cli
