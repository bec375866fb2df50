// close_lasso (dead_lasso.hpp): replay the stem, then rounds of the cycle until the concrete
// state at the cycle's entry repeats.
#include "checker/reduce/dead_lasso.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace pcmc::checker {

namespace {

class Take final : public TransitionSink {
 public:
  explicit Take(std::uint16_t index) : index_(index) {}
  void on_transition(const Transition& t) override {
    if (t.index != index_ || t.fatal) return;
    found = true;
    state.assign(t.state, t.state + size);
  }
  bool found = false;
  std::size_t size = 0;
  std::vector<std::uint8_t> state;

 private:
  std::uint16_t index_;
};

void apply(const TransitionSystem& sys, Context& ctx, std::vector<std::uint8_t>& s,
           const Step& step) {
  Take take(step.index);
  take.size = s.size();
  sys.successors(s.data(), step.thread, ctx, take);
  if (!take.found)
    throw std::logic_error("close_lasso: a step of the lasso is not a transition without the "
                           "dead-variable reduction");
  s = std::move(take.state);
}

}  // namespace

void close_lasso(const TransitionSystem& concrete, Counterexample& cex) {
  if (cex.loop_start < 0) return;
  const auto stem_len = static_cast<std::size_t>(cex.loop_start);
  if (stem_len >= cex.steps.size()) throw std::logic_error("close_lasso: an empty cycle");
  const std::vector<Step> cycle(cex.steps.begin() + cex.loop_start, cex.steps.end());
  auto ctx = concrete.make_context();
  std::vector<std::uint8_t> s(std::max<std::size_t>(1, concrete.state_size()));
  concrete.initial_state(s.data());
  for (std::size_t k = 0; k < stem_len; ++k) apply(concrete, *ctx, s, cex.steps[k]);
  // entries[r]: the concrete state at the cycle's entry after r rounds.
  std::vector<std::vector<std::uint8_t>> entries{s};
  constexpr std::size_t kRounds = 4;  // two suffice (dead_lasso.hpp); more is a bug
  for (std::size_t round = 1; round <= kRounds; ++round) {
    for (const Step& st : cycle) apply(concrete, *ctx, s, st);
    for (std::size_t r = 0; r < entries.size(); ++r) {
      if (entries[r] != s) continue;
      // Stem: the old stem and r rounds; cycle: rounds r .. round - 1.
      std::vector<Step> steps(cex.steps.begin(), cex.steps.begin() + cex.loop_start);
      for (std::size_t k = 0; k < round; ++k) steps.insert(steps.end(), cycle.begin(), cycle.end());
      cex.steps = std::move(steps);
      cex.loop_start = static_cast<std::int64_t>(stem_len + r * cycle.size());
      return;
    }
    entries.push_back(s);
  }
  throw std::logic_error("close_lasso: the cycle does not close without the dead-variable "
                         "reduction after " + std::to_string(kRounds) + " rounds");
}

}  // namespace pcmc::checker
