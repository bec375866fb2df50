// A set of fixed-width byte strings ("entries"), each stored once and named by a 32-bit index:
// the building block of the tree-compressed state store (state_store.hpp), one table per tree
// node position (SPIN's COLLAPSE, LTSmin's tree table).
//
// Layout: kShards independent shards, chosen by the top kShardBits bits of an entry's hash.
// Each shard has its own chunked arena of entries (an entry never moves once stored; chunks grow
// geometrically from 4 entries to 1024, so that the many small tables of a deep tree cost little)
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

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "checker/bucket_index.hpp"

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
  // The index of `e`, storing it first if it is new.
  std::uint32_t intern(const std::uint8_t* e, std::uint64_t hash);
  const std::uint8_t* entry(std::uint32_t index) const {
    const Shard& s = shards_[index & (kShards - 1)];
    const std::uint32_t local = index >> kShardBits;
    return s.chunks[chunk_of(local)].get() + std::size_t{offset_in_chunk(local)} * width_;
  }

  // Not thread-safe against intern().
  std::uint64_t size() const;
  std::uint64_t bytes() const;
  // An upper bound on what interning `n` more entries can add to bytes().
  std::uint64_t growth_bound(std::uint64_t n) const;

 private:
  // Arena chunks: chunk 0 holds locals [0, 4), chunk c in 1..9 holds [4 << (c-1), 4 << c), and
  // from local 2048 on every chunk holds 1024 entries (chunk c: [1024 (c-8), 1024 (c-7))).
  static constexpr unsigned kFirstShift = 2;   // 4 entries in the first chunk
  static constexpr unsigned kChunkShift = 10;  // 1024 entries in a full-size chunk
  static constexpr std::uint32_t kChunkMask = (1u << kChunkShift) - 1;
  static constexpr std::uint32_t kGeometricEnd = 2u << kChunkShift;  // locals in growing chunks
  static constexpr unsigned kGeometricChunks = kChunkShift - kFirstShift + 2;
  static std::uint32_t chunk_of(std::uint32_t local) {
    if (local >= kGeometricEnd) return (local >> kChunkShift) + (kGeometricChunks - 2);
    return static_cast<std::uint32_t>(std::bit_width(local >> kFirstShift));
  }
  static std::uint32_t offset_in_chunk(std::uint32_t local) {
    if (local >= kGeometricEnd) return local & kChunkMask;
    const std::uint32_t c = chunk_of(local);
    return c == 0 ? local : local - ((1u << kFirstShift) << (c - 1));
  }
  // Entries of chunk c.
  static std::uint32_t chunk_entries(std::size_t c) {
    if (c >= kGeometricChunks) return 1u << kChunkShift;
    return c == 0 ? 1u << kFirstShift : (1u << kFirstShift) << (c - 1);
  }
  struct Shard {
    std::vector<std::unique_ptr<std::uint8_t[]>> chunks;
    BucketIndex<kShardBits> index;  // local indices
    std::uint32_t count = 0;
    std::uint64_t arena_bytes = 0;  // of the chunks
  };

  std::size_t width_;
  std::vector<Shard> shards_;
};

}  // namespace pcmc::checker
