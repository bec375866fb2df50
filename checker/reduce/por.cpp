// Partial-order reduction: the per-state probe (por.hpp). Why the conditions suffice:
// docs/por.md.
#include "checker/reduce/por.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace pcmc::checker::detail {

PorProbe::PorProbe(const TransitionSystem& sys, bool locks, bool loop_free)
    : sys_(sys), bufs_(sys.thread_count()), locks_(locks), loop_free_(loop_free),
      cuts_(sys.thread_count()),
      cut_for_(sys.thread_count(), 0), cut_valid_(sys.thread_count(), false) {
  if (bufs_.size() > kMaxThreads) throw std::logic_error("por: more than 64 threads");
  for (Buf& b : bufs_) b.size = sys.state_size();
}

void PorProbe::begin(const std::uint8_t* state) {
  state_ = state;
  holders_known_ = false;
  for (Buf& b : bufs_) b.probed = false;
}

void PorProbe::probe(unsigned t, Context& ctx) {
  Buf& b = bufs_.at(t);
  if (b.probed) return;
  if (state_ == nullptr) throw std::logic_error("por: probe before begin");
  b.clear();
  sys_.successors_with_footprint(state_, t, ctx, b, b.fp);
  b.probed = true;
}

bool PorProbe::self_ok(unsigned t, Context& ctx) {
  probe(t, ctx);
  const Buf& b = bufs_[t];
  return !b.recs.empty() && !b.fp.visible;  // C0, C2
}

namespace {

bool meets(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if ((a[i] & b[i]) != 0) return true;
  return false;
}

// C1 against a cut future: a write of the step meets a read or write, a read meets a write.
bool conflicts(const Footprint& fp, const TransitionSystem::CutFuture& c) {
  const std::size_t n = std::min({fp.reads.size(), fp.writes.size(), c.reads.size()});
  for (std::size_t i = 0; i < n; ++i)
    if ((fp.writes[i] & (c.reads[i] | c.writes[i])) != 0 || (fp.reads[i] & c.writes[i]) != 0)
      return true;
  // Bytes past the cut's words are not objects of the system (the footprint is never longer).
  return false;
}

}  // namespace

// As closure(), checking each member's step against the cut futures of the threads outside the
// set (docs/por.md, "C1 with locks"). A cut future is recomputed when the set has grown
// since (it can only shrink: more threads hold more barriers closed); an older, larger one is
// also sound to check against. At the end, no thread outside the set may write, before getting
// past a barrier its cut assumes closed, a lock word some cut assumes held: else fall back.
bool PorProbe::member_ok(unsigned x, unsigned t, Context& ctx, Outcome* why) {
  if (self_ok(x, ctx)) return true;
  if (why != nullptr)
    *why = x == t                  ? Outcome::SelfVisible
           : bufs_[x].recs.empty() ? Outcome::NeedsBlocked
                                   : Outcome::NeedsVisible;
  return false;
}

PorProbe::Mask PorProbe::lock_closure(unsigned t, Context& ctx, Outcome* why, bool& fallback) {
  fallback = false;
  std::fill(cut_valid_.begin(), cut_valid_.end(), false);
  Mask set = Mask{1} << t;
  unsigned work[kMaxThreads];
  unsigned n = 0;
  work[n++] = t;
  const auto cut = [&](unsigned u) {
    if (cut_valid_[u] && cut_for_[u] == set) return true;
    if (!sys_.cut_future(state_, u, set, cuts_[u])) return false;
    cut_valid_[u] = true;
    cut_for_[u] = set;
    return true;
  };
  while (n > 0) {
    const unsigned x = work[--n];
    if (!member_ok(x, t, ctx, why)) return 0;
    const Footprint& fp = bufs_[x].fp;
    for (unsigned u = 0; u < bufs_.size(); ++u) {  // C1, with cut futures
      if ((set >> u) & 1) continue;
      if (!cut(u)) {
        fallback = true;
        return 0;
      }
      if (!conflicts(fp, cuts_[u])) continue;
      set |= Mask{1} << u;
      work[n++] = u;
    }
  }
  // The barriers the cuts assume closed stay closed along every path of the other threads.
  std::vector<std::uint64_t>& held = held_;
  std::vector<std::uint64_t>& writes = writes_;
  held.clear();
  writes.clear();
  for (unsigned u = 0; u < bufs_.size(); ++u) {
    if ((set >> u) & 1) continue;
    if (!cut_valid_[u] && !cut(u)) {
      fallback = true;
      return 0;
    }
    const TransitionSystem::CutFuture& c = cuts_[u];
    if (held.size() < c.held.size()) held.resize(c.held.size(), 0);
    if (writes.size() < c.writes.size()) writes.resize(c.writes.size(), 0);
    for (std::size_t i = 0; i < c.held.size(); ++i) held[i] |= c.held[i];
    for (std::size_t i = 0; i < c.writes.size(); ++i) writes[i] |= c.writes[i];
  }
  if (meets(held, writes)) {
    fallback = true;
    return 0;
  }
  return set;
}

PorProbe::Mask PorProbe::closure(unsigned t, Context& ctx, Outcome* why) {
  if (locks_ && !holders_known_) {
    barrier_holders_ = sys_.barrier_holders(state_);
    holders_known_ = true;
  }
  // No barrier closed by any set of threads: every cut future is the full future.
  if (locks_ && barrier_holders_ != 0) {
    bool fallback = false;
    const Mask m = lock_closure(t, ctx, why, fallback);
    if (!fallback) return m;
  }
  Mask set = Mask{1} << t;
  unsigned work[kMaxThreads];
  unsigned n = 0;
  work[n++] = t;
  while (n > 0) {
    const unsigned x = work[--n];
    if (!member_ok(x, t, ctx, why)) return 0;
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
    if (loop_free_ && on_loop(m)) continue;
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  // Smallest first; ties by least member (std::countr_zero), i.e. by the id that found it.
  std::stable_sort(out.begin(), out.end(), [](Mask a, Mask b) {
    const int pa = std::popcount(a), pb = std::popcount(b);
    return pa != pb ? pa < pb : std::countr_zero(a) < std::countr_zero(b);
  });
}

bool PorProbe::on_loop(Mask m) const {
  for (; m != 0; m &= m - 1)
    if (sys_.on_loop(state_, static_cast<unsigned>(std::countr_zero(m)))) return true;
  return false;
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
