// Parallel BFS (SearchOptions::workers > 1): batch-synchronous, with exactly the sequential
// search's result (docs/parallel.md).
//
// The frontier is a FIFO of ids in BFS order. Each round takes the next batch of up to kBatch
// entries off its front and runs three phases:
//   1. expand (parallel): workers take chunks of the batch in any order; for each state they
//      generate its transitions in expansion order and write one record per transition (and an
//      end record for a state without successors) into the chunk's buffer: step, reports,
//      whether the target is already stored (store lookup, read-only), and for targets not
//      stored their bytes, tree nodes and invariant reports.
//   2. replay (driving thread, overlapping phase 1): the chunk buffers are read in batch order,
//      i.e. exactly the order in which the sequential loop would meet these transitions, and
//      each record goes through the same stages as Search::on_transition: count → reports →
//      fatal → depth limit → state limit → new? → invariants → enqueue. "New" = not stored and
//      not equal to an earlier record of this batch (a batch-local table); new states get the
//      next ids in that order. The driver replays chunk c as soon as it is expanded, and
//      expands chunks itself while the next one in order is not ready, so the replay runs
//      while the other workers expand (it reads only finished chunks and writes nothing they
//      read: the store is not written until phase 3).
//   3. place (parallel): the new states are written into the store in tree-level rounds, each
//      worker writing the shards it owns (StateStore::place).
// Because the batch is a prefix of the FIFO and everything it adds goes behind it, the order of
// expansions, the ids, the counts, the first violation and the stored parents' levels are those
// of the sequential search, whatever the batch size or the number of workers.
//
// Thread-safety: workers share the store read-only in phases 1–2 (nobody writes it), write
// disjoint chunk buffers, and own disjoint shards in phase 3. A chunk is handed from its expander
// to the replaying driver by a release store / acquire load of its `done_` flag (the batch
// number); phases 1–2 and 3 are separated by a std::barrier (happens-before). Each worker has its
// own Contexts.
// Partial-order reduction (por.hpp): phase 1 generates every thread's transitions and marks
// those of threads that satisfy C0–C2 in their state; phase 2 applies C3 exactly as the
// sequential search does (a target is new when it is neither stored nor inserted by an earlier
// record of the batch) and replays only the chosen thread's records, or all of them.
// Memory: before each chunk is applied, store + frontier + the buffers of the batch's chunks
// so far + the store's growth bound for their new states must fit max_memory, or the search
// stops with "memory limit" (the states of the chunks already applied are placed).
// Sleep sets (sleep_sets.hpp): a batch holds states of one BFS level only, so Z(s) of every
// state of the batch is final before phase 1 (the previous level is merged). Phase 1 marks the
// records of threads asleep in their state (with ample sets they are still looked up, for C3;
// without, they are not) and gives every other record its thread's independence mask in that
// state; the replay computes Z_b = (Z(s) + threads explored before b) & mask, exactly as
// Search::expand_asleep does, and applies insert / intersect in the sequential order.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "checker/hash.hpp"
#include "checker/search_engine.hpp"

