// Parallel BFS (SearchOptions::workers > 1) gives exactly the sequential result: the same
// status, incomplete reason, counts and counterexamples (property, thread, pc, steps), with and
// without --all, shuffled orders and limits, with sleep sets (slept counts too); and memory
// limits hold (parallel_bfs.cpp).
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;
using pcmc::properties::PropertyClass;

namespace {

std::vector<SearchOptions> variants() {
  std::vector<SearchOptions> v;
  for (bool every : {false, true})
    for (std::uint64_t seed : {0ull, 5ull}) {
      SearchOptions o;
      o.all = every;
      o.shuffle_seed = seed;
      v.push_back(o);
      o.max_states = 7000;
      v.push_back(o);
      o.max_states = 0;
      o.max_depth = 40;
      v.push_back(o);
    }
  return v;
}

}  // namespace

TEST_CASE("parallel: lattice toy: the mixed properties are reachable", "[checker][parallel]") {
  const Lattice sys(30);
  const Result r = run(sys, all());
  CHECK(violated(r) == std::set<PropertyId>{kDeadlock, Lattice::kWarn, Lattice::kFatal, Lattice::kInv});
  CHECK(r.stats.states > 20000);  // more than one batch of 16384
}

TEST_CASE("parallel: 2 and 3 workers give the -j 1 result on toy models", "[checker][parallel]") {
  const ToySet toys;
  for (const TransitionSystem* sys : toys.all()) {
    int k = 0;
    for (SearchOptions o : variants()) {
      INFO("system " << sys << ", options variant " << k++);
      const Result base = run(*sys, o);
      for (unsigned w : {2u, 3u}) {
        INFO("workers " << w);
        o.workers = w;
        require_identical(base, run(*sys, o));
      }
    }
  }
}

// Sleep sets (sleep_sets.hpp), alone and with ample sets, over several parallel batches (more
// than 16384 states: levels span batches, and batches are cut at level boundaries), with limits
// and shuffled orders: -j 2 and 3 give the -j 1 result, slept included.
TEST_CASE("parallel: sleep sets: 2 and 3 workers give the -j 1 result",
          "[checker][parallel][sleep]") {
  const FootprintCounters sys(3, 30);  // 31^3 = 29791 states
  for (const bool por : {false, true})
    for (const std::uint64_t seed : {0ull, 5ull})
      for (const std::uint64_t cap : {0ull, 7000ull}) {
        INFO("por " << por << ", shuffle " << seed << ", max_states " << cap);
        SearchOptions o;
        o.all = true;
        o.liveness = false;
        o.sleep = true;
        o.por = por;
        o.shuffle_seed = seed;
        o.max_states = cap;
        const Result base = run(sys, o);
        CHECK(base.stats.sleep);
        if (cap == 0 && !por) CHECK(base.stats.states == 29791);
        for (const unsigned w : {2u, 3u}) {
          INFO("workers " << w);
          o.workers = w;
          const Result r = run(sys, o);
          require_identical(base, r);
          CHECK(r.stats.slept == base.stats.slept);
        }
      }
}

TEST_CASE("parallel: 2 workers keep memory limits: incomplete, within the limit", "[checker][parallel]") {
  const TwoCounters sys(400);  // 160801 states
  SearchOptions o;
  o.workers = 2;
  o.max_memory = 1 << 20;
  const Result r = search(sys, o);
  CHECK(r.status == Status::Incomplete);
  CHECK(r.incomplete_reason == "memory limit 1048576 bytes reached");
  CHECK(r.stats.store_bytes <= o.max_memory);
  CHECK(r.stats.states > 1000);
}

TEST_CASE("parallel: 2 workers stop on interrupt", "[checker][parallel]") {
  const TwoCounters sys(100);
  std::atomic<bool> stop{true};
  SearchOptions o;
  o.workers = 2;
  o.interrupt = &stop;
  const Result r = search(sys, o);
  CHECK(r.status == Status::Incomplete);
  CHECK(r.incomplete_reason == "interrupted");
  CHECK(r.stats.states == 1);
}

namespace {

// Counters whose expansion of one state deep in the search throws, as a model's internal error
// would: on whichever worker it happens, the parallel search must end and rethrow it.
class ThrowingCounters final : public FootprintCounters {
 public:
  ThrowingCounters() : FootprintCounters(2, 150) {}
  unsigned successors(const std::uint8_t* s, unsigned t, Context& ctx,
                      TransitionSink& sink) const override {
    const CountersState st = get(s);
    if (st.c[0] == 120 && st.c[1] == 77) throw std::logic_error("toy: broken state");
    return FootprintCounters::successors(s, t, ctx, sink);
  }
  bool supports_por() const override { return false; }
};

}  // namespace

TEST_CASE("parallel: a worker's exception ends the search and is rethrown", "[checker][parallel]") {
  const ThrowingCounters sys;
  for (const unsigned workers : {1u, 2u, 3u}) {
    INFO(workers << " workers");
    SearchOptions o;
    o.liveness = false;
    o.workers = workers;
    CHECK_THROWS_WITH(run(sys, o), "toy: broken state");
  }
}
