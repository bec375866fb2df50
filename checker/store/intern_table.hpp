// A set of fixed-width byte strings ("entries"), each stored once and named by a 32-bit index:
// the building block of the tree-compressed state store (state_store.hpp), one table per tree
// node position (SPIN's COLLAPSE, LTSmin's tree table).
//
// Layout: kShards independent shards, chosen by the top kShardBits bits of an entry's hash.
// Each shard has its own chunked arena of entries (an entry never moves once stored; chunks grow
// geometrically from 4 entries to 128, so that the many small tables of a deep tree cost little;
// a shard is allocated by its first entry)
// and its own index of local indices (bucket_index.hpp: 64-byte buckets with one-byte hash tags,
// so a probe looks at an entry only when its tag matches).
// An entry's index is (local index << kShardBits) | shard. Lookups compare full bytes: exact.
//
// Thread-safety (the contract the parallel search relies on):
//   - find() and entry() may run concurrently with each other when nobody interns;
//   - intern() on entries of *different* shards may run concurrently (each shard is touched
//     only by the thread that owns it); never concurrently with find()/entry() on the same shard.
// Limits: at most 2^26 entries per shard; intern() throws std::length_error beyond.
// Allocation failure throws std::bad_alloc and leaves the table unchanged.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "checker/store/bucket_index.hpp"
#include "checker/store/chunk_math.hpp"

namespace pcmc::checker {

class InternTable {
 public:
  static constexpr unsigned kShardBits = 4;
  static constexpr unsigned kShards = 1u << kShardBits;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  explicit InternTable(std::size_t width);

  static unsigned shard_of(std::uint64_t hash) {
    return static_cast<unsigned>(hash >> (64 - kShardBits));
  }
  // The home slot of `hash` in a shard table of `cap` slots (the bits below the shard bits).
  static std::uint64_t slot_of(std::uint64_t hash, std::uint64_t cap);
  std::size_t width() const { return width_; }

  // `hash` is always hash_bytes(e, width()) (the table rehashes with it when it grows).
  // The index of entry `e` (width() bytes), or kNone.
  std::uint32_t find(const std::uint8_t* e, std::uint64_t hash) const;
  // Prefetches the index bucket find(e, hash) reads first (no effect on results).
  void prefetch(std::uint64_t hash) const {
    if (const Shard* s = shards_[shard_of(hash)].get()) s->index.prefetch(hash);
  }
  // The index of `e`, storing it first if it is new.
  std::uint32_t intern(const std::uint8_t* e, std::uint64_t hash);
  const std::uint8_t* entry(std::uint32_t index) const {
    const Shard& s = *shards_[index & (kShards - 1)];
    const std::uint32_t local = index >> kShardBits;
    return s.chunks[Chunks::chunk_of(local)].get() +
           std::size_t{Chunks::offset_in_chunk(local)} * width_;
  }

  // Not thread-safe against intern().
  std::uint64_t size() const;
  // Every index handed out so far is below this. Not thread-safe against intern().
  std::uint64_t index_bound() const;
  std::uint64_t bytes() const;
  // An upper bound on what interning `n` more entries can add to bytes().
  std::uint64_t growth_bound(std::uint64_t n) const;

 private:
  // Arena chunks of 4, 4, 8, ..., 128 entries, then 128-entry chunks (chunk_math.hpp): a shard
  // wastes at most one small chunk (a tree has ~100 tables of 16 shards; with 1024-entry chunks
  // the half-empty last chunks were a third of the arena bytes on the seed scenarios).
  using Chunks = GeometricChunks<2, 7>;
  struct Shard {
    std::vector<std::unique_ptr<std::uint8_t[]>> chunks;
    BucketIndex<kShardBits> index;  // local indices
    std::uint32_t count = 0;
    std::uint64_t arena_bytes = 0;  // of the chunks
  };

  std::size_t width_;
  // Created by the first intern() into the shard: an empty shard costs one pointer.
  std::array<std::unique_ptr<Shard>, kShards> shards_;
};

}  // namespace pcmc::checker