namespace pcmc::checker::detail {

namespace {

constexpr std::size_t kBatch = 16384;  // states per batch
constexpr std::size_t kChunk = 64;     // states per work unit of phase 1

struct Rec {
  std::uint32_t src = 0;          // position of the expanded state in the batch
  Step step;
  bool end = false;               // an end record: the state has no successor
  bool fatal = false;
  bool all_finished = false;      // end records
  bool exists = false;            // end records
  bool asleep = false;            // sleep sets: the thread is asleep in the source state
  PorProbe::Mask indep = 0;       // sleep sets: the threads independent of this one in the source
  std::uint32_t cand_begin = 0, cand_end = 0;  // POR: the source state's candidate sets
  std::uint32_t rep_begin = 0, rep_end = 0;  // transition or end-state reports
  std::uint32_t inv_begin = 0, inv_end = 0;  // invariant reports of a target not stored
  std::uint32_t found = StateStore::kNone;   // the target's id when already stored
  std::uint32_t data = 0;                    // target not stored: index of its bytes and nodes
  std::uint64_t hash = 0;                    // target not stored: hash of its bytes
};

// One chunk's output. Written by one worker in phase 1, read by the driver in phase 2.
struct ChunkBuf {
  std::vector<Rec> recs;
  std::vector<Report> reports;
  std::vector<std::uint8_t> bytes;    // targets not stored, state_size each
  std::vector<std::uint32_t> nodes;   // their tree nodes, node_count each
  std::vector<PorProbe::Mask> masks;  // POR: candidate sets (C0–C2) of the chunk's states
  std::uint64_t targets = 0;
  void clear() {
    recs.clear();
    masks.clear();
    reports.clear();
    bytes.clear();
    nodes.clear();
    targets = 0;
  }
  std::uint64_t capacity_bytes() const {
    return recs.capacity() * sizeof(Rec) + reports.capacity() * sizeof(Report) +
           bytes.capacity() + nodes.capacity() * 4 + masks.capacity() * sizeof(PorProbe::Mask);
  }
};

}  // namespace

// The pool and the three phases. Workers are the driving thread (worker 0) and workers-1
// helpers; a helper waits at the barrier for the next task, runs its share, waits again.
class ParallelBfs {
 public:
  explicit ParallelBfs(Search& s)
      : s_(s), workers_(s.opt_.workers), sync_(static_cast<std::ptrdiff_t>(workers_)) {
    for (unsigned w = 0; w < workers_; ++w) {
      gen_.push_back(s.sys_.make_context());
      check_.push_back(s.sys_.make_context());
      probes_.push_back(s.probe_ ? std::make_unique<PorProbe>(s.sys_) : nullptr);
      cands_.emplace_back();
      near_nodes_.emplace_back(s.store_.node_count());
      states_.emplace_back(std::max<std::size_t>(1, s.sys_.state_size()));
      stages_.emplace_back();
      orders_.emplace_back();
    }
    const std::size_t n = s.sys_.state_size(), nodes = s.store_.node_count();
    node_count_ = nodes;
    state_size_ = n;
    bufs_.resize((kBatch + kChunk - 1) / kChunk);
    done_ = std::make_unique<std::atomic<std::uint64_t>[]>(bufs_.size());
    for (std::size_t c = 0; c < bufs_.size(); ++c) done_[c].store(0, std::memory_order_relaxed);
    for (unsigned w = 1; w < workers_; ++w) helpers_.emplace_back([this, w] { helper(w); });
  }
  ~ParallelBfs() {
    task_ = Task::Quit;
    sync_.arrive_and_wait();
    for (std::thread& t : helpers_) t.join();
  }
  void run();

 private:
  enum class Task { Expand, Place, Quit };
  class Collector;

  void helper(unsigned w) {
    for (;;) {
      sync_.arrive_and_wait();
      if (task_ == Task::Quit) return;
      work(w);
      sync_.arrive_and_wait();
    }
  }
  // Runs `t` on every worker; rethrows the first exception a worker raised.
  void dispatch(Task t) {
    task_ = t;
    sync_.arrive_and_wait();
    work(0);
    sync_.arrive_and_wait();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  void work(unsigned w) {
    if (task_ == Task::Expand) {
      if (w == 0)
        guarded([&] { go_on_ = drive(); });
      else
        guarded([&] { expand(w); });
      if (w == 0) abort_.store(true, std::memory_order_relaxed);  // helpers: nothing is left
      return;
    }
    for (unsigned r = 0; r < s_.store_.place_rounds(); ++r) {
      guarded([&] { s_.store_.place(r, w, workers_, pending_); });
      sync_.arrive_and_wait();  // the next round reads this round's nodes; always reached
    }
  }
  template <class F>
  void guarded(F f) {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
      abort_.store(true, std::memory_order_relaxed);
    }
  }
  void expand(unsigned w);
  void expand_chunk(unsigned w, std::size_t c);
  void expand_state(unsigned w, std::uint32_t pos, ChunkBuf& buf, std::vector<std::uint8_t>& s,
                    std::vector<unsigned>& order);
  // Phases 1–2 on the driving thread: replays the chunks in order as they are expanded,
  // expanding chunks itself while the next one is not ready. False when the search stops.
  bool drive();
  bool replay_chunk(std::size_t c);
  void grow_table();
  PorProbe::Mask ample_of(const ChunkBuf& buf, std::size_t k);
  std::uint32_t first_of(const ChunkBuf& buf, const Rec& r);

