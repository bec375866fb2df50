// Replays a counterexample through TransitionSystem::successors and checks that it ends in a
// violation of its property, independently of the search's bookkeeping.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/search/search.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker::test {

// Captures the transition with a given (thread, index).
class Capture final : public TransitionSink {
 public:
  Capture(unsigned thread, unsigned index, std::size_t size)
      : thread_(thread), index_(index), state(size) {}
  void on_transition(const Transition& t) override {
    if (found || t.thread != thread_ || t.index != index_) return;
    found = true;
    std::copy(t.state, t.state + state.size(), state.begin());
    reports.assign(t.reports.begin(), t.reports.end());
    fatal = t.fatal;
  }

 private:
  unsigned thread_, index_;

 public:
  bool found = false;
  std::vector<std::uint8_t> state;
  std::vector<Report> reports;
  bool fatal = false;
};

inline bool contains(const std::vector<Report>& rs, PropertyId p) {
  return std::any_of(rs.begin(), rs.end(), [&](const Report& r) { return r.property == p; });
}

// Empty when `c` replays to a violation of c.property; otherwise what went wrong.
inline std::string check_counterexample(const TransitionSystem& sys, const Counterexample& c) {
  using properties::PropertyClass;
  auto ctx = sys.make_context();
  std::vector<std::uint8_t> s(sys.state_size());
  sys.initial_state(s.data());
  std::vector<std::uint8_t> loop_state;
  std::vector<Report> last_reports;
  for (std::size_t k = 0; k < c.steps.size(); ++k) {
    if (c.loop_start >= 0 && k == static_cast<std::size_t>(c.loop_start)) loop_state = s;
    Capture cap(c.steps[k].thread, c.steps[k].index, s.size());
    sys.successors(s.data(), c.steps[k].thread, *ctx, cap);
    if (!cap.found) return "step " + std::to_string(k) + " is not a transition";
    if (cap.fatal && k + 1 != c.steps.size()) return "fatal step " + std::to_string(k);
    s = cap.state;
    last_reports = cap.reports;
  }
  const PropertyClass cls = sys.properties().at(c.property).cls;
  std::vector<Report> out;
  switch (cls) {
    case PropertyClass::Invariant:
      sys.check_state(s.data(), *ctx, out);
      return contains(out, c.property) ? "" : "invariant holds at the end";
    case PropertyClass::Final: {
      for (unsigned t = 0; t < sys.thread_count(); ++t)
        if (!sys.finished(s.data(), t)) return "not an end state";
      sys.check_end(s.data(), *ctx, out);
      return contains(out, c.property) ? "" : "final condition holds";
    }
    case PropertyClass::Deadlock: {
      bool all_finished = true;
      for (unsigned t = 0; t < sys.thread_count(); ++t) {
        Capture none(0xFFFF, 0xFFFF, s.size());
        if (sys.successors(s.data(), t, *ctx, none) != 0) return "a thread can step";
        all_finished = all_finished && sys.finished(s.data(), t);
      }
      return all_finished ? "every thread finished" : "";
    }
    case PropertyClass::Nontermination:
      if (c.loop_start < 0 || static_cast<std::size_t>(c.loop_start) >= c.steps.size())
        return "no loop";
      if (loop_state != s) return "the loop does not return to its entry state";
      if (c.thread >= sys.thread_count() || sys.finished(s.data(), c.thread))
        return "the named thread is finished";
      return "";
    default:
      if (c.steps.empty()) return "a transition property without a transition";
      for (const Report& r : last_reports)
        if (r.property == c.property && r.thread == c.thread && r.pc == c.pc) return "";
      return "the last step does not report the property";
  }
}

}  // namespace pcmc::checker::test
