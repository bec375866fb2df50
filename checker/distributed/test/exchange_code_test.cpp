// The exchange's wire code (exchange.hpp): records coded against the previous record for the same
// rank decode to the same records, whatever their bytes; a truncated chunk is an error, not a
// wrong state.
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "checker/distributed/exchange.hpp"
#include "checker/store/hash.hpp"

using pcmc::distributed::Exchange;

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
      std::vector<std::uint8_t> wire, back{9, 9};  // decode appends to what is there
      Exchange::encode(recs.data(), n, size, wire);
      Exchange::decode(wire.data(), wire.size(), size, back);
      INFO("size " << size << ", records " << n);
      REQUIRE(back.size() == 2 + recs.size());
      CHECK(std::vector<std::uint8_t>(back.begin() + 2, back.end()) == recs);
      if (n == 50 && size == 286) CHECK(wire.size() < recs.size());
      if (!wire.empty()) {
        std::vector<std::uint8_t> out;
        CHECK_THROWS_AS(Exchange::decode(wire.data(), wire.size() - 1, size, out),
                        std::runtime_error);
      }
    }
  }
}
