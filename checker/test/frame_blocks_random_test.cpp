// Page-frame blocks on seeded random models (docs/reductions.md, "Page frames", "Blocks"; STYLE
// 5: `off` is the oracle). Each model has a pool of three compound pages of two (heads A0, B0,
// C0 on a free list built by init, tails pointing to their head through `first`), and 2-3
// threads (identical or not) that pop, push and follow heads, step from a head to its tail with
// `head + 1`, back with `tail->first`, measure `tail - tail->first` and compare `tail > head`,
// flip fields, lock pages and assert (a quarter name the tail B1 in an invariant, which keeps
// block B in place); about a quarter also get a statement that may cross a
// block (`p < p->next`, `p->next - p`, `p + 2`). On each: symmetry on gives the verdict, the
// violated properties and the exists verdict of symmetry off; when no block was crossed it
// stores exactly the number of orbits of the reachable states under block permutations (brute
// force, frame_orbits.hpp), otherwise (the fallback) exactly the states of the search without
// blocks; counterexamples replay unreduced.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "checker/hash.hpp"
#include "checker/program_symmetry.hpp"
#include "checker/program_system.hpp"
#include "checker/session.hpp"
#include "checker/symmetric_system.hpp"
#include "checker/test/block_models.hpp"
#include "checker/test/example_corpus.hpp"
#include "checker/test/frame_orbits.hpp"
#include "model/compile.hpp"
#include "model/parser.hpp"

using namespace pcmc;
using pcmc::checker::test::BlockModel;

namespace {

checker::SearchOptions options(bool symmetry, bool all) {
  checker::SearchOptions o = checker::test::safety_options(all, 60000);
  o.symmetry = symmetry;
  return o;
}

}  // namespace

TEST_CASE("frame blocks: random block models match off and store the orbit count",
          "[symmetry][frames][blocks]") {
  unsigned checked = 0, reduced = 0, fell_back = 0, exact = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    BlockModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("seed " << seed << "\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "r.pcm", text, model::ParseOptions{});
    const auto full = checker::run_variant(ast, sm, {}, false, options(false, true));
    if (!full.result.incomplete_reason.empty()) continue;
    const auto red = checker::run_variant(ast, sm, {}, false, options(true, true));
    REQUIRE(red.result.incomplete_reason.empty());
    const checker::ProgramSymmetry sym = checker::program_symmetry(red.program);
    INFO("notes: " << (sym.notes.empty() ? "" : sym.notes.front()));
    REQUIRE(sym.spec.frames.pools.size() == 1);  // permuted in blocks
    REQUIRE(sym.spec.frames.pools[0].block == 2);
    CHECK(sym.spec.frames.pools[0].movable.size() ==
          (text.find("invariant named") != std::string::npos ? 2u : 3u));
    const auto f = checker::test::summary(full), p = checker::test::summary(red);
    CHECK(p.status == f.status);
    CHECK(p.violated == f.violated);
    CHECK((p.exists_hits == 0) == (f.exists_hits == 0));
    CHECK((p.exists_hits == p.end_states) == (f.exists_hits == f.end_states));
    CHECK(p.states <= f.states);
    checker::test::require_replays(red);
    const checker::ProgramSystem system(*full.exec, full.table);
    if (red.result.stats.symmetry_fallback.empty()) {
      CHECK(p.states == checker::test::brute_force_orbits(system, sym.spec));
      ++exact;
    } else {
      // Only a model with a crossing statement can cross; the fallback's result is the quotient
      // without blocks.
      CHECK(gen.crossing());
      const checker::ProgramSymmetry plain = checker::program_symmetry(red.program, false);
      std::uint64_t plain_states = f.states;
      if (!plain.spec.empty()) {
        const checker::Canonicaliser canon(plain.spec, system.state_size());
        plain_states =
            checker::search(checker::SymmetricSystem(system, canon), options(true, true)).stats.states;
      }
      CHECK(p.states == plain_states);
      ++fell_back;
    }
    const auto first = checker::run_variant(ast, sm, {}, false, options(true, false));
    CHECK(first.result.status == f.status);
    checker::test::require_replays(first);
    // With POR as well (docs/reductions.md, "POR and symmetry together"): the same verdicts, and
    // the same fallback decision (a crossing is a report of its step, kept by POR).
    checker::SearchOptions por = options(true, true);
    por.por = true;
    const auto both = checker::run_variant(ast, sm, {}, false, por);
    const auto b = checker::test::summary(both);
    CHECK(b.status == f.status);
    CHECK(b.violated == f.violated);
    CHECK((b.exists_hits == 0) == (f.exists_hits == 0));
    CHECK(both.result.stats.symmetry_fallback.empty() == red.result.stats.symmetry_fallback.empty());
    checker::test::require_replays(both);
    ++checked;
    if (p.states < f.states) ++reduced;
  }
  INFO(checked << " models checked, " << reduced << " reduced, " << exact << " exact, "
               << fell_back << " fell back");
  CHECK(checked >= 45);
  CHECK(fell_back >= 3);
  CHECK(exact >= 30);
  CHECK(reduced >= checked / 4);
}
