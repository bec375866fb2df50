// The `pcmc` commands over the libraries. Each returns an exit code (cli/exit_codes.hpp) and
// never calls exit(); main() only dispatches.
#pragma once

#include "checker/cli/options.hpp"

namespace pcmc::cli {

int run_check(const Options& o);   // pcmc check (and --judge)
int run_list(const Options& o);    // pcmc list properties

}  // namespace pcmc::cli
