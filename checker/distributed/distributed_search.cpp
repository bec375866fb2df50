// distributed_search.hpp. After the partitioned BFS (the same PartitionOutcome on every rank),
// rank 0 finishes the result the way the sequential search would have ended it:
//
//   - stopped at a violation (first-violation mode) or past --max-states in level d: the
//     sequential search stops inside level d too — at its first violation, or when it is full —
//     and that point depends on the order it meets the level's states, which the ranks do not
//     share. Rank 0 re-runs the sequential search bounded at depth d + 1: up to its stop it is
//     the unbounded -j 1 run (it stores and checks every state of depth <= d + 1 and stops while
//     expanding level d), so its result — verdict, counts, counterexamples — is -j 1's. The
//     argument is search_shortest.cpp's for POR's re-run.
//   - otherwise the counts are the partitioned run's (totals do not depend on the order), and
//     when properties were violated (`all` mode) their counterexamples come from the re-run
//     bounded at depth D + 1 (D: the deepest first level of a violated property), stopped once
//     it has recorded all of them: the same properties, order and paths as -j 1 (ditto).
//
// Rank 0 then broadcasts what the other ranks lack (its Result, serialised), so that every rank
// returns the same Result and maps it to the same exit code.
#include "checker/distributed/distributed_search.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <new>
#include <set>
#include <stdexcept>
#include <string>

#include "checker/distributed/mpi_world.hpp"
#include "checker/distributed/partitioned_bfs.hpp"
#include "checker/distributed/result_codec.hpp"
#include "checker/search/search_engine.hpp"
#include "checker/system/program_system.hpp"

