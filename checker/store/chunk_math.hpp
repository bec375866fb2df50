// Arenas that grow in chunks of geometrically growing size, then in chunks of a fixed size: an
// arena that stays small costs little (its first chunk holds 2^kFirst elements), a large one
// wastes at most one fixed-size chunk, and an element never moves once stored. Used by the intern
// tables' entry arenas and the state store's root arena (docs/state-store.md).
//
// Chunk 0 holds [0, 2^kFirst), chunk c in 1 .. kFixed-kFirst holds [2^(kFirst+c-1), 2^(kFirst+c))
// (doubling), and from 2^(kFixed+1) on every chunk holds 2^kFixed elements.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace pcmc::checker {

template <unsigned kFirst, unsigned kFixed>
struct GeometricChunks {
  static_assert(kFirst <= kFixed && kFixed < 32);
  static constexpr std::uint32_t kMask = (1u << kFixed) - 1;
  static constexpr std::uint32_t kGeometricEnd = 2u << kFixed;  // elements in growing chunks
  static constexpr unsigned kGeometricChunks = kFixed - kFirst + 2;

  static std::uint32_t chunk_of(std::uint32_t i) {
    if (i >= kGeometricEnd) return (i >> kFixed) + (kGeometricChunks - 2);
    return static_cast<std::uint32_t>(std::bit_width(i >> kFirst));
  }
  static std::uint32_t offset_in_chunk(std::uint32_t i) {
    if (i >= kGeometricEnd) return i & kMask;
    const std::uint32_t c = chunk_of(i);
    return c == 0 ? i : i - ((1u << kFirst) << (c - 1));
  }
  // Elements of chunk c.
  static std::uint32_t chunk_size(std::size_t c) {
    if (c >= kGeometricChunks) return 1u << kFixed;
    return c == 0 ? 1u << kFirst : (1u << kFirst) << (c - 1);
  }
  // The first element of chunk c.
  static std::uint64_t chunk_begin(std::size_t c) {
    if (c == 0) return 0;
    if (c < kGeometricChunks) return std::uint64_t{1u << kFirst} << (c - 1);
    return std::uint64_t{c - (kGeometricChunks - 2)} << kFixed;
  }
};

}  // namespace pcmc::checker
