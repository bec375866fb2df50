// An open-addressing index of uint32 values — ids of entries that live elsewhere (the state
// store's root arena, an InternTable's chunks) — laid out in 64-byte buckets of 12 slots, each
// slot with a one-byte tag: 7 bits of the entry's hash with the top bit set (0 = empty). A lookup
// reads one cache line per bucket and looks at an entry only when its tag matches, so a miss
// usually costs one cache line and a hit one line plus the entry. (The same idea as Abseil's
// Swiss tables and Folly's F14: keep a few hash bits next to the slots.) The previous layout, a
// plain uint32 array, dereferenced every occupied slot it probed: at load 0.75, about six entry
// loads — six cache misses — per miss (docs/state-store.md, "Index").
//
// Probing is linear over buckets; within a bucket slots fill in order and nothing is ever
// deleted, so an empty slot ends a search. Load at most 11/12 of the slots (a bucket of 12
// absorbs most collisions, so probe sequences stay short); the bucket count grows by
// 1 + kGrowthQuarters / 4: 1.25 by default (memory over rehash time: ~6.5 bytes per entry at the
// average load), 1.5 for the state store's root index, whose growth reads its arena at random
// (state_store_layout.hpp).
//
// Hash bits: callers pass a 64-bit hash whose top bits may be spent already (the shard); the
// bucket comes from bits [kSpent, 64 - kSpent) scaled to the bucket count, the tag from the low 7
// bits. Contract: find() may run concurrently with find(); insert() excludes everything else on
// the same index. insert() requires the value to be absent. Allocation failure throws
// std::bad_alloc and leaves the index unchanged.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "checker/store/hash.hpp"
#include "checker/store/prefetch.hpp"

namespace pcmc::checker {

template <unsigned kSpent, unsigned kGrowthQuarters = 1>
class BucketIndex {
 public:
  static constexpr unsigned kSlots = 12;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  BucketIndex() = default;  // no buckets until the first insert

  // The value v with tag match and match(v), or kNone.
  template <class Match>
  std::uint32_t find(std::uint64_t hash, Match&& match) const {
    const std::uint8_t tag = tag_of(hash);
    const std::uint64_t n = buckets_.size();
    if (n == 0) return kNone;
    for (std::uint64_t b = bucket_of(hash, n);;) {
      const Bucket& k = buckets_[b];
      for (unsigned j = 0; j < kSlots; ++j) {
        const std::uint8_t t = k.tags[j];
        if (t == 0) return kNone;
        if (t == tag && match(k.ids[j])) return k.ids[j];
      }
      if (++b == n) b = 0;
    }
  }

  // Prefetches the first bucket find(hash) reads (no effect on results).
  void prefetch(std::uint64_t hash) const {
    if (!buckets_.empty()) prefetch_line(&buckets_[bucket_of(hash, buckets_.size())]);
  }

  // The first value find(hash) would compare (its tag matches), or kNone: for prefetching the
  // entry it names.
  std::uint32_t first_candidate(std::uint64_t hash) const {
    const std::uint64_t n = buckets_.size();
    if (n == 0) return kNone;
    const std::uint8_t tag = tag_of(hash);
    const Bucket& k = buckets_[bucket_of(hash, n)];
    for (unsigned j = 0; j < kSlots && k.tags[j] != 0; ++j)
      if (k.tags[j] == tag) return k.ids[j];
    return kNone;
  }

  // Adds `value` (absent) under `hash`. Growing rehashes every value with hash_of(value) (the
  // same function that produced `hash`); prefetch(value) is called a few values ahead.
  template <class HashOf, class Prefetch>
  void insert(std::uint64_t hash, std::uint32_t value, HashOf&& hash_of, Prefetch&& prefetch) {
    if (12 * (count_ + 1) > 11 * kSlots * buckets_.size()) grow(hash_of, prefetch);
    place(buckets_, hash, value);
    ++count_;
  }