  Search& s_;
  unsigned workers_;
  std::barrier<> sync_;
  std::vector<std::thread> helpers_;
  Task task_ = Task::Expand;  // written by the driver before a barrier, read by helpers after
  std::exception_ptr error_;
  std::mutex error_mutex_;
  std::atomic<bool> failed_{false};  // a worker threw (error_ is set)
  std::vector<std::unique_ptr<Context>> gen_, check_;  // per worker
  std::vector<std::unique_ptr<PorProbe>> probes_;      // per worker, when POR is active
  std::vector<std::vector<PorProbe::Mask>> cands_;     // per worker: PorProbe::candidates scratch
  std::vector<std::vector<std::uint32_t>> near_nodes_; // per worker: the expanded state's nodes
  std::vector<std::vector<std::uint8_t>> states_;      // per worker: the expanded state
  // Per worker: the targets of the state being expanded, staged for one batched lookup
  // (Collector::flush): their records' positions, bytes and nodes, and the lookup's arguments.
  struct Stage {
    std::vector<std::size_t> recs;
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint32_t> nodes;
    std::vector<const std::uint8_t*> states;
    std::vector<std::uint32_t*> node_ptrs;
    std::vector<std::uint32_t> found;
  };
  std::vector<Stage> stages_;
  std::vector<std::vector<unsigned>> orders_;          // per worker: its expansion order
  std::size_t node_count_ = 0, state_size_ = 0;

  std::vector<FrontierEntry> batch_;
  std::vector<ChunkBuf> bufs_;
  std::atomic<std::size_t> next_chunk_{0};
  std::size_t chunks_ = 0;
  // done_[c] == batch_no_: chunk c of this batch is expanded (release by its expander, acquire
  // by the driver). Batch numbers start at 1, so the zeroed flags mean "not yet".
  std::unique_ptr<std::atomic<std::uint64_t>[]> done_;
  std::uint64_t batch_no_ = 0;
  std::atomic<bool> abort_{false};  // the driver stopped the search: take no more chunks
  bool go_on_ = true;               // drive()'s result
  std::uint32_t next_id_ = 0;       // phase 2: the id the next new state gets
  std::uint64_t applied_buffers_ = 0, applied_targets_ = 0;  // phase 2: memory so far

