// The non-termination verdict under POR and symmetry (docs/reductions.md, "POR and symmetry
// with the non-termination pass"): the rounds of reduced searches that decide it, and the
// full-graph search that settles it when they cannot.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker {

namespace {

Result status_of(Result r) {
  r.status = !r.violations.empty()         ? Status::Violated
             : !r.incomplete_reason.empty() ? Status::Incomplete
                                            : Status::Holds;
  return r;
}

}  // namespace

void settle_nontermination(Result& r, const SearchOptions& options,
                           const std::function<Result(const SearchOptions&)>& full_search) {
  const std::string why = r.stats.liveness_fallback;
  r.stats.liveness_fallback.clear();
  SearchOptions o = options;
  o.por = o.sleep = o.symmetry = o.quotient = false;
  o.all = true;  // the pass runs after the whole search; the safety verdicts are r's already
  if (options.max_seconds > 0) o.max_seconds = std::max(options.max_seconds - r.stats.seconds, 1e-3);
  const Result full = full_search(o);
  r.stats.liveness_graph = "full (fallback: " + why + ")";
  r.stats.fallback_states = full.stats.states;
  r.stats.seconds += full.stats.seconds;
  r.stats.peak_rss = std::max(r.stats.peak_rss, full.stats.peak_rss);
  if (!full.incomplete_reason.empty() && r.incomplete_reason.empty())
    r.incomplete_reason = full.incomplete_reason + " (non-termination pass on the full graph)";
  for (const Counterexample& c : full.violations)
    if (detail::is_lasso(c)) r.violations.push_back(c);
  r = status_of(std::move(r));
}

namespace detail {

// The rounds of the non-termination decision (docs/reductions.md): while the reduced graph
// has cyclic SCCs with states expanded with an ample set and no weakly fair SCC, search again
// with those states (and the earlier rounds') expanded fully; the last round's result stands.
// After kMaxRounds, or when the states to expand fully pass a tenth of the graph, the full graph
// decides (settle_nontermination).
Result reduced_rounds(const TransitionSystem& system, const SearchOptions& options) {
  constexpr std::uint64_t kMaxRounds = 4;
  Result r = Search(system, options).run();
  if (r.stats.liveness_fallback.empty()) return r;
  auto forced = std::make_shared<std::unordered_set<std::string>>();
  if (options.expand_fully) *forced = *options.expand_fully;
  double seconds = r.stats.seconds;
  std::uint64_t rounds = 1;
  while (!r.stats.liveness_fallback.empty() && !r.cycle_states.empty() && rounds < kMaxRounds &&
         forced->size() + r.cycle_states.size() <= r.stats.states / 10 + 64) {
    for (std::string& s : r.cycle_states) forced->insert(std::move(s));
    SearchOptions o = options;
    o.expand_fully = forced;
    if (options.max_seconds > 0) o.max_seconds = std::max(options.max_seconds - seconds, 1e-3);
    r = Search(system, o).run();
    seconds += r.stats.seconds;
    ++rounds;
  }
  r.cycle_states.clear();
  r.stats.seconds = seconds;
  r.stats.liveness_rounds = rounds;
  r.stats.expanded_fully = forced->size();
  if (!r.stats.liveness_fallback.empty() && !options.quotient)  // else run_variant settles it
    settle_nontermination(r, options, [&](const SearchOptions& o) {
      return Search(system, o).run();
    });
  return r;
}

}  // namespace detail

}  // namespace pcmc::checker
