// Sleep sets in the sequential BFS (sleep_sets.hpp has the rule and the level bookkeeping;
// docs/sleep-sets.md, the argument). The parallel BFS applies the same rule from
// its replay (parallel_bfs.cpp), with the same result.
#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail {

bool Search::expand_asleep(PorProbe::Mask ample) {
  sleep_->enter(cur_depth_, level_start_.at(cur_depth_), static_cast<std::uint32_t>(store_.size()));
  const PorProbe::Mask z = sleep_->of(cur_id_);
  // Quiescence is a matter of the enabled threads, never of the explored ones: a state whose
  // enabled threads are all asleep is neither a deadlock nor an end state.
  const PorProbe::Mask enabled = probe_->enabled(*gen_ctx_);
  PorProbe::Mask explored = 0;
  if (ample == 0) look_up_targets(enabled & ~z);  // the ample set's are looked up (C3)
  for (const unsigned t : order_) {
    const PorProbe::Mask bit = PorProbe::Mask{1} << t;
    if ((ample != 0 && (ample & bit) == 0) || (enabled & bit) == 0) continue;
    if ((z & bit) != 0) {
      // Asleep: explored at an ancestor, and nothing since touched what it reads.
      result_.stats.slept += probe_->count(t, *gen_ctx_);
      continue;
    }
    cur_sleep_ = probe_->independent(t, z | explored, *gen_ctx_);
    probe_->emit(t, *gen_ctx_, *this);
    explored |= bit;
    if (stop_) break;
  }
  return enabled != 0;
}

std::uint64_t Search::sleep_key(const std::uint8_t* state) const {
  return store_.lossy() ? store_.batch_key(state) : 0;  // the signature; unused when exact
}

void Search::sleep_reached(std::uint32_t id, const std::uint8_t* state) {
  sleep_->reached(id, sleep_key(state), cur_sleep_);
}

}  // namespace pcmc::checker::detail
