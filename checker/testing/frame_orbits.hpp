// A brute-force orbit count for page-frame symmetry tests (frame_symmetry_test.cpp,
// frame_symmetry_random_test.cpp, frame_blocks_test.cpp): every reachable state of the
// unreduced system, each mapped to the least, over every permutation of the movable units
// (elements, or blocks of FrameSpec::Pool::block elements), of the thread-canonical form of its
// image. Independent of the key sorting the canonicaliser under test uses.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include "checker/search/explore_graph.hpp"
#include "checker/reduce/symmetry.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker::test {

// Runs `system` (symmetry off) to every reachable state and counts orbits by brute force: the
// least over every element permutation φ of the thread-canonical form of φ(s). Independent of
// the key sorting of the canonicaliser under test. Exact when the threads tie in at most
// Canonicaliser::kMaxCandidates orders (at most 5 interchangeable threads).
inline std::uint64_t brute_force_orbits(const TransitionSystem& system,
                                        const SymmetrySpec& full) {
  SymmetrySpec threads_only = full;
  threads_only.frames = FrameSpec{};
  const Canonicaliser tc(threads_only, system.state_size());
  std::vector<std::uint32_t> offsets = full.block_offset;
  std::vector<std::pair<std::uint32_t, std::uint8_t>> cells;
  for (const auto& c : full.global_cells) cells.push_back({c.offset, c.width});
  const FrameAction act(full.frames, offsets, cells, system.state_size());
  REQUIRE(full.frames.pools.size() == 1);
  const auto& pool = full.frames.pools[0];

  GraphOptions go;
  go.max_nodes = 100000;
  const GraphResult g = explore_graph(system, go);
  REQUIRE_FALSE(g.too_large);
  std::set<std::vector<std::uint8_t>> reps;
  Canonicaliser::Scratch sc;
  std::vector<std::vector<unsigned>> rename;
  std::vector<unsigned> order = pool.movable;
  std::vector<std::uint8_t> moved(system.state_size()), canon(system.state_size());
  for (const auto& node : g.graph.nodes) {
    if (node.kind == traces::GraphNode::Fatal) continue;
    std::vector<std::uint8_t> best;
    std::sort(order.begin(), order.end());
    do {
      FrameAction::Perm perm(1, std::vector<unsigned>(pool.units()));
      std::iota(perm[0].begin(), perm[0].end(), 0u);
      for (std::size_t j = 0; j < order.size(); ++j) perm[0][pool.movable[j]] = order[j];
      act.apply(node.state.data(), moved.data(), perm, rename);
      tc.canonicalise(moved.data(), canon.data(), sc);
      if (best.empty() || canon < best) best = canon;
    } while (std::next_permutation(order.begin(), order.end()));
    reps.insert(best);
  }
  return reps.size();
}

}  // namespace pcmc::checker::test
