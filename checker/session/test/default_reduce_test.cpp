// The default run's reductions against --no-reduce (docs/reductions.md, "Non-termination on the
// reduced graph"; STYLE 5: `--no-reduce` is the oracle). The default run applies dead variables,
// ample sets and transactions with the non-termination pass on: on every example and kernel test, for every
// variant and mode its expect blocks name, and on seeded random models with loops
// (random_models.hpp, loop_source), it must give what --no-reduce gives — the verdict and the
// set of violated properties, nontermination included, in `all` and first-violation mode — with
// never more states, every counterexample replaying on the unreduced program, and -j 2 giving
// the -j 1 result. The random models must reach each way the pass decides (on the reduced
// graph in one round, holding or violated; in more rounds or on the full graph).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/random_pointer_models.hpp"
#include "checker/testing/run_options.hpp"
#include "model/parser.hpp"

using namespace pcmc;
using pcmc::checker::test::require_replays;

namespace {

constexpr std::uint64_t kCap = 400000;  // a run this large fails the oracle (none is)

checker::SearchOptions default_run(bool all, unsigned workers = 1, bool log_edges = true,
                                   bool transactions = true) {
  return checker::test::default_run_options(all, kCap, workers, log_edges, transactions);
}

checker::SearchOptions no_reduce(bool all) { return checker::test::no_reduce_options(all, kCap); }

// How the default run's non-termination pass decided: "reduced, holds", "reduced, violated"
// (with "rounds, " when it took more than one search; "quotient, " before when on a symmetry
// quotient), "full", "full graph (fallback)", or "no pass".
std::string decided(const checker::VariantRun& r) {
  const checker::Stats& st = r.result.stats;
  if (st.liveness_graph.rfind("full (fallback", 0) == 0) return "full graph (fallback)";
  if (st.liveness_graph != "reduced") return st.liveness_graph.empty() ? "no pass" : "full";
  bool lasso = false;
  for (const auto& c : r.result.violations) lasso = lasso || c.loop_start >= 0;
  return std::string(st.symmetry ? "quotient, " : "") + "reduced, " +
         (st.liveness_rounds > 1 ? "rounds, " : "") +
         (lasso ? "violated" : "holds");
}

// The default run against --no-reduce and (`all` mode) against itself on two workers; returns
// how the pass decided, or "incomplete" when a run hit the cap.
std::string compare(const model::ast::Model& ast, const model::SourceManager& sm,
                    const std::vector<std::string>& defines, bool debug_vm, bool all,
                    bool log_edges = true, bool transactions = true) {
  const auto off = checker::run_variant(ast, sm, defines, debug_vm, no_reduce(all));
  const auto on = checker::run_variant(ast, sm, defines, debug_vm,
                                       default_run(all, 1, log_edges, transactions));
  if (off.result.status == checker::Status::Incomplete ||
      on.result.status == checker::Status::Incomplete)
    return "incomplete";
  CHECK(on.result.stats.dead_vars);
  CHECK(on.result.stats.liveness_fallback.empty());
  CHECK(on.result.status == off.result.status);
  CHECK(checker::test::summary(on).violated == checker::test::summary(off).violated);
  if (all) CHECK(on.result.stats.states <= off.result.stats.states);  // else: to the first
  require_replays(on);
  if (!all || !log_edges) return decided(on);
  const auto two = checker::run_variant(ast, sm, defines, debug_vm, default_run(all, 2));
  CHECK(two.result.status == on.result.status);
  CHECK(two.result.stats.states == on.result.stats.states);
  CHECK(two.result.stats.transitions == on.result.stats.transitions);
  CHECK(two.result.stats.liveness_graph == on.result.stats.liveness_graph);
  CHECK(checker::test::step_paths(two.result) == checker::test::step_paths(on.result));
  return decided(on);
}

model::ast::Model parse_text(model::SourceManager& sm, const std::string& text) {
  return model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
}

// Every expected run of `files`, both modes; returns the number of runs checked.
unsigned every_example(const std::vector<std::string>& files) {
  unsigned checked = 0;
  std::map<std::string, unsigned> how;
  checker::test::for_each_expected_run(
      files, [&](const std::string&, const model::ast::Model& ast, const model::SourceManager& sm,
                 const properties::RunSpec& spec) {
        for (const bool all : {true, false}) {
          const std::string d = compare(ast, sm, spec.defines, spec.debug_vm, all);
          CHECK(d != "incomplete");
          ++how[d];
        }
        ++checked;
      });
  for (const auto& [d, n] : how) UNSCOPED_INFO(n << " runs: " << d);
  return checked;
}

}  // namespace

