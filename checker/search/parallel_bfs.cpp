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
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "checker/store/hash.hpp"
#include "checker/search/parallel_bfs.hpp"

namespace pcmc::checker::detail {

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
    if (r.src != group && (s.ample_ || s.sleep_ || ample != 0)) {
      group = r.src;
      const bool por = s.ample_ && batch_ample_;  // as Search::expand: until por_expanded()
      ample = por && !r.end ? ample_of(buf, k) : 0;
      if (ample != 0) {
        ++s.result_.stats.ample_states;
        s.mark_reduced(batch_[r.src].id);
      }
      if (por) s.por_expanded();
      if (s.diag_ && !r.end) {  // the states without candidates: the workers' (expand_state)
        if (ample != 0) s.diag_->reduced();
        else if (buf.recs[k].cand_end > buf.recs[k].cand_begin) s.diag_->proviso();
      }
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
    batch_ample_ = s.ample_;  // the workers read this, not s.ample_, which the replay may clear
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
