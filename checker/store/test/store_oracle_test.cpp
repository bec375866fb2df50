// The exact store against a plain std::unordered_set of states (issue 17), on toy systems and
// seeded random models: a BFS that drives the store the way each search does — sequential
// insert(), the sequential search's batched lookups carried to the insert (decode_hint,
// find_hinted_batch, insert_found), the parallel search's batch rounds (lookup_near_batch,
// reserve, place with 1, 2 and 3 workers on threads) and the distributed receiver's chained
// lookups (lookup_chain_batch, insert_found) — must store exactly the oracle's states,
// under the oracle's ids (BFS discovery order), and decode each id to its bytes. Growth is forced
// on every run: every table, index and arena of the store starts empty and grows (by 1.25 for an
// index, in chunks from 4 entries for an arena), so the small models here rehash each index many
// times. A store with one dropped insert (StateStore::drop_index_for_tests), and one whose
// incremental lookups reuse the parent's leaf ids unchecked (reuse_leaves_for_tests), must fail
// the same comparison in every mode: the test can fail.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "checker/store/state_store.hpp"
#include "checker/system/program_system.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/toy_models.hpp"
#include "model/exec.hpp"
#include "properties/table.hpp"

using namespace pcmc;
using namespace pcmc::checker;

namespace {

using Bytes = std::string;

const std::uint8_t* u8(const Bytes& b) { return reinterpret_cast<const std::uint8_t*>(b.data()); }

// The targets of a state's non-fatal transitions, in expansion order (thread, then index).
struct Collect final : TransitionSink {
  std::size_t size = 0;
  std::vector<Bytes> out;
  void on_transition(const Transition& t) override {
    if (!t.fatal) out.emplace_back(reinterpret_cast<const char*>(t.state), size);
  }
};

std::vector<Bytes> successors(const TransitionSystem& sys, Context& ctx, const Bytes& s) {
  Collect c;
  c.size = sys.state_size();
  for (unsigned t = 0; t < sys.thread_count(); ++t) sys.successors(u8(s), t, ctx, c);
  return std::move(c.out);
}

Bytes initial(const TransitionSystem& sys) {
  Bytes b(sys.state_size(), '\0');
  sys.initial_state(reinterpret_cast<std::uint8_t*>(b.data()));
  return b;
}

// The oracle: a plain BFS over an unordered_set of the states' bytes; ids in discovery order.
struct Reachable {
  std::vector<Bytes> by_id;
  bool too_large = false;
};

Reachable plain_bfs(const TransitionSystem& sys, std::size_t cap) {
  Reachable r;
  std::unordered_set<Bytes> seen;
  const auto ctx = sys.make_context();
  r.by_id.push_back(initial(sys));
  seen.insert(r.by_id[0]);
  for (std::size_t next = 0; next < r.by_id.size(); ++next) {
    for (Bytes& s : successors(sys, *ctx, Bytes(r.by_id[next])))
      if (seen.insert(s).second) r.by_id.push_back(std::move(s));
    if (r.by_id.size() > cap) {
      r.too_large = true;
      break;
    }
  }
  return r;
}

enum class Mode { Insert, Hinted, Parallel, Chained };

struct Drive {
  Mode mode;
  unsigned workers = 1;  // Parallel: placement threads; Chained: records per group
  std::size_t batch = 1; // Parallel, Chained: states expanded per round
};

std::string name(const Drive& d) {
  if (d.mode == Mode::Insert) return "insert";
  if (d.mode == Mode::Hinted) return "find_hinted_batch + insert_found";
  if (d.mode == Mode::Chained)
    return "lookup_chain_batch + insert_found, groups of " + std::to_string(d.workers) +
           ", batch " + std::to_string(d.batch);
  return "parallel rounds, " + std::to_string(d.workers) + " workers, batch " +
         std::to_string(d.batch);
}

// The parallel search's round: the distinct new states of a batch are reserved ids in order and
// placed round by round, each round on `workers` threads (joining them is the barrier).
struct Fresh {
  Bytes bytes;
  std::vector<std::uint32_t> nodes;
  std::uint32_t parent;
};

void place_all(StateStore& store, std::vector<Fresh>& fresh, unsigned workers) {
  if (fresh.empty()) return;
  const std::uint32_t first = store.reserve(static_cast<std::uint32_t>(fresh.size()));
  std::vector<StateStore::Pending> items;
  for (std::size_t k = 0; k < fresh.size(); ++k)
    items.push_back({u8(fresh[k].bytes), fresh[k].nodes.data(),
                     first + static_cast<std::uint32_t>(k), fresh[k].parent});
  for (unsigned r = 0; r < store.place_rounds(); ++r) {
    if (workers == 1) {
      store.place(r, 0, 1, items);
      continue;
    }
    std::vector<std::thread> ts;
    for (unsigned w = 0; w < workers; ++w)
      ts.emplace_back([&, w] { store.place(r, w, workers, items); });
    for (std::thread& t : ts) t.join();
  }
  fresh.clear();
}

// The distributed search's receiver (partitioned_bfs.cpp): records in groups of `group`, each
// looked up near the record before it (lookup_chain_batch), then stored in order (insert_found);
// the last record stored, its nodes completed by the insert, is the next group's near state,
// also across calls; the very first record is looked up whole. Each lookup must equal find().
struct ChainNear {
  Bytes state;
  std::vector<std::uint32_t> nodes;
};

void chain_insert(StateStore& store, const std::vector<Bytes>& records, std::size_t group,
                  ChainNear& near, bool faultless) {
  const std::size_t nc = store.node_count();
  std::size_t i = 0;
  if (near.nodes.empty() && !records.empty()) {
    near.nodes.resize(nc);
    near.state = records[0];
    const std::size_t at = store.size();
    const std::uint32_t found = store.lookup(u8(records[0]), near.nodes.data());
    near.nodes[nc - 1] =
        store.insert_found(u8(records[0]), StateStore::kNone, near.nodes.data(), found, at).id;
    i = 1;
  }
  for (; i < records.size(); i += group) {
    const std::size_t m = std::min(group, records.size() - i);
    std::vector<std::vector<std::uint32_t>> nodes(m, std::vector<std::uint32_t>(nc));
    std::vector<const std::uint8_t*> states;
    std::vector<std::uint32_t*> np;
    for (std::size_t k = 0; k < m; ++k) {
      states.push_back(u8(records[i + k]));
      np.push_back(nodes[k].data());
    }
    std::vector<std::uint32_t> found(m);
    store.lookup_chain_batch(m, states.data(), np.data(), u8(near.state), near.nodes.data(),
                             found.data());
    if (faultless)  // a fault (a dropped index, reused leaves) makes find() differ on purpose
      for (std::size_t k = 0; k < m; ++k) CHECK(found[k] == store.find(states[k]));
    const std::size_t at = store.size();
    for (std::size_t k = 0; k < m; ++k)
      np[k][nc - 1] = store.insert_found(states[k], StateStore::kNone, np[k], found[k], at).id;
    near = ChainNear{records[i + m - 1], nodes[m - 1]};
  }
}

// BFS of `sys` through the store, driven as `d` says; the state placed under id `drop` is not
// indexed (fault injection; kNone: none); `reuse`: incremental lookups reuse the near state's
// leaf ids unchecked (fault injection: StateStore::reuse_leaves_for_tests).
std::unique_ptr<StateStore> store_bfs(const TransitionSystem& sys, const Drive& d,
                                      std::uint32_t drop, std::size_t cap, bool reuse = false) {
  auto store = std::make_unique<StateStore>(sys.state_size(), sys.state_parts(),
                                            d.mode == Mode::Insert);
  store->drop_index_for_tests(drop);
  store->reuse_leaves_for_tests(reuse);
  const auto ctx = sys.make_context();
  const std::size_t nc = store->node_count();
  Bytes cur(sys.state_size(), '\0');
  auto* cur8 = reinterpret_cast<std::uint8_t*>(cur.data());
  std::vector<Fresh> fresh{{initial(sys), std::vector<std::uint32_t>(nc), StateStore::kNone}};
  if (d.mode == Mode::Parallel) {
    store->lookup(u8(fresh[0].bytes), fresh[0].nodes.data());
    place_all(*store, fresh, d.workers);
  } else {
    store->insert(u8(fresh[0].bytes), StateStore::kNone);
    fresh.clear();
  }
  std::vector<std::uint32_t> near(nc);
  ChainNear chain_near;
  for (std::size_t next = 0; next < store->size() && store->size() <= cap;) {
    const bool batched = d.mode == Mode::Parallel || d.mode == Mode::Chained;
    const std::size_t end = batched ? std::min(store->size(), next + d.batch) : next + 1;
    if (d.mode == Mode::Chained) {
      std::vector<Bytes> records;  // the successors of the batch's states, in order
      for (; next < end; ++next) {
        store->decode(static_cast<std::uint32_t>(next), cur8);
        for (Bytes& s : successors(sys, *ctx, cur)) records.push_back(std::move(s));
      }
      chain_insert(*store, records, d.workers, chain_near, drop == StateStore::kNone && !reuse);
      continue;
    }
    std::unordered_map<Bytes, std::size_t> in_batch;  // Parallel: new states of this batch
    for (; next < end; ++next) {
      const auto id = static_cast<std::uint32_t>(next);
      if (d.mode == Mode::Insert) {
        store->decode(id, cur8);
        for (const Bytes& s : successors(sys, *ctx, cur)) store->insert(u8(s), id);
        continue;
      }
      if (d.mode == Mode::Hinted) store->decode_hint(id, cur8);
      else store->decode_nodes(id, cur8, near.data());
      const std::vector<Bytes> succ = successors(sys, *ctx, cur);
      const std::size_t n = succ.size();
      if (n == 0) continue;
      std::vector<std::vector<std::uint32_t>> nodes(n, std::vector<std::uint32_t>(nc));
      std::vector<const std::uint8_t*> states;
      std::vector<std::uint32_t*> np;
      for (std::size_t i = 0; i < n; ++i) {
        states.push_back(u8(succ[i]));
        np.push_back(nodes[i].data());
      }
      std::vector<std::uint32_t> found(n);
      if (d.mode == Mode::Hinted) {
        store->find_hinted_batch(n, states.data(), np.data(), found.data());
        const std::size_t at = store->size();
        for (std::size_t i = 0; i < n; ++i)
          store->insert_found(states[i], id, np[i], found[i], at);
        continue;
      }
      store->lookup_near_batch(n, states.data(), np.data(), cur8, near.data(), found.data());
      for (std::size_t i = 0; i < n; ++i)
        if (found[i] == StateStore::kNone && in_batch.emplace(succ[i], fresh.size()).second)
          fresh.push_back({succ[i], nodes[i], id});
    }
    place_all(*store, fresh, d.workers);
  }
  return store;
}

// "" when the store holds exactly the oracle's states under the oracle's ids; else the first
// difference.
std::string compare(const Reachable& oracle, const StateStore& store) {
  if (store.size() != oracle.by_id.size())
    return "store holds " + std::to_string(store.size()) + " states, the oracle " +
           std::to_string(oracle.by_id.size());
  Bytes out(store.state_size(), '\0');
  for (std::uint32_t id = 0; id < oracle.by_id.size(); ++id) {
    if (store.find(u8(oracle.by_id[id])) != id) return "state " + std::to_string(id) + " not found";
    store.decode(id, reinterpret_cast<std::uint8_t*>(out.data()));
    if (out != oracle.by_id[id]) return "state " + std::to_string(id) + " decodes wrong";
  }
  return "";
}

const std::vector<Drive>& drives() {
  static const std::vector<Drive> d{{Mode::Insert},
                                    {Mode::Hinted},
                                    {Mode::Parallel, 1, 1},
                                    {Mode::Parallel, 2, 61},
                                    {Mode::Parallel, 3, 256},
                                    {Mode::Chained, 1, 1},
                                    {Mode::Chained, 5, 7},
                                    {Mode::Chained, 40, 64}};
  return d;
}

// Every drive stores the oracle's states; with a dropped insert every drive differs from it.
void check_system(const TransitionSystem& sys, std::size_t cap) {
  const Reachable oracle = plain_bfs(sys, cap);
  if (oracle.too_large) return;
  for (const Drive& d : drives()) {
    INFO(name(d) << ", " << oracle.by_id.size() << " states");
    CHECK(compare(oracle, *store_bfs(sys, d, StateStore::kNone, cap)) == "");
    if (oracle.by_id.size() > 2) {
      const auto dropped = static_cast<std::uint32_t>(oracle.by_id.size() / 2);
      CHECK(compare(oracle, *store_bfs(sys, d, dropped, 4 * cap)) != "");
    }
    // Every drive looks successors up incrementally from their parent (insert() from its hint):
    // a wrong reused leaf id loses states, and the comparison says so.
    if (oracle.by_id.size() > 1)
      CHECK(compare(oracle, *store_bfs(sys, d, StateStore::kNone, 4 * cap, true)) != "");
  }
}

}  // namespace

TEST_CASE("store oracle: toy systems, every drive equals an unordered_set, a dropped insert "
          "fails it",
          "[checker][store]") {
  using namespace toy;
  const ToySet toys;
  const Counter counter(3000);
  std::vector<const TransitionSystem*> systems = toys.all();
  systems.push_back(&counter);
  for (const TransitionSystem* sys : systems) {
    INFO("toy system " << sys);
    check_system(*sys, 200000);
  }
}

TEST_CASE("store oracle: random models, every drive equals an unordered_set, a dropped insert "
          "fails it",
          "[checker][store]") {
  unsigned checked = 0;
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    test::RandomModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    const model::Program p = test::compile_text(text);
    const model::Executor exec(p, model::ExecOptions{});
    const properties::PropertyTable table = properties::build_property_table(p);
    const ProgramSystem sys(exec, table);
    check_system(sys, 50000);
    ++checked;
  }
  CHECK(checked == 25);
}
