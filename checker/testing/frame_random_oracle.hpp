// The random page-frame oracle shared by frame_symmetry_random_test.cpp and
// frame_blocks_random_test.cpp (docs/symmetry.md, "Page frames"; STYLE 5: `off` is the
// oracle): on each seeded model of a family (random_page_models.hpp) symmetry on must give the
// verdict, the violated properties and the exists verdict of symmetry off, store exactly the
// number of orbits of the reachable states (brute force, frame_orbits.hpp) unless it fell back,
// and replay its counterexamples unreduced; so must the first-violation run. Family-specific
// checks hook in at three points (RandomFrameHooks).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "checker/reduce/program_symmetry.hpp"
#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/frame_orbits.hpp"
#include "checker/testing/random_page_models.hpp"
#include "model/parser.hpp"

namespace pcmc::checker::test {

// One model's runs, for the hooks: `full` with symmetry off, `red` with it on (both `all`).
struct RandomFrameRun {
  const RandomPageModel& gen;
  const std::string& text;
  const model::ast::Model& ast;
  const model::SourceManager& sm;
  const checker::VariantRun& full;
  const checker::VariantRun& red;
  const checker::ProgramSymmetry& sym;
  const Summary& f;  // summary(full)
  const Summary& p;  // summary(red)
  const checker::ProgramSystem& system;  // unreduced, of full
};

// The family-specific checks, each null for none.
struct RandomFrameHooks {
  // After the one-pool check: checks of the symmetry spec.
  std::function<void(const RandomFrameRun&)> spec;
  // Symmetry on fell back (Stats::symmetry_fallback): checks that stand in for the orbit count.
  // Null: the orbit count is checked on every model, fallback or not.
  std::function<void(const RandomFrameRun&)> fallback;
  // Last, after the first-violation run: more runs of the model.
  std::function<void(const RandomFrameRun&)> more;
};

struct RandomFrameCounts {
  unsigned checked = 0;  // models not skipped
  unsigned reduced = 0;  // of those, symmetry on stored fewer states
};

// Models 1..seeds of `shape`; one whose search without symmetry hits `cap` states is skipped.
inline RandomFrameCounts run_random_frame_oracle(const PageModelShape& shape, std::uint64_t seeds,
                                                 std::uint64_t cap,
                                                 const RandomFrameHooks& hooks = {}) {
  RandomFrameCounts n;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    RandomPageModel gen(seed, shape);
    const std::string text = gen.source(seed);
    INFO("seed " << seed << "\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "r.pcm", text, model::ParseOptions{});
    const auto full =
        checker::run_variant(ast, sm, {}, false, symmetry_options(false, true, cap));
    if (!full.result.incomplete_reason.empty()) continue;
    const auto red = checker::run_variant(ast, sm, {}, false, symmetry_options(true, true, cap));
    REQUIRE(red.result.incomplete_reason.empty());
    const checker::ProgramSymmetry sym = checker::program_symmetry(red.program);
    INFO("notes: " << (sym.notes.empty() ? "" : sym.notes.front()));
    REQUIRE(sym.spec.frames.pools.size() == 1);  // its one pool is permuted
    const auto f = summary(full), p = summary(red);
    const checker::ProgramSystem system(*full.exec, full.table);
    const RandomFrameRun run{gen, text, ast, sm, full, red, sym, f, p, system};
    if (hooks.spec) hooks.spec(run);
    CHECK(p.status == f.status);
    CHECK(p.violated == f.violated);
    CHECK((p.exists_hits == 0) == (f.exists_hits == 0));
    CHECK((p.exists_hits == p.end_states) == (f.exists_hits == f.end_states));
    CHECK(p.states <= f.states);
    require_replays(red);
    if (!hooks.fallback || red.result.stats.symmetry_fallback.empty())
      CHECK(p.states == brute_force_orbits(system, sym.spec));
    else
      hooks.fallback(run);

    const auto first =
        checker::run_variant(ast, sm, {}, false, symmetry_options(true, false, cap));
    CHECK(first.result.status == f.status);
    require_replays(first);
    if (hooks.more) hooks.more(run);
    ++n.checked;
    if (p.states < f.states) ++n.reduced;
  }
  return n;
}

}  // namespace pcmc::checker::test
