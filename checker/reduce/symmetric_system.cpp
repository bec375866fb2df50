#include "checker/reduce/symmetric_system.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pcmc::checker {

namespace {

struct SymContext final : Context {
  std::unique_ptr<Context> inner;
  Canonicaliser::Scratch scratch;
  std::vector<std::uint8_t> canonical;
  std::vector<unsigned> perm;  // the canonicalising permutation of the last successor
};

// Forwards the inner system's transitions with their states canonicalised.
class Canonicalising final : public TransitionSink {
 public:
  Canonicalising(const Canonicaliser& canon, SymContext& ctx, TransitionSink& sink)
      : canon_(canon), ctx_(ctx), sink_(sink) {}
  void on_transition(const Transition& t) override {
    Transition c = t;
    canon_.canonicalise(t.state, ctx_.canonical.data(), ctx_.scratch, &ctx_.perm);
    c.state = ctx_.canonical.data();
    c.thread_perm = ctx_.perm.data();
    sink_.on_transition(c);
  }

 private:
  const Canonicaliser& canon_;
  SymContext& ctx_;
  TransitionSink& sink_;
};

// Every transition of one thread from one state: canonical successor state, reports, fatal.
struct Taken {
  std::uint16_t index;
  std::vector<std::uint8_t> state;  // canonical
  std::vector<std::uint8_t> raw;    // as the inner system produced it
  std::vector<PropertyId> reports;  // sorted
  bool fatal;
};

class Collect final : public TransitionSink {
 public:
  Collect(const Canonicaliser& canon, Canonicaliser::Scratch& sc) : canon_(canon), sc_(sc) {}
  void on_transition(const Transition& t) override {
    Taken k{t.index, std::vector<std::uint8_t>(canon_.state_size()),
            std::vector<std::uint8_t>(t.state, t.state + canon_.state_size()), {}, t.fatal};
    canon_.canonicalise(t.state, k.state.data(), sc_);
    for (const Report& r : t.reports) k.reports.push_back(r.property);
    std::sort(k.reports.begin(), k.reports.end());
    taken.push_back(std::move(k));
  }
  std::vector<Taken> taken;

 private:
  const Canonicaliser& canon_;
  Canonicaliser::Scratch& sc_;
};

}  // namespace

SymmetricSystem::SymmetricSystem(const TransitionSystem& inner, const Canonicaliser& canon)
    : ForwardingSystem(inner), canon_(canon) {
  if (canon.state_size() != inner.state_size() ||
      canon.spec().threads() != inner.thread_count())
    throw std::invalid_argument("symmetry spec does not fit the system");
}

std::unique_ptr<Context> SymmetricSystem::make_context() const {
  auto c = std::make_unique<SymContext>();
  c->inner = inner_.make_context();
  c->canonical.resize(std::max<std::size_t>(1, state_size()));
  return c;
}

void SymmetricSystem::initial_state(std::uint8_t* out) const {
  std::vector<std::uint8_t> raw(std::max<std::size_t>(1, state_size()));
  inner_.initial_state(raw.data());
  Canonicaliser::Scratch sc;
  canon_.canonicalise(raw.data(), out, sc);
}

unsigned SymmetricSystem::successors(const std::uint8_t* state, unsigned thread, Context& ctx,
                                     TransitionSink& sink) const {
  auto& c = static_cast<SymContext&>(ctx);
  Canonicalising fwd(canon_, c, sink);
  return inner_.successors(state, thread, *c.inner, fwd);
}

unsigned SymmetricSystem::successors_with_footprint(const std::uint8_t* state, unsigned thread,
                                                    Context& ctx, TransitionSink& sink,
                                                    Footprint& fp) const {
  auto& c = static_cast<SymContext&>(ctx);
  Canonicalising fwd(canon_, c, sink);
  return inner_.successors_with_footprint(state, thread, *c.inner, fwd, fp);
}

void SymmetricSystem::check_state(const std::uint8_t* state, Context& ctx,
                                  std::vector<Report>& out) const {
  inner_.check_state(state, *static_cast<SymContext&>(ctx).inner, out);
}

ExistsMask SymmetricSystem::check_end(const std::uint8_t* state, Context& ctx,
                                std::vector<Report>& out) const {
  return inner_.check_end(state, *static_cast<SymContext&>(ctx).inner, out);
}

// ------------------------------------------------------------------ counterexamples

// Walks the canonical path and a concrete one side by side. Invariant: canon(concrete) ==
// canonical, and perm maps each concrete thread to its place in `canonical`.
void concretise(const SymmetricSystem& sym, Counterexample& cex) {
  if (cex.loop_start >= 0)
    throw std::logic_error("concretise: a lasso found on canonical states is not a lasso");
  const TransitionSystem& inner = sym.inner();
  const Canonicaliser& canon = sym.canonicaliser();
  const std::size_t size = std::max<std::size_t>(1, inner.state_size());
  auto ctx = inner.make_context();
  Canonicaliser::Scratch sc;
  std::vector<std::uint8_t> concrete(size), canonical(size);
  std::vector<unsigned> perm;
  inner.initial_state(concrete.data());
  canon.canonicalise(concrete.data(), canonical.data(), sc, &perm);

  std::uint16_t last_concrete_thread = 0xFFFF;
  for (std::size_t k = 0; k < cex.steps.size(); ++k) {
    Step& step = cex.steps[k];
    // The canonical step, as the search took it.
    Collect want_all(canon, sc);
    inner.successors(canonical.data(), step.thread, *ctx, want_all);
    auto want = std::find_if(want_all.taken.begin(), want_all.taken.end(),
                             [&](const Taken& t) { return t.index == step.index; });
    if (want == want_all.taken.end())
      throw std::logic_error("concretise: step " + std::to_string(k) + " is not a transition");
    // The concrete thread it stands for, and its matching successor (same index preferred).
    const auto u = static_cast<unsigned>(
        std::find(perm.begin(), perm.end(), step.thread) - perm.begin());
    if (u >= perm.size()) throw std::logic_error("concretise: bad permutation");
    Collect got(canon, sc);
    inner.successors(concrete.data(), u, *ctx, got);
    const Taken* match = nullptr;
    for (const Taken& t : got.taken) {
      if (t.state != want->state || t.reports != want->reports || t.fatal != want->fatal) continue;
      if (match == nullptr || t.index == step.index) match = &t;
    }
    if (match == nullptr)
      throw std::logic_error("concretise: no step of thread " + std::to_string(u) +
                             " matches canonical step " + std::to_string(k));
    step.thread = static_cast<std::uint16_t>(u);
    step.index = match->index;
    last_concrete_thread = step.thread;
    concrete = match->raw;
    canon.canonicalise(concrete.data(), canonical.data(), sc, &perm);
    if (canonical != want->state) throw std::logic_error("concretise: canonical form drifted");
  }
  // A transition property names the thread of the last step; state properties name none.
  if (cex.thread != 0xFFFF) cex.thread = last_concrete_thread;
}

}  // namespace pcmc::checker