  // insert() for an index whose values are exactly 0 .. size()-1 (an InternTable shard's local
  // indices, stored in that order): growing rehashes them in value order, so hash_of reads its
  // entries sequentially instead of at the random order of the old buckets (a cache miss each).
  template <class HashOf>
  void insert_dense(std::uint64_t hash, std::uint32_t value, HashOf&& hash_of) {
    if (12 * (count_ + 1) > 11 * kSlots * buckets_.size()) {
      std::vector<Bucket> bigger(grown());
      for (std::uint32_t v = 0; v < count_; ++v) place(bigger, hash_of(v), v);
      buckets_.swap(bigger);
    }
    place(buckets_, hash, value);
    ++count_;
  }

  std::uint64_t size() const { return count_; }
  std::uint64_t bytes() const { return buckets_.capacity() * sizeof(Bucket); }
  // What one growth may allocate (the new buckets while the old ones are alive).
  std::uint64_t growth_bytes() const { return grown() * sizeof(Bucket); }

 private:
  struct alignas(64) Bucket {
    std::uint8_t tags[kSlots] = {};
    std::uint32_t spare = 0;
    std::uint32_t ids[kSlots];
  };
  static_assert(sizeof(Bucket) == 64);

  // The bucket count after one growth: (1 + kGrowthQuarters / 4) times as many.
  std::uint64_t grown() const {
    return buckets_.size() + buckets_.size() * kGrowthQuarters / 4 + 1;
  }
  static std::uint8_t tag_of(std::uint64_t hash) {
    return static_cast<std::uint8_t>(hash | 0x80u);
  }
  static std::uint64_t bucket_of(std::uint64_t hash, std::uint64_t n) {
    using hash_detail::U128;
    return static_cast<std::uint64_t>((static_cast<U128>(hash << kSpent) * n) >> 64);
  }
  static void place(std::vector<Bucket>& buckets, std::uint64_t hash, std::uint32_t value) {
    const std::uint64_t n = buckets.size();
    for (std::uint64_t b = bucket_of(hash, n);;) {
      Bucket& k = buckets[b];
      for (unsigned j = 0; j < kSlots; ++j)
        if (k.tags[j] == 0) {
          k.tags[j] = tag_of(hash);
          k.ids[j] = value;
          return;
        }
      if (++b == n) b = 0;
    }
  }
  // Rehashes into grown() buckets. The old slots are read in order, the values'
  // entries (hash_of reads them) and their new buckets lie at random: a pipeline keeps 2 x kAhead
  // values in flight, each entry prefetched kAhead values before it is hashed and each new bucket
  // kAhead values before the value is placed, so that the misses of a growth overlap instead of
  // following each other (issue 17: one growth step of a 1.5 M-entry shard was a stall on two
  // misses per entry). Values are placed in the old order: the same layout as placing them one
  // by one.
  template <class HashOf, class Prefetch>
  void grow(HashOf& hash_of, Prefetch& prefetch) {
    std::vector<Bucket> bigger(grown());
    constexpr std::uint64_t kAhead = 8, kRing = 4 * kAhead;  // kRing > 2 * kAhead, a power of 2
    std::uint32_t values[kRing];
    std::uint64_t hashes[kRing];
    const std::uint64_t nb = bigger.size();
    std::uint64_t in = 0;  // values read so far
    const auto hash_one = [&](std::uint64_t i) {
      const std::uint64_t h = hash_of(values[i % kRing]);
      hashes[i % kRing] = h;
      prefetch_line(&bigger[bucket_of(h, nb)]);
    };
    for (const Bucket& k : buckets_)
      for (unsigned j = 0; j < kSlots && k.tags[j] != 0; ++j) {
        values[in % kRing] = k.ids[j];
        prefetch(k.ids[j]);
        if (in >= kAhead) hash_one(in - kAhead);
        if (in >= 2 * kAhead) {
          const std::uint64_t i = (in - 2 * kAhead) % kRing;
          place(bigger, hashes[i], values[i]);
        }
        ++in;
      }
    // The last 2 x kAhead values: hashed (those not yet) and placed, in order.
    for (std::uint64_t i = in > 2 * kAhead ? in - 2 * kAhead : 0; i < in; ++i) {
      if (i + kAhead >= in) hashes[i % kRing] = hash_of(values[i % kRing]);
      place(bigger, hashes[i % kRing], values[i % kRing]);
    }
    buckets_.swap(bigger);
  }

  std::vector<Bucket> buckets_;
  std::uint64_t count_ = 0;
};

}  // namespace pcmc::checker
