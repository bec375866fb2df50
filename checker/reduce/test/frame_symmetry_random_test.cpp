// Page-frame symmetry on seeded random models (docs/symmetry.md, "Page frames"; STYLE 5: `off`
// is the oracle). Each model has a pool of three frames linked into a free list by init, and 2-3
// threads (identical or not) that pop, push, follow and compare frame references through
// pointer locals that live across steps, flip frame fields, lock frames (a thread_t in the
// frame), take a global lock, block and assert. On
// each: symmetry on gives the verdict, the violated properties and the exists verdict of
// symmetry off, and stores exactly the number of orbits of the reachable states (brute force,
// frame_orbits.hpp); counterexamples replay unreduced. The models: random_page_models.hpp
// (frame_model_shape); the oracle's loop, shared with the block models: frame_random_oracle.hpp.
#include <catch2/catch.hpp>

#include "checker/testing/frame_random_oracle.hpp"

using namespace pcmc;

TEST_CASE("frame symmetry: random frame models match off and store the orbit count",
          "[symmetry][frames]") {
  const auto n =
      checker::test::run_random_frame_oracle(checker::test::frame_model_shape(), 80, 60000);
  INFO(n.checked << " models checked, " << n.reduced << " reduced");
  CHECK(n.checked >= 60);
  CHECK(n.reduced >= n.checked / 4);  // 17 of the first 40
}
