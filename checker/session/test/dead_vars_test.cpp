// Oracle tests of the dead-variable reduction (model/liveness.hpp, docs/reductions.md; STYLE 5:
// `off` is the oracle). With the non-termination pass on (the default run), on every example and
// kernel test for every variant and mode its expect blocks name, and on seeded random models
// with dead locals (random_models.hpp, dead_source), the reduction must give what --no-reduce
// gives: the verdict, the set of violated properties, every exists verdict, never more states,
// transitions or end states, counterexamples of
// the same length (a bisimulation keeps BFS depths; lassos are unrolled until they close, so
// they may be longer) that replay on the unreduced system. Also with POR and sleep sets (liveness
// off). Toy models pin the counts with and without.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"

using namespace pcmc;
using pcmc::checker::test::require_replays;

namespace {

constexpr std::uint64_t kCap = 400000;  // a run this large fails the oracle (none is)

checker::SearchOptions options(bool dead, bool liveness = true, bool por = false) {
  checker::SearchOptions o;
  o.all = true;
  o.dead_vars = dead;
  o.liveness = liveness;
  o.por = o.sleep = por;
  o.max_states = kCap;
  return o;
}

struct Compared {
  bool complete = true;
  std::uint64_t full = 0, reduced = 0;
};

// Runs the reduction against the oracle and checks the contract of the file comment.
Compared compare(const model::ast::Model& ast, const model::SourceManager& sm,
                 const std::vector<std::string>& defines, bool debug_vm, bool liveness = true,
                 bool por = false) {
  const auto off = checker::run_variant(ast, sm, defines, debug_vm, options(false, liveness, por));
  const auto on = checker::run_variant(ast, sm, defines, debug_vm, options(true, liveness, por));
  Compared c{off.result.status != checker::Status::Incomplete &&
                 on.result.status != checker::Status::Incomplete,
             off.result.stats.states, on.result.stats.states};
  if (!c.complete) return c;
  CHECK(on.result.stats.dead_vars);
  CHECK(on.result.status == off.result.status);
  const auto s_on = checker::test::summary(on), s_off = checker::test::summary(off);
  CHECK(s_on.violated == s_off.violated);
  // End states merge where finished threads kept stale locals (liveness.hpp): the exists
  // verdicts stay.
  CHECK(on.result.stats.end_states <= off.result.stats.end_states);
  CHECK((on.result.stats.end_states == 0) == (off.result.stats.end_states == 0));
  for (std::size_t i = 0; i < on.program.exists.size(); ++i) {
    auto verdict = [&](const checker::Stats& st) {
      const auto hits = st.exists_of(i);
      return hits == 0 ? 0 : hits == st.end_states ? 2 : 1;
    };
    CHECK(verdict(on.result.stats) == verdict(off.result.stats));
  }
  CHECK(on.result.stats.states <= off.result.stats.states);
  CHECK(on.result.stats.transitions <= off.result.stats.transitions);
  REQUIRE(on.result.violations.size() == off.result.violations.size());
  for (std::size_t i = 0; i < on.result.violations.size(); ++i) {
    const auto& a = on.result.violations[i];
    const auto& b = off.result.violations[i];
    CHECK(a.property == b.property);
    if (a.loop_start < 0 && !por) CHECK(a.steps.size() == b.steps.size());
  }
  require_replays(on);
  return c;
}

model::ast::Model parse_text(model::SourceManager& sm, const std::string& text) {
  return model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
}

// A thread reads a shared value into a local, tests it, then overwrites it: between the test
// and the overwrite the old value is dead, so t = 0 and t = 3 (both failing the test) merge.
const char* const kToy =
    "scenario toy \"dead locals\";\n"
    "int[0..3] g;\nint[0..3] h;\n"
    "thread P { int[0..3] t = g; if (t == 2) h = 1; g = 1; t = g; h = t; }\n"
    "thread Q { g = 2; g = 3; }\n";

// A spin loop whose local is dead at the loop's test: the non-termination lasso found on the
// reduced states must be unrolled to close concretely (`a` is 1 on the first arrival, then g's
// value).
const char* const kSpin =
    "scenario spin \"a spin loop with a dead local\";\n"
    "int[0..3] g;\nint[0..3] h;\n"
    "thread P { int[0..3] a = 1; while (g != 3) { a = h; h = a; } }\n"
    "thread Q { h = 2; }\n";

}  // namespace

