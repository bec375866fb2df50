// The partitioned, level-synchronous BFS that every rank runs (docs/distributed.md, "The
// algorithm"). Each state has one owner, chosen by a hash of its canonical bytes with a seed of
// its own (owner_of), independent of the store's hashes, so every rank's store sees an even share
// of the states. A rank stores, checks and expands only the states it owns; a successor owned by
// another rank is sent to it (exchange.hpp) and the owner decides whether it is new.
//
// What this computes is -j 1's search (with POR and sleep sets off): every level is expanded
// completely, and at its end the ranks agree, from the sequential order of its events
// (level_order.hpp), on where -j 1 stopped inside it (its first violation, --max-states) and
// count what -j 1 counted up to there; the counterexamples are rebuilt from the parent links
// (path_walk.hpp): the same violations, counts and paths as -j 1.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/system/system.hpp"

namespace pcmc::distributed {

// Why a rank stops: bits of PartitionOutcome::stop and of the exchange's end markers.
enum StopBits : std::uint64_t {
  kStopInterrupt = 1,   // SIGINT / SIGTERM (SearchOptions::interrupt)
  kStopTime = 2,        // --max-time
  kStopMemory = 4,      // --max-memory on this rank
  kStopCrossing = 32,   // symmetry over page-frame blocks: a step crossed a block (BlockCrossing)
};

// The owner of a state: a fixed-seed hash of its bytes, mapped onto the ranks.
int owner_of(std::uint64_t owner_hash, int ranks);
std::uint64_t owner_hash(const std::uint8_t* state, std::size_t size);

// The outcome of partitioned_bfs: the same on every rank (reduced over all of them), except
// `own`, this rank's figures.
struct PartitionOutcome {
  std::uint64_t states = 0, transitions = 0, end_states = 0, max_depth = 0;
  std::array<std::uint64_t, 64> exists{};  // per exists clause: end states where it holds
  std::vector<checker::Counterexample> violations;  // -j 1's, in its order, with their paths
  bool violated_stop = false;              // first-violation mode stopped at the first violation
  bool state_limit = false;                // stopped where -j 1 stops at --max-states
  bool dropped = false;                    // first-violation mode: a limit (`stop`) ended the
                                           // level in which a violation was found, before its
                                           // order was known: not reported
  std::uint64_t stop = 0;                  // StopBits (limits) of every rank
  std::uint64_t hops_across = 0;           // path hops whose parent is on another rank
  bool paths_pending = false;              // violations found by a search without parent links:
  std::uint64_t paths_level = 0;           // the deepest one's level (partitioned_bfs: again)
  int memory_rank = -1;                    // the lowest rank that stopped for memory
  bool cut = false;                        // a successor deeper than max_depth was not stored
  std::uint64_t store_bytes = 0;           // sum over the ranks
  std::uint64_t peak_rss = 0;              // the largest rank's
  std::string crossing;                    // this rank's checker::BlockCrossing::where(), if a
                                           // step crossed a page-frame block (kStopCrossing)
  checker::Stats::Rank own;                // (own.link_bytes: this rank's parent links)
};

// Collective: every rank calls it with the same system and options. Throws on an internal
// error of this rank (the caller must then abort the job: the others wait in a collective).
PartitionOutcome partitioned_bfs(const checker::TransitionSystem& sys,
                                 const checker::SearchOptions& opt, int rank, int ranks);

}  // namespace pcmc::distributed
