// Sleep sets for the BFS safety search (Godefroid 1996, ch. 5-6; docs/sleep-sets.md, "Sleep
// sets"): the per-state masks of threads that need not be expanded, kept for two BFS levels.
//
// The rule. A state s of the current level has a sleep set Z(s) (a mask of threads). Expanding s
// explores E = (the ample set, or every thread) minus Z(s), in expansion order; the i-th explored
// thread b gives its successors the contribution
//     Z_b = { x in Z(s) or explored before b at s : x independent of b in s }
// (PorProbe::independent). A thread of Z(s) is still probed, for its footprint; its transitions
// are not generated (Stats::slept counts them).
//
// The merge rule (why it is sound with state matching: docs/sleep-sets.md). A state first stored
// at depth d+1 is only reached by edges from depth d before it is expanded, since BFS expands
// level d completely first. So the masks of the next level are kept by id: inserted() sets the
// mask of a new state to Z_b, reached() intersects the mask of a next-level state with the Z_b
// of every later edge into it; edges into the current or an earlier level are ignored (they are
// on no shortest path). enter() turns the level: the next level's masks become current.
//
// Hash compaction: the lossy store does not give the id of a stored state (kOld), so in that mode
// the next level's ids are also kept by signature (a hash map of one level).
//
// Contract: driven by one thread; of() may be called from worker threads while the driver calls
// inserted() / reached() (the parallel BFS's phase 1 overlaps its replay): of() reads only the
// current level's masks, those two write only the next level's; never concurrently with enter(). Ids of a level are consecutive and inserted in
// increasing order (the BFS hands them out so); a violation throws std::logic_error.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "checker/reduce/por.hpp"

namespace pcmc::checker::detail {

class SleepSets {
 public:
  using Mask = PorProbe::Mask;

  // `lossy`: the store gives no ids of stored states (hash compaction); keep signatures.
  explicit SleepSets(bool lossy) : lossy_(lossy) {}

  // The search starts expanding level `depth`, whose first id is `first`; the next level's ids
  // start at `next_first` (no state of it is stored yet). A no-op while the depth is unchanged.
  void enter(std::uint32_t depth, std::uint32_t first, std::uint32_t next_first);
  // Z(s) of a state of the current level.
  Mask of(std::uint32_t id) const;
  // A state first stored at the next level (or the initial state, before the first enter()),
  // with id `id` and signature `key` (lossy mode; ignored otherwise).
  void inserted(std::uint32_t id, std::uint64_t key, Mask z);
  // An edge from the current level into a stored state: `id` as the store gave it (kOld under
  // hash compaction for a state stored before this batch), `key` its signature (lossy mode).
  void reached(std::uint32_t id, std::uint64_t key, Mask z);
  // Memory held (the masks of two levels, the signature map).
  std::uint64_t bytes() const;

 private:
  bool lossy_;
  bool started_ = false;
  std::uint32_t depth_ = 0;
  std::uint32_t cur_first_ = 0, next_first_ = 0;
  std::vector<Mask> cur_, next_;
  std::unordered_map<std::uint64_t, std::uint32_t> next_ids_;  // lossy: signature -> id
};

}  // namespace pcmc::checker::detail
