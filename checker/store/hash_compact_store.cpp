#include "checker/store/hash_compact_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "checker/store/hash.hpp"
#include "checker/store/reserve.hpp"
#include "checker/store/intern_table.hpp"
#include "checker/store/prefetch.hpp"

namespace pcmc::checker {

namespace {

constexpr std::size_t kWindowChunkBytes = 16 * 1024;
constexpr std::size_t kInitialSlots = 16;
constexpr unsigned kShardBits = 4;
constexpr unsigned kShards = 1u << kShardBits;

// A bijection of 64-bit words (SplitMix64's finaliser): different signatures get different
// mixes, so placing by the mix never merges two signatures; the mix spreads truncated
// (test-only) signatures over the shards and slots.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

unsigned shard_of(std::uint64_t m) { return static_cast<unsigned>(m >> (64 - kShardBits)); }

// The home slot in a table of `cap` slots: the bits below the shard bits, scaled to [0, cap).
std::uint64_t slot_of(std::uint64_t m, std::uint64_t cap) {
  __extension__ typedef unsigned __int128 U128;
  return static_cast<std::uint64_t>((static_cast<U128>(m << kShardBits) * cap) >> 64);
}

}  // namespace

// Open addressing with linear probing over signatures; 0 marks an empty slot, so the signature
// 0 itself is a flag. Grown by x1.25 at load 0.8 (load 0.64..0.8).
struct HashCompactStore::Shard {
  std::vector<std::uint64_t> table = std::vector<std::uint64_t>(kInitialSlots, 0);
  std::uint64_t count = 0;
  bool has_zero = false;
};

HashCompactStore::HashCompactStore(std::size_t state_size, unsigned bits)
    : size_(state_size),
      bits_(bits),
      mask_(bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1),
      shards_(kShards) {
  if (bits < 1 || bits > 64)
    throw std::invalid_argument("hash compaction: signature bits must be 1..64, not " +
                                std::to_string(bits));
  const std::size_t per =
      std::max<std::size_t>(1, kWindowChunkBytes / std::max<std::size_t>(1, size_));
  while ((std::size_t{2} << shift_) <= per) ++shift_;
}

HashCompactStore::~HashCompactStore() = default;

std::uint64_t HashCompactStore::signature(const std::uint8_t* state) const {
  return hash_bytes(state, size_, kSignatureSeed) & mask_;
}

// ------------------------------------------------------------------ the signature table

bool HashCompactStore::contains(std::uint64_t sig) const {
  const std::uint64_t m = mix(sig);
  const Shard& s = shards_[shard_of(m)];
  if (sig == 0) return s.has_zero;
  const std::uint64_t cap = s.table.size();
  for (std::uint64_t i = slot_of(m, cap);;) {
    const std::uint64_t e = s.table[i];
    if (e == sig) return true;
    if (e == 0) return false;
    if (++i == cap) i = 0;
  }
}

void HashCompactStore::add(std::uint64_t sig) {
  if (released_table_) throw std::logic_error("hash compaction: insert after release_table()");
  const std::uint64_t m = mix(sig);
  Shard& s = shards_[shard_of(m)];
  ++s.count;
  if (sig == 0) {
    s.has_zero = true;
    return;
  }
  if (5 * s.count > 4 * s.table.size()) {
    std::vector<std::uint64_t> bigger(s.table.size() + s.table.size() / 4 + 1, 0);
    const std::uint64_t cap = bigger.size();
    for (const std::uint64_t e : s.table) {
      if (e == 0) continue;
      std::uint64_t i = slot_of(mix(e), cap);
      while (bigger[i] != 0)
        if (++i == cap) i = 0;
      bigger[i] = e;
    }
    s.table.swap(bigger);
  }
  const std::uint64_t cap = s.table.size();
  std::uint64_t i = slot_of(m, cap);
  while (s.table[i] != 0)
    if (++i == cap) i = 0;
  s.table[i] = sig;
}

// ------------------------------------------------------------------ the window of bytes

std::uint8_t* HashCompactStore::window_slot(std::uint32_t id) const {
  return window_[id >> shift_].get() + std::size_t{id & ((1u << shift_) - 1)} * size_;
}

bool HashCompactStore::held(std::uint32_t id) const {
  if (pinned_.count(id) != 0) return true;
  return id >= released_ && id < count_ && (id >> shift_) < window_.size() &&
         window_[id >> shift_] != nullptr;
}

void HashCompactStore::decode(std::uint32_t id, std::uint8_t* out) const {
  if (const auto it = pinned_.find(id); it != pinned_.end()) {
    std::copy(it->second.begin(), it->second.end(), out);
    return;
  }
  if (!held(id))
    throw std::logic_error("hash compaction: the bytes of state " + std::to_string(id) +
                           " are no longer held");
  if (size_ != 0) std::memcpy(out, window_slot(id), size_);
}

void HashCompactStore::pin(std::uint32_t id) { pins_.push_back(id); }

void HashCompactStore::release_below(std::uint32_t id) {
  const std::uint32_t x = std::min({id, keep_from_, count_});
  if (x <= released_) return;
  // Pinned ids about to lose their chunk are copied out first.
  std::erase_if(pins_, [&](std::uint32_t p) {
    if (p >= x) return false;
    if (p >= released_ && pinned_.count(p) == 0) {
      std::vector<std::uint8_t> b(size_);
      if (size_ != 0) std::memcpy(b.data(), window_slot(p), size_);
      pinned_.emplace(p, std::move(b));
    }
    return true;
  });
  for (std::size_t c = released_ >> shift_; ((c + 1) << shift_) <= x; ++c)
    if (window_[c] != nullptr) {
      window_[c].reset();
      --live_chunks_;
    }
  released_ = x;
}

std::uint32_t HashCompactStore::reserve(std::uint32_t n) {
  if (std::uint64_t{count_} + n > StateStore::kMaxStates)
    throw std::length_error("state store full");
  const std::uint64_t end = std::uint64_t{count_} + n;
  const std::size_t k = std::size_t{1} << shift_;
  while (window_.size() * k < end) {
    reserve_one_more(window_);
    window_.push_back(
        std::make_unique_for_overwrite<std::uint8_t[]>(std::max<std::size_t>(1, k * size_)));
    ++live_chunks_;
  }
  const std::uint32_t first = count_;
  count_ = static_cast<std::uint32_t>(end);
  return first;
}

void HashCompactStore::release_table() {
  if (released_table_) return;
  final_bytes_ = bytes();
  release_below(count_);  // copies the pinned bytes out
  for (Shard& s : shards_) std::vector<std::uint64_t>().swap(s.table);
  window_.clear();
  live_chunks_ = 0;
  released_table_ = true;
}

// ------------------------------------------------------------------ sequential use

StateStore::Inserted HashCompactStore::insert(const std::uint8_t* state) {
  const std::uint64_t sig = signature(state);
  if (contains(sig)) return {kOld, false};
  const std::uint32_t id = reserve(1);
  add(sig);
  if (size_ != 0) std::memcpy(window_slot(id), state, size_);
  return {id, true};
}

std::uint32_t HashCompactStore::find(const std::uint8_t* state) const {
  return contains(signature(state)) ? kOld : kNone;
}

void HashCompactStore::find_batch(std::size_t n, const std::uint8_t* const* states,
                                  std::uint32_t* const* nodes, std::uint32_t* found) const {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t sig = signature(states[i]);
    nodes[i][0] = static_cast<std::uint32_t>(sig);
    nodes[i][1] = static_cast<std::uint32_t>(sig >> 32);
    const std::uint64_t m = mix(sig);
    const Shard& s = shards_[shard_of(m)];
    prefetch_line(s.table.data() + slot_of(m, s.table.size()));
  }
  for (std::size_t i = 0; i < n; ++i)
    found[i] = contains(std::uint64_t{nodes[i][0]} | (std::uint64_t{nodes[i][1]} << 32)) ? kOld
                                                                                          : kNone;
}

