// partitioned_bfs() (partitioned_bfs.hpp): the partitioned search, and a second one when the
// first found counterexamples to print (docs/distributed.md, "Parent links and paths").
#include <algorithm>
#include <stdexcept>
#include <utility>

#include "checker/distributed/level_order.hpp"
#include "checker/distributed/partition.hpp"
#include "checker/distributed/partitioned_bfs.hpp"

namespace pcmc::distributed {

// The search keeps no parent links (5 bytes per state on each rank, 0.3 of its store):
// most runs print no counterexample. When it found violations, their paths come from the same
// search run again up to the deepest violation's level, this time with the links; it meets the
// same events in the same order, so its violations are the first's, with their paths (as the
// sequential search rebuilds hash compaction's paths, search_lossy_paths.cpp). --max-time counts
// both searches (from the first one's start). When the first was interrupted (--all: it prints
// what it found), the second goes on until a further Ctrl-C or SIGTERM (a count of signals:
// SearchOptions::stop_signals). A limit or an interrupt in the second leaves the violations
// unprinted and the run incomplete (paths_pending stays set: distributed_search says so).
PartitionOutcome partitioned_bfs(const checker::TransitionSystem& sys,
                                 const checker::SearchOptions& opt, int rank, int ranks) {
  const detail::Clock::time_point start = detail::Clock::now();
  PartitionOutcome o =
      detail::Partition(sys, opt, rank, ranks, false, order::kNone, start, 0).run();
  if (!o.paths_pending) return o;
  checker::SearchOptions again = opt;
  again.progress = nullptr;
  const unsigned spent = (o.stop & kStopInterrupt) != 0 ? 1 : 0;
  PartitionOutcome p =
      detail::Partition(sys, again, rank, ranks, true, o.paths_level, start, spent).run();
  o.peak_rss = std::max(o.peak_rss, p.peak_rss);
  o.own.peak_rss = std::max(o.own.peak_rss, p.own.peak_rss);
  o.own.link_bytes = p.own.link_bytes;
  o.own.seconds = p.own.seconds;  // the whole run's
  if (p.stop != 0) {
    o.stop |= p.stop;
    if (o.memory_rank < 0) o.memory_rank = p.memory_rank;
    return o;
  }
  if (p.paths_pending || p.violations.empty())
    throw std::logic_error("distributed search: the second search found other violations");
  o.violations = std::move(p.violations);
  o.hops_across = p.hops_across;
  o.paths_pending = false;
  return o;
}

}  // namespace pcmc::distributed
