// The exchange's wire code (exchange.hpp): records coded against the previous record for the same
// rank decode to the same records and links, whatever their bytes; a truncated chunk is an error,
// not a wrong state; the code itself is pinned on a small case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "checker/distributed/exchange.hpp"
#include "checker/store/hash.hpp"

using pcmc::distributed::Exchange;
using pcmc::distributed::Link;

TEST_CASE("exchange code: decode(encode(records)) is the records", "[distributed]") {
  std::uint64_t x = 42;
  for (std::size_t size : {1u, 7u, 64u, 286u}) {
    for (std::size_t n : {0u, 1u, 2u, 50u}) {
      std::vector<std::uint8_t> recs(n * size);
      for (std::size_t i = 0; i < recs.size(); ++i) {
        // Mostly like the previous record (as successors are), sometimes random, sometimes zero.
        const std::uint64_t r = pcmc::checker::splitmix64(x);
        recs[i] = i >= size && r % 4 != 0 ? recs[i - size] : static_cast<std::uint8_t>(r % 3 == 0 ? 0 : r >> 8);
      }
      // Keys non-decreasing (a level's order), parents up and down, some far apart.
      std::vector<Link> links(n);
      std::uint64_t key = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t r = pcmc::checker::splitmix64(x);
        key += r % 3 == 0 ? 0 : r % 5 == 0 ? (r >> 20) : r % 70000;
        links[i] = Link{key, static_cast<std::uint32_t>(r % 7 == 0 ? r >> 32 : 1000 + r % 9), 0};
      }
      std::vector<std::uint8_t> wire, back{9, 9};  // decode appends to what is there
      std::vector<Link> got(1);
      Exchange::encode(recs.data(), links.data(), n, size, wire);
      Exchange::decode(wire.data(), wire.size(), size, 5, back, got);
      INFO("size " << size << ", records " << n);
      REQUIRE(back.size() == 2 + recs.size());
      CHECK(std::vector<std::uint8_t>(back.begin() + 2, back.end()) == recs);
      REQUIRE(got.size() == 1 + n);
      for (std::size_t i = 0; i < n; ++i) {
        CHECK(got[1 + i].key == links[i].key);
        CHECK(got[1 + i].parent == links[i].parent);
        CHECK(got[1 + i].from == 5);
      }
      if (n == 50 && size == 286) CHECK(wire.size() < recs.size());
      if (!wire.empty()) {
        std::vector<std::uint8_t> out;
        std::vector<Link> out_links;
        CHECK_THROWS_AS(Exchange::decode(wire.data(), wire.size() - 1, size, 0, out, out_links),
                        std::runtime_error);
      }
    }
  }
}

TEST_CASE("exchange code: runs of equal and changed bytes, then the link, as varints",
          "[distributed]") {
  // Two 20-byte records: the first against zeros, the second against the first; runs cross the
  // 8-byte words that encode() compares at once.
  std::vector<std::uint8_t> recs(40, 0);
  recs[3] = 1, recs[9] = 2, recs[10] = 3;
  std::copy(recs.begin(), recs.begin() + 20, recs.begin() + 20);
  recs[20 + 8] = 6, recs[20 + 17] = 5;
  const std::vector<Link> links{{7, 4, 0}, {9, 3, 0}};
  std::vector<std::uint8_t> wire;
  Exchange::encode(recs.data(), links.data(), 2, 20, wire);
  const std::vector<std::uint8_t> want{3, 1, 1, 5, 2, 2, 3, 9, 0, 7, 8,  // same 3, 1 changed, ...
                                       8, 1, 6, 8, 1, 5, 2, 0, 2, 1};  // key +2, parent -1
  CHECK(wire == want);
}
