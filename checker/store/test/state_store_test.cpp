// The visited set and its hash: exact membership, dense ids, decoding, growth, parallel
// placement, and the memory bound of 16 bytes per (structured) state.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <barrier>
#include <random>
#include <string>
#include <unordered_map>
#include <set>
#include <thread>
#include <vector>

#include "checker/store/hash.hpp"
#include "checker/store/intern_table.hpp"
#include "checker/store/state_store.hpp"

using namespace pcmc::checker;

namespace {

std::vector<std::uint8_t> make_state(std::size_t size, std::uint64_t i) {
  std::vector<std::uint8_t> s(size, 0);
  std::uint64_t x = i * 0x9E3779B97F4A7C15ull + 17;  // distinct for distinct i when size >= 8
  for (std::size_t k = 0; k < size; ++k) s[k] = static_cast<std::uint8_t>(k < 8 ? i >> (8 * k) : x >> (8 * (k % 8)));
  return s;
}

}  // namespace

TEST_CASE("state store: insert, find, duplicates, decode, parents", "[checker]") {
  StateStore store(8);
  const auto a = make_state(8, 1), b = make_state(8, 2), c = make_state(8, 3);
  CHECK(store.size() == 0);
  CHECK(store.find(a.data()) == StateStore::kNone);

  auto ia = store.insert(a.data(), StateStore::kNone);
  CHECK(ia.id == 0);
  CHECK(ia.inserted);
  auto ib = store.insert(b.data(), 0);
  CHECK(ib.id == 1);
  CHECK(ib.inserted);
  auto again = store.insert(a.data(), 1);
  CHECK(again.id == 0);
  CHECK_FALSE(again.inserted);
  CHECK(store.size() == 2);

  CHECK(store.find(a.data()) == 0);
  CHECK(store.find(b.data()) == 1);
  CHECK(store.find(c.data()) == StateStore::kNone);
  std::vector<std::uint8_t> out(8);
  store.decode(1, out.data());
  CHECK(out == b);
  CHECK(store.parent(0) == StateStore::kNone);  // a duplicate insert changes nothing
  CHECK(store.parent(1) == 0);
}

TEST_CASE("state store: growth across many states keeps ids and bytes", "[checker]") {
  for (std::size_t size : {std::size_t{1}, std::size_t{8}, std::size_t{13}, std::size_t{40}}) {
    INFO("state size " << size);
    StateStore store(size);
    const std::uint64_t n = size == 1 ? 256 : 100000;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto s = make_state(size, i);
      const auto in = store.insert(s.data(), static_cast<std::uint32_t>(i / 2));
      REQUIRE(in.inserted);
      REQUIRE(in.id == i);
    }
    CHECK(store.size() == n);
    std::vector<std::uint8_t> out(size);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto s = make_state(size, i);
      REQUIRE(store.find(s.data()) == i);
      store.decode(static_cast<std::uint32_t>(i), out.data());
      REQUIRE(out == s);
      REQUIRE_FALSE(store.insert(s.data(), 0).inserted);
      REQUIRE(store.parent(static_cast<std::uint32_t>(i)) == i / 2);
    }
  }
}

namespace {

// A state like a program's: a 2-byte globals block and `threads` 4-byte thread blocks, each
// block taking one of a few values, so blocks repeat across states (what tree compression is for).
struct Structured {
  std::size_t threads;
  std::size_t size() const { return 2 + 4 * threads; }
  std::vector<std::uint32_t> bounds() const {
    std::vector<std::uint32_t> b{2};
    for (std::size_t t = 1; t < threads; ++t) b.push_back(static_cast<std::uint32_t>(2 + 4 * t));
    return b;
  }
  // State number i in mixed radix: globals in [0, 16), each thread block in [0, 12).
  std::vector<std::uint8_t> make(std::uint64_t i) const {
    std::vector<std::uint8_t> s(size(), 0);
    s[0] = static_cast<std::uint8_t>(i % 16);
    i /= 16;
    for (std::size_t t = 0; t < threads; ++t, i /= 12) {
      s[2 + 4 * t] = static_cast<std::uint8_t>(i % 12);
      s[3 + 4 * t] = static_cast<std::uint8_t>(7 * (i % 12));
    }
    return s;
  }
};

// The parallel search's placement: `workers` threads run every round, a barrier between rounds.
void place_in_parallel(StateStore& par, unsigned workers,
                       const std::vector<StateStore::Pending>& pending) {
  std::barrier sync(workers);
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      for (unsigned r = 0; r < par.place_rounds(); ++r) {
        par.place(r, w, workers, pending);
        sync.arrive_and_wait();
      }
    });
  for (auto& t : pool) t.join();
}

}  // namespace

