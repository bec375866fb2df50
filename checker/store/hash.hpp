// A fast 64-bit hash of a byte span with a fixed seed, for the visited-state set and for the
// seeded successor shuffle.
//
// Construction (in the style of wyhash): the input is consumed 16 bytes at a time; each block
// is folded into the running value with a "multiply and fold" mix (the 128-bit product of two
// 64-bit words, high half XOR low half), each word first XORed with an odd constant. The last
// 0..15 bytes are zero-padded into two words and mixed the same way, and the length is mixed in
// at the end, so spans that differ only by trailing zero bytes hash differently.
//
// Contract:
//   - Deterministic: the same bytes and seed give the same value on every run, build and
//     platform (words are read little-endian whatever the host's byte order), so state-table
//     layouts, shuffled orders and therefore counterexamples are reproducible.
//   - Not cryptographic and not collision-free: the state store always confirms a hash match
//     with a full memcmp, so a collision costs time, never correctness.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pcmc::checker {

// The fixed seed ("pcmc" and a golden-ratio tail); change it and every table layout changes.
inline constexpr std::uint64_t kHashSeed = 0x70636d6379b97f4aULL;

namespace hash_detail {

__extension__ typedef unsigned __int128 U128;

inline constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
inline constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
inline constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;
inline constexpr std::uint64_t kP3 = 0x589965cc75374cc3ULL;

// Multiply and fold: every input bit influences many output bits.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

inline std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// 0..7 bytes, little-endian, zero-padded.
inline std::uint64_t load_tail(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace hash_detail

inline std::uint64_t hash_bytes(const std::uint8_t* p, std::size_t n,
                                std::uint64_t seed = kHashSeed) {
  using namespace hash_detail;
  const std::uint64_t len = n;
  std::uint64_t h = mum(seed ^ kP0, kP1);
  while (n >= 16) {
    h = mum(load64(p) ^ kP1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load_tail(p + 8, n - 8);
  } else {
    a = load_tail(p, n);
  }
  h = mum(a ^ kP2, b ^ h ^ kP3);
  return mum(h ^ kP1, len ^ kP0);
}

namespace hash_detail {
// equal_bytes() of the other widths: of 8 bytes or more (the last, shorter leaf of a part) as
// 8-byte words, the last one overlapping; a call to memcmp per such leaf was 4-5 % of a native
// run (issue 17). Apart from equal_bytes so that equal_bytes stays small enough to inline.
inline bool equal_other(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  if (n < 8) return std::memcmp(a, b, n) == 0;
  std::uint64_t d = load64(a + n - 8) ^ load64(b + n - 8);
  for (std::size_t i = 0; i + 8 < n; i += 8) d |= load64(a + i) ^ load64(b + i);
  return d == 0;
}
}  // namespace hash_detail

// Byte equality of two n-byte strings, with the common widths of the state store's tables
// (64- and 32-byte leaves, 8-byte tree nodes, 2- and 4-byte blocks) compared inline: a leaf compared
// with the parent's on every lookup was a call to memcmp.
[[gnu::always_inline]] inline bool equal_bytes(const std::uint8_t* a, const std::uint8_t* b,
                                              std::size_t n) {
  using hash_detail::load64;
  switch (n) {
    case 64:
      return ((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8)) |
              (load64(a + 16) ^ load64(b + 16)) | (load64(a + 24) ^ load64(b + 24)) |
              (load64(a + 32) ^ load64(b + 32)) | (load64(a + 40) ^ load64(b + 40)) |
              (load64(a + 48) ^ load64(b + 48)) | (load64(a + 56) ^ load64(b + 56))) == 0;
    case 32:
      return ((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8)) |
              (load64(a + 16) ^ load64(b + 16)) | (load64(a + 24) ^ load64(b + 24))) == 0;
    case 16: return ((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8))) == 0;
    case 8: return load64(a) == load64(b);
    case 4: {
      std::uint32_t x, y;
      std::memcpy(&x, a, 4);
      std::memcpy(&y, b, 4);
      return x == y;
    }
    case 2: return a[0] == b[0] && a[1] == b[1];
    default: return hash_detail::equal_other(a, b, n);
  }
}

// A small, seedable generator for deterministic permutations (SplitMix64).
inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace pcmc::checker
