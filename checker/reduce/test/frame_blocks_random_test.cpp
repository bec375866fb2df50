// Page-frame blocks on seeded random models (docs/frame-blocks.md; STYLE
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
// blocks; counterexamples replay unreduced; and with POR as well, the same verdicts and the
// same fallback decision. The models: random_page_models.hpp (block_model_shape); the oracle's
// loop, shared with the frame models: frame_random_oracle.hpp.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "checker/reduce/symmetric_system.hpp"
#include "checker/testing/frame_random_oracle.hpp"

using namespace pcmc;
using checker::test::RandomFrameRun;

TEST_CASE("frame blocks: random block models match off and store the orbit count",
          "[symmetry][frames][blocks]") {
  constexpr std::uint64_t kCap = 60000;
  unsigned fell_back = 0;
  checker::test::RandomFrameHooks hooks;
  hooks.spec = [](const RandomFrameRun& r) {  // permuted in blocks
    REQUIRE(r.sym.spec.frames.pools[0].block == 2);
    CHECK(r.sym.spec.frames.pools[0].movable.size() ==
          (r.text.find("invariant named") != std::string::npos ? 2u : 3u));
  };
  hooks.fallback = [&](const RandomFrameRun& r) {
    // Only a model with a crossing statement can cross; the fallback's result is the quotient
    // without blocks.
    CHECK(r.gen.crossing());
    const checker::ProgramSymmetry plain = checker::program_symmetry(r.red.program, false);
    std::uint64_t plain_states = r.f.states;
    if (!plain.spec.empty()) {
      const checker::Canonicaliser canon(plain.spec, r.system.state_size());
      plain_states = checker::search(checker::SymmetricSystem(r.system, canon),
                                     checker::test::symmetry_options(true, true, kCap))
                         .stats.states;
    }
    CHECK(r.p.states == plain_states);
    ++fell_back;
  };
  hooks.more = [](const RandomFrameRun& r) {
    // With POR as well (docs/symmetry.md, "POR and symmetry together"): the same verdicts, and
    // the same fallback decision (a crossing is a report of its step, kept by POR).
    const auto both = checker::run_variant(r.ast, r.sm, {}, false,
                                           checker::test::symmetry_options(true, true, kCap, true));
    const auto b = checker::test::summary(both);
    CHECK(b.status == r.f.status);
    CHECK(b.violated == r.f.violated);
    CHECK((b.exists_hits == 0) == (r.f.exists_hits == 0));
    CHECK(both.result.stats.symmetry_fallback.empty() ==
          r.red.result.stats.symmetry_fallback.empty());
    checker::test::require_replays(both);
  };
  const auto n =
      checker::test::run_random_frame_oracle(checker::test::block_model_shape(), 60, kCap, hooks);
  const unsigned exact = n.checked - fell_back;  // the others stored the orbit count
  INFO(n.checked << " models checked, " << n.reduced << " reduced, " << exact << " exact, "
                 << fell_back << " fell back");
  CHECK(n.checked >= 45);
  CHECK(fell_back >= 3);
  CHECK(exact >= 30);
  CHECK(n.reduced >= n.checked / 4);
}
