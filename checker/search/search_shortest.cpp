// Shortest counterexamples under partial-order reduction: search() (search.hpp).
//
// BFS promises each property's shortest counterexample (search.cpp). With POR the BFS runs over
// a reduced graph, and a shortest path of the reduced graph can be longer than the unreduced one
// (seed c-stress --debug-vm --all: A1.discipline in 7 steps with ample sets, 6 without). POR
// keeps the set of violated properties (docs/por.md), so when the reduced search records
// violations whose longest counterexample has L steps, each of those properties has an unreduced
// counterexample of at most L steps, and the BFS without POR bounded at depth L + 1 finds exactly
// what the unbounded BFS without POR finds:
//   - every violation of length <= L is seen by the end of level L's expansion (a transition
//     report of length k while level k-1 is expanded, an invariant of a depth-k state when it is
//     stored, from level k-1, a deadlock or end-state report of a depth-k state when it is
//     expanded), and up to then the bounded run is the same run: the bound L + 1 stores and checks
//     every state the expansion of level L stores (it drops only depth L + 2 successors);
//   - first-violation mode: the unbounded run stops at its first violation, which is at the
//     latest during level L's expansion: the bounded run stops at the same one, same path;
//   - `all`: the unbounded run records the POR run's properties (no others exist), each by the
//     end of level L's expansion: the bounded run records the same ones in the same order with
//     the same paths (and stops once it has them all: nothing else is left to find).
// So the result's violations and counterexamples are those of POR off, exactly; the counts stay
// those of the reduced search (the proof's size), with the re-run's states in Stats::rerun_states.
// When no state was expanded with an ample set, the reduced graph was the whole graph: no re-run.
//
// The re-run checks POR as it goes: it must find a violation (first-violation mode) or the same
// set of properties (`all`) — otherwise POR lost or invented a violation, an internal error.
// DFS gives no length guarantee, so it is not re-run.
//
// The bounded BFS may keep the reductions that keep every path's length and the order of the
// argument above: run_variant runs it on the dead-variable executor and, when symmetry applies,
// through the quotient (session.cpp, with_transactions; docs/transactions.md, "Counterexamples":
// then the lengths are POR off's, the tie-break between equally short paths the quotient's).
#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker {

namespace {

// A lasso of the non-termination pass is not re-derived: it is a real lasso of the full graph
// (docs/reductions.md), and no bounded search finds one. The safety violations are.
using detail::is_lasso;

std::size_t safety_violations(const Result& r) {
  return static_cast<std::size_t>(std::count_if(r.violations.begin(), r.violations.end(),
                                                [](const Counterexample& c) { return !is_lasso(c); }));
}

bool needs_rerun(const Result& r, const SearchOptions& o) {
  return o.order == Order::BFS && r.stats.por && r.stats.ample_states > 0 &&
         safety_violations(r) > 0;
}

std::set<PropertyId> properties_of(const Result& r) {
  std::set<PropertyId> s;
  for (const Counterexample& c : r.violations)
    if (!is_lasso(c)) s.insert(c.property);
  return s;
}

}  // namespace

Result search(const TransitionSystem& system, const SearchOptions& options) {
  if (options.partitioned) {  // several processes: checker/distributed/ (SearchOptions)
    SearchOptions o = options;
    o.partitioned = nullptr;
    return options.partitioned(system, o);
  }
  Result reduced = detail::reduced_rounds(system, options);
  if (!options.rederive || !needs_rerun(reduced, options)) return reduced;
  rederive_shortest(system, reduced, options);
  return reduced;
}

void rederive_shortest(const TransitionSystem& system, Result& reduced, const SearchOptions& options) {
  rederive_shortest(reduced, options,
                    [&](const SearchOptions& o) { return detail::Search(system, o).run(); });
}

void rederive_shortest(Result& reduced, const SearchOptions& options,
                       const std::function<Result(const SearchOptions&)>& bounded) {
  if (options.order != Order::BFS || safety_violations(reduced) == 0) return;
  std::uint64_t longest = 0;
  for (const Counterexample& c : reduced.violations)
    if (!is_lasso(c)) longest = std::max<std::uint64_t>(longest, c.steps.size());
  SearchOptions o = options;
  o.por = false;
  o.sleep = false;  // sleep sets alone keep lengths, but the paths are to be POR off's exactly
  o.liveness = false;  // bounded: no pass (the lasso, if any, stays the reduced search's)
  o.transactions = false;
  o.rederive = false;
  o.partitioned = nullptr;  // the bounded run stays in this process
  o.max_depth = options.max_depth != 0 ? std::min(options.max_depth, longest + 1) : longest + 1;
  if (options.max_seconds > 0)
    o.max_seconds = std::max(options.max_seconds - reduced.stats.seconds, 1e-3);
  o.stop_after = options.all ? safety_violations(reduced) : 0;
  Result full = bounded(o);

  Result& out = reduced;
  out.stats.rerun_states = full.stats.states;
  out.stats.rerun_seconds = full.stats.seconds;
  out.stats.seconds += full.stats.seconds;
  out.stats.peak_rss = std::max(out.stats.peak_rss, full.stats.peak_rss);
  // The bound's own cut is not a limit of the user's (a user bound equal to it is).
  const std::string own_cut = "depth limit " + std::to_string(o.max_depth) + " reached";
  if (full.incomplete_reason == own_cut && o.max_depth != options.max_depth)
    full.incomplete_reason.clear();
  const bool cut_short = !full.incomplete_reason.empty();  // a time, memory or state limit
  if (cut_short && full.violations.empty()) {
    out.stats.rerun_failed = full.incomplete_reason;  // keep the reduced counterexamples
    return;
  }
  if (full.violations.empty() ||
      (options.all && !cut_short && properties_of(full) != properties_of(out)))
    throw std::logic_error(
        "the search without reductions up to depth " + std::to_string(o.max_depth) +
        " does not find the violations the reduced search found (a soundness bug of POR or "
        "transactions)");
  if (options.all && cut_short) {
    // The properties the re-run reached get its (shortest) counterexamples, the rest keep theirs.
    out.stats.rerun_failed = full.incomplete_reason;
    for (Counterexample& c : out.violations)
      for (Counterexample& f : full.violations)
        if (f.property == c.property && !is_lasso(c)) c = std::move(f);
    return;
  }
  for (Counterexample& c : out.violations)
    if (is_lasso(c)) full.violations.push_back(std::move(c));
  out.violations = std::move(full.violations);
}

}  // namespace pcmc::checker
