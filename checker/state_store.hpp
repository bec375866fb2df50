// The visited set: every state the search has seen, stored exactly (full bytes, not a
// fingerprint), with the BFS/DFS tree kept beside it for counterexamples.
//
// Layout (see the numbers under "Memory"):
//   - an arena of fixed-size states in chunks of K = 2^k states; a state never moves once
//     stored, so `state(id)` stays valid while more states are inserted (the search expands a
//     state straight from the arena while inserting its successors);
//   - beside each state, outside the hashed bytes: the parent id (uint32) and the step
//     (thread uint16, successor index uint16) that first reached it, in the same chunk;
//   - an open-addressing table of uint32 ids with linear probing; a slot is compared by memcmp
//     against the arena, so there is no stored hash and no false positive. The slot of a hash is
//     `hash * capacity >> 64` (capacity need not be a power of two). The table grows at load
//     0.75 by a factor of 1.25, i.e. its load stays within [0.6, 0.75].
// Ids are dense, in insertion order, starting at 0 (the initial state).
//
// Memory: per state, state_size + 8 (parent, step) + 4 / load (5.33..6.67) table bytes, plus at
// most one partly filled chunk (chunks hold about 64 KiB), so bytes() / size() stays at or below
// state_size + 16 for any size from about 1e5 states on. Depth is not stored: the frontier
// carries it.
//
// Limits: at most kMaxStates states (ids are uint32, kNone is reserved); insert() throws
// std::length_error beyond that, so callers check size() first. Allocation failure throws
// std::bad_alloc and leaves the store unchanged.
//
// Thread-safety: none; one search owns one store. Const member functions may be called
// concurrently when nobody inserts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "checker/search.hpp"

namespace pcmc::checker {

class StateStore {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  static constexpr std::uint32_t kMaxStates = 0xFFFFFFFEu;

  struct Inserted {
    std::uint32_t id;
    bool inserted;  // false: the state was already stored under `id`
  };

  explicit StateStore(std::size_t state_size);

  // Stores `state` (state_size bytes) if new, remembering how it was reached. The parent of the
  // initial state is kNone.
  Inserted insert(const std::uint8_t* state, std::uint32_t parent, Step step);
  // The id of `state`, or kNone.
  std::uint32_t find(const std::uint8_t* state) const;

  const std::uint8_t* state(std::uint32_t id) const {
    return chunks_[id >> shift_].states.get() + static_cast<std::size_t>(id & mask_) * size_;
  }
  std::uint32_t parent(std::uint32_t id) const { return chunks_[id >> shift_].parent[id & mask_]; }
  Step step(std::uint32_t id) const { return chunks_[id >> shift_].step[id & mask_]; }
  // The steps from the initial state to `id`, following parent links.
  std::vector<Step> path(std::uint32_t id) const;

  std::size_t size() const { return count_; }
  std::size_t state_size() const { return size_; }

  // Every byte this store holds: arena chunks, metadata, table, chunk index.
  std::uint64_t bytes() const;
  // An upper bound on what the next insert can add on top of bytes() (a new chunk and, during a
  // table growth, the new table beside the old one). Memory limits check bytes() plus this.
  std::uint64_t next_growth_bytes() const;

 private:
  struct Chunk {
    std::unique_ptr<std::uint8_t[]> states;
    std::unique_ptr<std::uint32_t[]> parent;
    std::unique_ptr<Step[]> step;
  };

  std::uint64_t slot_of(std::uint64_t hash) const;
  std::uint64_t next_capacity() const;
  void grow_table();
  std::uint8_t* append(const std::uint8_t* state, std::uint32_t parent, Step step);

  std::size_t size_;              // bytes per state
  unsigned shift_;                // K = 1 << shift_ states per chunk
  std::uint32_t mask_;            // K - 1
  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> table_;  // kNone = empty slot
  std::uint32_t count_ = 0;
};

}  // namespace pcmc::checker
