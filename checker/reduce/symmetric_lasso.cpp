// concretise_lasso (symmetric_system.hpp): a non-termination lasso found on a symmetry quotient,
// lifted to a fair lasso of the program (docs/reductions.md, "Symmetry and the non-termination
// pass"). The pass proved the lifted SCC D — the program states over the quotient SCC C that the
// stem's concrete end state y reaches through states over C — weakly fair; here the cycle is
// built in D itself: from y, for each thread not yet covered, the nearest state of D where it is
// disabled or from which it steps into D (breadth-first, the contract order), that step, and at
// the end the shortest way back to y. D is finite (at most |C| times the group's order) and
// strongly connected, so each search succeeds unless the reduction is unsound.
#include <algorithm>
#include <deque>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "checker/reduce/symmetric_system.hpp"

namespace pcmc::checker {

namespace {

using Bytes = std::string;

// One thread's non-fatal successors of one program state.
class Succ final : public TransitionSink {
 public:
  explicit Succ(std::size_t size) : size_(size) {}
  void on_transition(const Transition& t) override {
    ++count;
    if (t.fatal) return;
    out.emplace_back(t.index, Bytes(reinterpret_cast<const char*>(t.state), size_));
  }
  unsigned count = 0;  // fatal ones too: a thread with only fatal steps is enabled
  std::vector<std::pair<std::uint16_t, Bytes>> out;

 private:
  std::size_t size_;
};

class Lift {
 public:
  Lift(const SymmetricSystem& sym, const std::vector<std::string>& scc)
      : inner_(sym.inner()), canon_(sym.canonicaliser()), scc_(scc.begin(), scc.end()),
        ctx_(inner_.make_context()), size_(inner_.state_size()),
        buf_(std::max<std::size_t>(1, size_)) {}

  // Thread t's successors of x that lie in D (their canonical form is in C); `enabled`: t has a
  // transition at all.
  std::vector<std::pair<std::uint16_t, Bytes>> inside(const Bytes& x, unsigned t, bool* enabled) {
    Succ s(size_);
    inner_.successors(reinterpret_cast<const std::uint8_t*>(x.data()), t, *ctx_, s);
    if (enabled != nullptr) *enabled = s.count > 0;
    std::vector<std::pair<std::uint16_t, Bytes>> in;
    for (auto& [index, y] : s.out)
      if (over_scc(y)) in.emplace_back(index, std::move(y));
    return in;
  }
  bool over_scc(const Bytes& y) {
    canon_.canonicalise(reinterpret_cast<const std::uint8_t*>(y.data()), buf_.data(), sc_);
    return scc_.count(Bytes(reinterpret_cast<const char*>(buf_.data()), size_)) != 0;
  }
  bool finished(const Bytes& x, unsigned t) const {
    return inner_.finished(reinterpret_cast<const std::uint8_t*>(x.data()), t);
  }
  unsigned threads() const { return inner_.thread_count(); }

  // The shortest path inside D from `from` to a state satisfying `goal` (possibly `from` itself
  // when `allow_empty`): its steps and the states after each.
  template <class Goal>
  void walk_to(Bytes& from, Goal goal, bool allow_empty, std::vector<Step>& steps,
               std::vector<Bytes>& states) {
    if (allow_empty && goal(from)) return;
    std::unordered_map<Bytes, std::pair<Bytes, Step>> prev;
    std::deque<Bytes> queue{from};
    prev.emplace(from, std::make_pair(Bytes(), Step{}));
    Bytes found;
    bool done = false;
    while (!queue.empty() && !done) {
      const Bytes u = std::move(queue.front());
      queue.pop_front();
      for (unsigned t = 0; t < threads() && !done; ++t)
        for (auto& [index, y] : inside(u, t, nullptr)) {
          const bool hit = goal(y);
          if (!prev.emplace(y, std::make_pair(u, Step{static_cast<std::uint16_t>(t), index}))
                   .second && !hit)
            continue;
          if (hit) {
            if (y == from) prev[y] = std::make_pair(u, Step{static_cast<std::uint16_t>(t), index});
            found = y;
            done = true;
            break;
          }
          queue.push_back(y);
        }
    }
    if (!done) throw std::logic_error("symmetry: the lifted SCC has no fair cycle (a bug)");
    std::vector<Step> rev_steps;
    std::vector<Bytes> rev_states;
    Bytes x = found;
    do {
      const auto& [p, st] = prev.at(x);
      rev_steps.push_back(st);
      rev_states.push_back(x);
      x = p;
    } while (x != from);
    steps.insert(steps.end(), rev_steps.rbegin(), rev_steps.rend());
    states.insert(states.end(), rev_states.rbegin(), rev_states.rend());
    from = found;
  }

