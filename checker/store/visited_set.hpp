// The search's visited set: the exact tree-compressed StateStore (default) or the lossy
// HashCompactStore (SearchOptions::store), behind the StateStore interface the search uses, so
// that the search loops read the same in both modes (docs/state-store.md).
//
// Differences the search must know about (lossy() true):
//   - find()/insert() of a stored state give HashCompactStore::kOld (0), not its id;
//   - decode(id) works for ids not yet released (release_below) and for pinned ids only;
//   - no parents (BFS only), no decode for the non-termination pass (refused with liveness on);
//   - the parallel search deduplicates a batch by signature (batch_key; same_in_batch).
// In exact mode pin/release_below/keep_from do nothing.
//
// Thread-safety: that of the store it wraps (state_store.hpp, hash_compact_store.hpp).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "checker/store/hash.hpp"
#include "checker/store/hash_compact_store.hpp"
#include "checker/store/state_store.hpp"

namespace pcmc::checker {

class VisitedSet {
 public:
  VisitedSet(std::size_t state_size, std::vector<std::uint32_t> bounds, bool keep_parents,
             bool hash_compact, unsigned signature_bits) {
    if (hash_compact) {
      if (keep_parents) throw std::invalid_argument("hash compaction keeps no parents (BFS only)");
      hc_ = std::make_unique<HashCompactStore>(state_size, signature_bits);
    } else {
      exact_ = std::make_unique<StateStore>(state_size, std::move(bounds), keep_parents);
    }
  }

  bool lossy() const { return hc_ != nullptr; }
  const StateStore& exact() const {
    if (!exact_) throw std::logic_error("visited set: not the exact store");
    return *exact_;
  }
  HashCompactStore& compact() {
    if (!hc_) throw std::logic_error("visited set: not the hash compaction store");
    return *hc_;
  }
  const HashCompactStore& compact() const { return const_cast<VisitedSet*>(this)->compact(); }

  StateStore::Inserted insert(const std::uint8_t* state, std::uint32_t parent) {
    return hc_ ? hc_->insert(state) : exact_->insert(state, parent);
  }
  std::uint32_t find(const std::uint8_t* state) const {
    return hc_ ? hc_->find(state) : exact_->find(state);
  }
  void decode(std::uint32_t id, std::uint8_t* out) const {
    hc_ ? hc_->decode(id, out) : exact_->decode(id, out);
  }
  // Sequential incremental use (state_store.hpp: decode_hint, find_hinted, insert_found); the
  // lossy store has no tree: it decodes and finds the whole state, and `nodes` carries the
  // signature from the lookup to the insert (HashCompactStore::find_batch, insert_found).
  void decode_hint(std::uint32_t id, std::uint8_t* out) {
    hc_ ? hc_->decode(id, out) : exact_->decode_hint(id, out);
  }
  std::uint32_t find_hinted(const std::uint8_t* state, std::uint32_t* nodes) const {
    if (exact_) return exact_->find_hinted(state, nodes);
    std::uint32_t found = StateStore::kNone;
    hc_->find_batch(1, &state, &nodes, &found);
    return found;
  }
  void find_hinted_batch(std::size_t n, const std::uint8_t* const* states,
                         std::uint32_t* const* nodes, std::uint32_t* found) const {
    if (exact_) return exact_->find_hinted_batch(n, states, nodes, found);
    hc_->find_batch(n, states, nodes, found);
  }
  StateStore::Inserted insert_found(const std::uint8_t* state, std::uint32_t parent,
                                    std::uint32_t* nodes, std::uint32_t found,
                                    std::size_t at_size) {
    return hc_ ? hc_->insert_found(state, nodes, found, at_size)
               : exact_->insert_found(state, parent, nodes, found, at_size);
  }
  bool keeps_parents() const { return exact_ && exact_->keeps_parents(); }
  std::uint32_t parent(std::uint32_t id) const { return exact().parent(id); }
  std::size_t size() const { return hc_ ? hc_->size() : exact_->size(); }
  std::size_t state_size() const { return hc_ ? hc_->state_size() : exact_->state_size(); }
  std::uint64_t bytes() const { return hc_ ? hc_->bytes() : exact_->bytes(); }
  std::uint64_t growth_bound(std::uint64_t n) const {
    return hc_ ? hc_->growth_bound(n) : exact_->growth_bound(n);
  }

  // Lossy mode only; no-ops on the exact store (it holds every state's bytes).
  void pin(std::uint32_t id) {
    if (hc_) hc_->pin(id);
  }
  void release_below(std::uint32_t id) {
    if (hc_) hc_->release_below(id);
  }

  // Parallel use (state_store.hpp).
  std::size_t node_count() const {
    return hc_ ? HashCompactStore::kNodeCount : exact_->node_count();
  }
  // Incremental lookups of a state's successors (exact mode; lossy mode decodes and looks the
  // whole state up). `nodes`/`near_nodes`: node_count() entries.
  void decode_nodes(std::uint32_t id, std::uint8_t* out, std::uint32_t* nodes) const {
    hc_ ? hc_->decode(id, out) : exact_->decode_nodes(id, out, nodes);
  }
  void prefetch_decode(std::uint32_t id) const {
    if (exact_) exact_->prefetch_decode(id);
  }
  // lookup_near() of n successors of one state (StateStore::lookup_near_batch; the lossy store
  // looks each up alone).
  void lookup_near_batch(std::size_t n, const std::uint8_t* const* states,
                         std::uint32_t* const* nodes, const std::uint8_t* near_state,
                         const std::uint32_t* near_nodes, std::uint32_t* found) const {
    if (exact_) return exact_->lookup_near_batch(n, states, nodes, near_state, near_nodes, found);
    for (std::size_t i = 0; i < n; ++i) found[i] = hc_->lookup(states[i], nodes[i]);
  }
  // lookup_near() of n successors of several states (StateStore::lookup_near_many; the lossy
  // store has no tree: find_batch, whose `nodes` carry the signature to insert_found).
  void lookup_near_many(std::size_t n, const std::uint8_t* const* states,
                        std::uint32_t* const* nodes, const std::uint8_t* const* near_states,
                        const std::uint32_t* const* near_nodes, std::uint32_t* found) const {
    if (exact_) return exact_->lookup_near_many(n, states, nodes, near_states, near_nodes, found);
    hc_->find_batch(n, states, nodes, found);
  }
  std::uint32_t reserve(std::uint32_t n) { return hc_ ? hc_->reserve(n) : exact_->reserve(n); }
  unsigned place_rounds() const {
    return hc_ ? HashCompactStore::kPlaceRounds : exact_->place_rounds();
  }
  void place(unsigned round, unsigned worker, unsigned workers,
             std::span<const StateStore::Pending> items) {
    hc_ ? hc_->place(round, worker, workers, items)
        : exact_->place(round, worker, workers, items);
  }
  // Batch deduplication in the parallel search: two targets are the same state for the store
  // when their keys are equal and, in exact mode, their bytes are equal.
  std::uint64_t batch_key(const std::uint8_t* state) const {
    return hc_ ? hc_->signature(state) : hash_bytes(state, exact_->state_size());
  }
  bool same_in_batch(const std::uint8_t* a, const std::uint8_t* b) const {
    return hc_ != nullptr || std::memcmp(a, b, exact_->state_size()) == 0;
  }

 private:
  std::unique_ptr<StateStore> exact_;
  std::unique_ptr<HashCompactStore> hc_;
};

}  // namespace pcmc::checker