  // Phase 2: the batch-local table of targets not stored (index into firsts_), and the new
  // states handed to phase 3.
  struct First {
    const std::uint8_t* state;
    std::uint32_t* nodes;
    std::uint64_t hash;
    std::uint32_t id;  // kNone until it is stored
  };
  std::vector<First> firsts_;
  std::vector<std::uint32_t> table_;
  std::vector<StateStore::Pending> pending_;
};

// ------------------------------------------------------------------ phase 1: expand

class ParallelBfs::Collector final : public TransitionSink {
 public:
  Collector(ParallelBfs& p, unsigned w, ChunkBuf& buf, std::uint32_t src, std::uint32_t depth)
      : p_(p), w_(w), buf_(buf), stage_(p.stages_[w]), src_(src), depth_(depth) {}
  void on_transition(const Transition& t) override {
    Rec r;
    r.src = src_;
    r.step = Step{t.thread, t.index};
    r.fatal = t.fatal;
    r.asleep = asleep;
    r.indep = indep;
    r.cand_begin = cand_begin;
    r.cand_end = cand_end;
    if (asleep && !lookup_asleep) {  // sleep sets alone: only counted (Stats::slept)
      buf_.recs.push_back(r);
      return;
    }
    r.rep_begin = static_cast<std::uint32_t>(buf_.reports.size());
    buf_.reports.insert(buf_.reports.end(), t.reports.begin(), t.reports.end());
    r.rep_end = static_cast<std::uint32_t>(buf_.reports.size());
    if (!t.fatal) {  // looked up by flush(), with the state's other successors
      stage_.recs.push_back(buf_.recs.size());
      stage_.bytes.insert(stage_.bytes.end(), t.state, t.state + p_.state_size_);
    }
    buf_.recs.push_back(r);
  }
  // Looks up the targets staged since the last flush in one batch (their root index misses
  // overlap: StateStore::lookup_near_batch) and completes their records, in record order: a
  // stored target gets its id; one not stored gets its bytes, nodes and invariant reports
  // copied into the buffer.
  void flush() {
    Stage& st = stage_;
    const std::size_t n = st.recs.size();
    if (n == 0) return;
    const std::size_t nc = p_.node_count_, size = p_.state_size_;
    st.nodes.resize(n * nc);
    st.states.resize(n);
    st.node_ptrs.resize(n);
    st.found.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      st.states[i] = st.bytes.data() + i * size;
      st.node_ptrs[i] = st.nodes.data() + i * nc;
    }
    const VisitedSet& store = p_.s_.store_;
    static const bool batch = std::getenv("PCMC_NOBATCH") == nullptr;  // TEMP measurement toggle
    if (batch)
      store.lookup_near_batch(n, st.states.data(), st.node_ptrs.data(), near_state, near_nodes,
                              st.found.data());
    else
      for (std::size_t i = 0; i < n; ++i)
        store.lookup_near_batch(1, st.states.data() + i, st.node_ptrs.data() + i, near_state,
                                near_nodes, st.found.data() + i);
    for (std::size_t i = 0; i < n; ++i) {
      Rec& r = buf_.recs[st.recs[i]];
      const std::uint8_t* state = st.states[i];
      r.found = st.found[i];
      if (r.found != StateStore::kNone) {
        // Sleep sets under hash compaction: a stored state is found by its signature.
        if (p_.s_.sleep_ && store.lossy()) r.hash = store.batch_key(state);
        continue;
      }
      r.data = static_cast<std::uint32_t>(buf_.targets++);
      buf_.bytes.insert(buf_.bytes.end(), state, state + size);
      buf_.nodes.insert(buf_.nodes.end(), st.node_ptrs[i], st.node_ptrs[i] + nc);
      r.hash = store.batch_key(state);  // hash compaction: the signature
      r.inv_begin = static_cast<std::uint32_t>(buf_.reports.size());
      const std::uint64_t max_depth = p_.s_.opt_.max_depth;
      if (max_depth == 0 || depth_ + 1 <= max_depth)
        p_.s_.sys_.check_state(state, *p_.check_[w_], buf_.reports);
      r.inv_end = static_cast<std::uint32_t>(buf_.reports.size());
    }
    st.recs.clear();
    st.bytes.clear();
  }
  std::uint32_t cand_begin = 0, cand_end = 0;  // POR: the source state's candidates in buf.masks
  bool asleep = false;             // sleep sets: the thread being emitted is asleep
  bool lookup_asleep = false;      // ... and its records are still wanted whole (ample sets: C3)
  PorProbe::Mask indep = 0;        // sleep sets: its independence mask
  // The source state and its tree nodes (StateStore::decode_nodes), for incremental lookups
  // (required).
  const std::uint8_t* near_state = nullptr;
  const std::uint32_t* near_nodes = nullptr;

 private:
  ParallelBfs& p_;
  unsigned w_;
  ChunkBuf& buf_;
  Stage& stage_;
  std::uint32_t src_, depth_;
};

void ParallelBfs::expand(unsigned w) {
  while (!abort_.load(std::memory_order_relaxed)) {
    const std::size_t c = next_chunk_.fetch_add(1, std::memory_order_relaxed);
    if (c >= chunks_) return;
    expand_chunk(w, c);
  }
}

void ParallelBfs::expand_chunk(unsigned w, std::size_t c) {
  std::vector<std::uint8_t>& s = states_[w];
  std::vector<unsigned>& order = orders_[w];
  ChunkBuf& buf = bufs_[c];
  buf.clear();
  const std::size_t end = std::min(batch_.size(), (c + 1) * kChunk);
  for (std::size_t pos = c * kChunk; pos < end; ++pos) {
    if (pos + 1 < end) s_.store_.prefetch_decode(batch_[pos + 1].id);
    expand_state(w, static_cast<std::uint32_t>(pos), buf, s, order);
  }
  done_[c].store(batch_no_, std::memory_order_release);
}

