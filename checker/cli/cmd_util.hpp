// Small helpers shared by the commands in cmd_*.cpp (graph, matrix, the HTML viewer): parsing a
// scenario with the include path, naming a variant, and the search limits of the command line.
#pragma once

#include <atomic>
#include <cstdint>
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

// Parses o.scenario with -I folders and the kernel library on the include path, then applies
// the --set overrides. Throws model::CompileError (print with sm.format()) and model::SetError
// (a command-line error: main() prints it and exits 64).
void parse_scenario(const Options& o, Scenario& s);

// ", HPAGE_PMD_NR=8, NR_SLOTS=4" for the --set overrides of a header line; "" without any.
std::string sets_label(const Options& o);

// "B" for no switch, else the switches joined with '+': "F1+F3".
std::string variant_label(const std::vector<std::string>& defines);

// The default --max-memory: 3/4 of physical memory (8 GiB when it cannot be read).
std::uint64_t default_memory_limit();

// Installs the SIGINT handler (Ctrl-C stops the search cleanly) and returns the flag it sets.
std::atomic<bool>* install_interrupt();

// The Limits group of the command line (--max-states/-depth/-time/-memory), BFS, Ctrl-C
// stopping cleanly (installs a SIGINT handler), no progress output.
checker::SearchOptions limit_options(const Options& o);

// Writes `text` to `path`; false when the file cannot be written.
bool write_file(const std::string& path, const std::string& text);

}  // namespace pcmc::cli
