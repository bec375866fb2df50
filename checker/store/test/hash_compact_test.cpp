// Hash compaction (SearchOptions::store = HashCompact; checker/store/hash_compact_store.hpp): without a
// collision it gives the exact store's verdicts, counts and counterexamples (64-bit signatures on
// models far below 2^32 states), the result is labelled lossy with the birthday bound, the
// counterexamples are rebuilt by re-running the search and replay, -j 2 gives the -j 1 result,
// and truncated signatures (a test-only knob) omit states without ever inventing a violation.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checker/store/hash_compact_store.hpp"
#include "checker/search/search.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;
using pcmc::properties::PropertyClass;

namespace {

SearchOptions lossy(SearchOptions o = {}) {
  o.store = StoreMode::HashCompact;
  o.liveness = false;
  return o;
}

SearchOptions exact(SearchOptions o = {}) {
  o.liveness = false;
  return o;
}

}  // namespace

TEST_CASE("hash compaction: the omission bound is the birthday bound", "[hashcompact]") {
  CHECK(HashCompactStore::omission_bound(0, 64) == 0.0);
  CHECK(HashCompactStore::omission_bound(1, 64) == 0.0);
  CHECK(HashCompactStore::omission_bound(2, 1) == 0.5);                // 2 * 1 / 2^2
  CHECK(HashCompactStore::omission_bound(3, 4) == 6.0 / 32.0);          // 3 * 2 / 2^5
  CHECK(HashCompactStore::omission_bound(1000, 4) == 1.0);              // capped
  // 10^5 states, 64 bits: 10^5 (10^5 - 1) / 2^65 = 2.7105e-10.
  CHECK(HashCompactStore::omission_bound(100000, 64) ==
        Approx(9999900000.0 / std::ldexp(1.0, 65)).epsilon(1e-12));
  CHECK(HashCompactStore::omission_bound(100000, 64) == Approx(2.7105e-10).epsilon(1e-4));
}

TEST_CASE("hash compaction store: signatures, the window of bytes, pins", "[hashcompact]") {
  HashCompactStore s(8, 64);
  std::vector<std::uint8_t> st(8, 0);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    std::memcpy(st.data(), &i, 4);
    const StateStore::Inserted in = s.insert(st.data());
    REQUIRE(in.inserted);
    CHECK(in.id == i);
  }
  CHECK(s.size() == 5000);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    std::memcpy(st.data(), &i, 4);
    CHECK(s.find(st.data()) == HashCompactStore::kOld);
    CHECK_FALSE(s.insert(st.data()).inserted);
  }
  std::uint32_t absent = 123456;
  std::memcpy(st.data(), &absent, 4);
  CHECK(s.find(st.data()) == HashCompactStore::kNone);
  s.pin(7);
  s.release_below(4000);
  CHECK_FALSE(s.held(8));
  CHECK(s.held(7));
  CHECK(s.held(4000));
  std::vector<std::uint8_t> out(8);
  s.decode(7, out.data());
  std::uint32_t v = 0;
  std::memcpy(&v, out.data(), 4);
  CHECK(v == 7);
  s.decode(4999, out.data());
  std::memcpy(&v, out.data(), 4);
  CHECK(v == 4999);
  CHECK_THROWS_AS(s.decode(100, out.data()), std::logic_error);
  // About 8 bytes per signature at load 0.64-0.8 (plus a window chunk and fixed costs).
  const std::uint64_t before = s.bytes();
  for (std::uint32_t i = 5000; i < 200000; ++i) {
    std::memcpy(st.data(), &i, 4);
    s.insert(st.data());
    s.release_below(i);
  }
  CHECK(s.size() == 200000);
  CHECK(static_cast<double>(s.bytes()) / 200000.0 < 14.0);
  CHECK(s.bytes() > before);
  s.release_table();
  CHECK(s.size() == 200000);
  CHECK(s.held(7));  // pinned bytes survive the table
}

