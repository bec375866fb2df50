// Partial-order reduction: the per-state probe (por.hpp). Why the conditions suffice:
// docs/reductions.md.
#include "checker/por.hpp"

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

bool PorProbe::eligible(unsigned t, Context& ctx) {
  probe(t, ctx);
  const Buf& b = bufs_[t];
  if (b.recs.empty() || b.fp.visible) return false;  // C0, C2
  for (unsigned u = 0; u < bufs_.size(); ++u)        // C1
    if (u != t && sys_.may_interfere(state_, u, b.fp)) return false;
  return true;
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

}  // namespace pcmc::checker::detail
