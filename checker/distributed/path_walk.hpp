// A counterexample's path rebuilt across ranks (docs/distributed.md, "Parent links"). Every state
// a rank stores has a parent link (rank, id): the state that reached it with the smallest arrival
// key of its level (level_order.hpp), which is the parent -j 1 gives it; the initial state has
// kNoLink. walk_path() follows the links from a state back to the initial state, one hop per
// step: the rank holding the current state decodes it, finds the step from it to the state of the
// hop before (the first non-fatal transition in expansion order, as search_paths.cpp does) and
// broadcasts its parent link, the step and the state's bytes; the rank the link names holds the
// next hop. Every rank takes part in every hop (MPI_Bcast from the holder), so all of them leave
// the walk together with the same steps.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/store/state_store.hpp"
#include "checker/system/counterexample.hpp"
#include "checker/system/system.hpp"

namespace pcmc::distributed {

inline constexpr std::uint64_t kNoLink = ~std::uint64_t{0};
inline std::uint64_t make_link(std::uint32_t rank, std::uint32_t id) {
  return std::uint64_t{rank} << 32 | id;
}

// The parent links of one rank's states, by id: the parent's id (4 bytes) and its rank (1 byte;
// 2 with more than 256 ranks), 5 bytes per state instead of a uint64_t's 8. An id of
// 0xFFFFFFFF (never a state's: StateStore::kMaxStates) is kNoLink.
class ParentLinks {
 public:
  explicit ParentLinks(int ranks) : wide_(ranks > 256) {}
  std::size_t size() const { return ids_.size(); }
  void push_back(std::uint64_t link) {
    ids_.push_back(static_cast<std::uint32_t>(link));
    lo_.push_back(static_cast<std::uint8_t>(link >> 32));
    if (wide_) hi_.push_back(static_cast<std::uint8_t>(link >> 40));
  }
  void set(std::size_t id, std::uint64_t link) {
    ids_[id] = static_cast<std::uint32_t>(link);
    lo_[id] = static_cast<std::uint8_t>(link >> 32);
    if (wide_) hi_[id] = static_cast<std::uint8_t>(link >> 40);
  }
  std::uint64_t operator[](std::size_t id) const {
    if (ids_[id] == 0xFFFFFFFFu) return kNoLink;
    const std::uint64_t rank = lo_[id] | (wide_ ? std::uint64_t{hi_[id]} << 8 : 0);
    return rank << 32 | ids_[id];
  }
  std::uint64_t bytes() const { return ids_.capacity() * 4 + lo_.capacity() + hi_.capacity(); }

 private:
  bool wide_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint8_t> lo_, hi_;
};

struct PathWalk {
  std::vector<checker::Step> steps;  // from the initial state to the walk's start
  std::uint64_t hops_across = 0;     // hops whose parent is on another rank
};

// Collective: every rank calls it with the same `holder`; `id` matters on `holder` only (a state
// in its `store`, whose parent links are `links`).
PathWalk walk_path(const checker::TransitionSystem& sys, checker::Context& ctx,
                   const checker::StateStore& store, const ParentLinks& links,
                   int rank, int holder, std::uint32_t id);

}  // namespace pcmc::distributed
