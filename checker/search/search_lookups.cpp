// The sequential search's store lookups of the successors of the state being expanded
// (search_engine.hpp, "lookups"): incremental from that state (StateStore::decode_hint), batched
// where the successors are known before they are handled — every successor without POR (they
// are staged first), every buffered target of the threads a POR expansion emits — so that their
// cache misses in the store overlap (StateStore::find_hinted_batch), and carried to the insert
// (StateStore::insert_found), so that no successor is looked up twice. The results are those of
// plain find()/insert(): insert_found re-checks what states inserted in between may have stored.
//
// Contract: looked_ holds the lookups of the current expansion only (expand() clears it), keyed
// by the address of the target's bytes, which stay unchanged until the next expansion (the
// probe's buffers, staged_bytes_). One thread (the search's).
#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail {

std::uint32_t Search::look_up_target(const std::uint8_t* state) {
  for (const Looked& l : looked_)
    if (l.state == state) return l.found;
  look_up_batch(&state, 1);
  return looked_.back().found;
}

void Search::look_up_targets(PorProbe::Mask threads) {
  batch_states_.clear();
  for (unsigned t = 0; t < threads_; ++t) {
    if (!((threads >> t) & 1)) continue;
    const std::size_t n = probe_->count(t, *gen_ctx_);
    for (std::size_t i = 0; i < n; ++i)
      if (!probe_->fatal(t, i)) batch_states_.push_back(probe_->target(t, i));
  }
  look_up_batch(batch_states_.data(), batch_states_.size());
}

void Search::look_up_batch(const std::uint8_t* const* states, std::size_t n) {
  if (n == 0) return;
  const std::size_t nc = store_.node_count(), first = looked_.size();
  looked_nodes_.resize((first + n) * nc);
  batch_nodes_.resize(n);
  batch_found_.resize(n);
  for (std::size_t i = 0; i < n; ++i) batch_nodes_[i] = looked_nodes_.data() + (first + i) * nc;
  store_.find_hinted_batch(n, states, batch_nodes_.data(), batch_found_.data());
  for (std::size_t i = 0; i < n; ++i) looked_.push_back({states[i], batch_found_[i], store_.size()});
}

StateStore::Inserted Search::insert_successor(const std::uint8_t* state) {
  const std::size_t n = looked_.size();
  for (std::size_t k = 0; k < n; ++k) {  // in order, usually the next one
    const std::size_t i = next_looked_ + k < n ? next_looked_ + k : next_looked_ + k - n;
    if (looked_[i].state != state) continue;
    next_looked_ = i + 1;
    return store_.insert_found(state, cur_id_, looked_nodes_.data() + i * store_.node_count(),
                               looked_[i].found, looked_[i].at_size);
  }
  return store_.insert(state, cur_id_);
}

void Search::stage(const Transition& t) {
  Staged s;
  s.thread = t.thread;
  s.index = t.index;
  s.fatal = t.fatal;
  s.rep_begin = static_cast<std::uint32_t>(staged_reports_.size());
  staged_reports_.insert(staged_reports_.end(), t.reports.begin(), t.reports.end());
  s.rep_end = static_cast<std::uint32_t>(staged_reports_.size());
  staged_.push_back(s);
  const std::size_t size = sys_.state_size();
  staged_bytes_.insert(staged_bytes_.end(), t.state, t.state + size);
}

Transition Search::staged_transition(std::size_t i) const {
  const Staged& s = staged_[i];
  Transition t;
  t.state = staged_bytes_.data() + i * sys_.state_size();
  t.thread = s.thread;
  t.index = s.index;
  t.reports =
      std::span<const Report>(staged_reports_.data() + s.rep_begin, s.rep_end - s.rep_begin);
  t.fatal = s.fatal;
  return t;
}

void Search::emit_staged() {
  const std::size_t size = sys_.state_size();
  // A stage without bytes (0-byte states) still needs a valid address per transition.
  if (staged_bytes_.empty()) staged_bytes_.push_back(0);
  batch_states_.clear();
  for (std::size_t i = 0; i < staged_.size(); ++i)
    if (!staged_[i].fatal) batch_states_.push_back(staged_bytes_.data() + i * size);
  // One target has no misses to overlap: its insert looks it up (insert_successor finds no
  // remembered lookup and calls insert()).
  if (batch_states_.size() > 1) look_up_batch(batch_states_.data(), batch_states_.size());
  for (std::size_t i = 0; i < staged_.size() && !stop_; ++i) on_transition(staged_transition(i));
  staged_.clear();
  staged_bytes_.clear();
  staged_reports_.clear();
}

}  // namespace pcmc::checker::detail
