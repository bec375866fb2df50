#include "checker/intern_table.hpp"

#include <cstring>
#include <stdexcept>

#include "checker/hash.hpp"

namespace pcmc::checker {

namespace {
constexpr std::uint64_t kInitialSlots = 8;
constexpr std::uint32_t kMaxLocal = 1u << (32 - InternTable::kShardBits);
}  // namespace

InternTable::InternTable(std::size_t width) : width_(width), shards_(kShards) {
  for (Shard& s : shards_) s.table.assign(kInitialSlots, kNone);
}

// The slot is taken from the hash bits below the shard bits.
std::uint64_t InternTable::slot_of(std::uint64_t hash, std::uint64_t cap) {
  using hash_detail::U128;
  return static_cast<std::uint64_t>((static_cast<U128>(hash << kShardBits) * cap) >> 64);
}

std::uint32_t InternTable::find(const std::uint8_t* e, std::uint64_t hash) const {
  const unsigned sh = shard_of(hash);
  const Shard& s = shards_[sh];
  const std::uint64_t cap = s.table.size();
  std::uint64_t i = slot_of(hash, cap);
  for (;;) {
    const std::uint32_t local = s.table[i];
    if (local == kNone) return kNone;
    const std::uint32_t index = (local << kShardBits) | sh;
    if (equal_bytes(entry(index), e, width_)) return index;
    if (++i == cap) i = 0;
  }
}

std::uint32_t InternTable::intern(const std::uint8_t* e, std::uint64_t hash) {
  const unsigned sh = shard_of(hash);
  Shard& s = shards_[sh];
  std::uint64_t cap = s.table.size();
  std::uint64_t i = slot_of(hash, cap);
  for (;;) {
    const std::uint32_t local = s.table[i];
    if (local == kNone) break;
    const std::uint32_t index = (local << kShardBits) | sh;
    if (equal_bytes(entry(index), e, width_)) return index;
    if (++i == cap) i = 0;
  }
  if (s.count >= kMaxLocal) throw std::length_error("intern table shard full");
  // Allocate first (chunk, then table) so that a failed allocation changes nothing visible.
  if (chunk_of(s.count) == s.chunks.size()) {
    s.chunks.reserve(s.chunks.size() + 1);
    s.chunks.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(
        std::max<std::size_t>(1, std::size_t{chunk_entries(s.chunks.size())} * width_)));
  }
  if (4 * (std::uint64_t{s.count} + 1) > 3 * cap) {
    grow(s);
    cap = s.table.size();
    i = slot_of(hash, cap);
    while (s.table[i] != kNone)
      if (++i == cap) i = 0;
  }
  const std::uint32_t local = s.count++;
  const std::uint32_t index = (local << kShardBits) | sh;
  if (width_ != 0)
    std::memcpy(s.chunks[chunk_of(local)].get() + std::size_t{offset_in_chunk(local)} * width_, e,
                width_);
  s.table[i] = local;
  return index;
}

void InternTable::grow(Shard& s) {
  std::vector<std::uint32_t> bigger(s.table.size() + s.table.size() / 4 + 1, kNone);
  const std::uint64_t cap = bigger.size();
  const unsigned sh = static_cast<unsigned>(&s - shards_.data());
  for (std::uint32_t local = 0; local < s.count; ++local) {  // the arena in order
    const std::uint8_t* e = entry((local << kShardBits) | sh);
    std::uint64_t i = slot_of(hash_bytes(e, width_), cap);
    while (bigger[i] != kNone)
      if (++i == cap) i = 0;
    bigger[i] = local;
  }
  s.table.swap(bigger);
}

std::uint64_t InternTable::size() const {
  std::uint64_t n = 0;
  for (const Shard& s : shards_) n += s.count;
  return n;
}

std::uint64_t InternTable::bytes() const {
  std::uint64_t b = shards_.capacity() * sizeof(Shard);
  for (const Shard& s : shards_) {
    for (std::size_t c = 0; c < s.chunks.size(); ++c)
      b += std::uint64_t{chunk_entries(c)} * width_ + sizeof(void*);
    b += s.table.capacity() * sizeof(std::uint32_t);
  }
  return b;
}

std::uint64_t InternTable::growth_bound(std::uint64_t n) const {
  // n entries, their chunks, and each shard's table at most doubling plus the old copy during a
  // growth: generous, simple, and small next to the state table.
  std::uint64_t largest = 0;
  for (const Shard& s : shards_) largest = std::max<std::uint64_t>(largest, s.table.size());
  return n * (width_ + 3 * sizeof(std::uint32_t)) +
         kShards * ((std::uint64_t{kChunkMask} + 1) * width_) + 3 * largest * sizeof(std::uint32_t);
}

}  // namespace pcmc::checker
