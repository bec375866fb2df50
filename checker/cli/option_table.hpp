// The command line's vocabulary: the usage text, the option groups bound to Options, the exit
// codes' one-line summary. Shared by `pcmc` (options.cpp parses and validates) and the man page
// generator (man/pcmc_man.cpp), so `pcmc --help` and pcmc.1 cannot drift apart.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/program_options/options_description.hpp>

#include "checker/cli/options.hpp"

namespace pcmc::cli {

// The option values that options.cpp validates before turning them into Options' booleans.
struct OptionChoices {
  std::string liveness = "on";
  std::string por = "on";
  std::string por_locks = "on";
  std::string symmetry = "off";
  std::string dead_vars = "on";
  std::string transactions = "on";
  // The count options as typed (options.cpp checks them): Boost would read "-1" into an
  // unsigned option as 2^64 - 1.
  std::string shuffle, jobs, max_states, max_depth, max_memory, max_nodes, width;
  std::string max_local_steps;  // default: model::kDefaultLocalBudget (options.cpp)
  std::string store_buffer = "0";
};

struct OptionGroup {
  std::string caption;  // "Model", "Search", ...
  std::shared_ptr<boost::program_options::options_description> options;
};

// The visible option groups in --help order, storing into o and c when parsed.
std::vector<OptionGroup> option_groups(Options& o, OptionChoices& c);

// The subcommands: a synopsis and what it does (--help's first lines, the man page's COMMANDS).
struct Subcommand {
  const char* synopsis;     // "pcmc check SCENARIO.pcm [options]"
  const char* description;  // one sentence, no line breaks
};
const std::vector<Subcommand>& subcommands();

// The subcommands as --help prints them: two columns, "usage: " before the first.
std::string usage_text();

// "Exit codes: 0 holds, 10 violated, ...": the last line of --help (exit_codes.hpp's values).
extern const char* const kExitCodesText;

}  // namespace pcmc::cli