 private:
  const TransitionSystem& inner_;
  const Canonicaliser& canon_;
  std::unordered_set<Bytes> scc_;
  std::unique_ptr<Context> ctx_;
  std::size_t size_;
  std::vector<std::uint8_t> buf_;
  Canonicaliser::Scratch sc_;
};

Bytes replay(const TransitionSystem& sys, const std::vector<Step>& steps) {
  const std::size_t size = sys.state_size();
  std::vector<std::uint8_t> s(std::max<std::size_t>(1, size));
  sys.initial_state(s.data());
  auto ctx = sys.make_context();
  Bytes x(reinterpret_cast<const char*>(s.data()), size);
  for (const Step& st : steps) {
    Succ succ(size);
    sys.successors(reinterpret_cast<const std::uint8_t*>(x.data()), st.thread, *ctx, succ);
    const auto it = std::find_if(succ.out.begin(), succ.out.end(),
                                 [&](const auto& e) { return e.first == st.index; });
    if (it == succ.out.end()) throw std::logic_error("symmetry: the lasso's stem does not replay");
    x = it->second;
  }
  return x;
}

}  // namespace

void concretise_lasso(const SymmetricSystem& sym, Counterexample& cex,
                      const std::vector<std::string>& scc) {
  if (cex.loop_start < 0) return concretise(sym, cex);
  // The stem, to a state y over the SCC's entry.
  Counterexample stem = cex;
  stem.steps.resize(static_cast<std::size_t>(cex.loop_start));
  stem.loop_start = -1;
  stem.thread = 0xFFFF;
  concretise(sym, stem);
  Lift lift(sym, scc);
  const Bytes y = replay(sym.inner(), stem.steps);
  if (!lift.over_scc(y)) throw std::logic_error("symmetry: the lasso's stem misses its SCC");

  // The cycle: cover each thread (a step of it, or a state where it is disabled), then return.
  const unsigned n = lift.threads();
  std::vector<bool> covered(n, false);
  std::vector<Step> cycle;
  std::vector<Bytes> on_cycle{y};  // the states of the cycle, y first
  Bytes at = y;
  const auto disabled = [&](const Bytes& x, unsigned t) {
    bool enabled = false;
    lift.inside(x, t, &enabled);
    return !enabled;
  };
  const auto cover = [&](std::size_t from_state, std::size_t from_step) {
    for (std::size_t k = from_state; k < on_cycle.size(); ++k)
      for (unsigned t = 0; t < n; ++t)
        if (!covered[t] && disabled(on_cycle[k], t)) covered[t] = true;
    for (std::size_t k = from_step; k < cycle.size(); ++k) covered[cycle[k].thread] = true;
  };
  cover(0, 0);
  for (unsigned t = 0; t < n; ++t) {
    if (covered[t]) continue;
    const std::size_t s0 = on_cycle.size(), k0 = cycle.size();
    lift.walk_to(
        at,
        [&](const Bytes& x) {
          bool enabled = false;
          return !lift.inside(x, t, &enabled).empty() || !enabled;
        },
        true, cycle, on_cycle);
    bool enabled = false;
    auto next = lift.inside(at, t, &enabled);
    if (!next.empty()) {
      cycle.push_back(Step{static_cast<std::uint16_t>(t), next.front().first});
      at = std::move(next.front().second);
      on_cycle.push_back(at);
    }
    cover(s0, k0);
  }
  if (cycle.empty() || at != y) {
    lift.walk_to(at, [&](const Bytes& x) { return x == y; }, !cycle.empty(), cycle, on_cycle);
    cover(0, 0);
  }
  on_cycle.pop_back();  // y again
  if (std::find(covered.begin(), covered.end(), false) != covered.end())
    throw std::logic_error("symmetry: the lifted cycle is not weakly fair (a bug)");

  cex.steps = stem.steps;
  cex.loop_start = static_cast<std::int64_t>(cex.steps.size());
  cex.steps.insert(cex.steps.end(), cycle.begin(), cycle.end());
  // The thread that never finishes: the first one unfinished in every state of the cycle.
  cex.thread = 0xFFFF;
  for (unsigned t = 0; t < n && cex.thread == 0xFFFF; ++t)
    if (std::none_of(on_cycle.begin(), on_cycle.end(),
                     [&](const Bytes& x) { return lift.finished(x, t); }))
      cex.thread = static_cast<std::uint16_t>(t);
  for (unsigned t = 0; t < n && cex.thread == 0xFFFF; ++t)
    if (!lift.finished(y, t)) cex.thread = static_cast<std::uint16_t>(t);
}

}  // namespace pcmc::checker
