#include "checker/store/intern_table.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "checker/store/hash.hpp"
#include "checker/store/reserve.hpp"

namespace pcmc::checker {

namespace {
constexpr std::uint32_t kMaxLocal = 1u << (32 - InternTable::kShardBits);
}  // namespace

InternTable::InternTable(std::size_t width) : width_(width) {}

// The slot is taken from the hash bits below the shard bits.
std::uint64_t InternTable::slot_of(std::uint64_t hash, std::uint64_t cap) {
  using hash_detail::U128;
  return static_cast<std::uint64_t>((static_cast<U128>(hash << kShardBits) * cap) >> 64);
}

std::uint32_t InternTable::find(const std::uint8_t* e, std::uint64_t hash) const {
  const unsigned sh = shard_of(hash);
  const Shard* s = shards_[sh].get();
  if (s == nullptr) return kNone;
  const std::uint32_t local = s->index.find(hash, [&](std::uint32_t l) {
    return equal_bytes(entry((l << kShardBits) | sh), e, width_);
  });
  return local == kNone ? kNone : (local << kShardBits) | sh;
}

std::uint32_t InternTable::intern(const std::uint8_t* e, std::uint64_t hash) {
  if (const std::uint32_t found = find(e, hash); found != kNone) return found;
  const unsigned sh = shard_of(hash);
  if (!shards_[sh]) shards_[sh] = std::make_unique<Shard>();
  Shard& s = *shards_[sh];
  if (s.count >= kMaxLocal) throw std::length_error("intern table shard full");
  // Allocate first (chunk, then index) so that a failed allocation changes nothing visible.
  if (Chunks::chunk_of(s.count) == s.chunks.size()) {
    reserve_one_more(s.chunks);
    const std::size_t n =
        std::max<std::size_t>(1, std::size_t{Chunks::chunk_size(s.chunks.size())} * width_);
    s.chunks.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(n));
    s.arena_bytes += n;
  }
  const std::uint32_t local = s.count;
  if (width_ != 0)
    std::memcpy(s.chunks[Chunks::chunk_of(local)].get() +
                    std::size_t{Chunks::offset_in_chunk(local)} * width_,
                e, width_);
  // The shard's index holds exactly its local indices 0 .. count-1: growth rehashes the arena
  // in order (BucketIndex::insert_dense).
  s.index.insert_dense(hash, local, [&](std::uint32_t l) {
    return hash_bytes(entry((l << kShardBits) | sh), width_);
  });
  ++s.count;
  return (local << kShardBits) | sh;
}

std::uint64_t InternTable::size() const {
  std::uint64_t n = 0;
  for (const auto& s : shards_)
    if (s) n += s->count;
  return n;
}

std::uint64_t InternTable::index_bound() const {
  std::uint64_t most = 0;
  for (const auto& s : shards_)
    if (s) most = std::max<std::uint64_t>(most, s->count);
  return most << kShardBits;
}

// Every byte the table allocated: the shards, their chunk lists (capacity), the chunks and the
// indexes.
std::uint64_t InternTable::bytes() const {
  std::uint64_t b = sizeof(InternTable);
  for (const auto& s : shards_)
    if (s)
      b += sizeof(Shard) + s->chunks.capacity() * sizeof(void*) + s->arena_bytes + s->index.bytes();
  return b;
}

std::uint64_t InternTable::growth_bound(std::uint64_t n) const {
  // n entries, their chunks (at most one new chunk per shard beyond the entries themselves), new
  // shards and their chunk lists, and each shard's index growing once more (the new buckets while
  // the old are alive), plus ~10 bytes of index per entry: generous, simple, and small next to
  // the state table.
  std::uint64_t largest = 0;
  for (const auto& s : shards_)
    if (s) largest = std::max<std::uint64_t>(largest, s->index.growth_bytes());
  return n * (width_ + 10 + sizeof(void*)) +
         kShards * (std::uint64_t{Chunks::kMask + 1} * width_ + sizeof(Shard) + 64) + 2 * largest;
}

}  // namespace pcmc::checker
