// The non-termination pass walks the edges the BFS logged (SearchOptions::log_edges, liveness.hpp
// EdgeLog) instead of regenerating them. Its off mode is the oracle: on random single-thread
// graphs (every cycle is fair), on the looping examples and on the kernel scenarios with retry
// loops, the logged and the regenerated pass give the same verdict and the same lasso, with one
// worker and with two.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/test_util.hpp"
#include "checker/testing/toy_models.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using namespace pcmc::checker;
using namespace pcmc::checker::toy;
using namespace pcmc::checker::test;

namespace {

void require_same(const Result& a, const Result& b) {
  CHECK(a.status == b.status);
  CHECK(a.stats.states == b.stats.states);
  REQUIRE(a.violations.size() == b.violations.size());
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    CHECK(a.violations[i].property == b.violations[i].property);
    CHECK(a.violations[i].loop_start == b.violations[i].loop_start);
    CHECK(a.violations[i].thread == b.violations[i].thread);
    CHECK(path(a.violations[i]) == path(b.violations[i]));
  }
}

std::uint64_t next(std::uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

}  // namespace

TEST_CASE("liveness: the edge log and regenerated edges agree on random graphs", "[checker]") {
  unsigned cyclic = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull;
    GraphSpec g;
    const std::uint32_t nodes = 2 + static_cast<std::uint32_t>(next(x) % 11);
    const std::uint32_t edges = static_cast<std::uint32_t>(next(x) % (2 * nodes + 1));
    for (std::uint32_t e = 0; e < edges; ++e)
      g.edges.push_back({static_cast<std::uint32_t>(next(x) % nodes),
                         static_cast<std::uint32_t>(next(x) % nodes)});
    const Graph sys(g);
    INFO("seed " << seed);
    SearchOptions logged, regenerated;
    regenerated.log_edges = false;
    const Result a = run(sys, logged);
    require_same(a, run(sys, regenerated));
    logged.workers = 2;
    require_same(a, run(sys, logged));
    if (!a.violations.empty()) ++cyclic;
  }
  CHECK(cyclic >= 50);  // the graphs do have reachable cycles
}

static void edge_log_agrees(const std::vector<std::string>& files) {
  for_each_expected_run(files, [&](const std::string& file, const model::ast::Model& ast,
                                   const model::SourceManager& sm,
                                   const properties::RunSpec& spec) {
    INFO(file << " " << spec.label());
    SearchOptions logged;
    logged.all = true;
    SearchOptions regenerated = logged;
    regenerated.log_edges = false;
    const VariantRun a = run_variant(ast, sm, spec.defines, spec.debug_vm, logged);
    const VariantRun b = run_variant(ast, sm, spec.defines, spec.debug_vm, regenerated);
    require_same(a.result, b.result);
    logged.workers = 2;
    require_same(a.result, run_variant(ast, sm, spec.defines, spec.debug_vm, logged).result);
  });
}

TEST_CASE("liveness: the edge log and regenerated edges agree on the looping examples",
          "[checker]") {
  edge_log_agrees({PCMC_SOURCE_DIR + "/examples/basics/livelock.pcm",
                   PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm",
                   PCMC_SOURCE_DIR + "/examples/seed/r5-fuse.pcm"});
}

// C-R2 (its F1+F3 variants deadlock through the rollback) is in the corpus's long tier.
TEST_CASE("liveness: the edge log and regenerated edges agree on C-R2 (long tier)",
          "[checker][long]") {
  edge_log_agrees({PCMC_SOURCE_DIR + "/examples/seed/c-r2.pcm"});
}

// The log is a speed-up only: under a memory limit that fits the search and the pass but not
// the log, the log is dropped (the pass regenerates the edges) and the result stays the same.
TEST_CASE("liveness: a memory limit drops the edge log, not the verdict", "[checker]") {
  GraphSpec g;  // a ring of 300 nodes with chords: a cyclic SCC, 900 edges
  for (std::uint32_t v = 0; v < 300; ++v) {
    g.edges.push_back({v, (v + 1) % 300});
    g.edges.push_back({v, (v + 7) % 300});
    g.edges.push_back({v, (v * 13 + 5) % 300});
  }
  const Graph sys(g);
  const Result unlimited = run(sys);
  REQUIRE(unlimited.stats.edge_log);
  REQUIRE(unlimited.violations.size() == 1);
  bool dropped = false;
  for (std::uint64_t mem = 1024; mem < (1u << 20) && !dropped; mem += 64) {
    SearchOptions o;
    o.max_memory = mem;
    const Result r = run(sys, o);
    if (!r.incomplete_reason.empty()) continue;  // the search or the pass did not fit
    INFO("max_memory " << mem);
    require_same(unlimited, r);
    dropped = !r.stats.edge_log;
    if (r.stats.edge_log) break;  // the log fits from here on: the window was missed
  }
  CHECK(dropped);
}
