// The re-derivation of shortest counterexamples in the default run (search_shortest.cpp,
// session.cpp with_transactions; docs/por.md, "Shortest counterexamples"). The reduced search
// (POR, transactions) finds real but not shortest paths; a BFS without POR and transactions,
// bounded at one more than their longest, re-derives them. It keeps the reductions that keep
// every path's length: dead variables and the symmetry quotient. So the default run must print
// exactly the counterexamples of those two alone (`--por off --transactions off`), step by step;
// their lengths are --no-reduce's, and without symmetry the paths are --no-reduce's too. Checked
// on a toy with interchangeable threads (the re-run's states are the quotient's), on seeded
// random symmetric and lock models, and on every routine example, both modes.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "checker/testing/run_options.hpp"
#include "model/parser.hpp"

using namespace pcmc;
using checker::test::require_replays;
using checker::test::step_paths;

namespace {

constexpr std::uint64_t kCap = 400000;

checker::SearchOptions default_run(bool all) { return checker::test::default_run_options(all, kCap); }

// The reductions that keep lengths alone: what the re-run keeps.
checker::SearchOptions lengths_kept(bool all) {
  checker::SearchOptions o = default_run(all);
  o.por = o.sleep = false;
  o.transactions = false;
  return o;
}

checker::SearchOptions no_reduce(bool all) { return checker::test::no_reduce_options(all, kCap); }

// The safety counterexamples of `r` (lassos are the reduced search's own), as step paths.
std::vector<std::vector<std::pair<int, int>>> safety_paths(const checker::Result& r) {
  checker::Result s;
  for (const auto& c : r.violations)
    if (c.loop_start < 0) s.violations.push_back(c);
  return step_paths(s);
}

std::map<checker::PropertyId, std::size_t> safety_lengths(const checker::Result& r) {
  std::map<checker::PropertyId, std::size_t> m;
  for (const auto& c : r.violations)
    if (c.loop_start < 0) m[c.property] = c.steps.size();
  return m;
}

struct Tally {
  unsigned compared = 0;       // runs whose three searches completed
  unsigned rederived = 0;      // ... where the default run re-derived its counterexamples
  unsigned on_quotient = 0;    // ... through the symmetry quotient
};

// The default run against the length-keeping reductions alone and against --no-reduce.
void compare(const model::ast::Model& ast, const model::SourceManager& sm,
             const std::vector<std::string>& defines, bool debug_vm, bool all, Tally& tally) {
  const auto def = checker::run_variant(ast, sm, defines, debug_vm, default_run(all));
  const auto kept = checker::run_variant(ast, sm, defines, debug_vm, lengths_kept(all));
  const auto off = checker::run_variant(ast, sm, defines, debug_vm, no_reduce(all));
  for (const auto* r : {&def, &kept, &off})
    if (r->result.status == checker::Status::Incomplete) return;
  ++tally.compared;
  require_replays(def);
  CHECK(def.result.stats.rerun_failed.empty());
  CHECK(safety_lengths(def.result) == safety_lengths(off.result));
  // A block crossing or an unconcretised path changes the quotient the search took: then the
  // lengths alone are comparable.
  if (def.result.stats.symmetry != kept.result.stats.symmetry ||
      def.result.stats.symmetry_fallback != kept.result.stats.symmetry_fallback)
    return;
  CHECK(safety_paths(def.result) == safety_paths(kept.result));
  if (!def.result.stats.symmetry) CHECK(safety_paths(def.result) == safety_paths(off.result));
  if (def.result.stats.rerun_states == 0) return;
  ++tally.rederived;
  if (def.result.stats.symmetry) ++tally.on_quotient;
  // First-violation mode: the bound (longest + 1) cuts nothing before the first violation, so
  // the re-run is the length-keeping search to its first violation, state for state.
  if (!all) CHECK(def.result.stats.rerun_states == kept.result.stats.states);
}

model::ast::Model parse_text(model::SourceManager& sm, const std::string& text) {
  return model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
}

}  // namespace

TEST_CASE("rederive: two identical lockers re-derive on the quotient", "[reduce][rederive]") {
  // Two interchangeable threads take a lock, count under it and release it; a third runs a
  // few steps and then asserts a state only the end of both sections reaches. Transactions
  // merge the sections, so the path is re-derived; symmetry halves what the re-run stores.
  const std::string text =
      "scenario q \"identical lockers\";\nint[0..7] d;\nint[0..3] e;\nthread_t m;\n"
      "void lock() { atomic { await(m == NO_THREAD); m = current; } }\n"
      "void unlock() { m = NO_THREAD; }\n"
      "thread A { lock(); d = d + 1; d = d + 1; unlock(); }\n"
      "thread B { lock(); d = d + 1; d = d + 1; unlock(); }\n"
      "thread C { e = 1; e = 2; e = 3; w: WARN_ON(d == 4); }\n";
  model::SourceManager sm;
  const auto ast = parse_text(sm, text);
  for (const bool all : {false, true}) {
    INFO("all " << all);
    Tally tally;
    compare(ast, sm, {}, false, all, tally);
    CHECK(tally.compared == 1);
    CHECK(tally.on_quotient == 1);
    const auto def = checker::run_variant(ast, sm, {}, false, default_run(all));
    REQUIRE(def.result.violations.size() == 1);
    // One whole section (4), the other's lock and two counts (3), e = 1, 2, 3, the WARN_ON.
    CHECK(def.result.violations[0].steps.size() == 11);
    checker::SearchOptions plain = default_run(all);
    plain.symmetry = false;
    const auto unsym = checker::run_variant(ast, sm, {}, false, plain);
    REQUIRE(unsym.result.stats.rerun_states != 0);
    CHECK(def.result.stats.rerun_states < unsym.result.stats.rerun_states);
  }
}

TEST_CASE("rederive: random symmetric and lock models print the length-keeping search's paths",
          "[reduce][rederive][oracle]") {
  Tally tally;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    checker::test::RandomModel gen(seed + 11000);
    const std::string text = seed % 2 == 0 ? gen.symmetric_source(seed) : gen.tx_source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    compare(ast, sm, {}, false, seed % 3 != 0, tally);
  }
  UNSCOPED_INFO(tally.compared << " compared, " << tally.rederived << " re-derived, "
                               << tally.on_quotient << " on the quotient");
  CHECK(tally.compared >= 55);
  CHECK(tally.rederived >= 30);  // 45 and 38 at the time of writing
  CHECK(tally.on_quotient >= 20);
}

TEST_CASE("rederive: every example (routine tier) prints the length-keeping search's paths",
          "[reduce][rederive][oracle]") {
  Tally tally;
  unsigned runs = 0;
  checker::test::for_each_expected_run(
      checker::test::of_tier(checker::test::scenario_files(), checker::test::Tier::routine),
      [&](const std::string&, const model::ast::Model& ast, const model::SourceManager& sm,
          const properties::RunSpec& spec) {
        for (const bool all : {false, true}) compare(ast, sm, spec.defines, spec.debug_vm, all, tally);
        ++runs;
      });
  UNSCOPED_INFO(runs << " runs; " << tally.compared << " compared, " << tally.rederived
                     << " re-derived, " << tally.on_quotient << " on the quotient");
  UNSCOPED_INFO(runs << " runs; " << tally.compared << " compared, " << tally.rederived
                     << " re-derived, " << tally.on_quotient << " on the quotient");
  // At the time of writing: 378 runs, all 756 compared, 192 re-derived, 20 on the quotient.
  CHECK(tally.compared + 10 >= 2 * runs);
  CHECK(tally.rederived >= 150);
  CHECK(tally.on_quotient >= 15);
}
