// The non-termination pass: after a complete search, is there a reachable infinite execution
// that is weakly fair and on which some thread never finishes? (DESIGN §5, "non-termination";
// docs/checker-liveness.md.)
//
// Fairness (weak fairness, per thread): an infinite execution is fair when every thread that is
// enabled (has a successor) continuously from some point on takes infinitely many steps. So a
// spin-wait on a lock that its holder will release is not reported (the holder is enabled all
// along and must eventually run), but a thread that is only intermittently enabled may starve.
//
// The graph: the stored states; an edge for every non-fatal transition whose target is stored.
// Fatal transitions end their path (the violation is reported by the search), so they are not
// edges, but the thread that has them still counts as enabled: a fair execution would take them.
// States the search did not expand (they violated an invariant) have no edges.
//
// Exactness: a fair infinite execution exists iff some reachable strongly connected component C
// has an internal edge and, for every thread t, t takes an edge inside C or t has no successor
// in some state of C. On a symmetry quotient (Transition::thread_perm) the test is threaded
// through the permutations met inside C (liveness.cpp, Pass::fair; docs/reductions.md). (If: a cycle through all of C that uses each such edge and visits each such
// state, repeated forever, is fair. Only if: the states an infinite execution visits infinitely
// often lie in one SCC; a thread stepping infinitely often takes an edge inside it, a thread that
// is not continuously enabled is disabled in a state of it.) Any infinite execution leaves some
// thread unfinished, because a state where every thread is finished has no successor.
//
// Memory: index and lowlink arrays (uint32 per state), an on-stack bit per state, the Tarjan
// stack and an explicit DFS stack (no recursion: graphs have millions of states). Edges are
// regenerated with successors() and mapped to ids with StateStore::find; only the edges of the
// states on the DFS stack are held at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/store/state_store.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker {

// The explored graph's edges, logged by the BFS as it expands (search.cpp, parallel_bfs.cpp) so
// that the pass walks them instead of regenerating every state's successors (which costs about
// as much as the search itself). The non-fatal edges out of state u go to
// to[begin[u] .. begin[u + 1]); states are expanded in id order, so add() is called with
// non-decreasing `from`. Costs 4 bytes per state and per edge; the search drops the log (the
// pass then regenerates) when it would not fit the memory limit.
struct EdgeLog {
  std::vector<std::uint32_t> begin;
  std::vector<std::uint32_t> to;
  bool overflow = false;  // more than 2^32 - 1 edges: not usable

  void add(std::uint32_t from, std::uint32_t target) {
    while (begin.size() <= from) begin.push_back(static_cast<std::uint32_t>(to.size()));
    if (to.size() == 0xFFFFFFFFu) overflow = true;
    if (!overflow) to.push_back(target);
  }
  // After the search: `states` states, begin has states + 1 entries.
  void close(std::uint32_t states) {
    while (begin.size() <= states) begin.push_back(static_cast<std::uint32_t>(to.size()));
  }
  std::uint64_t bytes() const { return 4 * (begin.capacity() + to.capacity()); }
  void clear() {
    begin = {};
    to = {};
  }
};

struct LivenessOutcome {
  // The lasso of the fair non-terminating SCC whose smallest state id is smallest, if any:
  // the parent-link path to that state, then a shortest cycle from it back to itself inside
  // the SCC (loop_start = index of the cycle's first step).
  std::optional<Counterexample> violation;
  std::string incomplete_reason;  // non-empty when `stop` ended the pass early
  bool cyclic = false;  // some SCC has an internal edge (a cycle, fair or not); false: the
                        // graph has no infinite path (what a reduced graph can prove alone)
  // The states of SCCs with an internal edge that `reduced` marks (expanded with an ample set),
  // in no particular order; empty when `reduced` is null.
  std::vector<std::uint32_t> reduced_on_cycles;
  // With a violation: the members of its SCC, sorted (a symmetry quotient's lasso is lifted to
  // the program through them: reduce/symmetric_system.hpp, concretise_lasso).
  std::vector<std::uint32_t> fair_scc;
};

// `unexpanded`: ids (sorted) of the states the search stored but did not expand.
// `stop`: polled every few thousand states; a non-empty return abandons the pass with that
// reason. May be empty.
// `path`: the search's steps from the initial state to a stored state (the lasso's stem).
// `log`: the graph's edges (closed), or null to regenerate them. Either way the same verdict
// and lasso (the fair SCC chosen is the one with the smallest entry id, whatever the DFS order;
// the lasso's cycle is computed from regenerated edges in the contract order).
LivenessOutcome find_nontermination(const TransitionSystem& system, const StateStore& store,
                                    std::span<const std::uint32_t> unexpanded,
                                    const std::function<std::string()>& stop,
                                    const std::function<std::vector<Step>(std::uint32_t)>& path,
                                    const EdgeLog* log = nullptr,
                                    const std::vector<bool>* reduced = nullptr);

// An upper bound on the memory of the pass for `states` stored states, before it starts
// (bytes; the edges of the states on the DFS stack come on top and are usually small).
std::uint64_t liveness_bytes_estimate(std::uint64_t states);

}  // namespace pcmc::checker
