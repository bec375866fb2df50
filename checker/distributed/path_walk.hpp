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
#include <cstring>
#include <memory>
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
// 0xFFFFFFFF (never a state's: StateStore::kMaxStates) is kNoLink. Stored in chunks of
// kChunk states, so that growing never copies (a doubling vector would hold its old and new
// buffers at once: 3x the links at the peak) nor leaves up to half of its capacity unused.
class ParentLinks {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << 16;
  explicit ParentLinks(int ranks) : wide_(ranks > 256) {}
  std::size_t size() const { return size_; }
  void push_back(std::uint64_t link) {
    if (size_ % kChunk == 0) chunks_.push_back(std::make_unique<std::uint8_t[]>(kChunk * width()));
    ++size_;
    set(size_ - 1, link);
  }
  void set(std::size_t id, std::uint64_t link) {
    std::uint8_t* p = slot(id);
    const std::uint32_t low = static_cast<std::uint32_t>(link);
    std::memcpy(p, &low, 4);
    p[4] = static_cast<std::uint8_t>(link >> 32);
    if (wide_) p[5] = static_cast<std::uint8_t>(link >> 40);
  }
  std::uint64_t operator[](std::size_t id) const {
    const std::uint8_t* p = chunks_[id / kChunk].get() + (id % kChunk) * width();
    std::uint32_t low;
    std::memcpy(&low, p, 4);
    if (low == 0xFFFFFFFFu) return kNoLink;
    const std::uint64_t rank = p[4] | (wide_ ? std::uint64_t{p[5]} << 8 : 0);
    return rank << 32 | low;
  }
  std::uint64_t bytes() const { return chunks_.size() * kChunk * width() + chunks_.capacity() * 8; }

 private:
  std::size_t width() const { return wide_ ? 6 : 5; }
  std::uint8_t* slot(std::size_t id) {
    return chunks_[id / kChunk].get() + (id % kChunk) * width();
  }
  bool wide_;
  std::size_t size_ = 0;
  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;
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
