// The per-rank loop of the distributed search (partitioned_bfs.hpp):
//
//   start:  the initial state's owner stores and checks it (level 0, position 0).
//   level:  expand the rank's states of this level in their sequential order (positions); each
//           successor goes to its owner with its arrival key and parent — this rank (stored at
//           once) or a queue for another rank (exchange.hpp), sent in batches as the queue
//           fills; the batches received are stored the same way, as they arrive. A state stored for the first time is
//           checked (invariants) and, unless it violates one, joins the next level; a state
//           stored earlier in the level keeps the smallest arrival key and its parent link.
//   end:    the ranks reduce the limits; rank the next level (level_order.hpp); find where -j 1
//           stopped in the level, if it did (the smallest event key of a violation in
//           first-violation mode, the --max-states stop); count what -j 1 counted up to there.
//           The run ends when the next level is empty everywhere or at a stop; every rank takes
//           that decision from the same reduced numbers. At the end the ranks agree on each
//           property's first report in -j 1's order and walk its path back (path_walk.hpp).
//
// Termination: a rank leaves a level once it has expanded its share (or stopped), sent its last
// batch and an end marker to every rank, and received every rank's end marker. A rank's marker
// follows its batches (MPI keeps one sender's messages in order), and storing a received state
// sends nothing, so a rank holding every marker has every record of the level for it. The
// level's end is collective (partition_level_end.cpp): no rank starts the next level, or ends
// the search, before every rank has left this one, and all of them decide from the same
// gathered numbers, so no rank can end early or wait for one that left.
#include "checker/distributed/partitioned_bfs.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "checker/distributed/exchange.hpp"
#include "checker/distributed/level_order.hpp"
#include "checker/distributed/partition.hpp"
#include "checker/distributed/path_walk.hpp"
#include "checker/search/search.hpp"
#include "checker/store/state_store.hpp"
#include "checker/system/program_system.hpp"