TEST_CASE("hash compaction store: carried lookups equal find and insert", "[hashcompact]") {
  // find_batch() then insert_found(), with states inserted between the lookup and the insert
  // (an equal state among them: the stale path must probe again), against plain insert().
  HashCompactStore carried(8, 64), plain(8, 64);
  std::vector<std::uint8_t> bytes(8 * 4, 0);
  std::uint32_t words[4][HashCompactStore::kNodeCount];
  bool stale_new = false, stale_old = false;
  for (std::uint32_t round = 0; round < 3000; ++round) {
    const std::uint8_t* states[4];
    std::uint32_t* nodes[4];
    std::uint32_t found[4];
    for (std::uint32_t i = 0; i < 4; ++i) {
      // Repeats across rounds, and states 1 and 3 of a round are equal.
      const std::uint32_t v = (round * 7 + (i == 3 ? 1 : i) * 3) % 5000;
      std::memcpy(bytes.data() + 8 * i, &v, 4);
      states[i] = bytes.data() + 8 * i;
      nodes[i] = words[i];
    }
    const std::size_t at_size = carried.size();
    carried.find_batch(4, states, nodes, found);
    for (std::uint32_t i = 0; i < 4; ++i) CHECK(found[i] == plain.find(states[i]));
    for (std::uint32_t i = 0; i < 4; ++i) {
      const StateStore::Inserted want = plain.insert(states[i]);
      const StateStore::Inserted got = carried.insert_found(states[i], nodes[i], found[i], at_size);
      REQUIRE(got.inserted == want.inserted);
      CHECK(got.id == want.id);
      if (carried.size() - (got.inserted ? 1 : 0) != at_size && found[i] == HashCompactStore::kNone)
        (got.inserted ? stale_new : stale_old) = true;
    }
  }
  CHECK(carried.size() == plain.size());
  CHECK(stale_new);  // the re-probe found nothing: inserted
  CHECK(stale_old);  // an equal state was inserted in between: not inserted again
}

TEST_CASE("hash compaction: toy models give the exact store's results", "[hashcompact]") {
  const Lattice cube(30, /*blocking=*/false);
  const Mutex broken(true);
  const Abba abba;
  const TwoCounters two(40);
  const Graph dia(diamonds(20));
  const std::vector<const TransitionSystem*> systems{&cube, &broken, &abba, &two, &dia};
  for (std::size_t k = 0; k < systems.size(); ++k)
    for (const bool every : {false, true})
      for (const std::uint64_t seed : {0ull, 3ull})
        for (const unsigned workers : {1u, 2u}) {
          INFO("system " << k << ", all " << every << ", shuffle " << seed << ", -j " << workers);
          SearchOptions o;
          o.all = every;
          o.shuffle_seed = seed;
          o.workers = workers;
          const Result e = run(*systems[k], exact(o));
          const Result h = run(*systems[k], lossy(o));  // run() replays every counterexample
          require_identical(e, h);
          CHECK(e.stats.store == StoreMode::Exact);
          CHECK(h.stats.store == StoreMode::HashCompact);
          CHECK(h.stats.signature_bits == 64);
          CHECK(h.stats.omission_bound ==
                HashCompactStore::omission_bound(h.stats.states, 64));
          CHECK(h.stats.omission_bound < 1e-9);
        }
  // The counts pinned by toy_models.hpp.
  const Result r = run(two, lossy());
  CHECK(r.status == Status::Holds);
  CHECK(r.stats.states == 41u * 41u);
  CHECK(r.stats.transitions == 2u * 40u * 41u);
}

TEST_CASE("hash compaction: limits give an incomplete verdict", "[hashcompact]") {
  const Lattice cube(30, /*blocking=*/false);
  SearchOptions o = lossy();
  o.max_states = 1000;
  const Result a = run(cube, o), b = run(cube, exact(o));
  require_identical(a, b);
  const TwoCounters two(40);
  const Result c = run(two, o);
  require_identical(c, run(two, exact(o)));
  CHECK(c.status == Status::Incomplete);
  CHECK(c.incomplete_reason == "state limit 1000 reached");
  SearchOptions m = lossy();
  m.max_memory = 64 * 1024;
  const TwoCounters big(200);  // 40,401 states: about 500 KB of signatures
  for (const unsigned workers : {1u, 2u}) {
    m.workers = workers;
    const Result r = run(big, m);
    CHECK(r.status == Status::Incomplete);
    CHECK(r.incomplete_reason.find("memory limit") == 0);
  }
  SearchOptions d = lossy();
  d.max_depth = 10;
  require_identical(run(cube, d), run(cube, exact(d)));
}

TEST_CASE("hash compaction: refused with DFS or the non-termination pass", "[hashcompact]") {
  const TwoCounters two(3);
  SearchOptions o = lossy();
  o.liveness = true;
  CHECK_THROWS_AS(search(two, o), std::invalid_argument);
  SearchOptions d = lossy();
  d.order = Order::DFS;
  CHECK_THROWS_AS(search(two, d), std::invalid_argument);
}

