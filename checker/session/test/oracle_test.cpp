// Oracle tests (DESIGN §6, STYLE 5): on every example (examples/**/*.pcm, every variant its
// expect blocks name, with and without CONFIG_DEBUG_VM) and on seeded random models
// (random_models.hpp), the parallel search gives exactly what the plain sequential search gives:
// verdict, incomplete reason, the set of violated properties, state / transition / end-state /
// exists counts, and every counterexample step by step. Large examples are capped by a state
// limit (the capped runs must agree too). The same with sleep sets, alone and with ample sets
// (liveness off; the slept and ample counts agree too). Pinned counts of the basics examples are in
// examples/basics/*.pcm's expect blocks (judged by ctest) and in the reduction table below.
#include <catch2/catch.hpp>

#include "checker/testing/example_corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/random_models.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

constexpr std::uint64_t kStateCap = 20000;

struct Digest {
  checker::Status status;
  std::string reason;
  std::uint64_t states, transitions, end_states, exists_hits;
  std::set<std::string> violated;
  std::vector<std::vector<std::pair<int, int>>> paths;
};

Digest digest(const checker::VariantRun& r) {
  Digest d{r.result.status, r.result.incomplete_reason, r.result.stats.states,
           r.result.stats.transitions, r.result.stats.end_states, r.result.stats.exists_hits,
           {}, {}};
  for (const auto& c : r.result.violations) {
    d.violated.insert(r.table.props.at(c.property).name);
    std::vector<std::pair<int, int>> p;
    for (const auto& s : c.steps) p.emplace_back(s.thread, s.index);
    d.paths.push_back(p);
  }
  return d;
}

void require_same(const Digest& a, const Digest& b) {
  CHECK(a.status == b.status);
  CHECK(a.reason == b.reason);
  CHECK(a.states == b.states);
  CHECK(a.transitions == b.transitions);
  CHECK(a.end_states == b.end_states);
  CHECK(a.exists_hits == b.exists_hits);
  CHECK(a.violated == b.violated);
  CHECK(a.paths == b.paths);
}

// Runs `ast` plainly and with each alternative mode, requiring the same digest.
void oracle(const model::ast::Model& ast, const model::SourceManager& sm,
            const std::vector<std::string>& defines, bool debug_vm, bool all) {
  checker::SearchOptions base;
  base.all = all;
  base.max_states = kStateCap;
  const Digest plain = digest(checker::run_variant(ast, sm, defines, debug_vm, base));
  for (unsigned workers : {2u, 3u}) {
    INFO("workers " << workers);
    checker::SearchOptions o = base;
    o.workers = workers;
    require_same(plain, digest(checker::run_variant(ast, sm, defines, debug_vm, o)));
  }
}

// Sleep sets, alone and with ample sets (liveness off): -j 2 gives the -j 1 result, with the
// same transitions slept and states expanded with an ample set.
void reduced_oracle(const model::ast::Model& ast, const model::SourceManager& sm,
                    const std::vector<std::string>& defines, bool debug_vm, bool all) {
  for (const bool por : {false, true}) {
    INFO("sleep sets" << (por ? " and ample sets" : ""));
    checker::SearchOptions base = checker::test::safety_options(all, kStateCap);
    base.sleep = true;
    base.por = por;
    const checker::VariantRun one = checker::run_variant(ast, sm, defines, debug_vm, base);
    REQUIRE(one.result.stats.sleep);
    base.workers = 2;
    const checker::VariantRun two = checker::run_variant(ast, sm, defines, debug_vm, base);
    require_same(digest(one), digest(two));
    CHECK(two.result.stats.slept == one.result.stats.slept);
    CHECK(two.result.stats.ample_states == one.result.stats.ample_states);
  }
}

std::vector<std::string> example_files() {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(PCMC_SOURCE_DIR + "/examples"))
    if (e.path().extension() == ".pcm" &&
        e.path().string().find("/quarantine/") == std::string::npos &&
        e.path().string().find("/include/") == std::string::npos)  // bodies, not scenarios
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

static void every_example(const std::vector<std::string>& files) {
  checker::test::for_each_expected_run(files, [](const std::string&, const model::ast::Model& ast,
                                                 const model::SourceManager& sm,
                                                 const properties::RunSpec& spec) {
    for (bool all : {false, true}) {
      INFO((all ? "--all" : "first violation"));
      oracle(ast, sm, spec.defines, spec.debug_vm, all);
      reduced_oracle(ast, sm, spec.defines, spec.debug_vm, all);
    }
  });
}

TEST_CASE("oracle: every example, every expected variant, -j 2/3 equals -j 1 (also with sleep "
          "sets)", "[oracle]") {
  const auto files = checker::test::of_tier(example_files(), checker::test::Tier::routine);
  REQUIRE(files.size() >= 6);
  every_example(files);
}

TEST_CASE("oracle: every example, every expected variant, -j 2/3 equals -j 1 (also with sleep "
          "sets) (long tier)", "[oracle][long]") {
  const auto files = checker::test::of_tier(example_files(), checker::test::Tier::long_tier);
  REQUIRE(files.size() >= 6);  // C-R2, C-stress and the scaled family
  every_example(files);
}

TEST_CASE("the oracles' corpus visits every size a file pins with `expect set`", "[oracle]") {
  using Sets = std::vector<model::ConstantSets>;
  CHECK(checker::test::expected_sets(PCMC_SOURCE_DIR + "/examples/scaled/generated/thp-open2.pcm") ==
        Sets{{}, {{"HPAGE_PMD_NR", 8}}, {{"HPAGE_PMD_NR", 16}}});
  CHECK(checker::test::expected_sets(PCMC_SOURCE_DIR + "/examples/seed/c-r1.pcm") == Sets{{}});
  // The program parsed at a size is that size's: its pins are the ones judged there.
  model::SourceManager sm;
  const model::ast::Model ast = checker::test::parse_at(
      sm, PCMC_SOURCE_DIR + "/examples/scaled/generated/thp-open2.pcm", {{"HPAGE_PMD_NR", 16}});
  REQUIRE(!ast.expects.empty());
  for (const auto& e : ast.expects)
    CHECK(e.sets == model::ConstantSets{{"HPAGE_PMD_NR", 16}});
}

TEST_CASE("oracle: random models, -j 2/3 equals -j 1 (also with sleep sets)", "[oracle]") {
  std::set<std::string> seen;  // property classes met, so the generator keeps its coverage
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "rnd.pcm", text, model::ParseOptions{});
    for (bool all : {false, true}) {
      oracle(ast, sm, {}, false, all);
      reduced_oracle(ast, sm, {}, false, all);
    }
    checker::SearchOptions o;
    o.all = true;
    const checker::VariantRun r = checker::run_variant(ast, sm, {}, false, o);
    for (const auto& c : r.result.violations)
      seen.insert(properties::to_string(r.table.props.at(c.property).cls));
  }
  INFO("classes violated somewhere: " << seen.size());
  for (const char* cls : {"deadlock", "final", "invariant", "warn", "bug", "harm"})
    CHECK(seen.count(cls) == 1);
}