namespace pcmc::distributed {

using checker::Result;
using checker::SearchOptions;
using checker::Status;

namespace {

constexpr int kInternalExit = 70;  // the command line's internal-error code (exit_codes.hpp)

std::string format_seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// The incomplete reason of a partitioned run, worded as the sequential search words it.
std::string stop_reason(const PartitionOutcome& o, const SearchOptions& opt) {
  if (o.stop & kStopInterrupt) return "interrupted";
  if (o.stop & kStopTime) return "time limit " + format_seconds(opt.max_seconds) + " s reached";
  if (o.stop & kStopMemory)
    return "memory limit " + std::to_string(opt.max_memory) + " bytes reached on rank " +
           std::to_string(o.memory_rank);
  if (o.cut) return "depth limit " + std::to_string(opt.max_depth) + " reached";
  return {};
}

// The sequential search of `sys` bounded at depth `bound` (and the user's own bound), as -j 1
// runs it; `stop_after`: in `all` mode, stop once that many properties are recorded (0: never).
Result rerun(const checker::TransitionSystem& sys, const SearchOptions& opt, std::uint64_t bound,
             std::size_t stop_after, double spent) {
  SearchOptions o = opt;
  o.por = o.sleep = false;
  o.workers = 1;
  o.progress = nullptr;
  o.max_depth = opt.max_depth != 0 ? std::min(opt.max_depth, bound) : bound;
  if (opt.max_seconds > 0) o.max_seconds = std::max(opt.max_seconds - spent, 1e-3);
  checker::detail::Search s(sys, o);
  if (stop_after != 0) s.stop_after(stop_after);
  Result r = s.run();
  // The bound's own cut is not a limit of the user's (a user bound equal to it is).
  if (o.max_depth != opt.max_depth &&
      r.incomplete_reason == "depth limit " + std::to_string(o.max_depth) + " reached") {
    r.incomplete_reason.clear();
    if (r.status == Status::Incomplete) r.status = Status::Holds;
  }
  return r;
}

// Rank 0's part: the final Result from the partitioned outcome (file comment).
Result finish(const checker::TransitionSystem& sys, const SearchOptions& opt,
              const PartitionOutcome& o, double spent) {
  const bool limit = (o.stop & (kStopInterrupt | kStopTime | kStopMemory)) != 0;
  if (!limit && (o.stop & (kStopViolation | kStopStates)) != 0) {
    Result r = rerun(sys, opt, o.stop_level + 1, 0, spent);
    r.stats.rerun_levels = o.stop_level + 1;
    return r;
  }
  Result r;
  r.incomplete_reason = stop_reason(o, opt);
  r.exhaustive = o.stop == 0 && !o.cut;
  checker::Stats& st = r.stats;
  st.states = o.states;
  st.transitions = o.transitions;
  st.end_states = o.end_states;
  st.max_depth = o.max_depth;
  st.exists_hits = o.exists[0];
  std::size_t used = 0;
  for (std::size_t b = 0; b < o.exists.size(); ++b)
    if (o.exists[b] != 0) used = b + 1;
  st.exists_each.assign(o.exists.begin(), o.exists.begin() + static_cast<long>(used));
  std::set<checker::PropertyId> violated;
  std::uint32_t deepest = 0;
  for (std::size_t p = 0; p < o.first_level.size(); ++p)
    if (o.first_level[p] != kNever) {
      violated.insert(static_cast<checker::PropertyId>(p));
      deepest = std::max(deepest, o.first_level[p]);
    }
  if (!violated.empty() && !opt.all) {
    // First-violation mode, stopped by a limit in the same level: the re-run that would pick
    // -j 1's violation is not started (the limit stops it too). No verdict without its path.
    r.incomplete_reason += (r.incomplete_reason.empty() ? "" : "; ") +
                           std::string("a violation was found but its counterexample not re-derived");
    r.exhaustive = false;
    violated.clear();
  }
  if (!violated.empty()) {
    Result v = rerun(sys, opt, deepest + 1, violated.size(), spent);
    st.rerun_levels = deepest + 1;
    std::set<checker::PropertyId> found;
    for (const auto& c : v.violations) found.insert(c.property);
    if (found != violated && v.incomplete_reason.empty())
      throw std::logic_error("distributed search: the sequential re-run up to depth " +
                             std::to_string(deepest + 1) +
                             " does not find the violations the ranks found");
    if (found != violated) {  // the re-run hit a limit: say so, keep what it re-derived
      const std::string why = "counterexamples not re-derived on rank 0: " + v.incomplete_reason;
      r.incomplete_reason = r.incomplete_reason.empty() ? why : r.incomplete_reason + "; " + why;
      r.exhaustive = false;
    }
    r.violations = std::move(v.violations);
  }
  r.status = !r.violations.empty()            ? Status::Violated
             : !r.incomplete_reason.empty()   ? Status::Incomplete
                                              : Status::Holds;
  return r;
}

// A step crossed a page-frame block on some rank: every rank throws the BlockCrossing of the
// lowest such rank, so that run_variant abandons the search with blocks everywhere alike.
[[noreturn]] void throw_crossing(const PartitionOutcome& o, int rank) {
  int who = o.crossing.empty() ? INT_MAX : rank;
  MPI_Allreduce(MPI_IN_PLACE, &who, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  std::uint64_t n = o.crossing.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, who, MPI_COMM_WORLD);
  std::string where = o.crossing;
  where.resize(n);
  MPI_Bcast(where.data(), static_cast<int>(n), MPI_BYTE, who, MPI_COMM_WORLD);
  throw checker::BlockCrossing(where);
}

}  // namespace

Result distributed_search(const checker::TransitionSystem& system, const SearchOptions& options) {
  World* world = World::current();
  if (world == nullptr) throw std::logic_error("distributed search without MPI (no World)");
  if (options.liveness)
    throw std::invalid_argument("the distributed search does not run the non-termination pass");
  if (options.order != checker::Order::BFS)
    throw std::invalid_argument("the distributed search is a BFS");
  if (options.store != checker::StoreMode::Exact)
    throw std::invalid_argument("the distributed search uses the exact store");
  if (options.workers > 1)
    throw std::invalid_argument("the distributed search runs one thread per rank");
  const auto start = std::chrono::steady_clock::now();
  std::string encoded;
  PartitionOutcome o;
  try {
    o = partitioned_bfs(system, options, world->rank(), world->size());
    if (world->rank() == 0 && (o.stop & kStopCrossing) == 0) {
      const double spent =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      Result r = finish(system, options, o, spent);
      r.stats.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      encoded = encode_result(r);
    }
  } catch (const std::bad_alloc&) {
    world->fatal("out of memory (an allocation failed; use --max-memory to bound each rank)",
                 kInternalExit);
  } catch (const std::exception& e) {
    world->fatal(std::string("internal error: ") + e.what(), kInternalExit);
  }
  if (o.stop & kStopCrossing) throw_crossing(o, world->rank());
  Result r = decode_result(broadcast_from_root(encoded));
  // The figures of every rank, in rank order, on every rank.
  const int n = world->size();
  constexpr int kWords = 7;
  const checker::Stats::Rank& me = o.own;
  std::uint64_t mine[kWords] = {me.states,      me.transitions, me.sent_states, me.sent_bytes,
                                me.store_bytes, me.peak_rss,    0};
  std::memcpy(&mine[6], &me.seconds, sizeof(double));
  std::vector<std::uint64_t> all(static_cast<std::size_t>(n) * kWords);
  MPI_Allgather(mine, kWords, MPI_UINT64_T, all.data(), kWords, MPI_UINT64_T, MPI_COMM_WORLD);
  for (int k = 0; k < n; ++k) {
    const std::uint64_t* w = &all[static_cast<std::size_t>(k) * kWords];
    checker::Stats::Rank rk{w[0], w[1], w[2], w[3], w[4], w[5], 0};
    std::memcpy(&rk.seconds, &w[6], sizeof(double));
    r.stats.ranks.push_back(rk);
  }
  r.stats.store_bytes = o.store_bytes;  // the ranks' visited sets (not a re-run's)
  r.stats.peak_rss = std::max(r.stats.peak_rss, o.peak_rss);
  return r;
}

}  // namespace pcmc::distributed
