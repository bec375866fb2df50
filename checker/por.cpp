// Partial-order reduction: the per-state probe (por.hpp). Why the conditions suffice:
// docs/reductions.md.
#include "checker/por.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace pcmc::checker::detail {

void PorProbe::Buf::on_transition(const Transition& t) {
  Rec r;
  r.index = t.index;
  r.fatal = t.fatal;
  r.rep_begin = static_cast<std::uint32_t>(reports.size());
  reports.insert(reports.end(), t.reports.begin(), t.reports.end());
  r.rep_end = static_cast<std::uint32_t>(reports.size());
  recs.push_back(r);
  bytes.insert(bytes.end(), t.state, t.state + size);
}

PorProbe::PorProbe(const TransitionSystem& sys) : sys_(sys), bufs_(sys.thread_count()) {
  if (bufs_.size() > kMaxThreads) throw std::logic_error("por: more than 64 threads");
  for (Buf& b : bufs_) b.size = sys.state_size();
}

void PorProbe::begin(const std::uint8_t* state) {
  state_ = state;
  for (Buf& b : bufs_) b.probed = false;
}

void PorProbe::probe(unsigned t, Context& ctx) {
  Buf& b = bufs_.at(t);
  if (b.probed) return;
  if (state_ == nullptr) throw std::logic_error("por: probe before begin");
  b.recs.clear();
  b.bytes.clear();
  b.reports.clear();
  sys_.successors_with_footprint(state_, t, ctx, b, b.fp);
  b.probed = true;
}

bool PorProbe::self_ok(unsigned t, Context& ctx) {
  probe(t, ctx);
  const Buf& b = bufs_[t];
  return !b.recs.empty() && !b.fp.visible;  // C0, C2
}

PorProbe::Mask PorProbe::closure(unsigned t, Context& ctx, Outcome* why) {
  Mask set = Mask{1} << t;
  unsigned work[kMaxThreads];
  unsigned n = 0;
  work[n++] = t;
  while (n > 0) {
    const unsigned x = work[--n];
    if (!self_ok(x, ctx)) {
      if (why != nullptr)
        *why = x == t                    ? Outcome::SelfVisible
               : bufs_[x].recs.empty()   ? Outcome::NeedsBlocked
                                         : Outcome::NeedsVisible;
      return 0;
    }
    const Footprint& fp = bufs_[x].fp;
    for (unsigned u = 0; u < bufs_.size(); ++u) {  // C1
      if ((set >> u) & 1) continue;
      if (!sys_.may_interfere(state_, u, fp)) continue;
      set |= Mask{1} << u;
      work[n++] = u;
    }
  }
  return set;
}

void PorProbe::candidates(Context& ctx, std::vector<Mask>& out, Outcome* why) {
  out.clear();
  const Mask enabled = this->enabled(ctx);
  for (unsigned t = 0; t < bufs_.size(); ++t) {
    if (!((enabled >> t) & 1)) {
      if (why != nullptr) why[t] = Outcome::Disabled;
      continue;
    }
    const Mask m = closure(t, ctx, why != nullptr ? &why[t] : nullptr);
    if (why != nullptr && m != 0)
      why[t] = (m & enabled) == enabled ? Outcome::AllEnabled : Outcome::Candidate;
    if (m == 0 || (m & enabled) == enabled) continue;  // fails C0/C2, or no reduction
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  // Smallest first; ties by least member (std::countr_zero), i.e. by the id that found it.
  std::stable_sort(out.begin(), out.end(), [](Mask a, Mask b) {
    const int pa = std::popcount(a), pb = std::popcount(b);
    return pa != pb ? pa < pb : std::countr_zero(a) < std::countr_zero(b);
  });
}

std::size_t PorProbe::count(unsigned t, Context& ctx) {
  probe(t, ctx);
  return bufs_[t].recs.size();
}

const std::uint8_t* PorProbe::target(unsigned t, std::size_t i) const {
  return bufs_[t].bytes.data() + i * bufs_[t].size;
}

unsigned PorProbe::emit(unsigned t, Context& ctx, TransitionSink& sink) {
  probe(t, ctx);
  const Buf& b = bufs_[t];
  for (std::size_t i = 0; i < b.recs.size(); ++i) {
    const Rec& r = b.recs[i];
    Transition tr;
    tr.state = target(t, i);
    tr.thread = static_cast<std::uint16_t>(t);
    tr.index = r.index;
    tr.reports = std::span<const Report>(b.reports.data() + r.rep_begin, r.rep_end - r.rep_begin);
    tr.fatal = r.fatal;
    sink.on_transition(tr);
  }
  return static_cast<unsigned>(b.recs.size());
}

PorProbe::Mask PorProbe::enabled(Context& ctx) {
  Mask m = 0;
  for (unsigned t = 0; t < bufs_.size(); ++t) {
    probe(t, ctx);
    if (!bufs_[t].recs.empty()) m |= Mask{1} << t;
  }
  return m;
}

namespace {

bool meets(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if ((a[i] & b[i]) != 0) return true;
  return false;
}

}  // namespace

PorProbe::Mask PorProbe::independent(unsigned b, Mask among, Context& ctx) {
  probe(b, ctx);
  const Footprint& fb = bufs_[b].fp;
  if (fb.visible) return 0;
  Mask out = 0;
  among &= ~(Mask{1} << b);
  while (among != 0) {
    const unsigned x = static_cast<unsigned>(std::countr_zero(among));
    among &= among - 1;
    probe(x, ctx);
    const Footprint& fx = bufs_[x].fp;
    if (fx.visible || meets(fx.writes, fb.reads) || meets(fx.writes, fb.writes) ||
        meets(fb.writes, fx.reads))
      continue;
    out |= Mask{1} << x;
  }
  return out;
}

}  // namespace pcmc::checker::detail
