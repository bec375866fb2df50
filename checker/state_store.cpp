#include "checker/state_store.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "checker/hash.hpp"

namespace pcmc::checker {

namespace {

// Chunks hold about this many bytes of states and metadata: small enough that the last, partly
// filled chunk is noise beside 1e5 states, large enough that the chunk index stays tiny.
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kMetaBytes = sizeof(std::uint32_t) + sizeof(Step);
constexpr std::uint64_t kInitialCapacity = 64;

unsigned chunk_shift(std::size_t state_size) {
  const std::size_t per = std::max<std::size_t>(1, kChunkBytes / (state_size + kMetaBytes));
  unsigned shift = 0;
  while ((std::size_t{2} << shift) <= per) ++shift;  // largest power of two <= per
  return shift;
}

}  // namespace

StateStore::StateStore(std::size_t state_size)
    : size_(state_size),
      shift_(chunk_shift(state_size)),
      mask_((std::uint32_t{1} << shift_) - 1),
      table_(kInitialCapacity, kNone) {}

std::uint64_t StateStore::slot_of(std::uint64_t hash) const {
  using hash_detail::U128;
  return static_cast<std::uint64_t>((static_cast<U128>(hash) * table_.size()) >> 64);
}

std::uint64_t StateStore::next_capacity() const {
  return table_.size() + table_.size() / 4;  // x1.25: load drops from 0.75 to 0.6
}

std::uint32_t StateStore::find(const std::uint8_t* s) const {
  const std::uint64_t cap = table_.size();
  std::uint64_t i = slot_of(hash_bytes(s, size_));
  for (;;) {
    const std::uint32_t id = table_[i];
    if (id == kNone) return kNone;
    if (std::memcmp(state(id), s, size_) == 0) return id;
    if (++i == cap) i = 0;
  }
}

StateStore::Inserted StateStore::insert(const std::uint8_t* s, std::uint32_t parent, Step step) {
  const std::uint64_t h = hash_bytes(s, size_);
  std::uint64_t cap = table_.size();
  std::uint64_t i = slot_of(h);
  for (;;) {
    const std::uint32_t id = table_[i];
    if (id == kNone) break;
    if (std::memcmp(state(id), s, size_) == 0) return {id, false};
    if (++i == cap) i = 0;
  }
  if (count_ >= kMaxStates) throw std::length_error("state store full");
  // New state. Allocate everything first so that a failed allocation changes nothing.
  if (4 * (std::uint64_t{count_} + 1) > 3 * cap) {
    grow_table();
    cap = table_.size();
    i = slot_of(h);
    while (table_[i] != kNone)
      if (++i == cap) i = 0;
  }
  append(s, parent, step);
  table_[i] = count_;
  return {count_++, true};
}

std::uint8_t* StateStore::append(const std::uint8_t* s, std::uint32_t parent, Step step) {
  const std::uint32_t c = count_ >> shift_;
  if (c == chunks_.size()) {
    const std::size_t k = std::size_t{mask_} + 1;
    Chunk chunk;
    chunk.states = std::make_unique_for_overwrite<std::uint8_t[]>(std::max<std::size_t>(1, k * size_));
    chunk.parent = std::make_unique_for_overwrite<std::uint32_t[]>(k);
    chunk.step = std::make_unique<Step[]>(k);
    chunks_.push_back(std::move(chunk));
  }
  Chunk& chunk = chunks_[c];
  const std::uint32_t j = count_ & mask_;
  std::uint8_t* dst = chunk.states.get() + static_cast<std::size_t>(j) * size_;
  if (size_ != 0) std::memcpy(dst, s, size_);
  chunk.parent[j] = parent;
  chunk.step[j] = step;
  return dst;
}

void StateStore::grow_table() {
  std::vector<std::uint32_t> bigger(next_capacity(), kNone);
  bigger.swap(table_);  // table_ is now the empty, larger table; `bigger` the old one
  const std::uint64_t cap = table_.size();
  // Reinsert in id order: the arena is read sequentially.
  for (std::uint32_t id = 0; id < count_; ++id) {
    std::uint64_t i = slot_of(hash_bytes(state(id), size_));
    while (table_[i] != kNone)
      if (++i == cap) i = 0;
    table_[i] = id;
  }
}

std::vector<Step> StateStore::path(std::uint32_t id) const {
  std::vector<Step> steps;
  for (std::uint32_t at = id; parent(at) != kNone; at = parent(at)) steps.push_back(step(at));
  std::reverse(steps.begin(), steps.end());
  return steps;
}

std::uint64_t StateStore::bytes() const {
  const std::uint64_t per_chunk = (std::uint64_t{mask_} + 1) * (size_ + kMetaBytes);
  return chunks_.size() * per_chunk + table_.size() * sizeof(std::uint32_t) +
         chunks_.capacity() * sizeof(Chunk);
}

std::uint64_t StateStore::next_growth_bytes() const {
  const std::uint64_t per_chunk = (std::uint64_t{mask_} + 1) * (size_ + kMetaBytes);
  return per_chunk + next_capacity() * sizeof(std::uint32_t);
}

}  // namespace pcmc::checker
