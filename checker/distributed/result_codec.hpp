// A search Result as bytes, so that rank 0 can hand the final result to every rank
// (distributed_search.cpp): the verdict, the incomplete reason, the counts and the
// counterexamples — what the command line prints and maps to an exit code. Per-rank figures
// (Stats::ranks) are gathered separately.
#pragma once

#include <string>

#include "checker/search/search.hpp"

namespace pcmc::distributed {

std::string encode_result(const checker::Result& r);
checker::Result decode_result(const std::string& bytes);  // throws std::runtime_error if short

// Collective: rank 0's `bytes` on every rank (MPI_Bcast of the size, then the bytes).
std::string broadcast_from_root(const std::string& bytes);

}  // namespace pcmc::distributed
