// Phase 1 of the parallel BFS (parallel_bfs.cpp has the design and the contracts): a worker
// expands the states of a chunk of the batch and writes one record per transition into the
// chunk's buffer. The targets of one state are looked up in the store together, after the
// state's successors are generated (StateStore::lookup_near_batch: their cache misses overlap),
// read-only (nobody writes the store in phase 1).
#include <algorithm>
#include <cstring>

#include "checker/search/parallel_bfs.hpp"

namespace pcmc::checker::detail {

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
    store.lookup_near_batch(n, st.states.data(), st.node_ptrs.data(), near_state, near_nodes,
                            st.found.data());
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
  if (PorProbe* probe = batch_ample_ || s_.sleep_ ? probes_[w].get() : nullptr) {
    probe->begin(s.data());
    if (batch_ample_ && !s_.forced(s.data())) {  // forced: no candidates, a full expansion
      PorDiagnosis* diag = diags_[w].get();
      probe->candidates(*gen_[w], cands_[w], diag ? whys_[w].data() : nullptr);
      if (diag && cands_[w].empty()) diag->full(*probe, s.data(), *gen_[w], whys_[w].data());
      sink.cand_begin = static_cast<std::uint32_t>(buf.masks.size());
      buf.masks.insert(buf.masks.end(), cands_[w].begin(), cands_[w].end());
      sink.cand_end = static_cast<std::uint32_t>(buf.masks.size());
    }
    PorProbe::Mask z = 0, enabled = 0;
    if (s_.sleep_) {
      z = s_.sleep_->of(batch_[pos].id);  // the current level: the replay writes the next
      enabled = probe->enabled(*gen_[w]);
      sink.lookup_asleep = batch_ample_;
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

}  // namespace pcmc::checker::detail