TEST_CASE("default run: random loop models match --no-reduce, nontermination included",
          "[reduce][oracle]") {
  std::map<std::string, unsigned> how, regenerated;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.loop_source(seed);
    INFO("random loop model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    ++how[compare(ast, sm, {}, false, true)];
    if (seed % 4 == 0) compare(ast, sm, {}, false, false);
    // Without the edge log the pass walks every edge between the stored states, whose SCCs may
    // hold states expanded with an ample set: then more rounds, or the full graph, decide.
    // Transactions shorten the cycles through ample states so much that these models no longer
    // need a second round: the rounds are exercised with ample sets alone, the default run
    // without the log is compared too.
    if (seed % 2 == 0) {
      ++regenerated[compare(ast, sm, {}, false, true, /*log_edges=*/false, false)];
      compare(ast, sm, {}, false, true, /*log_edges=*/false);
    }
  }
  // Models whose page frames are interchangeable run on a quotient: counted with the others.
  for (auto* m : {&how, &regenerated})
    for (auto it = m->begin(); it != m->end();)
      if (it->first.rfind("quotient, ", 0) == 0) {
        (*m)[it->first.substr(10)] += it->second;
        it = m->erase(it);
      } else {
        ++it;
      }
  for (const auto& [d, n] : how) UNSCOPED_INFO(n << " models: " << d);
  for (const auto& [d, n] : regenerated) UNSCOPED_INFO(n << " models without the log: " << d);
  CHECK(how["incomplete"] <= 3);
  CHECK(how["reduced, holds"] >= 5);
  CHECK(how["reduced, violated"] >= 5);
  // The premise of docs/reductions.md (3): with ample sets only where no thread of the set is on
  // a loop of its code, no state expanded with one lies on a cycle of the logged graph, so one
  // round always decides.
  CHECK(how["reduced, rounds, holds"] + how["reduced, rounds, violated"] +
            how["full graph (fallback)"] == 0);
  CHECK(regenerated["reduced, rounds, holds"] + regenerated["reduced, rounds, violated"] +
            regenerated["full graph (fallback)"] >= 1);
}

// Narrowed futures (model/narrow_footprint.hpp): random models whose threads reach pages through
// pointer locals that are copied, passed, reassigned and locked (random_pointer_models.hpp).
TEST_CASE("default run: random pointer models match --no-reduce", "[reduce][oracle]") {
  std::map<std::string, unsigned> how;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    checker::test::RandomPointerModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("random pointer model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    ++how[compare(ast, sm, {}, false, true)];
    if (seed % 3 == 0) compare(ast, sm, {}, false, false);
  }
  for (const auto& [d, n] : how) UNSCOPED_INFO(n << " models: " << d);
  CHECK(how["incomplete"] == 0);
}

