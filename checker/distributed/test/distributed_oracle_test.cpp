// The distributed search against the sequential one (docs/distributed.md): on every routine-tier
// example (every variant and mode its expect blocks name; first-violation mode and --all), on
// seeded random models (also with symmetry) and under limits, `mpirun -np N` gives exactly what
// -j 1 gives with the same options (POR and sleep sets off, which the distributed search does not
// apply): verdict, incomplete reason, state / transition / end-state / exists counts, depth, the
// violated properties and every counterexample step by step (walked back over the ranks' parent
// links: deep ones cross between ranks many times). Runs over kStateCap states stop where -j 1
// stops at the state limit, inside a level (exactly -j 1's counts again). Every rank runs every case; rank 0 runs the sequential search and compares, and
// every rank checks that it got the same result as rank 0 (a digest broadcast). ctest runs the
// example corpus with 2 ranks and the rest with 2 and 3 (checker/CMakeLists.txt: suite time).
#include <catch2/catch.hpp>

#include <mpi.h>

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "checker/distributed/distributed_search.hpp"
#include "checker/distributed/mpi_world.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

constexpr std::uint64_t kStateCap = 6000;  // the suite's time: 20 000 cost ~1 min more

int rank() { return distributed::World::current()->rank(); }
int ranks() { return distributed::World::current()->size(); }

// Everything -j 1 and the distributed search must agree on, as one string.
std::string digest(const checker::VariantRun& r) {
  const checker::Result& x = r.result;
  std::string d = "status " + std::to_string(static_cast<int>(x.status)) + "; reason '" +
                  x.incomplete_reason + "'; states " + std::to_string(x.stats.states) +
                  "; transitions " + std::to_string(x.stats.transitions) + "; end states " +
                  std::to_string(x.stats.end_states) + "; depth " +
                  std::to_string(x.stats.max_depth) + "; exhaustive " +
                  std::to_string(x.exhaustive) + "; exists";
  for (std::uint64_t e : x.stats.exists_each) d += " " + std::to_string(e);
  for (const auto& c : x.violations) {
    d += "; " + r.table.props.at(c.property).name + ":";
    for (const auto& s : c.steps) d += " " + std::to_string(s.thread) + "." + std::to_string(s.index);
  }
  return d;
}

std::string from_root(const std::string& s) {
  std::uint64_t n = s.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  std::string out = s;
  out.resize(n);
  MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD);
  return out;
}

// Runs `ast` distributed (collective) and, on rank 0, sequentially; requires the same digest.
// Returns the distributed run.
// `workers`: threads per rank in the distributed run (the sequential one has one).
checker::VariantRun oracle(const model::ast::Model& ast, const model::SourceManager& sm,
                           const std::vector<std::string>& defines, bool debug_vm,
                           checker::SearchOptions o, unsigned workers = 1) {
  o.liveness = false;
  o.por = o.sleep = false;
  checker::SearchOptions d = o;
  d.partitioned = distributed::distributed_search;
  d.workers = workers;
  checker::VariantRun dist = checker::run_variant(ast, sm, defines, debug_vm, d);
  const std::string mine = digest(dist);
  CHECK(mine == from_root(mine));  // every rank returns rank 0's result
  CHECK(dist.result.stats.ranks.size() == static_cast<std::size_t>(ranks()));
  if (dist.result.exhaustive) {
    std::uint64_t owned = 0;
    for (const auto& r : dist.result.stats.ranks) owned += r.states;
    CHECK(owned == dist.result.stats.states);  // each state stored by exactly one rank
  }
  if (rank() != 0) return dist;
  const checker::VariantRun seq = checker::run_variant(ast, sm, defines, debug_vm, o);
  CHECK(mine == digest(seq));
  return dist;
}

std::vector<std::string> example_files() {
  return checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::routine);
}

}  // namespace

TEST_CASE("distributed: every routine example, every expected variant, equals -j 1",
          "[distributed][corpus]") {
  const auto files = example_files();
  REQUIRE(files.size() >= 6);
  unsigned runs = 0;
  checker::test::for_each_expected_run(
      files, [&](const std::string&, const model::ast::Model& ast, const model::SourceManager& sm,
                 const properties::RunSpec& spec) {
        for (bool all : {false, true}) {
          INFO((all ? "--all" : "first violation"));
          checker::SearchOptions o;
          o.all = all;
          o.max_states = kStateCap;
          o.dead_vars = true;  // as `pcmc check` runs
          oracle(ast, sm, spec.defines, spec.debug_vm, o);
        }
        ++runs;
      });
  CHECK(runs >= checker::test::kRoutineRuns);
}

