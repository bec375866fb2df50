// POR diagnostics (por_diagnosis.hpp): the per-state classification and the conflict objects.
#include "checker/reduce/por_diagnosis.hpp"

#include <algorithm>
#include <bit>

namespace pcmc::checker::detail {

namespace {

bool any(const std::vector<std::uint64_t>& a) {
  return std::any_of(a.begin(), a.end(), [](std::uint64_t w) { return w != 0; });
}

bool meets(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if ((a[i] & b[i]) != 0) return true;
  return false;
}

// As PorProbe::independent, without visibility: neither step writes what the other touches.
bool steps_independent(const Footprint& a, const Footprint& b) {
  return !meets(a.writes, b.reads) && !meets(a.writes, b.writes) && !meets(b.writes, a.reads);
}

void or_into(std::vector<std::uint64_t>& dst, const std::vector<std::uint64_t>& src) {
  if (dst.size() < src.size()) dst.resize(src.size(), 0);
  for (std::size_t i = 0; i < src.size(); ++i) dst[i] |= src[i];
}

std::vector<PorObjectCount> top_of(const std::vector<std::string>& names,
                                   const std::vector<std::uint64_t>& states,
                                   const std::vector<std::uint64_t>& widened,
                                   const std::vector<bool>& lock, std::size_t top) {
  std::vector<PorObjectCount> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (states[i] != 0) out.push_back({names[i], states[i], widened[i], lock[i]});
  std::stable_sort(out.begin(), out.end(), [](const PorObjectCount& a, const PorObjectCount& b) {
    return a.states > b.states;
  });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

PorDiagnosis::PorDiagnosis(const TransitionSystem& sys, bool locks)
    : sys_(sys), locks_(locks), names_(sys.object_names()) {
  lock_bits_.assign((names_.of.size() + 63) / 64, 0);
  slot_bits_.assign(lock_bits_.size(), 0);
  for (std::size_t b = 0; b < names_.of.size(); ++b) {
    if (names_.of[b] < 0) continue;
    const auto id = static_cast<std::size_t>(names_.of[b]);
    if (names_.lock[id]) lock_bits_[b / 64] |= std::uint64_t{1} << (b % 64);
    if (names_.slot[id]) slot_bits_[b / 64] |= std::uint64_t{1} << (b % 64);
  }
  name_states_.assign(names_.names.size(), 0);
  name_widened_.assign(names_.names.size(), 0);
  name_seen_.assign(names_.names.size(), 0);
  name_wseen_.assign(names_.names.size(), 0);
  field_states_.assign(names_.fields.size(), 0);
  field_widened_.assign(names_.fields.size(), 0);
  field_seen_.assign(names_.fields.size(), 0);
  field_wseen_.assign(names_.fields.size(), 0);
}

void PorDiagnosis::full(PorProbe& probe, const std::uint8_t* state, Context& ctx,
                        const PorProbe::Outcome* why) {
  using O = PorProbe::Outcome;
  ++s_.full;
  const unsigned n = sys_.thread_count();
  unsigned enabled = 0, all = 0;
  for (unsigned t = 0; t < n; ++t) {
    if (why[t] == O::Disabled) continue;
    ++enabled;
    all += why[t] == O::AllEnabled;
  }
  if (enabled <= 1) {
    ++s_.trivial;
    return;
  }
  if (all == enabled) ++s_.c1_all;
  else if (all == 0) ++s_.c0_c2;
  else ++s_.mixed;
  ++s_.conflicted;

  state_objs_.clear();
  state_wide_.clear();
  bool precise = false, slots = false, elements = false, no_locks = false, lock_held = false,
       next_step = false;
  for (unsigned t = 0; t < n; ++t) {
    if (why[t] == O::Disabled) continue;
    ++s_.attempts;
    switch (why[t]) {
      case O::AllEnabled: ++s_.all_enabled; break;
      case O::SelfVisible: ++s_.self_visible; break;
      case O::NeedsBlocked: ++s_.needs_blocked; break;
      case O::NeedsVisible: ++s_.needs_visible; break;
      default: break;  // Candidate: not in a state without candidates
    }
    const Footprint& ft = probe.footprint(t, ctx);
    if (ft.visible) continue;  // C2: no refinement of C1 makes {t} ample
    t_objs_.assign(ft.reads.size(), 0);
    t_wide_.assign(ft.reads.size(), 0);
    bool known = true, independent_next = true;
    for (unsigned u = 0; u < n; ++u) {
      if (u == t || sys_.finished(state, u)) continue;
      sys_.interference(state, u, ft, objs_, wide_);
      if (locks_ && sys_.cut_future(state, u, std::uint64_t{1} << t, cut_)) {
        for (std::size_t i = 0; i < objs_.size() && i < cut_.reads.size(); ++i) {
          objs_[i] &= (ft.writes[i] & (cut_.reads[i] | cut_.writes[i])) |
                       (ft.reads[i] & cut_.writes[i]);
          wide_[i] &= objs_[i];
        }
      }
      if (objs_.empty()) known = false;
      or_into(t_objs_, objs_);
      or_into(t_wide_, wide_);
      independent_next = independent_next && steps_independent(ft, probe.footprint(u, ctx));
    }
    next_step |= independent_next;
    if (known && any(t_objs_)) {
      bool all_widened = true, lock = false, on_slots = true, on_elements = true;
      for (std::size_t i = 0; i < t_objs_.size(); ++i) {
        const std::uint64_t lk = i < lock_bits_.size() ? lock_bits_[i] : 0;
        const std::uint64_t sl = i < slot_bits_.size() ? slot_bits_[i] : 0;
        all_widened = all_widened && (t_objs_[i] & ~t_wide_[i]) == 0;
        lock = lock || (t_objs_[i] & lk) != 0;
        on_slots = on_slots && (t_objs_[i] & ~sl) == 0;
        on_elements = on_elements && (t_objs_[i] & sl) == 0;
      }
      precise |= all_widened;
      slots |= all_widened && on_slots;
      elements |= all_widened && on_elements;
      no_locks |= !lock;
      lock_held |= !lock && sys_.holds_lock(state, t);
    }
    or_into(state_objs_, t_objs_);
    or_into(state_wide_, t_wide_);
  }
  s_.if_precise += precise;
  s_.if_slots += slots;
  s_.if_elements += elements;
  s_.if_no_locks += no_locks;
  s_.if_lock_held += lock_held;
  s_.if_next_step += next_step;

  // Each name and field counts once per state; widened when any of its bytes was.
  ++stamp_;
  for (std::size_t w = 0; w < state_objs_.size(); ++w)
    for (std::uint64_t bits = state_objs_[w]; bits != 0; bits &= bits - 1) {
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      if (b >= names_.of.size() || names_.of[b] < 0) continue;
      const auto id = static_cast<std::size_t>(names_.of[b]);
      const std::size_t f = names_.field_of[id];
      const bool wide = (state_wide_[w] >> (b % 64)) & 1;
      if (name_seen_[id] < stamp_) {
        name_seen_[id] = stamp_;
        ++name_states_[id];
      }
      if (field_seen_[f] < stamp_) {
        field_seen_[f] = stamp_;
        ++field_states_[f];
      }
      if (wide && name_wseen_[id] < stamp_) {
        name_wseen_[id] = stamp_;
        ++name_widened_[id];
      }
      if (wide && field_wseen_[f] < stamp_) {
        field_wseen_[f] = stamp_;
        ++field_widened_[f];
      }
    }
}

void PorDiagnosis::merge(const PorDiagnosis& o) {
  auto add = [](std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) a[i] += b[i];
  };
  add(name_states_, o.name_states_);
  add(name_widened_, o.name_widened_);
  add(field_states_, o.field_states_);
  add(field_widened_, o.field_widened_);
  PorStats& s = s_;
  const PorStats& t = o.s_;
  s.reduced += t.reduced;
  s.full += t.full;
  s.trivial += t.trivial;
  s.proviso += t.proviso;
  s.c1_all += t.c1_all;
  s.c0_c2 += t.c0_c2;
  s.mixed += t.mixed;
  s.attempts += t.attempts;
  s.all_enabled += t.all_enabled;
  s.self_visible += t.self_visible;
  s.needs_blocked += t.needs_blocked;
  s.needs_visible += t.needs_visible;
  s.conflicted += t.conflicted;
  s.if_precise += t.if_precise;
  s.if_slots += t.if_slots;
  s.if_elements += t.if_elements;
  s.if_no_locks += t.if_no_locks;
  s.if_lock_held += t.if_lock_held;
  s.if_next_step += t.if_next_step;
}

PorStats PorDiagnosis::result(std::size_t top) const {
  PorStats out = s_;
  out.objects = top_of(names_.names, name_states_, name_widened_, names_.lock, top);
  std::vector<bool> field_lock(names_.fields.size(), false);
  for (std::size_t i = 0; i < names_.names.size(); ++i)
    if (names_.lock[i]) field_lock[names_.field_of[i]] = true;
  out.fields = top_of(names_.fields, field_states_, field_widened_, field_lock, top);
  return out;
}

}  // namespace pcmc::checker::detail
