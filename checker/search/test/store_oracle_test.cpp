// The whole search against a plain std::unordered_set of states (issue 17): on toy systems and
// seeded random models, `search` with `all` (no reduction, BFS and DFS, -j 1/2/3) stores exactly
// as many states, and counts as many transitions, as a plain BFS over an unordered_set of state
// bytes that applies the search's rules — a state that violates an invariant is stored but not
// expanded, a fatal transition is counted and not followed. The -j 2/3 runs also give the -j 1
// counterexamples (require_identical), and so does the sequential search with its pipeline off
// (one expansion at a time), with and without `all` and the non-termination pass. The store-level comparison, state by state and with a
// dropped insert that must fail it, is checker/store/test/store_oracle_test.cpp. The same
// comparison runs on every routine example of at most 10,000 states.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/system/program_system.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"
#include "model/exec.hpp"
#include "properties/table.hpp"

using namespace pcmc;
using namespace pcmc::checker;

namespace {

struct Counts {
  std::uint64_t states = 0, transitions = 0;
  bool too_large = false;
};

struct Collect final : TransitionSink {
  std::size_t size = 0;
  std::uint64_t transitions = 0;
  std::vector<std::string> out;
  void on_transition(const Transition& t) override {
    ++transitions;
    if (!t.fatal) out.emplace_back(reinterpret_cast<const char*>(t.state), size);
  }
};

Counts plain_counts(const TransitionSystem& sys, std::size_t cap) {
  Counts c;
  std::unordered_set<std::string> seen;
  std::vector<std::string> queue(1, std::string(sys.state_size(), '\0'));
  sys.initial_state(reinterpret_cast<std::uint8_t*>(queue[0].data()));
  seen.insert(queue[0]);
  const auto ctx = sys.make_context();
  std::vector<Report> reports;
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const auto* s = reinterpret_cast<const std::uint8_t*>(queue[next].data());
    reports.clear();
    sys.check_state(s, *ctx, reports);
    if (!reports.empty()) continue;  // stored, not expanded
    Collect col;
    col.size = sys.state_size();
    for (unsigned t = 0; t < sys.thread_count(); ++t) sys.successors(s, t, *ctx, col);
    c.transitions += col.transitions;
    for (std::string& x : col.out)
      if (seen.insert(x).second) queue.push_back(std::move(x));
    if (queue.size() > cap) {
      c.too_large = true;
      break;
    }
  }
  c.states = queue.size();
  return c;
}

// Whether the graph was small enough to compare (at most `cap` states).
bool check_system(const TransitionSystem& sys, std::size_t cap) {
  const Counts oracle = plain_counts(sys, cap);
  if (oracle.too_large) return false;
  SearchOptions o;
  o.all = true;
  o.liveness = false;
  const Result one = search(sys, o);
  CHECK(one.stats.states == oracle.states);
  CHECK(one.stats.transitions == oracle.transitions);
  for (unsigned workers : {2u, 3u}) {
    INFO("workers " << workers);
    SearchOptions p = o;
    p.workers = workers;
    const Result r = search(sys, p);
    CHECK(r.stats.states == oracle.states);
    test::require_identical(one, r);
  }
  // The sequential search's pipeline (search_pipeline.cpp) against one expansion at a time, in
  // both modes and with the non-termination pass: the same result, counterexamples included.
  for (const bool all : {true, false})
    for (const bool liveness : {false, true}) {
      INFO("pipeline off, all " << all << ", liveness " << liveness);
      SearchOptions on = o;
      on.all = all;
      on.liveness = liveness;
      SearchOptions off = on;
      off.pipeline = false;
      test::require_identical(search(sys, off), search(sys, on));
    }
  SearchOptions dfs = o;
  dfs.order = Order::DFS;
  const Result d = search(sys, dfs);
  CHECK(d.stats.states == oracle.states);
  CHECK(d.stats.transitions == oracle.transitions);
  return true;
}

}  // namespace

TEST_CASE("store oracle: toy systems, the search stores the unordered_set's states, -j 1/2/3",
          "[checker][store][parallel]") {
  using namespace toy;
  const ToySet toys;
  for (const TransitionSystem* sys : toys.all()) {
    INFO("toy system " << sys);
    check_system(*sys, 200000);
  }
}

TEST_CASE("store oracle: random models, the search stores the unordered_set's states, -j 1/2/3",
          "[checker][store][parallel]") {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    test::RandomModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    const model::Program p = test::compile_text(text);
    const model::Executor exec(p, model::ExecOptions{});
    const properties::PropertyTable table = properties::build_property_table(p);
    const ProgramSystem sys(exec, table);
    check_system(sys, 50000);
  }
}

// Every example of the routine corpus (B, CONFIG_DEBUG_VM off) whose graph has at most 10,000
// states: the search's states and transitions are the unordered_set's, under -j 1/2/3, DFS and
// the pipeline off. The corpus must not shrink to nothing: at least 40 are compared.
TEST_CASE("store oracle: every routine example, the search stores the unordered_set's states",
          "[checker][store][parallel]") {
  unsigned compared = 0;
  for (const std::string& file : test::of_tier(test::scenario_files(), test::Tier::routine)) {
    INFO("example " << file);
    const model::Program p = test::compile_file(file);
    const model::Executor exec(p, model::ExecOptions{});
    const properties::PropertyTable table = properties::build_property_table(p);
    const ProgramSystem sys(exec, table);
    if (check_system(sys, 10000)) ++compared;
  }
  CHECK(compared >= 40);
}
