// BucketIndex (bucket_index.hpp) on its own: every value inserted is found through growth by
// 1.25, 1.5 and 2, with the growth's pipeline (2 x 8 values in flight) drained at every count
// around its depth, with spread hashes and with hashes that share their tag and crowd 16
// buckets; the prefetch hint of a growth reaches the values; growth_bytes() bounds a growth.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "checker/store/bucket_index.hpp"
#include "checker/store/hash.hpp"

using namespace pcmc::checker;

namespace {

// The hash of value v: a fixed function, so that growth can recompute it (as the store's
// arenas do). `narrow`: one tag and 16 home buckets for all: long probe runs, every slot's tag
// matching.
std::uint64_t hash_of_value(std::uint32_t v, bool narrow) {
  std::uint64_t x = v;
  const std::uint64_t h = splitmix64(x);
  return narrow ? h & 0xFF00000000000000ull : h;
}

template <class Index>
void check_all_found(const Index& index, std::uint32_t n, bool narrow) {
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t got =
        index.find(hash_of_value(v, narrow), [&](std::uint32_t c) { return c == v; });
    REQUIRE(got == v);
  }
  // An absent value is not found, whatever its tag matches.
  CHECK(index.find(hash_of_value(n, narrow), [&](std::uint32_t c) { return c == n; }) ==
        Index::kNone);
}

template <unsigned kQuarters>
void grow_and_find(bool narrow) {
  for (const std::uint32_t n : {1u, 2u, 7u, 8u, 9u, 15u, 16u, 17u, 24u, 31u, 33u, 200u, 5000u}) {
    INFO("values " << n << (narrow ? ", narrow hashes" : "") << ", growth quarters " << kQuarters);
    BucketIndex<4, kQuarters> index;
    std::set<std::uint32_t> prefetched;
    std::uint64_t before = index.bytes();
    unsigned growths = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
      index.insert(
          hash_of_value(v, narrow), v, [&](std::uint32_t c) { return hash_of_value(c, narrow); },
          [&](std::uint32_t c) { prefetched.insert(c); });
      if (index.bytes() != before) ++growths;
      before = index.bytes();
    }
    CHECK(index.size() == n);
    CHECK(growths >= 1);
    check_all_found(index, n, narrow);
    // Every value present at a growth was handed to the prefetch hint (values placed by growth).
    if (n >= 200) CHECK(prefetched.size() > n / 2);
    // The same values inserted in one go into an index that does not grow (dense insert path)
    // are found the same way.
    BucketIndex<4, kQuarters> dense;
    for (std::uint32_t v = 0; v < n; ++v)
      dense.insert_dense(hash_of_value(v, narrow), v,
                         [&](std::uint32_t c) { return hash_of_value(c, narrow); });
    check_all_found(dense, n, narrow);
  }
}

}  // namespace

TEST_CASE("bucket index: growth (pipelined) keeps every value findable, 1.25x and 2x",
          "[checker][store]") {
  for (const bool narrow : {false, true}) {
    grow_and_find<1>(narrow);
    grow_and_find<2>(narrow);
    grow_and_find<4>(narrow);
  }
}

TEST_CASE("bucket index: growth_bytes bounds one growth step", "[checker][store]") {
  BucketIndex<4, 4> index;
  for (std::uint32_t v = 0; v < 20000; ++v) {
    const std::uint64_t bound = index.growth_bytes(), was = index.bytes();
    index.insert(
        hash_of_value(v, false), v, [&](std::uint32_t c) { return hash_of_value(c, false); },
        [](std::uint32_t) {});
    if (index.bytes() != was) REQUIRE(index.bytes() <= bound);
  }
}