void ParallelBfs::expand_state(unsigned w, std::uint32_t pos, ChunkBuf& buf,
                               std::vector<std::uint8_t>& s, std::vector<unsigned>& order) {
  const TransitionSystem& sys = s_.sys_;
  std::vector<std::uint32_t>& near = near_nodes_[w];
  s_.store_.decode_nodes(batch_[pos].id, s.data(), near.data());
  expansion_order(s.data(), state_size_, s_.threads_, s_.opt_.shuffle_seed, order);
  Collector sink(*this, w, buf, pos, batch_[pos].depth);
  sink.near_state = s.data();
  sink.near_nodes = near.data();
  bool any = false;
  if (PorProbe* probe = probes_[w].get()) {
    probe->begin(s.data());
    if (s_.ample_) {
      probe->candidates(*gen_[w], cands_[w]);
      sink.cand_begin = static_cast<std::uint32_t>(buf.masks.size());
      buf.masks.insert(buf.masks.end(), cands_[w].begin(), cands_[w].end());
      sink.cand_end = static_cast<std::uint32_t>(buf.masks.size());
    }
    PorProbe::Mask z = 0, enabled = 0;
    if (s_.sleep_) {
      z = s_.sleep_->of(batch_[pos].id);  // the current level: the replay writes the next
      enabled = probe->enabled(*gen_[w]);
      sink.lookup_asleep = s_.ample_;
    }
    for (const unsigned t : order) {
      const PorProbe::Mask bit = PorProbe::Mask{1} << t;
      sink.asleep = (z & bit) != 0;
      // Every thread that may be in Z(s) or explored before t at s (the ample set is chosen in
      // the replay): the replay intersects.
      sink.indep = s_.sleep_ && !sink.asleep && (enabled & bit) != 0
                       ? probe->independent(t, z | enabled, *gen_[w])
                       : 0;
      if (probe->emit(t, *gen_[w], sink) > 0) any = true;
    }
  } else {
    for (const unsigned t : order)
      if (sys.successors(s.data(), t, *gen_[w], sink) > 0) any = true;
  }
  sink.flush();
  if (any) return;
  Rec r;
  r.src = pos;
  r.end = true;
  r.all_finished = true;
  for (unsigned t = 0; t < s_.threads_ && r.all_finished; ++t)
    r.all_finished = sys.finished(s.data(), t);
  r.rep_begin = static_cast<std::uint32_t>(buf.reports.size());
  if (r.all_finished) r.exists = sys.check_end(s.data(), *check_[w], buf.reports);
  r.rep_end = static_cast<std::uint32_t>(buf.reports.size());
  buf.recs.push_back(r);
}

// ------------------------------------------------------------------ phase 2: replay

// The index in firsts_ of the batch's first record with the same target as `r` (adding `r` if
// there is none).
std::uint32_t ParallelBfs::first_of(const ChunkBuf& buf, const Rec& r) {
  const std::uint8_t* bytes = buf.bytes.data() + std::size_t{r.data} * state_size_;
  if (2 * (firsts_.size() + 1) > table_.size()) grow_table();  // load <= 1/2
  const std::uint64_t cap = table_.size();
  std::uint64_t i = InternTable::slot_of(r.hash, cap);
  for (;;) {
    const std::uint32_t f = table_[i];
    if (f == StateStore::kNone) break;
    if (firsts_[f].hash == r.hash && s_.store_.same_in_batch(firsts_[f].state, bytes))
      return f;
    if (++i == cap) i = 0;
  }
  table_[i] = static_cast<std::uint32_t>(firsts_.size());
  firsts_.push_back({bytes, const_cast<std::uint32_t*>(buf.nodes.data()) +
                                std::size_t{r.data} * node_count_,
                     r.hash, StateStore::kNone});
  return table_[i];
}

// Doubles the batch table (the replay does not know the batch's size in advance: it starts
// while the batch is being expanded) and re-inserts every first record by its hash.
void ParallelBfs::grow_table() {
  table_.assign(2 * table_.size(), StateStore::kNone);
  const std::uint64_t cap = table_.size();
  for (std::uint32_t f = 0; f < firsts_.size(); ++f) {
    std::uint64_t i = InternTable::slot_of(firsts_[f].hash, cap);
    while (table_[i] != StateStore::kNone)
      if (++i == cap) i = 0;
    table_[i] = f;
  }
}