TEST_CASE("state store: bytes per state <= 16 on structured states", "[checker]") {
  const Structured st{5};  // 22-byte states, 16 * 12^5 ~ 4e6 possible
  // From about 3e5 states on: below that, the tables' first chunks (fixed costs) dominate.
  for (std::uint64_t n : {300000ull, 1000000ull}) {
    StateStore store(st.size(), st.bounds(), false);
    for (std::uint64_t i = 0; i < n; ++i) store.insert(st.make(i).data(), 0);
    const double per = double(store.bytes()) / double(store.size());
    INFO(n << " states of 22 bytes: " << per << " bytes/state");
    CHECK(per <= 16.0);
    CHECK(store.growth_bound(1) > 0);
  }
}

TEST_CASE("state store: parallel placement equals sequential insertion", "[checker]") {
  const Structured st{3};
  StateStore seq(st.size(), st.bounds(), true);
  StateStore par(st.size(), st.bounds(), true);
  const unsigned workers = 3;
  std::uint64_t next = 0;
  for (int batch = 0; batch < 20; ++batch) {
    // A batch: 500 states, some already stored, some repeated in the batch.
    std::vector<std::vector<std::uint8_t>> states;
    for (int k = 0; k < 500; ++k) states.push_back(st.make((next + k * 7) % (next + 900)));
    next += 400;
    std::vector<std::vector<std::uint32_t>> nodes;
    std::vector<StateStore::Pending> pending;
    std::set<std::vector<std::uint8_t>> in_batch;
    for (const auto& s : states) {
      const StateStore::Inserted in = seq.insert(s.data(), 7);
      std::vector<std::uint32_t> n(par.node_count());
      const std::uint32_t found = par.lookup(s.data(), n.data());
      if (!in_batch.insert(s).second) continue;
      REQUIRE((found != StateStore::kNone) == !in.inserted);
      if (found != StateStore::kNone) {
        CHECK(found == in.id);
        continue;
      }
      nodes.push_back(std::move(n));
      pending.push_back({s.data(), nullptr, in.id, 7});
    }
    for (std::size_t k = 0; k < pending.size(); ++k) pending[k].nodes = nodes[k].data();
    if (pending.empty()) continue;
    REQUIRE(par.reserve(static_cast<std::uint32_t>(pending.size())) == pending.front().id);
    place_in_parallel(par, workers, pending);
  }
  REQUIRE(par.size() == seq.size());
  std::vector<std::uint8_t> a(st.size()), b(st.size());
  for (std::uint32_t id = 0; id < seq.size(); ++id) {
    seq.decode(id, a.data());
    par.decode(id, b.data());
    REQUIRE(a == b);
    REQUIRE(par.find(a.data()) == id);
    REQUIRE(par.parent(id) == 7);
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

namespace {

// A 256-byte state (one 256-byte part: a large globals block) in which four 8-byte words, spread
// over the state, each take one of 24 values and the other 28 words are constant: consecutive
// states (mixed radix) differ in one word, as consecutive steps of a large model do.
struct Wide {
  static constexpr std::size_t kSize = 256;
  static constexpr std::uint64_t kValues = 24;
  static constexpr std::size_t kWords[4] = {3, 12, 19, 30};
  static std::vector<std::uint8_t> make(std::uint64_t i) {
    std::vector<std::uint8_t> s(kSize);
    for (std::size_t w = 0; w < kSize / 8; ++w) {
      const std::uint64_t c = 0x0123456789ABCDEFull * (w + 1);
      std::memcpy(s.data() + 8 * w, &c, 8);
    }
    for (std::size_t k = 0; k < 4; ++k, i /= kValues) {
      const std::uint64_t v = (i % kValues) * 0x9E3779B97F4A7C15ull;
      std::memcpy(s.data() + 8 * kWords[k], &v, 8);
    }
    return s;
  }
};

// Every operation of `store` against a std::unordered_map oracle (state bytes -> id).
struct Oracle {
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> by_id;
  static std::string key(const std::vector<std::uint8_t>& s) { return {s.begin(), s.end()}; }
};

}  // namespace

TEST_CASE("state store: deep tree keeps a large, slowly changing state small", "[checker][store]") {
  const std::uint64_t n = Wide::kValues * Wide::kValues * Wide::kValues * Wide::kValues;  // 331776
  StateStore store(Wide::kSize, {}, false);
  CHECK(store.leaf_count() == Wide::kSize / StateStore::kLeafBytes);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto in = store.insert(Wide::make(i).data(), i == 0 ? StateStore::kNone
                                                               : static_cast<std::uint32_t>(i - 1));
    REQUIRE(in.inserted);
    REQUIRE(in.id == i);
  }
  const double per = double(store.bytes()) / double(store.size());
  INFO(n << " states of 256 bytes: " << per << " bytes/state");
  CHECK(per <= 16.0);
  std::vector<std::uint8_t> out(Wide::kSize);
  for (std::uint64_t i = 0; i < n; i += 997) {
    const auto s = Wide::make(i);
    REQUIRE(store.find(s.data()) == i);
    store.decode(static_cast<std::uint32_t>(i), out.data());
    REQUIRE(out == s);
  }
}

TEST_CASE("state store: equals an unordered_map on random states", "[checker][store]") {
  std::mt19937_64 rng(20240611);
  struct Shape {
    std::size_t size;
    std::vector<std::uint32_t> bounds;
  };
  const std::vector<Shape> shapes{{1, {}},         {7, {}},          {13, {5}},
                                  {64, {2, 30}},   {256, {}},        {300, {100, 140, 171, 299}},
                                  {2600, {8, 2000}}};  // > kMaxLeaves pieces: merged
  for (const Shape& sh : shapes) {
    INFO("state size " << sh.size);
    StateStore store(sh.size, sh.bounds, true);
    Oracle oracle;
    // A pool of "parents": each new state copies a stored one and changes a few bytes to one of
    // a few values, so leaves and subtrees repeat (and many inserts are duplicates).
    std::vector<std::uint8_t> s(sh.size, 0);
    const int ops = sh.size == 1 ? 600 : 20000;
    for (int op = 0; op < ops; ++op) {
      std::uint32_t parent = StateStore::kNone;
      if (!oracle.by_id.empty() && rng() % 8 != 0) {
        parent = static_cast<std::uint32_t>(rng() % oracle.by_id.size());
        s.assign(oracle.by_id[parent].begin(), oracle.by_id[parent].end());
      }
      const unsigned changes = 1 + rng() % 3;
      for (unsigned c = 0; c < changes; ++c) s[rng() % sh.size] = static_cast<std::uint8_t>(rng() % 3);
      const std::string k = Oracle::key(s);
      const auto it = oracle.ids.find(k);
      // find() before insert agrees with the oracle, for present and absent states.
      REQUIRE(store.find(s.data()) == (it == oracle.ids.end() ? StateStore::kNone : it->second));
      // Sometimes a wrong parent hint: the hint must never change the answer.
      const std::uint32_t hint = rng() % 4 == 0 && !oracle.by_id.empty()
                                     ? static_cast<std::uint32_t>(rng() % oracle.by_id.size())
                                     : parent;
      const auto in = store.insert(s.data(), hint);
      if (it == oracle.ids.end()) {
        REQUIRE(in.inserted);
        REQUIRE(in.id == oracle.by_id.size());
        oracle.ids.emplace(k, in.id);
        oracle.by_id.push_back(k);
        REQUIRE(store.parent(in.id) == hint);
      } else {
        REQUIRE_FALSE(in.inserted);
        REQUIRE(in.id == it->second);
      }
    }
    REQUIRE(store.size() == oracle.by_id.size());
    std::vector<std::uint8_t> out(sh.size);
    for (std::uint32_t id = 0; id < store.size(); ++id) {
      store.decode(id, out.data());
      REQUIRE(Oracle::key(out) == oracle.by_id[id]);
      REQUIRE(store.find(out.data()) == id);
    }
  }
}

TEST_CASE("state store: parallel placement on a deep tree equals the oracle", "[checker][store]") {
  std::mt19937_64 rng(7);
  const std::size_t size = 16 * StateStore::kLeafBytes + 8;  // 17 leaves: depth 5 at least
  StateStore par(size, {64, size - 64}, false);
  REQUIRE(par.place_rounds() >= 5);  // a deep tree, one placement round per level
  Oracle oracle;
  const unsigned workers = 3;
  std::vector<std::uint8_t> base(size, 0);
  for (int batch = 0; batch < 30; ++batch) {
    std::vector<std::vector<std::uint8_t>> states;
    for (int k = 0; k < 400; ++k) {
      std::vector<std::uint8_t> s = base;
      if (!oracle.by_id.empty()) {
        const std::string& from = oracle.by_id[rng() % oracle.by_id.size()];
        s.assign(from.begin(), from.end());
      }
      s[rng() % size] = static_cast<std::uint8_t>(rng() % 4);
      states.push_back(std::move(s));
    }
    std::vector<std::vector<std::uint32_t>> nodes;
    std::vector<StateStore::Pending> pending;
    std::set<std::vector<std::uint8_t>> in_batch;
    std::vector<std::string> added;
    for (const auto& s : states) {
      std::vector<std::uint32_t> n(par.node_count());
      const std::uint32_t found = par.lookup(s.data(), n.data());
      const auto it = oracle.ids.find(Oracle::key(s));
      REQUIRE(found == (it == oracle.ids.end() ? StateStore::kNone : it->second));
      if (found != StateStore::kNone || !in_batch.insert(s).second) continue;
      nodes.push_back(std::move(n));
      pending.push_back({s.data(), nullptr, 0, 0});
      added.push_back(Oracle::key(s));
    }
    if (pending.empty()) continue;
    const std::uint32_t first = par.reserve(static_cast<std::uint32_t>(pending.size()));
    for (std::size_t k = 0; k < pending.size(); ++k) {
      pending[k].nodes = nodes[k].data();
      pending[k].id = first + static_cast<std::uint32_t>(k);
      oracle.ids.emplace(added[k], pending[k].id);
      oracle.by_id.push_back(added[k]);
    }
    place_in_parallel(par, workers, pending);
    for (std::size_t k = 0; k < pending.size(); ++k) REQUIRE(nodes[k].back() == pending[k].id);
  }
  REQUIRE(par.size() == oracle.by_id.size());
  std::vector<std::uint8_t> out(size);
  for (std::uint32_t id = 0; id < par.size(); ++id) {
    par.decode(id, out.data());
    REQUIRE(Oracle::key(out) == oracle.by_id[id]);
    REQUIRE(par.find(out.data()) == id);
  }
}

// ------------------------------------------------------------------ bytes (issue 6, item 3)

TEST_CASE("state store: an empty store is small, even with many leaves", "[checker][store]") {
  // A kernel-sized state: 248 bytes in nine parts (9 leaves). Each table used to start with 16
  // shards and a bucket each (~2 KiB per table, ~40 KiB here).
  StateStore store(248, {24, 48, 72, 96, 120, 152, 184, 216}, false);
  CHECK(store.leaf_count() >= 8);
  INFO("empty store: " << store.bytes() << " bytes");
  CHECK(store.bytes() <= 4096);
  const std::vector<std::uint8_t> s(248, 7);
  store.insert(s.data(), StateStore::kNone);
  INFO("one state: " << store.bytes() << " bytes");
  CHECK(store.bytes() <= 8192);
}

TEST_CASE("intern table: an entry costs its shard, not all shards", "[checker][store]") {
  InternTable t(8);
  const std::uint64_t empty = t.bytes();
  CHECK(empty <= 256);
  // Entries in k distinct shards cost about k shards: the cost grows with the shards used.
  std::vector<std::uint64_t> by_shards;
  std::set<unsigned> used;
  for (std::uint64_t i = 0; used.size() < InternTable::kShards; ++i) {
    std::uint8_t e[8];
    std::memcpy(e, &i, 8);
    const std::uint64_t h = hash_bytes(e, 8);
    if (used.count(InternTable::shard_of(h))) continue;
    used.insert(InternTable::shard_of(h));
    t.intern(e, h);
    by_shards.push_back(t.bytes() - empty);
  }
  INFO("1 shard: " << by_shards.front() << " bytes, 16 shards: " << by_shards.back());
  CHECK(by_shards.front() <= 256);
  CHECK(by_shards.back() >= 12 * by_shards.front());  // about linear in the shards used,
  CHECK(by_shards.back() <= 16 * by_shards.front());  // nothing for the others
}

TEST_CASE("state store: a wide root stores correlated halves in a few bytes", "[checker][store]") {
  // Four 8-byte leaves, each one of 16 values, all combinations (65536 states): the root's two
  // children (pairs of leaves) are 256 each, but the root packs its four kids' indices (a few
  // bits each) instead of a pair of 32-bit indices: about 3 bytes of root and ~7 of index.
  StateStore store(32, {8, 16, 24}, false);
  const std::uint64_t n = 16 * 16 * 16 * 16;
  std::vector<std::uint8_t> s(32);
  for (std::uint64_t i = 0; i < n; ++i) {
    for (std::size_t leaf = 0; leaf < 4; ++leaf) {
      const std::uint64_t v = ((i >> (4 * leaf)) & 15) * 0x9E3779B97F4A7C15ull;
      std::memcpy(s.data() + 8 * leaf, &v, 8);
    }
    REQUIRE(store.insert(s.data(), 0).id == i);
  }
  const double per = double(store.bytes()) / double(n);
  INFO(per << " bytes/state");
  CHECK(per <= 11.0);  // a pair root (8 bytes) plus its index was ~15
  std::vector<std::uint8_t> out(32);
  for (std::uint32_t id = 0; id < n; id += 251) {
    store.decode(id, out.data());
    REQUIRE(store.find(out.data()) == id);
  }
}

TEST_CASE("state store: n states of a toy layout stay under a computed bound", "[checker][store]") {
  // Structured{4}: 18-byte states, 5 leaves (globals + 4 threads). Per state: the root (3 kids
  // of a few bits each: ~3 bytes) and its index slot (5 bytes at load >= 0.73: <= 6.9); the
  // tables hold only the distinct blocks and pairs of blocks (a few hundred entries), and the
  // fixed cost is small. The flat root (8-byte pair, 16 KiB chunks, preallocated shards) cost
  // ~15 bytes per state and ~40 KiB more.
  const Structured st{4};
  for (std::uint64_t n : {1000ull, 30000ull, 200000ull}) {
    StateStore store(st.size(), st.bounds(), false);
    for (std::uint64_t i = 0; i < n; ++i) store.insert(st.make(i).data(), 0);
    const std::uint64_t bound = n * 12 + 16 * 1024;
    INFO(n << " states: " << store.bytes() << " bytes, bound " << bound);
    CHECK(store.bytes() <= bound);
  }
}

TEST_CASE("state store: growth_bound bounds every batch's growth", "[checker][store]") {
  std::mt19937_64 rng(99);
  for (const bool parents : {false, true}) {
    const Structured st{5};
    StateStore store(st.size(), st.bounds(), parents);
    std::uint64_t next = 0;
    for (int batch = 0; batch < 40; ++batch) {
      const std::uint64_t n = 1 + rng() % (batch < 20 ? 100 : 20000);
      const std::uint64_t before = store.bytes(), bound = store.growth_bound(n);
      for (std::uint64_t i = 0; i < n; ++i) store.insert(st.make(next++).data(), 0);
      INFO("batch " << batch << " of " << n << ": " << before << " + " << bound << " vs "
                    << store.bytes());
      REQUIRE(store.bytes() <= before + bound);
    }
  }
}

TEST_CASE("state store: roots wider than one 8-byte load stay exact", "[checker][store]") {
  // Four 8-byte leaves, all new in every state: each kid index needs ~17 bits, a root ~70 (read
  // with a 16-byte load at a bit offset), and chunks are repacked as the indices grow.
  StateStore store(32, {8, 16, 24}, true);
  const std::uint64_t n = 150000;
  auto make = [](std::uint64_t i) {
    std::vector<std::uint8_t> s(32);
    for (std::uint64_t leaf = 0; leaf < 4; ++leaf) {
      const std::uint64_t v = (i + 1) * 0x9E3779B97F4A7C15ull ^ (leaf << 60);
      std::memcpy(s.data() + 8 * leaf, &v, 8);
    }
    return s;
  };
  for (std::uint64_t i = 0; i < n; ++i)
    REQUIRE(store.insert(make(i).data(), static_cast<std::uint32_t>(i / 3)).id == i);
  std::vector<std::uint8_t> out(32);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto s = make(i);
    REQUIRE(store.find(s.data()) == i);
    store.decode(static_cast<std::uint32_t>(i), out.data());
    REQUIRE(out == s);
    REQUIRE(store.parent(static_cast<std::uint32_t>(i)) == i / 3);
  }
}

