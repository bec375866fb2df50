// Internal to the state store (state_store.cpp, state_store_lookup.cpp): the root arena's
// layout constants and the root index, shared by the files that implement StateStore. Not a
// public interface. Thread-safety: constants and plain helpers; RootIndex as BucketIndex.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "checker/store/bucket_index.hpp"
#include "checker/store/chunk_math.hpp"
#include "checker/store/hash.hpp"
#include "checker/store/intern_table.hpp"
#include "checker/store/state_store.hpp"

namespace pcmc::checker::store_layout {

// Root arena (and DFS parents) chunks: 64 ids, doubling up to 16384 ids, then 16384-id chunks:
// a small store pays for a small chunk, a large one wastes at most one 16384-id chunk.
using RootChunks = GeometricChunks<6, 14>;
inline constexpr std::size_t kMaxNodes = 2 * StateStore::kMaxLeaves;
// Bytes after a root chunk: a packed root is read with one 8- or 16-byte load.
inline constexpr std::size_t kSlack = 16;
using hash_detail::U128;
static_assert(std::endian::native == std::endian::little, "packed roots are little-endian");

inline std::uint32_t bits_mask(unsigned bits) { return bits >= 32 ? ~0u : (1u << bits) - 1; }

// Roots of at most kBitPacked bits are read as 8 bytes shifted by < 8 bits, of at most
// kBitPacked16 as 16 bytes shifted; wider ones (up to 4 x 32 bits) start at a byte.
inline constexpr unsigned kBitPacked = 57;
inline constexpr unsigned kBitPacked16 = 121;

// Bytes of a root chunk of k roots of `stride` bits.
inline std::uint64_t chunk_bytes(std::uint64_t k, unsigned stride) {
  return (k * stride + 7) / 8 + kSlack;
}

inline std::uint32_t load_relaxed(std::uint32_t& x) {
  return std::atomic_ref<std::uint32_t>(x).load(std::memory_order_relaxed);
}
inline void store_relaxed(std::uint32_t& x, std::uint32_t v) {
  std::atomic_ref<std::uint32_t>(x).store(v, std::memory_order_relaxed);
}

}  // namespace pcmc::checker::store_layout

namespace pcmc::checker {

// The sharded index of root entries: ids, compared against the root arena. It grows by 1.5
// (kRootGrowthQuarters / 4 more buckets; the node tables' indexes by 1.25): its growth rehashes
// every root from the arena at random, which by 1.25 (every root rehashed about four times over
// a run) was ~14 % of a native run (issue 17). By 1.5 each root is rehashed about twice, for
// ~0.7 byte more per state at the average load (thp-n16-open3: 27.9 s user, 12.4 B/state; by 2:
// 26.2 s, 15.3 B/state, too close to the 16-byte target).
inline constexpr unsigned kRootGrowthQuarters = 2;
using RootBuckets = BucketIndex<InternTable::kShardBits, kRootGrowthQuarters>;
struct StateStore::RootIndex {
  std::vector<RootBuckets> shards = std::vector<RootBuckets>(InternTable::kShards);
};

}  // namespace pcmc::checker
