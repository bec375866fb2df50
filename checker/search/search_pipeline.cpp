// The sequential search's pipeline (search_engine.hpp, "the pipeline"): several BFS expansions
// in flight, so that their successors' store lookups overlap.
//
// Why: after the store's own batching, an expansion's 2-3 successor lookups were one chain of
// dependent cache misses per tree level, and they dominated the profile (docs/state-store.md,
// "Lookups"). Looking up the successors of kGroup states in one batch keeps ~kGroup times more
// misses in flight.
//
// Why the results are those of expand(), one state at a time: the group's states are popped in
// frontier order, and their transitions are handed to on_transition in that order and, per state,
// in expand()'s order (expansion_order). Generating a state's successors reads only that state, so
// generating them before the earlier states' successors are stored changes nothing; each lookup
// is carried to the insert by insert_found, which re-checks what was stored in between (so ids,
// parents and "new" are those of plain insert()). Deadlock and end-state checks run after the
// state's transitions, as in expand(). Limits: out_of_budget() runs before each state is
// generated, its memory headroom widened by the kGroup states whose inserts may come after the
// next check (in_flight_limit_); a stop drops the rest of the group as it drops the rest of the
// frontier (those states stay in Stats::queue, in_flight_). A budget stop may thus come up to
// kGroup expansions earlier than expand()'s would: an incomplete result either way.
//
// Contract: one thread (the search's); the group's buffers are this Search's.
#include <cstring>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail {

void Search::expand_group() {
  const std::size_t size = std::max<std::size_t>(1, sys_.state_size());
  const std::size_t nc = store_.node_count();
  group_.clear();
  looked_.clear();
  next_looked_ = 0;
  in_flight_limit_ = kGroup;
  group_states_.resize(kGroup * size);
  group_nodes_.resize(kGroup * nc);
  // 1. Decode and stage up to kGroup states.
  {
    struct Staging {
      bool& on;
      ~Staging() { on = false; }
    } staging{staging_};
    while (group_.size() < kGroup && !frontier_.empty() && !stop_) {
      if (out_of_budget(0)) break;
      const FrontierEntry e = frontier_.pop();
      ++in_flight_;
      const std::size_t k = group_.size();
      std::uint8_t* s = group_states_.data() + k * size;
      store_.decode_nodes(e.id, s, group_nodes_.data() + k * nc);
      if (!frontier_.empty()) store_.prefetch_decode(frontier_.front().id);
      expansion_order(s, sys_.state_size(), threads_, opt_.shuffle_seed, order_);
      staging_ = true;
      bool any = false;
      for (const unsigned t : order_)
        if (sys_.successors(s, t, *gen_ctx_, *this) > 0) any = true;
      staging_ = false;
      group_.push_back({e.id, e.depth, staged_.size(), any});
    }
  }
  // 2. One batch of lookups: every non-fatal successor, each near the state it came from.
  if (staged_bytes_.empty()) staged_bytes_.push_back(0);
  batch_states_.clear();
  near_states_.clear();
  near_nodes_.clear();
  {
    std::size_t i = 0;
    for (std::size_t k = 0; k < group_.size(); ++k)
      for (; i < group_[k].staged_end; ++i) {
        if (staged_[i].fatal) continue;
        batch_states_.push_back(staged_bytes_.data() + i * sys_.state_size());
        near_states_.push_back(group_states_.data() + k * size);
        near_nodes_.push_back(group_nodes_.data() + k * nc);
      }
  }
  const std::size_t n = batch_states_.size();
  if (n != 0) {
    looked_nodes_.resize(n * nc);
    batch_nodes_.resize(n);
    batch_found_.resize(n);
    for (std::size_t j = 0; j < n; ++j) batch_nodes_[j] = looked_nodes_.data() + j * nc;
    store_.lookup_near_many(n, batch_states_.data(), batch_nodes_.data(), near_states_.data(),
                            near_nodes_.data(), batch_found_.data());
    for (std::size_t j = 0; j < n; ++j)
      looked_.push_back({batch_states_[j], batch_found_[j], store_.size()});
  }
  // 3. Each state's transitions, in order; then its deadlock / end-state checks.
  std::size_t i = 0;
  for (const Grouped& g : group_) {
    if (stop_) break;
    --in_flight_;
    cur_id_ = g.id;
    cur_depth_ = g.depth;
    std::memcpy(cur_state_.data(), group_states_.data() + (&g - group_.data()) * size, size);
    const std::uint64_t before = result_.stats.transitions;
    for (; i < g.staged_end && !stop_; ++i) on_transition(staged_transition(i));
    if (stop_) break;
    max_fanout_ = std::max<std::uint64_t>(max_fanout_, result_.stats.transitions - before);
    if (!g.any) quiescent(g.id);
  }
  staged_.clear();
  staged_bytes_.clear();
  staged_reports_.clear();
}

}  // namespace pcmc::checker::detail