namespace pcmc::distributed {

using checker::Report;
using checker::StateStore;
using Clock = std::chrono::steady_clock;

namespace detail {

namespace {

constexpr std::uint64_t kCheckEvery = 64;    // expansions between interrupt/time checks
constexpr std::uint64_t kMemoryEvery = 256;  // expansions between memory checks

void allreduce(std::uint64_t* v, int n, MPI_Op op) {
  if (MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, op, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allreduce failed");
}

}  // namespace

Partition::Partition(const checker::TransitionSystem& sys, const checker::SearchOptions& opt,
                     int rank, int ranks, bool keep_links, std::uint64_t levels,
                     Clock::time_point start, unsigned signals_spent)
    : sys_(sys),
      opt_(opt),
      rank_(rank),
      ranks_(ranks),
      size_(std::max<std::size_t>(1, sys.state_size())),
      store_(sys.state_size(), sys.state_parts(), false),
      ex_(rank, ranks, size_),
      gen_(sys.make_context()),
      check_(sys.make_context()),
      group_states_(kGroup * size_),
      group_nodes_(kGroup * store_.node_count()),
      group_ids_(kGroup),
      keep_links_(keep_links),
      levels_(levels),
      links_(ranks),
      best_(sys.properties().size()),
      start_(start),
      signals_spent_(signals_spent) {}

// The first search stops at the interrupt flag; a search that goes on after an interrupt (the
// second search, to print what an interrupted first one found with --all) at a further signal.
// Without a count of signals (stop_signals null: not the command line) that search cannot tell
// one and runs to its end.
bool Partition::interrupted() const {
  if (signals_spent_ == 0)
    return opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed);
  return opt_.stop_signals != nullptr &&
         opt_.stop_signals->load(std::memory_order_relaxed) > signals_spent_;
}

void Partition::on_transition(const checker::Transition& t) {
  ++out_.own.transitions;
  const std::uint64_t n = step_++;
  if (n >= order::kEndStep)
    throw std::length_error("distributed search: a state with more than 65534 transitions");
  const std::uint64_t key = order::arrival(cur_pos_, n);
  std::uint64_t ord = 0;
  for (const Report& r : t.reports)
    report(r, level_ + 1, order::event(key, order::kReport), ord++, cur_id_,
           std::uint64_t{t.thread} << 16 | t.index);
  if (!t.fatal) route(t.state, key);
}

// Search::expand without reductions: every thread in id order, then the deadlock / end-state
// checks of Search::quiescent, keyed after every transition of the state (order::kEnd). The own
// successors are stored by arrive_group, with the group's: what is stored in between changes
// nothing (insert_found re-checks; a state keeps the smallest key whatever the order).
void Partition::expand(std::size_t i) {
  cur_id_ = frontier_[i];
  cur_pos_ = pos_[i];
  step_ = 0;
  const std::size_t k = group_size_++;
  std::uint8_t* cur = group_states_.data() + k * size_;
  store_.decode_nodes(cur_id_, cur, group_nodes_.data() + k * store_.node_count());
  group_ids_[k] = cur_id_;
  // The next state's first misses, hidden behind this expansion (as Search::expand_group does).
  if (i + 1 < frontier_.size()) store_.prefetch_decode(frontier_[i + 1]);
  bool any = false;
  for (unsigned t = 0; t < sys_.thread_count(); ++t)
    if (sys_.successors(cur, t, *gen_, *this) > 0) any = true;
  trans_[i] = static_cast<std::uint32_t>(step_);
  max_fanout_ = std::max<std::uint64_t>(max_fanout_, step_);
  if (any) return;
  bool all_finished = true;
  for (unsigned t = 0; t < sys_.thread_count() && all_finished; ++t)
    all_finished = sys_.finished(cur, t);
  reports_.clear();
  const checker::ExistsMask exists =
      all_finished ? sys_.check_end(cur, *check_, reports_) : 0;
  quiescent(all_finished, exists, reports_);
}

void Partition::quiescent(bool all_finished, checker::ExistsMask exists,
                          std::span<const Report> end) {
  const std::uint64_t key = order::event(order::arrival(cur_pos_, order::kEndStep), order::kEnd);
  if (!all_finished)
    return report(Report{sys_.deadlock_property(), 0xFFFF, 0}, level_ + 1, key, 0, cur_id_,
                  order::kNone);
  end_.emplace_back(cur_pos_, sys_.has_exists() ? exists : 0);
  std::uint64_t ord = 0;
  for (const Report& r : end) report(r, level_ + 1, key, ord++, cur_id_, order::kNone);
}

// Interrupt and time every kCheckEvery expansions, memory every kMemoryEvery: the store, the
// parent links, the level's vectors, the exchange buffers, and room for the next expansions
// and one received batch's records (each a state, its link and its key).
std::uint64_t Partition::budget(std::uint64_t expansions) {
  std::uint64_t stop = 0;
  if (interrupted()) stop |= kStopInterrupt;
  if (opt_.max_seconds > 0 && elapsed() >= opt_.max_seconds) stop |= kStopTime;
  if (opt_.max_memory != 0 && expansions % kMemoryEvery == 0) {
    const std::uint64_t incoming = Exchange::kFlushBytes / size_;  // one received batch
    const std::uint64_t more = kMemoryEvery * max_fanout_ + incoming;
    const std::uint64_t level = frontier_.capacity() * 4 + pos_.capacity() * 8 +
                                trans_.capacity() * 4 + next_key_.capacity() * 8 +
                                next_.capacity() * 4 + end_.capacity() * 16;
    const std::uint64_t held = store_.bytes() + links_.bytes() + ex_.bytes() + level +
                               store_.growth_bound(more) + more * 17;
    if (held > opt_.max_memory) stop |= kStopMemory;
  }
  return stop;
}

void Partition::start() {
  std::vector<std::uint8_t> init(size_);
  sys_.initial_state(init.data());
  if (owner_of(owner_hash(init.data(), size_), ranks_) == rank_) {
    const StateStore::Inserted in = store_.insert(init.data(), StateStore::kNone);
    if (keep_links_) links_.push_back(kNoLink);
    reports_.clear();
    sys_.check_state(init.data(), *check_, reports_);
    std::uint64_t ord = 0;
    for (const Report& r : reports_) report(r, 0, 0, ord++, in.id, order::kNone);
    if (reports_.empty()) {
      frontier_.push_back(in.id);
      pos_.push_back(0);
    }
  }
}

// Records another rank sent: stored like local ones, unless a rank has stopped (nobody stores
// more; the level is counted as far as it went).
void Partition::on_batch(const Exchange::Batch& b) {
  if (stop_ != 0 || ex_.stop_seen() != 0) return;
  try {
    arrive_received(b.records, b.links, b.count);
  } catch (const checker::BlockCrossing& e) {
    out_.crossing = e.where();
    stop_ |= kStopCrossing;
  }
}

// One level: expand this rank's frontier, storing what the others send as it comes, until every
// rank has finished the level (file comment).
void Partition::expand_level() {
  probe_ = opt_.max_depth != 0 && level_ + 1 > opt_.max_depth;
  trans_.assign(frontier_.size(), 0);
  std::size_t pos = 0;
  // A step that crosses a page-frame block abandons the search with blocks on every rank
  // (session.cpp runs it again without them): a stop bit, then distributed_search rethrows.
  try {
    while (pos < frontier_.size()) {
      if (pos % kCheckEvery == 0) {
        stop_ |= budget(pos);
        ex_.poll(*this);
        if (stop_ != 0 || ex_.stop_seen() != 0) break;
      }
      if (opt_.workers > 1) {  // a batch on opt_.workers threads (a multiple of kCheckEvery)
        const std::size_t n = std::min<std::size_t>(4 * kCheckEvery, frontier_.size() - pos);
        expand_batch(pos, n);
        pos += n;
      } else {
        expand(pos++);
        if (group_size_ == kGroup) arrive_group();
      }
      if (ex_.queued_bytes() >= Exchange::kFlushBytes) ex_.flush(*this);
    }
    arrive_group();
  } catch (const checker::BlockCrossing& e) {
    out_.crossing = e.where();
    stop_ |= kStopCrossing;
    local_bytes_.clear();  // the search is abandoned (distributed_search rethrows)
    local_keys_.clear();
    local_from_.clear();
    group_size_ = 0;
  }
  // A rank that waits (done, or no states this level) still reports Ctrl-C and the clock.
  if (interrupted()) stop_ |= kStopInterrupt;
  if (opt_.max_seconds > 0 && elapsed() >= opt_.max_seconds) stop_ |= kStopTime;
  out_.stop |= ex_.finish_level(stop_, *this);
}

PartitionOutcome Partition::run() {
  start();
  std::uint64_t v[2] = {frontier_.size(), level_min_ == order::kNone ? 0u : 1u};
  allreduce(v, 2, MPI_SUM);
  out_.states = 1;
  if (!opt_.all && v[1] != 0) {  // the initial state violates an invariant: -j 1 stops there
    stop_level_ = 0;
    stop_key_ = 0;
    out_.violated_stop = true;
  } else if (v[0] != 0) {
    for (;; ++level_) {
      level_first_ = static_cast<std::uint32_t>(store_.size());
      level_min_ = order::kNone;
      expand_level();
      if (level_end() || level_ + 1 >= levels_) break;
    }
  }
  if ((out_.stop & kStopCrossing) == 0) gather_violations();

  // The totals, on every rank.
  out_.own.states = store_.size();
  out_.own.sent_states = ex_.sent_states();
  out_.own.sent_bytes = ex_.sent_bytes();
  out_.own.store_bytes = store_.bytes();
  out_.own.link_bytes = links_.bytes();
  out_.own.peak_rss = checker::peak_rss_bytes();
  out_.own.seconds = elapsed();
  std::uint64_t sums[2] = {out_.own.store_bytes + out_.own.link_bytes, out_.cut ? 1u : 0u};
  allreduce(sums, 2, MPI_SUM);
  out_.store_bytes = sums[0];
  out_.cut = sums[1] != 0;
  std::uint64_t peak = out_.own.peak_rss;
  allreduce(&peak, 1, MPI_MAX);
  out_.peak_rss = peak;
  int mem = (out_.stop & kStopMemory) != 0 && (stop_ & kStopMemory) != 0 ? rank_ : INT_MAX;
  MPI_Allreduce(MPI_IN_PLACE, &mem, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  out_.memory_rank = mem == INT_MAX ? -1 : mem;
  return out_;
}

}  // namespace detail

}  // namespace pcmc::distributed