// POR, C3 (por.hpp): the first candidate set of the state at buf.recs[k] whose records in the
// state's group all lead to targets that are neither stored nor inserted earlier in this batch
// — what Search::ample_set decides at the same point of the sequential search. 0: expand every
// thread.
PorProbe::Mask ParallelBfs::ample_of(const ChunkBuf& buf, std::size_t k) {
  const Rec& head = buf.recs[k];
  const std::uint32_t src = head.src;
  std::size_t end = k;
  while (end < buf.recs.size() && buf.recs[end].src == src) ++end;
  for (std::uint32_t c = head.cand_begin; c < head.cand_end; ++c) {
    const PorProbe::Mask m = buf.masks[c];
    bool ok = true;
    for (std::size_t i = k; i < end && ok; ++i) {
      const Rec& r = buf.recs[i];
      if (r.end || !((m >> r.step.thread) & 1)) continue;
      ok = !r.fatal;
      if (!ok) break;
      const std::uint32_t id = r.found != StateStore::kNone ? r.found : firsts_[first_of(buf, r)].id;
      ok = s_.proviso_ok(id, batch_[src].depth);
    }
    if (ok) return m;
  }
  if (head.cand_end > head.cand_begin) ++s_.result_.stats.proviso_full;
  return 0;
}

bool ParallelBfs::drive() {
  firsts_.clear();
  pending_.clear();
  std::fill(table_.begin(), table_.end(), StateStore::kNone);  // its size: the last batch's
  if (table_.size() < 64) table_.assign(64, StateStore::kNone);
  next_id_ = static_cast<std::uint32_t>(s_.store_.size());
  applied_buffers_ = applied_targets_ = 0;
  for (std::size_t next = 0; next < chunks_;) {
    if (done_[next].load(std::memory_order_acquire) == batch_no_) {
      if (!replay_chunk(next)) return false;
      ++next;
      continue;
    }
    if (failed_.load(std::memory_order_relaxed)) return false;  // dispatch() rethrows
    const std::size_t c = next_chunk_.fetch_add(1, std::memory_order_relaxed);
    if (c < chunks_)
      expand_chunk(0, c);
    else
      std::this_thread::yield();  // chunk `next` is being expanded by a helper
  }
  return true;
}