TEST_CASE("hash compaction: truncated signatures omit states, never invent a violation",
          "[hashcompact]") {
  const Lattice cube(30, /*blocking=*/false);  // 29,791 states
  const Result e = run(cube, exact(all()));
  REQUIRE(violated(e).size() == 3);
  std::size_t found = 0, missed = 0;
  for (const unsigned bits : {6u, 10u, 13u, 16u})
    for (const unsigned workers : {1u, 2u}) {
      INFO(bits << "-bit signatures, -j " << workers);
      SearchOptions o = lossy(all());
      o.signature_bits = bits;
      o.workers = workers;
      const Result h = run(cube, o);  // every counterexample replays (test_util.hpp)
      CHECK(h.stats.store == StoreMode::HashCompact);
      CHECK(h.stats.signature_bits == bits);
      CHECK(h.stats.states <= (std::uint64_t{1} << bits));
      CHECK(h.stats.states < e.stats.states);  // omissions happened
      CHECK(h.stats.omission_bound == HashCompactStore::omission_bound(h.stats.states, bits));
      if (bits <= 10) CHECK(h.stats.omission_bound == 1.0);
      // Only properties that the exact search finds violated.
      for (const PropertyId p : violated(h)) CHECK(violated(e).count(p) == 1);
      found += violated(h).size();  // their counterexamples replayed (run() above)
      if (violated(h).size() < violated(e).size()) ++missed;
      if (workers == 2) {
        SearchOptions one = o;
        one.workers = 1;
        require_identical(h, run(cube, one));  // -j 2 merges exactly the states -j 1 merges
      }
    }
  CHECK(found > 0);   // violations found despite collisions, with paths rebuilt by re-runs
  CHECK(missed > 0);  // and violations omitted: why "holds" is labelled probabilistic
}

// Examples: the basics and the small seeds, every run their expect blocks name, with the
// non-termination pass off: same summary and counterexamples as the exact store, and every
// counterexample replays on the program.
TEST_CASE("hash compaction: examples give the exact store's results", "[hashcompact]") {
  std::vector<std::string> files;
  for (const std::string& f : scenario_files())
    if (f.find("/examples/basics/") != std::string::npos || f.ends_with("/seed/c-r1.pcm") ||
        f.ends_with("/seed/c-r3.pcm") || f.ends_with("/seed/r5-fuse.pcm"))
      files.push_back(f);
  REQUIRE(files.size() >= 8);
  unsigned violated_runs = 0;
  for_each_expected_run(files, [&](const std::string&, const pcmc::model::ast::Model& ast,
                                   const pcmc::model::SourceManager& sm,
                                   const pcmc::properties::RunSpec& spec) {
    SearchOptions o;
    o.all = true;
    const VariantRun ex = run_variant(ast, sm, spec.defines, spec.debug_vm, exact(o));
    const VariantRun hc = run_variant(ast, sm, spec.defines, spec.debug_vm, lossy(o));
    const Summary a = summary(ex), b = summary(hc);
    CHECK(a.status == b.status);
    CHECK(a.states == b.states);
    CHECK(a.transitions == b.transitions);
    CHECK(a.end_states == b.end_states);
    CHECK(a.exists_hits == b.exists_hits);
    CHECK(a.violated == b.violated);
    CHECK(hc.result.stats.store == StoreMode::HashCompact);
    REQUIRE(ex.result.violations.size() == hc.result.violations.size());
    for (std::size_t i = 0; i < ex.result.violations.size(); ++i)
      CHECK(path(ex.result.violations[i]) == path(hc.result.violations[i]));
    require_replays(hc);
    if (!hc.result.violations.empty()) ++violated_runs;
    // POR: the lossy store knows no ids of stored states, so its NextLevel proviso acts as
    // NewState (docs/por.md): the same run as the exact store with NewState. Symmetry:
    // the same quotient search.
    SearchOptions por = o, por_new = o;
    por.por = por_new.por = true;
    por_new.proviso = Proviso::NewState;
    SearchOptions sym = o;
    sym.symmetry = true;
    for (const auto& [x, y] :
         {std::pair{exact(por_new), lossy(por)}, std::pair{exact(sym), lossy(sym)}}) {
      const VariantRun rx = run_variant(ast, sm, spec.defines, spec.debug_vm, x);
      const VariantRun ry = run_variant(ast, sm, spec.defines, spec.debug_vm, y);
      CHECK(rx.result.stats.por == ry.result.stats.por);
      CHECK(rx.result.stats.symmetry == ry.result.stats.symmetry);
      require_identical(rx.result, ry.result);
      require_replays(ry);
    }
  });
  CHECK(violated_runs >= 3);
}