TEST_CASE("dead vars: toy models, pinned counts with and without", "[dead-vars]") {
  model::SourceManager sm;
  const auto ast = parse_text(sm, kToy);
  const auto off = checker::run_variant(ast, sm, {}, false, options(false));
  const auto on = checker::run_variant(ast, sm, {}, false, options(true));
  CHECK(off.result.stats.states == 40);
  CHECK(on.result.stats.states == 38);
  CHECK(off.result.stats.end_states == on.result.stats.end_states);
  compare(ast, sm, {}, false);
}

TEST_CASE("dead vars: a lasso over a dead local is unrolled until it closes", "[dead-vars]") {
  model::SourceManager sm;
  const auto ast = parse_text(sm, kSpin);
  const auto on = checker::run_variant(ast, sm, {}, false, options(true));
  const auto off = checker::run_variant(ast, sm, {}, false, options(false));
  REQUIRE(on.result.violations.size() == 1);
  REQUIRE(off.result.violations.size() == 1);
  CHECK(on.result.violations[0].loop_start >= 0);
  CHECK(on.result.stats.states < off.result.stats.states);
  require_replays(on);
  compare(ast, sm, {}, false);
}

TEST_CASE("dead vars: random models with dead locals match --no-reduce, also with POR",
          "[dead-vars][oracle]") {
  std::uint64_t full = 0, reduced = 0;
  unsigned smaller = 0, skipped = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.dead_source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    const Compared c = compare(ast, sm, {}, false);
    if (!c.complete) {
      ++skipped;
      continue;
    }
    full += c.full;
    reduced += c.reduced;
    smaller += c.reduced < c.full;
    if (seed % 3 == 0) compare(ast, sm, {}, false, /*liveness=*/false, /*por=*/true);
  }
  INFO("states: " << full << " without, " << reduced << " with; " << smaller
                  << " models smaller, " << skipped << " over " << kCap);
  CHECK(skipped <= 3);
  CHECK(smaller >= 30);
  CHECK(reduced * 10 < full * 9);
}

// Every expected run of `files` (one tier of the corpus), the reduction against --no-reduce;
// returns {runs checked, runs with fewer states}.
static std::pair<unsigned, unsigned> dead_vars_every_example(
    const std::vector<std::string>& files) {
  unsigned checked = 0, smaller = 0;
  checker::test::for_each_expected_run(
      files, [&](const std::string&, const model::ast::Model& ast, const model::SourceManager& sm,
                 const properties::RunSpec& spec) {
        const Compared c = compare(ast, sm, spec.defines, spec.debug_vm);
        CHECK(c.complete);
        ++checked;
        smaller += c.reduced < c.full;
      });
  INFO(checked << " runs checked, " << smaller << " with fewer states");
  return {checked, smaller};
}

TEST_CASE("dead vars: every example and kernel test, every expected variant, matches "
          "--no-reduce",
          "[dead-vars][oracle]") {
  const auto files =
      checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::routine);
  REQUIRE(files.size() >= 12);
  const auto [checked, smaller] = dead_vars_every_example(files);
  CHECK(checked >= checker::test::kRoutineRuns);
  CHECK(smaller >= checked / 4);
}

TEST_CASE("dead vars: every example, every expected variant, matches --no-reduce (long tier)",
          "[dead-vars][oracle][long]") {
  const auto files =
      checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::long_tier);
  REQUIRE(files.size() == 2);  // C-R2 and C-stress (scaled/ is not in this corpus)
  const auto [checked, smaller] = dead_vars_every_example(files);
  CHECK(checked >= checker::test::kLongRuns);
  CHECK(smaller >= checked / 4);
}
