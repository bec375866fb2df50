// Transaction (Lipton) reduction: transactions.hpp. Why it keeps every verdict:
// docs/transactions-proof.md.
#include "checker/reduce/transactions.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "checker/system/transition_buffer.hpp"

namespace pcmc::checker {

const char* to_string(TxStop s) {
  switch (s) {
    case TxStop::Visible: return "visible";
    case TxStop::Blocked: return "blocked or finished";
    case TxStop::Choice: return "several successors";
    case TxStop::Conflict: return "observable by another thread";
    case TxStop::Limit: return "length limit";
    case TxStop::Loop: return "back edge";
  }
  return "?";
}

namespace {

// One step's successors, buffered (the inner system hands them over during the call only).
struct Buf final : TransitionBuffer {
  bool quiet(std::size_t i) const { return !recs[i].fatal && recs[i].rep_begin == recs[i].rep_end; }
};

// A write of the step meets a read or write of the cut future, or a read meets a write: the
// conflicting objects into `out` (when given). As PorProbe's C1 (por.cpp).
bool conflicts(const Footprint& fp, const TransitionSystem::CutFuture& c,
               std::vector<std::uint64_t>* out) {
  const std::size_t n = std::min({fp.reads.size(), fp.writes.size(), c.reads.size()});
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t m = (fp.writes[i] & (c.reads[i] | c.writes[i])) | (fp.reads[i] & c.writes[i]);
    if (m == 0) continue;
    any = true;
    if (out == nullptr) return true;
    if (out->size() <= i) out->resize(i + 1, 0);
    (*out)[i] |= m;
  }
  return any;
}

void unite(std::vector<std::uint64_t>& into, const std::vector<std::uint64_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] |= from[i];
}

bool meets(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if ((a[i] & b[i]) != 0) return true;
  return false;
}

}  // namespace

class TransactionSystem::Ctx final : public Context {
 public:
  Ctx(const TransactionSystem& sys, std::unique_ptr<Context> inner_ctx)
      : sys_(sys), inner(std::move(inner_ctx)) {
    first.size = nxt.size = sys.state_size();
    if (sys.attribute_) conflicts.assign(sys.names_.names.size(), 0);
  }
  ~Ctx() override {
    if (conflicts.empty()) return;
    std::lock_guard<std::mutex> lock(sys_.conflicts_mu_);
    if (sys_.conflicts_.size() < conflicts.size()) sys_.conflicts_.resize(conflicts.size(), 0);
    for (std::size_t i = 0; i < conflicts.size(); ++i) sys_.conflicts_[i] += conflicts[i];
  }
  const TransactionSystem& sys_;
  std::unique_ptr<Context> inner;
  Buf first, nxt;
  Footprint first_fp, step_fp, bound;
  std::vector<std::uint8_t> cur;
  // M5: t's control point before the last step of the transaction, and the back edges taken.
  std::int64_t last_pc = -1;
  unsigned back_edges = 0;
  CutFuture cut;
  std::vector<std::uint64_t> held, writes, objects, met, widened;
  std::vector<std::uint64_t> conflicts;  // per name, with attribution
};

TransactionSystem::TransactionSystem(const TransitionSystem& inner, bool attribute)
    : ForwardingSystem(inner),
      enabled_(inner.supports_por() && inner.thread_count() <= 64),
      attribute_(attribute) {
  if (attribute_) names_ = inner.object_names();
}

std::unique_ptr<Context> TransactionSystem::make_context() const {
  return std::make_unique<Ctx>(*this, inner_.make_context());
}

