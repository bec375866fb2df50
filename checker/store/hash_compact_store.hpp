// The lossy visited set: hash compaction (Wolper & Leroy, "Reliable hashing without collision
// detection", CAV 1993; Stern & Dill, "Improved probabilistic verification by hash compaction",
// CHARME 1995). docs/hash-compaction.md.
//
// Each state is stored as its b-bit signature only (b = 64 by default; fewer bits only to force
// collisions in tests), in a sharded open-addressing table of 64-bit words: about 8 bytes per
// state over the load factor (0.64-0.8), i.e. 10-12.5 B/state. Two different states with the
// same signature are merged: the second one is taken as already visited and is *omitted* with
// everything only it leads to. So a search over this set can miss states ("holds" is not a
// proof), never invents one: every stored state and every successor is computed from real bytes.
//
// The signature is hash_bytes() of the canonical state with its own seed (kSignatureSeed), not
// the exact store's seed; the slot and shard come from a bijective mix of the signature, so the
// table never confuses two different signatures: the store is exact on signatures.
//
// Bytes of states not yet expanded. The search still needs the bytes of the states in its
// frontier (to expand them) and of the states where it records a violation (to rebuild the
// counterexample). Ids are dense and in insertion order (as in StateStore), and BFS expands in
// id order, so the store keeps a *window* of state bytes by id: every id >= the last
// release_below() argument (or >= keep_from(), whichever is lower) is decodable; pinned ids are
// copied out before their chunk is released and stay decodable. Memory: the window is the BFS
// frontier's bytes (counted in bytes()), at most two levels.
//
// Ids of stored states are not kept: find()/lookup() return kNone (not stored) or kOld (= 0:
// stored, id unknown). kOld is not above any id of the current or next BFS level, so POR's
// NextLevel proviso reads it as "stored at an earlier level" (full expansion: sound, and the same
// as the NewState proviso). No parent links: BFS only (the caller refuses DFS).
//
// Thread-safety: as StateStore. Sequential use (insert, release_below, pin, keep_from) by one
// thread. The parallel search calls lookup()/decode() from many threads while nobody writes,
// then reserve() on one thread, then place() in which worker w writes only the shards s with
// s % workers == w and the window bytes of the items in those shards.
// Limits: at most StateStore::kMaxStates states (reserve/insert throw std::length_error beyond).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "checker/store/state_store.hpp"

namespace pcmc::checker {

class HashCompactStore {
 public:
  static constexpr std::uint32_t kNone = StateStore::kNone;
  static constexpr std::uint32_t kOld = 0;  // found: stored, id not kept
  static constexpr std::uint64_t kSignatureSeed = 0x68636f6d70616374ULL;  // "hcompact"

  // `bits`: signature bits kept, 1..64 (below 64: tests only, to force collisions).
  HashCompactStore(std::size_t state_size, unsigned bits);
  ~HashCompactStore();
  HashCompactStore(const HashCompactStore&) = delete;
  HashCompactStore& operator=(const HashCompactStore&) = delete;

  std::uint64_t signature(const std::uint8_t* state) const;
  unsigned bits() const { return bits_; }

  // ------------------------------------------------------------------ sequential use
  // Stores `state`'s signature and bytes if the signature is new: {new id, true}; else
  // {kOld, false} (the state is taken as visited, possibly wrongly: an omission).
  StateStore::Inserted insert(const std::uint8_t* state);
  // kNone when the signature is not stored, else kOld. Thread-safe while nobody writes.
  std::uint32_t find(const std::uint8_t* state) const;
  // Sequential carried lookups (as StateStore::find_hinted_batch / insert_found): find() of n
  // states, writing each signature into nodes[i][0..1] (kNodeCount words) and prefetching every
  // signature's first slot before probing any; then insert() of one of them from its carried
  // signature, without hashing the state again (probing again only when states were inserted
  // since the lookup, i.e. size() != at_size). Same results as find()/insert().
  void find_batch(std::size_t n, const std::uint8_t* const* states, std::uint32_t* const* nodes,
                  std::uint32_t* found) const;
  StateStore::Inserted insert_found(const std::uint8_t* state, const std::uint32_t* nodes,
                                    std::uint32_t found, std::size_t at_size);
  // The bytes of `id`. Precondition: held(id). Thread-safe while nobody writes.
  void decode(std::uint32_t id, std::uint8_t* out) const;
  bool held(std::uint32_t id) const;
  // The caller will not decode ids below `id` again, except pinned ones: their chunks are freed.
  void release_below(std::uint32_t id);
  // Keep the bytes of `id` for good (a violation's state; the path is rebuilt from them).
  void pin(std::uint32_t id);
  // Never release ids >= `id` (counterexample recovery keeps whole levels).
  void keep_from(std::uint32_t id) { keep_from_ = id; }
  // Frees the signature table and the window (pinned bytes stay); size() and bytes() then report
  // the values of the moment of the call (the search's statistics). No insert afterwards.
  void release_table();

  std::size_t size() const { return count_; }
  std::size_t state_size() const { return size_; }
  // Signature table + window + pinned bytes. Not thread-safe vs writes.
  std::uint64_t bytes() const;
  // An upper bound on what inserting `n` more states can add to bytes().
  std::uint64_t growth_bound(std::uint64_t n) const;

  // The birthday bound on the probability that at least one state was omitted, for n states and
  // b-bit signatures: n (n - 1) / 2^(b + 1), capped at 1 (docs/hash-compaction.md).
  static double omission_bound(std::uint64_t n, unsigned bits);

  // ------------------------------------------------------------------ parallel use
  // lookup() writes the signature into nodes[0..1] (low, high word); place() reads it there.
  static constexpr std::size_t kNodeCount = 2;
  std::uint32_t lookup(const std::uint8_t* state, std::uint32_t* nodes) const;
  std::uint32_t reserve(std::uint32_t n);
  static constexpr unsigned kPlaceRounds = 1;
  // Items must have distinct signatures, none stored.
  void place(unsigned round, unsigned worker, unsigned workers,
             std::span<const StateStore::Pending> items);

 private:
  struct Shard;
  bool contains(std::uint64_t sig) const;
  void add(std::uint64_t sig);  // precondition: !contains(sig)
  std::uint8_t* window_slot(std::uint32_t id) const;

  std::size_t size_;
  unsigned bits_;
  std::uint64_t mask_;
  std::vector<Shard> shards_;
  std::uint32_t count_ = 0;
  unsigned shift_ = 0;  // window: 1 << shift_ states per chunk
  std::vector<std::unique_ptr<std::uint8_t[]>> window_;  // by id >> shift_; null = released
  std::size_t live_chunks_ = 0;
  std::uint32_t released_ = 0;  // ids below this are no longer in the window
  std::uint32_t keep_from_ = kNone;
  std::vector<std::uint32_t> pins_;  // not yet copied out (ascending order not required)
  std::map<std::uint32_t, std::vector<std::uint8_t>> pinned_;
  bool released_table_ = false;
  std::uint64_t final_bytes_ = 0;
};

}  // namespace pcmc::checker
