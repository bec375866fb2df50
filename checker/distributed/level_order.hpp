// The sequential search's order inside a BFS level, kept across ranks (docs/distributed.md, "The
// same result as -j 1"). The sequential BFS expands a level in id order, and gives a state of the
// next level its id (and its parent, search_paths.cpp) at the first transition that reaches it.
// So the next level's order is that of the arrival keys (P, t): P the position of the expanded
// state in its level's order, t the transition's ordinal in its expansion, the smallest over every
// transition reaching the state. Every rank knows the positions of the states it expands and
// keeps, per state it stores in the level, the smallest key that reached it and the parent that
// sent it; at the level's end positions() turns the next level's keys into positions.
//
// Everything the sequential search meets while it expands a level is an event keyed by the same
// order: event(arrival, sub) — a transition's reports (kReport), its --max-states stop (kLimit),
// the state it stores and that state's invariant reports (kInsert), and after every transition
// of P the end-state and deadlock checks (arrival(P, kEndStep), kEnd). The first violation of
// -j 1, its counts at a stop and the parent of each state are those of the smallest keys.
#pragma once

#include <cstdint>
#include <vector>

namespace pcmc::distributed::order {

inline constexpr unsigned kStepBits = 16;  // t: a transition's ordinal in its state's expansion
inline constexpr unsigned kSubBits = 2;
inline constexpr std::uint64_t kEndStep = (std::uint64_t{1} << kStepBits) - 1;  // after every t
inline constexpr std::uint64_t kMaxPosition = (std::uint64_t{1} << (64 - kStepBits - kSubBits)) - 1;
inline constexpr std::uint64_t kNone = ~std::uint64_t{0};

enum Sub : std::uint64_t { kReport = 0, kLimit = 1, kInsert = 2, kEnd = 3 };

inline std::uint64_t arrival(std::uint64_t position, std::uint64_t t) {
  return position << kStepBits | t;
}
inline std::uint64_t position_of(std::uint64_t arrival_key) { return arrival_key >> kStepBits; }
inline std::uint64_t step_of(std::uint64_t arrival_key) { return arrival_key & kEndStep; }
inline std::uint64_t event(std::uint64_t arrival_key, Sub s) { return arrival_key << kSubBits | s; }
inline std::uint64_t arrival_of(std::uint64_t event_key) { return event_key >> kSubBits; }
inline Sub sub_of(std::uint64_t event_key) { return static_cast<Sub>(event_key & 3); }

// Collective. `sorted`: this rank's arrival keys of the next level, sorted (keys are distinct
// over all ranks: one transition reaches one state); `level`: the number of positions of the
// level expanded (every key's P is below it). Returns, for each key, its position among every
// rank's keys. Each key goes to the rank owning its block of P (ranks x P / level), which sorts
// what it receives; an exclusive scan of the blocks' sizes makes the positions global, and they
// go back to the key's rank: 16 bytes per state (fewer sent: a rank's own block stays local).
std::vector<std::uint64_t> positions(const std::vector<std::uint64_t>& sorted, std::uint64_t level,
                                     int rank, int ranks);

// positions() for a small next level (kSmall states or fewer over all ranks), in one collective:
// every rank gathers every key (MPI_Allgatherv; `counts`: each rank's number of keys) and finds
// its own among them. Same result.
inline constexpr std::uint64_t kSmall = 4096;
std::vector<std::uint64_t> positions_small(const std::vector<std::uint64_t>& sorted,
                                           const std::vector<int>& counts);

}  // namespace pcmc::distributed::order
