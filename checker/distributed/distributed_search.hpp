// The search on several MPI processes (docs/distributed.md): the partitioned BFS of every rank
// (partitioned_bfs.hpp), finished on rank 0 so that the result is exactly the sequential
// search's (`-j 1`, with POR and sleep sets off), then broadcast so every rank returns it.
//
// What it supports: BFS, the exact store, the safety search (invariants, assertions, harms,
// finals, deadlock, exists), dead variables and symmetry (both applied to the system before it
// gets here: the states it partitions are already reduced and canonical). What it refuses
// (std::invalid_argument; the command line refuses them first, exit 64): the non-termination
// pass, DFS, hash compaction. `workers` > 1 expands each rank's share on that many threads
// (partition_parallel.cpp), with the same result. POR and sleep sets are not applied (their cycle
// proviso needs another rank's "stored, at which depth?" answer), and the result is that of the
// search with them off.
#pragma once

#include "checker/search/search.hpp"

namespace pcmc::distributed {

// Collective over MPI_COMM_WORLD (a World must exist, mpi_world.hpp): every rank calls it with
// the same system and options and gets the same Result. An internal error on one rank ends the
// job (World::fatal, exit 70) rather than leave the others waiting.
checker::Result distributed_search(const checker::TransitionSystem& system,
                                   const checker::SearchOptions& options);

}  // namespace pcmc::distributed