TxStats TransactionSystem::stats() const {
  TxStats s;
  s.transactions = transactions_.load();
  s.merged = merged_.load();
  for (unsigned i = 0; i < kTxStops; ++i) s.stops[i] = stops_[i].load();
  std::lock_guard<std::mutex> lock(conflicts_mu_);
  for (std::size_t i = 0; i < conflicts_.size() && i < names_.names.size(); ++i)
    if (conflicts_[i] != 0) s.conflicts.emplace_back(names_.names[i], conflicts_[i]);
  std::stable_sort(s.conflicts.begin(), s.conflicts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return s;
}

void TransactionSystem::check_state(const std::uint8_t* state, Context& ctx,
                                    std::vector<Report>& out) const {
  inner_.check_state(state, *static_cast<Ctx&>(ctx).inner, out);
}

ExistsMask TransactionSystem::check_end(const std::uint8_t* state, Context& ctx,
                                        std::vector<Report>& out) const {
  return inner_.check_end(state, *static_cast<Ctx&>(ctx).inner, out);
}

bool TransactionSystem::observable(const std::uint8_t* x, unsigned t, const Footprint& fp, Ctx& c,
                                   bool attribute) const {
  const unsigned n = thread_count();
  std::vector<std::uint64_t>* objs = attribute ? &c.objects : nullptr;
  if (attribute) c.objects.clear();
  // A conflict with a cut future is one with the full future too (a cut is a subset).
  bool full = ((inner_.barrier_holders(x) >> t) & 1) == 0;
  bool met = false;
  if (!full) {
    c.held.clear();
    c.writes.clear();
    for (unsigned u = 0; u < n; ++u) {
      if (u == t || inner_.finished(x, u)) continue;
      if (!inner_.cut_future(x, u, std::uint64_t{1} << t, c.cut)) {
        full = true;
        break;
      }
      if (conflicts(fp, c.cut, objs)) {
        met = true;
        if (!attribute) break;
      }
      unite(c.held, c.cut.held);
      unite(c.writes, c.cut.writes);
    }
    // A cut future that writes a word some cut relies on: the cuts do not hold, use the full
    // futures (as PorProbe::lock_closure).
    if (!met && !full && meets(c.held, c.writes)) full = true;
  }
  if (full && !met) {
    for (unsigned u = 0; u < n; ++u) {
      if (u == t || inner_.finished(x, u)) continue;
      if (!inner_.may_interfere(x, u, fp)) continue;
      met = true;
      if (!attribute) break;
      inner_.interference(x, u, fp, c.met, c.widened);
      unite(c.objects, c.met);
    }
  }
  if (met && attribute) {
    std::vector<bool> seen(names_.names.size(), false);
    for (std::size_t w = 0; w < c.objects.size(); ++w)
      for (std::uint64_t m = c.objects[w]; m != 0; m &= m - 1) {
        const std::size_t o = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
        if (o >= names_.of.size() || names_.of[o] < 0) continue;
        const auto name = static_cast<std::size_t>(names_.of[o]);
        if (!seen[name]) c.conflicts[name] += 1;
        seen[name] = true;
      }
  }
  return met;
}

void TransactionSystem::begin(const std::uint8_t* start, unsigned t, Ctx& c) const {
  c.last_pc = inner_.control_point(start, t);
  c.back_edges = 0;
}

bool TransactionSystem::may_turn(const std::uint8_t* x, unsigned t, Ctx& c) const {
  const std::int64_t pc = inner_.control_point(x, t);
  // Finished (M2 stops) or unknown (M4 bounds the transaction): nothing to compare.
  if (pc < 0 || c.last_pc < 0) return true;
  const bool forward = pc > c.last_pc;
  c.last_pc = pc;
  if (forward) return true;
  return c.back_edges++ < kMaxBackEdges;
}

bool TransactionSystem::next(const std::uint8_t* x, unsigned t, unsigned merged, Ctx& c,
                             bool count) const {
  const auto stop = [&](TxStop why) {
    if (count) stops_[static_cast<unsigned>(why)].fetch_add(1, std::memory_order_relaxed);
    return false;
  };
  if (!may_turn(x, t, c)) return stop(TxStop::Loop);  // M5
  if (merged >= kMaxMerged) return stop(TxStop::Limit);  // M4
  if (inner_.finished(x, t)) return stop(TxStop::Blocked);
  // M3 first on the static bound of t's next step, when the system has one: a step whose bound
  // meets another thread's future is not run at all (where most transactions stop, that saves
  // running it twice: here and when the stored state is expanded). Stopping is always sound.
  const bool bounded = inner_.next_step_bound(x, t, c.bound);
  if (bounded && c.bound.forks) return stop(TxStop::Choice);  // M2, without running it
  if (bounded && observable(x, t, c.bound, c, count && attribute_)) return stop(TxStop::Conflict);
  c.nxt.clear();
  inner_.successors_with_footprint(x, t, *c.inner, c.nxt, c.step_fp);  // M2
  if (c.nxt.recs.empty()) return stop(TxStop::Blocked);
  if (c.nxt.recs.size() > 1) return stop(TxStop::Choice);
  if (c.step_fp.visible || !c.nxt.quiet(0)) return stop(TxStop::Visible);
  // M3 on the step itself (the bound contains its footprint: nothing left to check then).
  if (!bounded && observable(x, t, c.step_fp, c, count && attribute_))
    return stop(TxStop::Conflict);
  return true;
}

unsigned TransactionSystem::run(const std::uint8_t* state, unsigned thread, Ctx& c,
                                TransitionSink& sink, Footprint* fp) const {
  Footprint& ffp = fp != nullptr ? *fp : c.first_fp;
  c.first.clear();
  inner_.successors_with_footprint(state, thread, *c.inner, c.first, ffp);
  Buf& first = c.first;
  const std::size_t size = state_size();
  for (std::size_t i = 0; i < first.recs.size(); ++i) {
    const Buf::Rec& r = first.recs[i];
    Transition tr;
    tr.thread = static_cast<std::uint16_t>(thread);
    tr.index = r.index;
    tr.reports = std::span<const Report>(first.reports.data() + r.rep_begin, r.rep_end - r.rep_begin);
    tr.fatal = r.fatal;
    tr.state = first.state(i);
    if (ffp.visible || !first.quiet(i)) {  // M1: the first step ends the transaction
      stops_[static_cast<unsigned>(TxStop::Visible)].fetch_add(1, std::memory_order_relaxed);
      sink.on_transition(tr);
      continue;
    }
    unsigned merged = 0;
    begin(state, thread, c);
    const std::uint8_t* x = first.state(i);
    while (next(x, thread, merged, c, true)) {
      c.cur.assign(c.nxt.state(0), c.nxt.state(0) + size);
      x = c.cur.data();
      ++merged;
      if (fp != nullptr) {
        unite(fp->reads, c.step_fp.reads);
        unite(fp->writes, c.step_fp.writes);
      }
    }
    if (merged != 0) {
      transactions_.fetch_add(1, std::memory_order_relaxed);
      merged_.fetch_add(merged, std::memory_order_relaxed);
    }
    tr.state = x;
    sink.on_transition(tr);
  }
  return static_cast<unsigned>(first.recs.size());
}

unsigned TransactionSystem::successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                                       TransitionSink& sink) const {
  Ctx& c = static_cast<Ctx&>(ctx);
  if (!enabled_) return inner_.successors(state, thread, *c.inner, sink);
  return run(state, thread, c, sink, nullptr);
}

