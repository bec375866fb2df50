// The exchange's wire code (exchange.hpp): records coded against the previous record for the same
// rank decode to the same records and links, whatever their bytes; a truncated chunk is an error,
// not a wrong state.
#include <catch2/catch.hpp>

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
