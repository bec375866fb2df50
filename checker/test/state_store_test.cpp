// The visited set and its hash: exact membership, dense ids, stable states, growth, and the
// memory bound bytes/state <= state size + 16.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "checker/hash.hpp"
#include "checker/state_store.hpp"

using namespace pcmc::checker;

namespace {

std::vector<std::uint8_t> make_state(std::size_t size, std::uint64_t i) {
  std::vector<std::uint8_t> s(size, 0);
  std::uint64_t x = i * 0x9E3779B97F4A7C15ull + 17;  // distinct for distinct i when size >= 8
  for (std::size_t k = 0; k < size; ++k) s[k] = static_cast<std::uint8_t>(k < 8 ? i >> (8 * k) : x >> (8 * (k % 8)));
  return s;
}

}  // namespace

TEST_CASE("state store: insert, find, duplicates, metadata", "[checker]") {
  StateStore store(8);
  const auto a = make_state(8, 1), b = make_state(8, 2), c = make_state(8, 3);
  CHECK(store.size() == 0);
  CHECK(store.find(a.data()) == StateStore::kNone);

  auto ia = store.insert(a.data(), StateStore::kNone, Step{0xFFFF, 0xFFFF});
  CHECK(ia.id == 0);
  CHECK(ia.inserted);
  auto ib = store.insert(b.data(), 0, Step{1, 2});
  CHECK(ib.id == 1);
  CHECK(ib.inserted);
  auto again = store.insert(a.data(), 1, Step{3, 4});
  CHECK(again.id == 0);
  CHECK_FALSE(again.inserted);
  CHECK(store.size() == 2);

  CHECK(store.find(a.data()) == 0);
  CHECK(store.find(b.data()) == 1);
  CHECK(store.find(c.data()) == StateStore::kNone);
  CHECK(std::memcmp(store.state(1), b.data(), 8) == 0);
  CHECK(store.parent(0) == StateStore::kNone);  // a duplicate insert changes nothing
  CHECK(store.parent(1) == 0);
  CHECK(store.step(1).thread == 1);
  CHECK(store.step(1).index == 2);

  store.insert(c.data(), 1, Step{5, 6});
  const std::vector<Step> p = store.path(2);
  REQUIRE(p.size() == 2);
  CHECK(p[0].thread == 1);
  CHECK(p[1].thread == 5);
  CHECK(p[1].index == 6);
  CHECK(store.path(0).empty());
}

TEST_CASE("state store: growth across many states keeps ids and bytes", "[checker]") {
  for (std::size_t size : {std::size_t{1}, std::size_t{8}, std::size_t{13}}) {
    INFO("state size " << size);
    StateStore store(size);
    const std::uint64_t n = size == 1 ? 256 : 200000;
    std::vector<const std::uint8_t*> where;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto s = make_state(size, i);
      const auto in = store.insert(s.data(), static_cast<std::uint32_t>(i / 2), Step{0, 0});
      REQUIRE(in.inserted);
      REQUIRE(in.id == i);
      where.push_back(store.state(in.id));
    }
    CHECK(store.size() == n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto s = make_state(size, i);
      REQUIRE(store.find(s.data()) == i);
      REQUIRE(store.state(static_cast<std::uint32_t>(i)) == where[i]);  // states never move
      REQUIRE(std::memcmp(where[i], s.data(), size) == 0);
      REQUIRE_FALSE(store.insert(s.data(), 0, Step{}).inserted);
      REQUIRE(store.parent(static_cast<std::uint32_t>(i)) == i / 2);
    }
  }
}

TEST_CASE("state store: bytes per state <= state size + 16", "[checker]") {
  for (std::size_t size : {std::size_t{4}, std::size_t{8}, std::size_t{13}, std::size_t{64},
                           std::size_t{300}}) {
    for (std::uint64_t n : {100000ull, 123457ull, 170000ull}) {
      StateStore store(size);
      for (std::uint64_t i = 0; i < n; ++i) store.insert(make_state(size, i).data(), 0, Step{});
      const double per = double(store.bytes()) / double(store.size());
      INFO("state size " << size << ", " << n << " states: " << per << " bytes/state");
      CHECK(per <= double(size) + 16);
      CHECK(store.next_growth_bytes() > 0);
    }
  }
}

TEST_CASE("hash: fixed, spread, length-sensitive", "[checker]") {
  const std::uint8_t bytes[4] = {'p', 'c', 'm', 'c'};
  CHECK(hash_bytes(bytes, 4) == hash_bytes(bytes, 4));
  CHECK(hash_bytes(bytes, 4) != hash_bytes(bytes, 4, kHashSeed + 1));
  const std::uint8_t zeros[16] = {};
  std::set<std::uint64_t> by_length;
  for (std::size_t n = 0; n <= 16; ++n) by_length.insert(hash_bytes(zeros, n));
  CHECK(by_length.size() == 17);

  // Sequential 8-byte keys: no collisions, and the top byte (what the table's slot depends on)
  // is close to uniform.
  std::set<std::uint64_t> seen;
  std::vector<int> bucket(256, 0);
  const int n = 100000;
  for (std::uint64_t i = 0; i < std::uint64_t(n); ++i) {
    std::uint8_t k[8];
    std::memcpy(k, &i, 8);
    const std::uint64_t h = hash_bytes(k, 8);
    seen.insert(h);
    ++bucket[h >> 56];
  }
  CHECK(seen.size() == std::size_t(n));
  for (int b : bucket) {
    CHECK(b > n / 256 * 8 / 10);
    CHECK(b < n / 256 * 12 / 10);
  }
}