unsigned TransactionSystem::successors_with_footprint(const std::uint8_t* state, unsigned thread,
                                                      Context& ctx, TransitionSink& sink,
                                                      Footprint& fp) const {
  Ctx& c = static_cast<Ctx&>(ctx);
  if (!enabled_) return inner_.successors_with_footprint(state, thread, *c.inner, sink, fp);
  return run(state, thread, c, sink, &fp);
}

void TransactionSystem::inner_steps(std::vector<std::uint8_t>& state, Step step, Context& ctx,
                                    std::vector<Step>& out) const {
  Ctx& c = static_cast<Ctx&>(ctx);
  const std::size_t size = state_size();
  state.resize(size);
  c.first.clear();
  Footprint& ffp = c.first_fp;
  if (enabled_) {
    inner_.successors_with_footprint(state.data(), step.thread, *c.inner, c.first, ffp);
  } else {
    inner_.successors(state.data(), step.thread, *c.inner, c.first);
    ffp.visible = true;
  }
  std::size_t i = 0;
  while (i < c.first.recs.size() && c.first.recs[i].index != step.index) ++i;
  if (i == c.first.recs.size())
    throw std::logic_error("transactions: thread " + std::to_string(step.thread) +
                           " has no successor " + std::to_string(step.index));
  out.push_back(step);
  std::vector<std::uint8_t> x(c.first.state(i), c.first.state(i) + size);
  if (!ffp.visible && c.first.quiet(i)) {
    unsigned merged = 0;
    begin(state.data(), step.thread, c);
    while (next(x.data(), step.thread, merged, c, false)) {
      out.push_back(Step{step.thread, c.nxt.recs[0].index});
      x.assign(c.nxt.state(0), c.nxt.state(0) + size);
      ++merged;
    }
  }
  state = std::move(x);
}

void refine(const TransactionSystem& tx, Counterexample& cex) {
  auto ctx = tx.make_context();
  std::vector<std::uint8_t> state(tx.state_size());
  tx.initial_state(state.data());
  std::vector<Step> out;
  std::int64_t loop = -1;
  for (std::size_t k = 0; k < cex.steps.size(); ++k) {
    if (static_cast<std::int64_t>(k) == cex.loop_start) loop = static_cast<std::int64_t>(out.size());
    tx.inner_steps(state, cex.steps[k], *ctx, out);
  }
  cex.steps = std::move(out);
  cex.loop_start = loop;
}

}  // namespace pcmc::checker
