// The search frontier: states stored but not yet expanded, as (id, depth) entries.
// One interface for both orders so that there is one search loop:
//   BFS: FIFO. States are expanded in non-decreasing depth, so the first path found to any
//        state (its parent link) is a shortest one.
//   DFS: LIFO. The successor generated last is expanded first; a state's depth is the depth at
//        which it was first found, which need not be its shortest.
//
// Memory: entries live in a std::deque (blocks, never one large reallocation); bytes() is an
// estimate (entries plus two blocks of slack) used for memory limits.
// Thread-safety: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "checker/search/search.hpp"

namespace pcmc::checker {

struct FrontierEntry {
  std::uint32_t id = 0;
  std::uint32_t depth = 0;
};

class Frontier {
 public:
  explicit Frontier(Order order) : order_(order) {}

  void push(FrontierEntry e) { q_.push_back(e); }
  // Precondition: !empty().
  FrontierEntry pop() {
    FrontierEntry e;
    if (order_ == Order::BFS) {
      e = q_.front();
      q_.pop_front();
    } else {
      e = q_.back();
      q_.pop_back();
    }
    return e;
  }
  // The entry pop() would return next. Precondition: !empty().
  const FrontierEntry& front() const { return order_ == Order::BFS ? q_.front() : q_.back(); }
  bool empty() const { return q_.empty(); }
  std::size_t size() const { return q_.size(); }
  std::uint64_t bytes() const { return q_.size() * sizeof(FrontierEntry) + 2 * 512; }

 private:
  Order order_;
  std::deque<FrontierEntry> q_;
};

}  // namespace pcmc::checker
