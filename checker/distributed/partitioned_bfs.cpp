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
#include "checker/store/hash.hpp"
#include "checker/store/state_store.hpp"
#include "checker/system/program_system.hpp"

namespace pcmc::distributed {

using checker::Report;
using checker::StateStore;
using Clock = std::chrono::steady_clock;

// Every successor is hashed whole to find its owner. hash_bytes() is one chain of dependent
// multiplies (20 for a 330-byte state, 2-3 % of a rank's time); here four lanes of its
// multiply-and-fold take a 64-byte block at once, so their multiplies overlap, and hash_bytes()
// takes the last 0-63 bytes. A seed of its own: the store hashes its leaves and nodes with
// checker::kHashSeed, so the partition and the store's index slots are independent and each
// rank's index stays balanced.
std::uint64_t owner_hash(const std::uint8_t* state, std::size_t size) {
  using checker::hash_detail::kP0;
  using checker::hash_detail::kP1;
  using checker::hash_detail::kP2;
  using checker::hash_detail::kP3;
  using checker::hash_detail::load64;
  using checker::hash_detail::mum;
  constexpr std::uint64_t kOwnerSeed = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h0 = kOwnerSeed ^ kP0, h1 = kOwnerSeed ^ kP1, h2 = kOwnerSeed ^ kP2,
                h3 = kOwnerSeed ^ kP3;
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    const std::uint8_t* p = state + i;
    h0 = mum(load64(p) ^ kP1, load64(p + 8) ^ h0);
    h1 = mum(load64(p + 16) ^ kP2, load64(p + 24) ^ h1);
    h2 = mum(load64(p + 32) ^ kP3, load64(p + 40) ^ h2);
    h3 = mum(load64(p + 48) ^ kP0, load64(p + 56) ^ h3);
  }
  const std::uint64_t tail = checker::hash_bytes(state + i, size - i, kOwnerSeed);
  return mum(mum(h0 ^ kP2, h1 ^ kP3) ^ tail, mum(h2 ^ kP0, h3 ^ kP1) ^ size);
}

int owner_of(std::uint64_t hash, int ranks) {
  return static_cast<int>(((hash >> 32) * static_cast<std::uint64_t>(ranks)) >> 32);
}

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

// A state this rank owns, reached by the transition with arrival key `key` from the parent
// `link`. Mirrors Search::on_transition's insert → new_state for a state of the next level; a
// state stored earlier in this level keeps the smallest key and that transition's parent (the
// one -j 1 stores it from). `near`: a stored state that probably shares most of its tree with
// `state` (the state expanded, or the record received before it: a sender queues a state's
// successors one after the other), which the store's insert decodes once and compares against
// (an incremental lookup; the result is insert()'s whatever `near` is). Returns the state's id
// (kNone: a probe).
std::uint32_t Partition::arrive(const std::uint8_t* state, std::uint32_t near, std::uint64_t key,
                                std::uint64_t link) {
  if (probe_) {
    if (store_.find(state) == StateStore::kNone) out_.cut = true;
    return StateStore::kNone;
  }
  return stored(state, store_.insert(state, near), key, link);
}

std::uint32_t Partition::stored(const std::uint8_t* state, StateStore::Inserted in,
                                std::uint64_t key, std::uint64_t link) {
  if (!in.inserted) {
    if (in.id >= level_first_) {
      std::uint64_t& k = next_key_[in.id - level_first_];
      if (key < k) {
        k = key;
        if (keep_links_) links_.set(in.id, link);
      }
    }
    return in.id;
  }
  if (keep_links_) {
    if (in.id != links_.size()) throw std::logic_error("distributed search: store ids out of order");
    links_.push_back(link);
  }
  next_key_.push_back(key);
  reports_.clear();
  sys_.check_state(state, *check_, reports_);
  if (!reports_.empty()) {  // a violating state is not expanded
    std::uint64_t ord = 0;
    for (const Report& r : reports_) invariants_.push_back({in.id, r, ord++});
    return in.id;
  }
  next_.push_back(in.id);
  return in.id;
}