TEST_CASE("distributed: random models equal -j 1 (also with symmetry, a depth limit, -j 2 per rank)",
          "[distributed]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = seed % 4 == 0 ? gen.symmetric_source(seed) : gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    for (bool all : {false, true}) {
      checker::SearchOptions o;
      o.all = all;
      o.symmetry = seed % 4 == 0;
      // -j 2 inside each rank (hybrid) on every fourth model: the same result.
      const unsigned workers = seed % 4 == 2 ? 2 : 1;
      oracle(ast, sm, {}, false, o, workers);
      o.max_depth = 3;  // the depth limit: probes beyond it, "depth limit 3 reached"
      oracle(ast, sm, {}, false, o, workers);
    }
  }
}

TEST_CASE("distributed: deep counterexamples are walked back across ranks, as -j 1's",
          "[distributed]") {
  // c-r1 -D F1: an assertion after 31 steps (first-violation mode); c-r4-blk --all: three
  // properties, paths of 5, 45 and 57 steps. Their paths cross between the ranks many times
  // (a state's owner is a hash), and each is -j 1's step by step.
  struct Case {
    const char* file;
    std::vector<std::string> defines;
    bool all;
    std::size_t violations;
  };
  for (const Case& c : {Case{"/examples/seed/c-r1.pcm", {"F1"}, false, 1},
                        Case{"/examples/seed/c-r4-blk.pcm", {}, true, 3}}) {
    INFO(c.file);
    model::SourceManager sm;
    const model::ast::Model ast = checker::test::parse(sm, PCMC_SOURCE_DIR + c.file);
    checker::SearchOptions o;
    o.all = c.all;
    o.dead_vars = true;
    const checker::VariantRun r = oracle(ast, sm, c.defines, true, o, c.all ? 2 : 1);
    REQUIRE(r.result.violations.size() == c.violations);
    std::size_t steps = 0;
    for (const auto& v : r.result.violations) steps += v.steps.size();
    CHECK(steps >= 31);
    CHECK(r.result.stats.path_hops_across >= 4);
  }
}

TEST_CASE("distributed: limits end every rank with the same incomplete result", "[distributed]") {
  model::SourceManager sm;
  const model::ast::Model ast =
      checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/classic/peterson-n3.pcm");
  checker::SearchOptions o;
  o.liveness = false;
  o.partitioned = distributed::distributed_search;
  SECTION("a memory limit below one rank's first round: incomplete, naming a rank") {
    o.max_memory = 64 << 10;
    const checker::VariantRun r = checker::run_variant(ast, sm, {}, false, o);
    CHECK(r.result.status == checker::Status::Incomplete);
    CHECK(r.result.incomplete_reason.rfind("memory limit 65536 bytes reached on rank ", 0) == 0);
    CHECK(!r.result.exhaustive);
    CHECK(digest(r) == from_root(digest(r)));
  }
  SECTION("a time limit already passed: incomplete") {
    o.max_seconds = 1e-9;
    const checker::VariantRun r = checker::run_variant(ast, sm, {}, false, o);
    CHECK(r.result.status == checker::Status::Incomplete);
    CHECK(r.result.incomplete_reason == "time limit 1e-09 s reached");
  }
  SECTION("an interrupt on one rank stops them all") {
    std::atomic<bool> flag{rank() == ranks() - 1};
    o.interrupt = &flag;
    const checker::VariantRun r = checker::run_variant(ast, sm, {}, false, o);
    CHECK(r.result.status == checker::Status::Incomplete);
    CHECK(r.result.incomplete_reason == "interrupted");
  }
}

TEST_CASE("distributed: what it refuses", "[distributed]") {
  model::SourceManager sm;
  const model::ast::Model ast =
      checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm");
  checker::SearchOptions o;
  o.partitioned = distributed::distributed_search;
  CHECK_THROWS_AS(checker::run_variant(ast, sm, {}, false, o), std::invalid_argument);  // liveness
  o.liveness = false;
  o.order = checker::Order::DFS;
  CHECK_THROWS_AS(checker::run_variant(ast, sm, {}, false, o), std::invalid_argument);
}

// The search keeps no parent links; only a run with a counterexample to print searches again
// with them (two_searches.cpp), and its paths are -j 1's (the cases above).
TEST_CASE("distributed: parent links only in the second search, for a counterexample",
          "[distributed]") {
  model::SourceManager sm;
  checker::SearchOptions o;
  o.liveness = false;
  o.partitioned = distributed::distributed_search;
  const auto links = [](const checker::VariantRun& r) {
    std::uint64_t b = 0;
    for (const auto& rk : r.result.stats.ranks) b += rk.link_bytes;
    return b;
  };
  const model::ast::Model holds =
      checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/classic/peterson-n3.pcm");
  const checker::VariantRun h = checker::run_variant(holds, sm, {}, false, o);
  REQUIRE(h.result.violations.empty());
  CHECK(links(h) == 0);
  const model::ast::Model lost =
      checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm");
  const checker::VariantRun v = checker::run_variant(lost, sm, {}, false, o);
  REQUIRE(v.result.violations.size() == 1);
  CHECK(!v.result.violations[0].steps.empty());
  CHECK(links(v) > 0);
}