// docs/symmetry-fairness.md: on random loop models with
// interchangeable threads the default run decides non-termination on the symmetry quotient —
// holding and violated, each lasso lifted to one that replays on the program — with the verdict
// of --no-reduce, never on the full graph when the edges are logged.
TEST_CASE("default run: random symmetric loop models match --no-reduce on the quotient",
          "[reduce][oracle][symmetry]") {
  std::map<std::string, unsigned> how, regenerated;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.symmetric_loop_source(seed);
    INFO("random symmetric loop model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    ++how[compare(ast, sm, {}, false, true)];
    if (seed % 4 == 0) compare(ast, sm, {}, false, false);
    if (seed % 2 == 0) ++regenerated[compare(ast, sm, {}, false, true, /*log_edges=*/false)];
  }
  for (const auto& [d, n] : how) UNSCOPED_INFO(n << " models: " << d);
  for (const auto& [d, n] : regenerated) UNSCOPED_INFO(n << " models without the log: " << d);
  CHECK(how["incomplete"] <= 3);
  CHECK(how["quotient, reduced, holds"] >= 5);
  CHECK(how["quotient, reduced, violated"] >= 5);
  CHECK(how["full graph (fallback)"] == 0);
}

TEST_CASE("default run: every example and kernel test, every expected variant, matches "
          "--no-reduce",
          "[reduce][oracle]") {
  const auto files =
      checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::routine);
  REQUIRE(files.size() >= 12);
  CHECK(every_example(files) >= checker::test::kRoutineRuns);
}

TEST_CASE("default run: every example, every expected variant, matches --no-reduce (long tier)",
          "[reduce][oracle][long]") {
  const auto files =
      checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::long_tier);
  REQUIRE(files.size() == 2);  // C-R2 and C-stress (scaled/ is not in this corpus)
  CHECK(every_example(files) >= checker::test::kLongRuns);
}

// SearchOptions::por_trial (docs/reductions.md, "What POR costs"): where every step of every
// thread touches the one counter, no state has an ample set and POR turns itself off after the
// trial, with the verdicts and counts of POR off, -j 2 as -j 1; where the threads are independent
// it stays on.
TEST_CASE("default run: ample sets turn themselves off where they reduce nothing", "[reduce]") {
  const char* shared =
      "scenario shared \"three threads on one counter\";\nint[0..3] g;\n"
      "thread A { g = (g + 1) % 4; g = (g + 1) % 4; g = (g + 1) % 4; g = (g + 1) % 4; }\n"
      "thread B { g = (g + 3) % 4; g = (g + 3) % 4; g = (g + 3) % 4; g = (g + 3) % 4; }\n"
      "thread C { g = (g + 2) % 4; g = (g + 2) % 4; g = (g + 2) % 4; g = (g + 2) % 4; }\n"
      "final f: g != 3;\n";
  const char* apart =
      "scenario apart \"three threads on counters of their own\";\n"
      "int[0..3] a;\nint[0..3] b;\nint[0..3] c;\n"
      "thread A { a = 1; a = 2; a = 3; a = 0; }\nthread B { b = 1; b = 2; b = 3; b = 0; }\n"
      "thread C { c = 1; c = 2; c = 3; c = 0; }\n";
  for (const bool reduces : {false, true}) {
    model::SourceManager sm;
    const auto ast = parse_text(sm, reduces ? apart : shared);
    checker::SearchOptions o = default_run(true);
    o.transactions = false;  // this test is about ample sets alone
    o.por_trial = 32;
    const auto on = checker::run_variant(ast, sm, {}, false, o);
    o.workers = 2;
    const auto two = checker::run_variant(ast, sm, {}, false, o);
    o.workers = 1;
    o.por = false;
    const auto off = checker::run_variant(ast, sm, {}, false, o);
    INFO((reduces ? "apart" : "shared"));
    CHECK(on.result.stats.por);
    CHECK((on.result.stats.por_off_after == 32) == !reduces);
    CHECK(two.result.stats.por_off_after == on.result.stats.por_off_after);
    CHECK(two.result.stats.states == on.result.stats.states);
    CHECK(checker::test::summary(on).violated == checker::test::summary(off).violated);
    CHECK(on.result.stats.end_states == off.result.stats.end_states);
    if (reduces) CHECK(on.result.stats.states < off.result.stats.states);
    else CHECK(on.result.stats.states == off.result.stats.states);
  }
}