// A batch's records are successors of the sender's states in their order, most alike the record
// before them (siblings differ in a thread's block and the globals): they are looked up in groups
// of kReceivedGroup, each near the record before it (StateStore::lookup_chain_batch: the misses
// of a group overlap), then stored in order. The last record stored, its nodes completed by its
// insert, is the next group's near state, in the next batch too (a stored state's node indices
// never change); the rank's first record is looked up whole.
void Partition::arrive_received(const std::uint8_t* records, const Link* links, std::size_t n) {
  constexpr std::size_t kReceivedGroup = 32;
  batch_links_.resize(n);
  for (std::size_t i = 0; i < n; ++i) batch_links_[i] = make_link(links[i].from, links[i].parent);
  if (probe_) {
    for (std::size_t i = 0; i < n; ++i) arrive(records + i * size_, StateStore::kNone, 0, 0);
    return;
  }
  const std::size_t nc = store_.node_count();
  std::size_t i = 0;
  if (recv_nodes_.empty() && n > 0) {
    recv_nodes_.resize(nc);
    recv_state_.assign(records, records + size_);
    const std::size_t at = store_.size();
    const std::uint32_t found = store_.lookup(records, recv_nodes_.data());
    recv_nodes_[nc - 1] =
        stored(records, store_.insert_found(records, StateStore::kNone, recv_nodes_.data(), found, at),
               links[0].key, batch_links_[0]);
    i = 1;
  }
  batch_nodes_.resize(kReceivedGroup * nc);
  batch_node_ptrs_.resize(kReceivedGroup);
  batch_found_.resize(kReceivedGroup);
  batch_states_.resize(kReceivedGroup);
  for (; i < n; i += kReceivedGroup) {
    const std::size_t m = std::min(kReceivedGroup, n - i);
    for (std::size_t k = 0; k < m; ++k) {
      batch_states_[k] = records + (i + k) * size_;
      batch_node_ptrs_[k] = batch_nodes_.data() + k * nc;
    }
    store_.lookup_chain_batch(m, batch_states_.data(), batch_node_ptrs_.data(), recv_state_.data(),
                              recv_nodes_.data(), batch_found_.data());
    const std::size_t at = store_.size();
    for (std::size_t k = 0; k < m; ++k)
      batch_node_ptrs_[k][nc - 1] =
          stored(batch_states_[k],
                 store_.insert_found(batch_states_[k], StateStore::kNone, batch_node_ptrs_[k],
                                     batch_found_[k], at),
                 links[i + k].key, batch_links_[i + k]);
    std::copy_n(batch_states_[m - 1], size_, recv_state_.data());
    std::copy_n(batch_node_ptrs_[m - 1], nc, recv_nodes_.data());
  }
}

void Partition::arrive_group() {
  const std::size_t n = local_keys_.size();
  group_size_ = 0;
  if (n == 0) return;
  const std::size_t nc = store_.node_count();
  batch_links_.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    batch_links_[i] = make_link(static_cast<std::uint32_t>(rank_), group_ids_[local_from_[i]]);
  if (probe_) {
    for (std::size_t i = 0; i < n; ++i) arrive(local_bytes_.data() + i * size_, StateStore::kNone, 0, 0);
  } else {
    batch_states_.resize(n);
    near_states_.resize(n);
    near_nodes_.resize(n);
    batch_nodes_.resize(n * nc);
    batch_node_ptrs_.resize(n);
    batch_found_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch_states_[i] = local_bytes_.data() + i * size_;
      near_states_[i] = group_states_.data() + local_from_[i] * size_;
      near_nodes_[i] = group_nodes_.data() + local_from_[i] * nc;
      batch_node_ptrs_[i] = batch_nodes_.data() + i * nc;
    }
    store_.lookup_near_many(n, batch_states_.data(), batch_node_ptrs_.data(), near_states_.data(),
                            near_nodes_.data(), batch_found_.data());
    const std::size_t at = store_.size();
    for (std::size_t i = 0; i < n; ++i)
      stored(batch_states_[i],
             store_.insert_found(batch_states_[i], StateStore::kNone, batch_node_ptrs_[i],
                                 batch_found_[i], at),
             local_keys_[i], batch_links_[i]);
  }
  local_bytes_.clear();
  local_keys_.clear();
  local_from_.clear();
}

// A successor this rank owns is staged (stored after the expansion, in one batch); another
// rank's is queued for it.
void Partition::route(const std::uint8_t* state, std::uint64_t key) {
  const std::uint64_t h = owner_hash(state, size_);
  const int dest = owner_of(h, ranks_);
  if (dest == rank_) {
    local_bytes_.insert(local_bytes_.end(), state, state + size_);
    local_keys_.push_back(key);
    local_from_.push_back(static_cast<std::uint32_t>(group_size_ - 1));
  } else {
    ex_.send(dest, state, h, Link{key, keep_links_ ? cur_id_ : 0, 0});
  }
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
