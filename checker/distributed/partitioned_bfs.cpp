// The per-rank loop of the distributed search (partitioned_bfs.hpp):
//
//   start:  the initial state's owner stores and checks it (level 0).
//   level:  expand the rank's states of this level; each successor goes to its owner — this rank
//           (stored at once) or a queue for another rank (exchange.hpp), sent in rounds; the
//           states received in a round are stored the same way. A state stored for the first
//           time is checked (invariants) and, unless it violates one, joins the next level.
//   end:    every rank reduces the level's figures (MPI_Allreduce): the states of the next
//           level, the stop reasons. The run ends when the next level is empty everywhere or
//           some rank stopped; every rank takes that decision from the same reduced numbers.
//
// Termination: a level ends only when every rank has said, in one round, that its frontier for
// the level is exhausted; a rank that has said so sends nothing more (it only stores what it
// receives, which sends nothing), so when every rank said so in round k every record of the
// level was in some round <= k and has been received. No rank leaves a level before the others
// (they all see the same round headers), so no rank can end early or wait for one that left.
#include "checker/distributed/partitioned_bfs.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <memory>
#include <stdexcept>
#include <string>

#include "checker/distributed/exchange.hpp"
#include "checker/search/search.hpp"
#include "checker/store/hash.hpp"
#include "checker/store/state_store.hpp"
#include "checker/system/program_system.hpp"

