// distributed_search.hpp. The partitioned BFS gives every rank the same outcome: -j 1's counts
// and violations with their paths (partitioned_bfs.hpp); rank 0 words it as the sequential
// search does (the incomplete reasons, the verdict) and broadcasts the Result, so that every
// rank returns the same Result and maps it to the same exit code.
#include "checker/distributed/distributed_search.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "checker/distributed/mpi_world.hpp"
#include "checker/distributed/partitioned_bfs.hpp"
#include "checker/distributed/result_codec.hpp"
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
  if (o.cut && !o.violated_stop && !o.state_limit)  // -j 1 says so only when not stopped
    return "depth limit " + std::to_string(opt.max_depth) + " reached";
  return {};
}

// Rank 0's part: the final Result from the partitioned outcome, worded as Search::run words it.
Result finish(const SearchOptions& opt, const PartitionOutcome& o) {
  Result r;
  r.incomplete_reason = stop_reason(o, opt);
  if (r.incomplete_reason.empty() && o.state_limit)
    r.incomplete_reason = "state limit " + std::to_string(opt.max_states) + " reached";
  if (o.dropped)  // first-violation mode: no verdict without -j 1's violation and its path
    r.incomplete_reason += "; a violation was found but not where -j 1 would report it";
  if (o.paths_pending)  // the second search stopped: no violation is printed without its path
    r.incomplete_reason += "; violations were found, their paths not rebuilt";
  r.exhaustive = o.stop == 0 && !o.cut && !o.state_limit && !o.violated_stop;
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
  st.path_hops_across = o.hops_across;
  r.violations = o.violations;
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
  const auto start = std::chrono::steady_clock::now();
  std::string encoded;
  PartitionOutcome o;
  try {
    o = partitioned_bfs(system, options, world->rank(), world->size());
    if (world->rank() == 0 && (o.stop & kStopCrossing) == 0) {
      Result r = finish(options, o);
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
  constexpr int kWords = 8;
  const checker::Stats::Rank& me = o.own;
  std::uint64_t mine[kWords] = {me.states,      me.transitions, me.sent_states, me.sent_bytes,
                                me.store_bytes, me.peak_rss,    0,              me.link_bytes};
  std::memcpy(&mine[6], &me.seconds, sizeof(double));
  std::vector<std::uint64_t> all(static_cast<std::size_t>(n) * kWords);
  MPI_Allgather(mine, kWords, MPI_UINT64_T, all.data(), kWords, MPI_UINT64_T, MPI_COMM_WORLD);
  for (int k = 0; k < n; ++k) {
    const std::uint64_t* w = &all[static_cast<std::size_t>(k) * kWords];
    checker::Stats::Rank rk{w[0], w[1], w[2], w[3], w[4], w[5], 0, w[7]};
    std::memcpy(&rk.seconds, &w[6], sizeof(double));
    r.stats.ranks.push_back(rk);
  }
  r.stats.store_bytes = o.store_bytes;  // the ranks' visited sets and parent links
  r.stats.peak_rss = std::max(r.stats.peak_rss, o.peak_rss);
  return r;
}

}  // namespace pcmc::distributed