StateStore::Inserted HashCompactStore::insert_found(const std::uint8_t* state,
                                                    const std::uint32_t* nodes,
                                                    std::uint32_t found, std::size_t at_size) {
  if (found != kNone) return {kOld, false};
  const std::uint64_t sig = std::uint64_t{nodes[0]} | (std::uint64_t{nodes[1]} << 32);
  // A state inserted since the lookup may have had this signature.
  if (count_ != at_size && contains(sig)) return {kOld, false};
  const std::uint32_t id = reserve(1);
  add(sig);
  if (size_ != 0) std::memcpy(window_slot(id), state, size_);
  return {id, true};
}

// ------------------------------------------------------------------ parallel use

std::uint32_t HashCompactStore::lookup(const std::uint8_t* state, std::uint32_t* nodes) const {
  const std::uint64_t sig = signature(state);
  nodes[0] = static_cast<std::uint32_t>(sig);
  nodes[1] = static_cast<std::uint32_t>(sig >> 32);
  return contains(sig) ? kOld : kNone;
}

void HashCompactStore::place(unsigned round, unsigned worker, unsigned workers,
                             std::span<const StateStore::Pending> items) {
  if (round != 0) return;
  for (const StateStore::Pending& p : items) {
    const std::uint64_t sig = std::uint64_t{p.nodes[0]} | (std::uint64_t{p.nodes[1]} << 32);
    if (shard_of(mix(sig)) % workers != worker) continue;
    add(sig);
    if (size_ != 0) std::memcpy(window_slot(p.id), p.state, size_);
  }
}

// ------------------------------------------------------------------ memory and the bound

std::uint64_t HashCompactStore::bytes() const {
  if (released_table_) return final_bytes_;
  std::uint64_t b = sizeof(Shard) * shards_.size();
  for (const Shard& s : shards_) b += s.table.capacity() * sizeof(std::uint64_t);
  b += live_chunks_ * std::max<std::size_t>(1, (std::size_t{1} << shift_) * size_) +
       window_.capacity() * sizeof(void*);
  for (const auto& [id, bytes] : pinned_) b += bytes.capacity() + 64;
  return b;
}

std::uint64_t HashCompactStore::growth_bound(std::uint64_t n) const {
  std::uint64_t largest = 0;
  for (const Shard& s : shards_) largest = std::max<std::uint64_t>(largest, s.table.size());
  const std::uint64_t chunk = std::max<std::size_t>(1, (std::size_t{1} << shift_) * size_);
  // New slots at load >= 0.64 (12.5 B per signature), one shard's rehash (old + new table),
  // the window bytes of the new states and a partly filled chunk at each end.
  return n * 13 + largest * 10 + n * size_ + 2 * chunk +
         (n >> shift_) * sizeof(void*) + 64;
}

double HashCompactStore::omission_bound(std::uint64_t n, unsigned bits) {
  if (n < 2) return 0.0;
  const double nn = static_cast<double>(n);
  return std::min(1.0, std::ldexp(nn * (nn - 1.0), -static_cast<int>(bits) - 1));
}

}  // namespace pcmc::checker