namespace pcmc::distributed {

using checker::Report;
using checker::StateStore;
using Clock = std::chrono::steady_clock;

std::uint64_t owner_hash(const std::uint8_t* state, std::size_t size) {
  // A seed of its own: the store hashes its leaves and nodes with checker::kHashSeed, so the
  // partition and the store's index slots are independent and each rank's index stays balanced.
  constexpr std::uint64_t kOwnerSeed = 0x9e3779b97f4a7c15ULL;
  return checker::hash_bytes(state, size, kOwnerSeed);
}

int owner_of(std::uint64_t hash, int ranks) {
  return static_cast<int>(((hash >> 32) * static_cast<std::uint64_t>(ranks)) >> 32);
}

namespace {

constexpr std::uint64_t kCheckEvery = 64;    // expansions between interrupt/time checks
constexpr std::uint64_t kMemoryEvery = 256;  // expansions between memory checks

void allreduce(std::uint64_t* v, int n, MPI_Op op) {
  if (MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, op, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allreduce failed");
}

class Partition final : public checker::TransitionSink {
 public:
  Partition(const checker::TransitionSystem& sys, const checker::SearchOptions& opt, int rank,
            int ranks)
      : sys_(sys),
        opt_(opt),
        rank_(rank),
        ranks_(ranks),
        size_(std::max<std::size_t>(1, sys.state_size())),
        store_(sys.state_size(), sys.state_parts(), false),
        ex_(rank, ranks, size_),
        gen_(sys.make_context()),
        check_(sys.make_context()),
        cur_(size_),
        first_level_(sys.properties().size(), kNever) {}

  PartitionOutcome run();
  void on_transition(const checker::Transition& t) override;

 private:
  void start();
  void expand_level();
  void expand(std::uint32_t id);
  void route(const std::uint8_t* state);
  std::uint32_t arrive(const std::uint8_t* state, std::uint32_t near);
  void note(checker::PropertyId p);
  std::uint64_t budget(std::uint64_t expansions);
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  const checker::TransitionSystem& sys_;
  const checker::SearchOptions& opt_;
  int rank_, ranks_;
  std::size_t size_;
  StateStore store_;
  Exchange ex_;
  std::unique_ptr<checker::Context> gen_, check_;  // successors(); check_state/check_end
  std::vector<std::uint8_t> cur_;                  // the state being expanded
  std::vector<Report> reports_;
  std::vector<std::uint32_t> frontier_, next_;     // this rank's states of this / next level
  std::vector<std::uint32_t> first_level_;         // per property: the first level it was noted
  std::uint32_t cur_id_ = 0, level_ = 0;
  bool probe_ = false;          // successors are deeper than max_depth: looked up, not stored
  bool violated_ = false;       // this rank noted a violation in this level
  std::uint64_t stop_ = 0;      // this rank's StopBits
  std::uint64_t inserted_next_ = 0;  // states this rank stored in this level (violating too)
  std::uint64_t max_fanout_ = 1;
  PartitionOutcome out_;
  Clock::time_point start_ = Clock::now(), last_progress_ = start_;
};

void Partition::note(checker::PropertyId p) {
  if (p >= first_level_.size())
    throw std::logic_error("distributed search: the system reported property id " +
                           std::to_string(p) + ", which it does not declare");
  first_level_[p] = std::min(first_level_[p], level_);
  violated_ = true;
}

// A state this rank owns. Mirrors Search::on_transition's insert → new_state for a state of the
// next level. `near`: a stored state that probably shares most of its tree with `state` (the
// state expanded, or the record received before it: a sender queues a state's successors one
// after the other), which the store's insert decodes once and compares against (an incremental
// lookup; the result is insert()'s whatever `near` is). Returns the state's id (kNone: a probe).
std::uint32_t Partition::arrive(const std::uint8_t* state, std::uint32_t near) {
  if (probe_) {
    if (store_.find(state) == StateStore::kNone) out_.cut = true;
    return StateStore::kNone;
  }
  const StateStore::Inserted in = store_.insert(state, near);
  if (!in.inserted) return in.id;
  ++inserted_next_;
  reports_.clear();
  sys_.check_state(state, *check_, reports_);
  if (!reports_.empty()) {  // a violating state is not expanded
    for (const Report& r : reports_) note(r.property);
    return in.id;
  }
  next_.push_back(in.id);
  return in.id;
}

void Partition::route(const std::uint8_t* state) {
  const std::uint64_t h = owner_hash(state, size_);
  const int dest = owner_of(h, ranks_);
  if (dest == rank_) arrive(state, cur_id_);
  else ex_.send(dest, state, h);
}

void Partition::on_transition(const checker::Transition& t) {
  ++out_.own.transitions;
  for (const Report& r : t.reports) note(r.property);
  if (!t.fatal) route(t.state);
}

// Search::expand without reductions: every thread in id order (the order does not change a
// complete level's figures), then the deadlock / end-state checks of Search::quiescent.
void Partition::expand(std::uint32_t id) {
  cur_id_ = id;
  store_.decode_hint(id, cur_.data());
  const std::uint64_t before = out_.own.transitions;
  bool any = false;
  for (unsigned t = 0; t < sys_.thread_count(); ++t)
    if (sys_.successors(cur_.data(), t, *gen_, *this) > 0) any = true;
  max_fanout_ = std::max<std::uint64_t>(max_fanout_, out_.own.transitions - before);
  if (any) return;
  bool all_finished = true;
  for (unsigned t = 0; t < sys_.thread_count() && all_finished; ++t)
    all_finished = sys_.finished(cur_.data(), t);
  if (!all_finished) return note(sys_.deadlock_property());
  ++out_.end_states;
  reports_.clear();
  const checker::ExistsMask exists = sys_.check_end(cur_.data(), *check_, reports_);
  if (sys_.has_exists())
    for (unsigned b = 0; b < 64; ++b)
      if (exists >> b & 1) ++out_.exists[b];
  for (const Report& r : reports_) note(r.property);
}

// Interrupt and time every kCheckEvery expansions, memory every kMemoryEvery: the store, the
// frontiers, the exchange buffers, and room for the next expansions and one round's records.
std::uint64_t Partition::budget(std::uint64_t expansions) {
  std::uint64_t stop = 0;
  if (opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed))
    stop |= kStopInterrupt;
  if (opt_.max_seconds > 0 && elapsed() >= opt_.max_seconds) stop |= kStopTime;
  if (opt_.max_memory != 0 && expansions % kMemoryEvery == 0) {
    const std::uint64_t incoming = std::uint64_t(ranks_) * Exchange::kRoundBytes / size_;
    const std::uint64_t held = store_.bytes() + ex_.bytes() +
                               (frontier_.capacity() + next_.capacity()) * sizeof(std::uint32_t) +
                               store_.growth_bound(kMemoryEvery * max_fanout_ + incoming);
    if (held > opt_.max_memory) stop |= kStopMemory;
  }
  return stop;
}

void Partition::start() {
  std::vector<std::uint8_t> init(size_);
  sys_.initial_state(init.data());
  if (owner_of(owner_hash(init.data(), size_), ranks_) == rank_) {
    const StateStore::Inserted in = store_.insert(init.data(), StateStore::kNone);
    reports_.clear();
    sys_.check_state(init.data(), *check_, reports_);
    for (const Report& r : reports_) note(r.property);
    if (reports_.empty()) frontier_.push_back(in.id);
  }
}

// One level: expand this rank's frontier in rounds until every rank is done (file comment).
void Partition::expand_level() {
  probe_ = opt_.max_depth != 0 && level_ + 1 > opt_.max_depth;
  std::size_t pos = 0;
  bool done = false;
  for (;;) {
    // A step that crosses a page-frame block abandons the search with blocks on every rank
    // (session.cpp runs it again without them): a stop bit, then distributed_search rethrows.
    try {
      while (!done) {
        if (pos == frontier_.size()) {
          done = true;
          break;
        }
        if (pos % kCheckEvery == 0 && (stop_ |= budget(pos)) != 0) {
          done = true;
          break;
        }
        expand(frontier_[pos++]);
        if (!opt_.all && violated_) {  // -j 1 stops in this level: the re-run finds where
          stop_ |= kStopViolation;
          done = true;
        }
        if (ex_.queued_bytes() >= Exchange::kRoundBytes) break;
      }
    } catch (const checker::BlockCrossing& e) {
      out_.crossing = e.where();
      stop_ |= kStopCrossing;
      done = true;
    }
    // A rank that waits (done, or no states this level) still reports Ctrl-C and the clock.
    if (opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed))
      stop_ |= kStopInterrupt;
    if (opt_.max_seconds > 0 && elapsed() >= opt_.max_seconds) stop_ |= kStopTime;
    const Exchange::Round rd = ex_.round(done, stop_, store_.size());
    if (rd.stop != 0) {
      out_.stop |= rd.stop;  // someone stopped: nobody expands or stores more
      done = true;
    } else {
      try {
        std::uint32_t near = StateStore::kNone;
        for (std::size_t i = 0; i < rd.count; ++i) near = arrive(rd.records + i * size_, near);
      } catch (const checker::BlockCrossing& e) {
        out_.crossing = e.where();
        stop_ |= kStopCrossing;
        done = true;
      }
      if (!opt_.all && violated_) {
        stop_ |= kStopViolation;
        done = true;
      }
    }
    // Every rank sees the same sum, so all of them stop in this round.
    if (opt_.max_states != 0 && rd.states > opt_.max_states) {
      stop_ |= kStopStates;
      done = true;
    }
    if (rd.all_done) break;
  }
}

PartitionOutcome Partition::run() {
  start();
  std::uint64_t v[4] = {frontier_.size(), 0, 0, 0};
  allreduce(v, 1, MPI_SUM);
  std::uint64_t stop = !opt_.all && violated_ ? std::uint64_t{kStopViolation} : 0;
  allreduce(&stop, 1, MPI_BOR);
  out_.stop |= stop;
  std::uint64_t todo = v[0];
  while (out_.stop == 0 && todo != 0) {
    violated_ = false;
    inserted_next_ = 0;
    expand_level();
    // The level's end, on every rank alike: next level's size, states stored, stop reasons.
    v[0] = next_.size();
    v[1] = inserted_next_;
    v[2] = store_.size();
    v[3] = out_.own.transitions;
    allreduce(v, 4, MPI_SUM);
    stop = stop_ | out_.stop;
    if (opt_.max_states != 0 && v[2] > opt_.max_states) stop |= kStopStates;
    allreduce(&stop, 1, MPI_BOR);
    out_.stop |= stop;
    if (v[1] != 0) out_.max_depth = level_ + 1;
    todo = v[0];
    if (opt_.progress && rank_ == 0 && Clock::now() - last_progress_ >= std::chrono::seconds(1)) {
      last_progress_ = Clock::now();
      checker::Stats s;
      s.states = v[2];
      s.transitions = v[3];
      s.max_depth = out_.max_depth;
      s.queue = todo;
      s.seconds = elapsed();
      s.store_bytes = store_.bytes();
      s.peak_rss = checker::peak_rss_bytes();
      opt_.progress(s);
    }
    if (out_.stop != 0 || todo == 0) break;
    frontier_.swap(next_);
    next_.clear();
    ++level_;
  }
  out_.stop_level = level_;

  // The totals, on every rank.
  out_.own.states = store_.size();
  out_.own.sent_states = ex_.sent_states();
  out_.own.sent_bytes = ex_.sent_bytes();
  out_.own.store_bytes = store_.bytes();
  out_.own.peak_rss = checker::peak_rss_bytes();
  out_.own.seconds = elapsed();
  std::vector<std::uint64_t> sums = {out_.own.states, out_.own.transitions, out_.end_states,
                                     out_.own.store_bytes};
  sums.insert(sums.end(), out_.exists.begin(), out_.exists.end());
  allreduce(sums.data(), static_cast<int>(sums.size()), MPI_SUM);
  out_.states = sums[0];
  out_.transitions = sums[1];
  out_.end_states = sums[2];
  out_.store_bytes = sums[3];
  std::copy(sums.begin() + 4, sums.end(), out_.exists.begin());
  std::uint64_t peak = out_.own.peak_rss;
  allreduce(&peak, 1, MPI_MAX);
  out_.peak_rss = peak;
  std::uint64_t cut = out_.cut ? 1 : 0;
  allreduce(&cut, 1, MPI_MAX);
  out_.cut = cut != 0;
  out_.first_level = first_level_;
  if (!first_level_.empty() &&
      MPI_Allreduce(MPI_IN_PLACE, out_.first_level.data(), static_cast<int>(first_level_.size()),
                    MPI_UINT32_T, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allreduce failed");
  int mem = (out_.stop & kStopMemory) != 0 && (stop_ & kStopMemory) != 0 ? rank_ : INT_MAX;
  MPI_Allreduce(MPI_IN_PLACE, &mem, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  out_.memory_rank = mem == INT_MAX ? -1 : mem;
  return out_;
}

}  // namespace

PartitionOutcome partitioned_bfs(const checker::TransitionSystem& sys,
                                 const checker::SearchOptions& opt, int rank, int ranks) {
  return Partition(sys, opt, rank, ranks).run();
}

}  // namespace pcmc::distributed