// Applies one chunk's records in sequential order; false when the search stops inside it.
bool ParallelBfs::replay_chunk(std::size_t c) {
  Search& s = s_;
  const ChunkBuf& buf = bufs_[c];
  applied_buffers_ += buf.capacity_bytes();
  applied_targets_ += buf.targets;
  if (s.opt_.max_memory != 0 &&
      s.store_.bytes() + s.frontier_.bytes() + applied_buffers_ +
              applied_targets_ * (sizeof(First) + 2 * sizeof(std::uint32_t) +
                                  sizeof(StateStore::Pending)) +
              s.store_.growth_bound(applied_targets_) >
          s.opt_.max_memory) {
    s.halt("memory limit " + std::to_string(s.opt_.max_memory) + " bytes reached");
    return false;
  }
  // A state's records are all in its chunk, so the per-source state below starts afresh here.
  std::uint32_t group = StateStore::kNone;  // the source whose ample set is `ample`
  PorProbe::Mask ample = 0;
  PorProbe::Mask asleep = 0, explored = 0;  // sleep sets: Z(group), threads explored so far
  for (std::size_t k = 0; k < buf.recs.size(); ++k) {
    const Rec& r = buf.recs[k];
    if ((s.ample_ || s.sleep_) && r.src != group) {
      group = r.src;
      ample = s.ample_ && !r.end ? ample_of(buf, k) : 0;
      if (ample != 0) ++s.result_.stats.ample_states;
      asleep = s.sleep_ ? s.sleep_->of(batch_[r.src].id) : 0;
      explored = 0;
    }
    if (ample != 0 && !((ample >> r.step.thread) & 1)) continue;
    if (r.asleep) {  // as Search::expand_asleep: counted, not generated
      ++s.result_.stats.slept;
      continue;
    }
    // Z_b of Search::expand_asleep (r.indep never holds the record's own thread).
    const PorProbe::Mask zb = (asleep | explored) & r.indep;
    if (!r.end) explored |= PorProbe::Mask{1} << r.step.thread;
    const FrontierEntry& src = batch_[r.src];
    s.cur_id_ = src.id;
    const std::span<const Report> reps(buf.reports.data() + r.rep_begin, r.rep_end - r.rep_begin);
    if (r.end) {
      s.quiescent(src.id, r.all_finished, reps, r.exists);
      if (s.stop_) return false;
      continue;
    }
    ++s.result_.stats.transitions;
    for (const Report& rep : reps) s.record(rep, src.id, &r.step);
    if (s.stop_) return false;
    if (r.fatal) continue;
    const std::uint32_t depth = src.depth + 1;
    const std::uint32_t f = r.found != StateStore::kNone ? StateStore::kNone : first_of(buf, r);
    const bool stored = f == StateStore::kNone || firsts_[f].id != StateStore::kNone;
    if (stored) s.log_edge(f == StateStore::kNone ? r.found : firsts_[f].id);
    if (s.opt_.max_depth != 0 && depth > s.opt_.max_depth) {
      if (!stored) s.cut_ = true;
      continue;
    }
    if (stored) {
      if (s.sleep_)
        s.sleep_->reached(r.found != StateStore::kNone ? r.found : firsts_[f].id, r.hash, zb);
      continue;
    }
    if (next_id_ >= s.state_limit_) {
      s.halt(s.state_limit_reason());
      return false;
    }
    First& first = firsts_[f];
    first.id = next_id_++;
    s.log_edge(first.id);
    pending_.push_back({first.state, first.nodes, first.id, src.id});
    if (s.sleep_) s.sleep_->inserted(first.id, r.hash, zb);
    s.new_state(first.id, depth, std::span<const Report>(buf.reports.data() + r.inv_begin,
                                                         r.inv_end - r.inv_begin));
    if (s.stop_) return false;
  }
  return true;
}

// ------------------------------------------------------------------ the loop

void ParallelBfs::run() {
  Search& s = s_;
  std::uint64_t last_buffers = 0, last_targets = 0;
  while (!s.stop_ && !s.frontier_.empty()) {
    // Room for a batch like the previous one (its buffers and its new states).
    if (s.out_of_budget(1 + last_buffers + s.store_.growth_bound(last_targets))) return;
    batch_.clear();
    // Sleep sets: one BFS level per batch (the masks of the next level are merged by then).
    while (batch_.size() < kBatch && !s.frontier_.empty() &&
           (!s.sleep_ || batch_.empty() || s.frontier_.front().depth == batch_.front().depth))
      batch_.push_back(s.frontier_.pop());
    if (s.sleep_) {
      const std::uint32_t d = batch_.front().depth;
      s.sleep_->enter(d, s.level_start_.at(d), static_cast<std::uint32_t>(s.store_.size()));
    }
    s.store_.release_below(batch_.front().id);  // hash compaction: ids are expanded in order
    chunks_ = (batch_.size() + kChunk - 1) / kChunk;
    next_chunk_.store(0, std::memory_order_relaxed);
    abort_.store(false, std::memory_order_relaxed);
    ++batch_no_;
    dispatch(Task::Expand);  // expand and replay (drive())
    const bool go_on = go_on_;

    last_buffers = last_targets = 0;
    for (std::size_t c = 0; c < chunks_; ++c) {
      last_buffers += bufs_[c].capacity_bytes();
      last_targets += bufs_[c].targets;
    }
    last_buffers += last_targets * (sizeof(First) + 2 * sizeof(std::uint32_t) +
                                    sizeof(StateStore::Pending));
    if (!pending_.empty()) {
      s.store_.reserve(static_cast<std::uint32_t>(pending_.size()));
      dispatch(Task::Place);
    }
    if (!go_on) return;
  }
}

void Search::run_parallel() {
  ParallelBfs p(*this);
  p.run();
}

}  // namespace pcmc::checker::detail
