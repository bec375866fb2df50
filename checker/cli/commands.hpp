// The `pcmc` commands over the libraries. Each returns an exit code (cli/exit_codes.hpp) and
// never calls exit(); main() only dispatches.
#pragma once

#include "checker/cli/options.hpp"

namespace pcmc::cli {

int run_check(const Options& o);   // pcmc check (and --judge)
int run_list(const Options& o);    // pcmc list properties
int run_replay(const Options& o);  // pcmc replay (cmd_replay.cpp)
int run_explain(const Options& o); // pcmc explain (cmd_explain.cpp)
int run_graph(const Options& o);   // pcmc graph (cmd_graph.cpp)
int run_matrix(const Options& o);  // pcmc matrix (cmd_matrix.cpp)

}  // namespace pcmc::cli
