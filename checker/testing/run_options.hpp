// The search options of the runs the session tests compare: `pcmc check`'s default run and
// `--no-reduce` (checker/cli/commands.cpp, search_options), capped at `cap` states so that a
// run that grows past what the test expects fails instead of running on.
#pragma once

#include <cstdint>

#include "checker/search/search.hpp"

namespace pcmc::checker::test {

inline SearchOptions default_run_options(bool all, std::uint64_t cap, unsigned workers = 1,
                                         bool log_edges = true, bool transactions = true) {
  SearchOptions o;
  o.all = all;
  o.log_edges = log_edges;
  o.dead_vars = true;
  o.por = o.sleep = true;
  o.transactions = transactions;
  o.symmetry = true;
  o.max_states = cap;
  o.workers = workers;
  return o;
}

inline SearchOptions no_reduce_options(bool all, std::uint64_t cap) {
  SearchOptions o;
  o.all = all;
  o.max_states = cap;
  return o;
}

}  // namespace pcmc::checker::test
