// The partitioned, level-synchronous BFS that every rank runs (docs/distributed.md, "The
// algorithm"). Each state has one owner, chosen by a hash of its canonical bytes with a seed of
// its own (owner_of), independent of the store's hashes, so every rank's store sees an even share
// of the states. A rank stores, checks and expands only the states it owns; a successor owned by
// another rank is sent to it (exchange.hpp) and the owner decides whether it is new.
//
// What this computes is the complete level-by-level exploration: the states, transitions,
// end states and `exists` hits of every level expanded, and for each property the first level
// whose expansion reported it. It does not stop inside a level at a violation or at the state
// limit the way the sequential search does; distributed_search.cpp finishes such runs by a
// sequential re-run on rank 0, so the result is exactly -j 1's.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/system/system.hpp"

namespace pcmc::distributed {

// Why a rank stops: bits of PartitionOutcome::stop and of the exchange rounds' headers.
enum StopBits : std::uint64_t {
  kStopInterrupt = 1,   // SIGINT / SIGTERM (SearchOptions::interrupt)
  kStopTime = 2,        // --max-time
  kStopMemory = 4,      // --max-memory on this rank
  kStopStates = 8,      // more states stored than --max-states
  kStopViolation = 16,  // first-violation mode: a property is violated in this level
  kStopCrossing = 32,   // symmetry over page-frame blocks: a step crossed a block (BlockCrossing)
};

inline constexpr std::uint32_t kNever = std::numeric_limits<std::uint32_t>::max();

// The owner of a state: a fixed-seed hash of its bytes, mapped onto the ranks.
int owner_of(std::uint64_t owner_hash, int ranks);
std::uint64_t owner_hash(const std::uint8_t* state, std::size_t size);

// The outcome of partitioned_bfs: the same on every rank (reduced over all of them), except
// `own`, this rank's figures.
struct PartitionOutcome {
  std::uint64_t states = 0, transitions = 0, end_states = 0, max_depth = 0;
  std::array<std::uint64_t, 64> exists{};  // per exists clause: end states where it holds
  std::vector<std::uint32_t> first_level;  // per property: the first level that reported it
                                           // (kNever: none); the initial state's checks are
                                           // level 0's
  std::uint32_t stop_level = 0;            // the level being expanded when the run ended
  std::uint64_t stop = 0;                  // StopBits of every rank
  int memory_rank = -1;                    // the lowest rank that stopped for memory
  bool cut = false;                        // a successor deeper than max_depth was not stored
  std::uint64_t store_bytes = 0;           // sum over the ranks
  std::uint64_t peak_rss = 0;              // the largest rank's
  std::string crossing;                    // this rank's checker::BlockCrossing::where(), if a
                                           // step crossed a page-frame block (kStopCrossing)
  checker::Stats::Rank own;
};

// Collective: every rank calls it with the same system and options. Throws on an internal
// error of this rank (the caller must then abort the job: the others wait in a collective).
PartitionOutcome partitioned_bfs(const checker::TransitionSystem& sys,
                                 const checker::SearchOptions& opt, int rank, int ranks);

}  // namespace pcmc::distributed