// The sequential search's incremental path (decode_hint, find_hinted and its batch,
// insert_found: a successor's lookup carried to its insert) gives the ids of plain insert(), also
// when other states, equal successors among them, were inserted between a lookup and its insert.
TEST_CASE("state store: find_hinted + insert_found equal insert", "[checker][store]") {
  std::mt19937_64 rng(11);
  for (const std::size_t size : {std::size_t{22}, std::size_t{300}}) {
    INFO("state size " << size);
    const std::vector<std::uint32_t> bounds{2, 6, 10, 14, 18};
    StateStore plain(size, bounds, false), carried(size, bounds, false);
    std::vector<std::uint8_t> init(size, 0);
    REQUIRE(plain.insert(init.data(), StateStore::kNone).id == 0);
    REQUIRE(carried.insert(init.data(), StateStore::kNone).id == 0);
    std::vector<std::uint8_t> parent(size);
    struct Succ {
      std::vector<std::uint8_t> bytes;
      std::vector<std::uint32_t> nodes;
      std::uint32_t found;
      std::size_t at_size;
    };
    std::uint64_t carried_new = 0, stale = 0;
    for (int op = 0; op < 4000; ++op) {
      const auto p = static_cast<std::uint32_t>(rng() % carried.size());
      carried.decode_hint(p, parent.data());
      std::vector<std::uint8_t> check(size);
      plain.decode(p, check.data());
      REQUIRE(check == parent);
      std::vector<Succ> succ(1 + rng() % 4);
      for (std::size_t i = 0; i < succ.size(); ++i) {
        // Successors of one state: a few bytes changed; sometimes a copy of an earlier one.
        succ[i].bytes = i > 0 && rng() % 4 == 0 ? succ[i - 1].bytes : parent;
        if (succ[i].bytes == parent || rng() % 2 == 0)
          for (unsigned c = 0; c < 1 + rng() % 3; ++c)
            succ[i].bytes[rng() % size] = static_cast<std::uint8_t>(rng() % 4);
        succ[i].nodes.resize(carried.node_count());
        succ[i].found = carried.find_hinted(succ[i].bytes.data(), succ[i].nodes.data());
        succ[i].at_size = carried.size();
        REQUIRE(succ[i].found == plain.find(succ[i].bytes.data()));
      }
      // The batched lookup (its roots' misses overlapped) gives the same ids and nodes.
      std::vector<const std::uint8_t*> states;
      std::vector<std::vector<std::uint32_t>> nodes(succ.size(),
                                                    std::vector<std::uint32_t>(carried.node_count()));
      std::vector<std::uint32_t*> node_ptrs;
      for (std::size_t i = 0; i < succ.size(); ++i) {
        states.push_back(succ[i].bytes.data());
        node_ptrs.push_back(nodes[i].data());
      }
      std::vector<std::uint32_t> found(succ.size());
      carried.find_hinted_batch(succ.size(), states.data(), node_ptrs.data(), found.data());
      for (std::size_t i = 0; i < succ.size(); ++i) {
        REQUIRE(found[i] == succ[i].found);
        REQUIRE(nodes[i] == succ[i].nodes);
      }
      for (Succ& s : succ) {
        const auto a = plain.insert(s.bytes.data(), p);
        const auto b =
            carried.insert_found(s.bytes.data(), p, s.nodes.data(), s.found, s.at_size);
        REQUIRE(a.id == b.id);
        REQUIRE(a.inserted == b.inserted);
        if (b.inserted) ++carried_new;
        if (s.at_size != carried.size() - (b.inserted ? 1 : 0)) ++stale;
      }
    }
    REQUIRE(plain.size() == carried.size());
    REQUIRE(carried_new > 1000);  // the test exercises both paths
    REQUIRE(stale > 100);
    std::vector<std::uint8_t> a(size), b(size);
    for (std::uint32_t id = 0; id < plain.size(); ++id) {
      plain.decode(id, a.data());
      carried.decode(id, b.data());
      REQUIRE(a == b);
    }
  }
}

// equal_bytes() (the store's leaf and node comparisons, inlined for the common widths) agrees
// with memcmp for every width up to 72 and a difference at every position.
TEST_CASE("hash: equal_bytes agrees with memcmp", "[checker][store]") {
  std::mt19937_64 rng(5);
  for (std::size_t n = 0; n <= 72; ++n) {
    std::vector<std::uint8_t> a(n + 1), b;
    for (auto& x : a) x = static_cast<std::uint8_t>(rng());
    b = a;
    REQUIRE(equal_bytes(a.data(), b.data(), n));
    for (std::size_t i = 0; i < n; ++i) {
      b = a;
      b[i] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      INFO("width " << n << ", byte " << i);
      REQUIRE_FALSE(equal_bytes(a.data(), b.data(), n));
    }
    b = a;
    b[n] ^= 1;  // beyond the width: not compared
    REQUIRE(equal_bytes(a.data(), b.data(), n));
  }
}
