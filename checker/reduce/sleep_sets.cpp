// Sleep sets: the two-level mask bookkeeping of the BFS (sleep_sets.hpp).
#include "checker/reduce/sleep_sets.hpp"

#include <stdexcept>
#include <string>

#include "checker/store/state_store.hpp"

namespace pcmc::checker::detail {

void SleepSets::enter(std::uint32_t depth, std::uint32_t first, std::uint32_t next_first) {
  if (started_ && depth == depth_) return;
  if (started_ && depth != depth_ + 1)
    throw std::logic_error("sleep sets: BFS level " + std::to_string(depth) + " after " +
                           std::to_string(depth_));
  if (first != next_first_ || next_first != first + next_.size())
    throw std::logic_error("sleep sets: level " + std::to_string(depth) +
                           " does not hold the states inserted for it");
  started_ = true;
  depth_ = depth;
  cur_.swap(next_);
  next_.clear();
  next_ids_.clear();
  cur_first_ = first;
  next_first_ = next_first;
}

SleepSets::Mask SleepSets::of(std::uint32_t id) const {
  if (id < cur_first_ || id - cur_first_ >= cur_.size())
    throw std::logic_error("sleep sets: state " + std::to_string(id) +
                           " is not of the level being expanded");
  return cur_[id - cur_first_];
}

void SleepSets::inserted(std::uint32_t id, std::uint64_t key, Mask z) {
  if (id != next_first_ + next_.size())
    throw std::logic_error("sleep sets: state " + std::to_string(id) +
                           " inserted out of order");
  next_.push_back(z);
  if (lossy_) next_ids_.emplace(key, id);
}

void SleepSets::reached(std::uint32_t id, std::uint64_t key, Mask z) {
  if (id == StateStore::kNone) throw std::logic_error("sleep sets: an edge to no state");
  if (id >= next_first_) {
    if (id - next_first_ >= next_.size())
      throw std::logic_error("sleep sets: state " + std::to_string(id) + " was never inserted");
    next_[id - next_first_] &= z;
    return;
  }
  // Hash compaction gives kOld for every state stored before: find it by signature. Not found:
  // a state of the current or an earlier level (or an omitted one), ignored.
  if (!lossy_) return;
  const auto it = next_ids_.find(key);
  if (it != next_ids_.end()) next_[it->second - next_first_] &= z;
}

std::uint64_t SleepSets::bytes() const {
  return (cur_.capacity() + next_.capacity()) * sizeof(Mask) +
         next_ids_.size() * (sizeof(std::uint64_t) + sizeof(std::uint32_t) + 2 * sizeof(void*)) +
         next_ids_.bucket_count() * sizeof(void*);
}

}  // namespace pcmc::checker::detail
