// Counterexample paths under hash compaction (docs/hash-compaction.md).
//
// The lossy store keeps neither parents nor the bytes of expanded states, only the bytes of the
// states where violations were recorded (pinned). The path to such a state T of depth d is
// rebuilt backwards as in the exact BFS (search_paths.cpp): its parent is the first expanded
// state of level d-1, in id order, with a non-fatal transition to T's bytes, and the step is the
// first such transition in expansion order. The bytes of level d-1 come from *re-running the
// same search* (same system, options and signature function) with a state limit of
// level_start_[d] states: it stops right before it would store the first state of level d,
// while its store keeps the bytes of levels j..d-1 (HashCompactStore::keep_from, j as low as a
// byte budget allows). One re-run resolves levels d-1 down to j for every target; the next
// re-run starts from level j.
//
// Soundness: every state a re-run decodes was computed from the initial state by real
// transitions, and every step taken is a real transition of the system from such a state to the
// target's bytes, so the result is a real path of length d to the recorded state. The search is
// deterministic, so the re-run stores the same states at the same levels (checked: the level
// boundaries must agree) and the state that stored T is in its level d-1: a parent always exists;
// not finding one is an internal error. The path is replayed from the initial state at the end
// and must reach the recorded bytes (internal check).
//
// Cost: a re-run explores levels 0..d-1 again, usually once per search. Memory: the first
// search's signature table is freed before (its statistics are kept); a re-run holds its own
// table and the kept levels' bytes, within max_memory. If a re-run cannot finish (interrupt,
// memory), the verdict becomes "incomplete" and the violations are dropped: a counterexample is
// never reported without its path.
#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail {

namespace {

// The target's bytes after following `steps` from the initial state, or empty if a step is not
// a transition.
class Follow final : public TransitionSink {
 public:
  Follow(Step want, std::size_t size) : want_(want), size_(size) {}
  void on_transition(const Transition& t) override {
    if (found || t.thread != want_.thread || t.index != want_.index) return;
    found = true;
    state.assign(t.state, t.state + size_);
  }
  bool found = false;
  std::vector<std::uint8_t> state;

 private:
  Step want_;
  std::size_t size_;
};

constexpr std::uint64_t kMinKeptBytes = std::uint64_t{64} << 20;

}  // namespace

void Search::finish_lossy_paths() {
  if (pending_.empty()) return;
  const std::size_t n = std::max<std::size_t>(1, sys_.state_size());
  struct Target {
    std::vector<std::uint8_t> recorded, bytes;  // the violation's state; the path's current end
    std::uint32_t depth;
    std::vector<Step> back;  // steps found so far, last step first
  };
  std::vector<Target> targets;
  for (const PendingPath& p : pending_) {
    Target t;
    t.recorded.resize(n);
    store_.decode(p.at, t.recorded.data());
    t.bytes = t.recorded;
    const auto it = std::upper_bound(level_start_.begin(), level_start_.end(), p.at);
    t.depth = static_cast<std::uint32_t>(it - level_start_.begin()) - 1;
    targets.push_back(std::move(t));
  }
  std::uint64_t budget = std::max(kMinKeptBytes, store_.bytes());
  if (opt_.max_memory != 0) budget = std::min(budget, opt_.max_memory / 4);
  store_.compact().release_table();
  const bool interrupted_before =
      opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed);

  std::string failure;
  try {
    bool narrow = false;  // after a memory failure: keep one level only
    for (;;) {
      std::uint32_t d = 0;
      for (const Target& t : targets) d = std::max(d, t.depth);
      if (d == 0) break;
      if (d >= level_start_.size()) throw std::logic_error("search: no level for a violation");
      const std::uint32_t last = d - 1;
      std::uint32_t low = last;
      while (!narrow && low > 0 &&
             std::uint64_t{level_start_[d] - level_start_[low - 1]} * n <= budget)
        --low;

      SearchOptions o = opt_;
      o.all = true;
      o.liveness = false;
      o.max_states = level_start_[d];
      o.max_seconds = 0;
      o.progress = nullptr;
      // A Ctrl-C that stopped the search itself does not stop the recovery of what it found (the
      // re-runs redo at most that search's work); one during the recovery does.
      if (interrupted_before) o.interrupt = nullptr;
      Search r(sys_, o);
      r.store_.compact().keep_from(level_start_[low]);
      r.explore();
      if (r.store_.size() != level_start_[d] ||
          r.result_.incomplete_reason != r.state_limit_reason()) {
        if (!narrow && low < last && r.result_.incomplete_reason.rfind("memory", 0) == 0) {
          narrow = true;
          continue;
        }
        failure = r.result_.incomplete_reason.empty() ? "the re-run ended early"
                                                      : r.result_.incomplete_reason;
        break;
      }
      if (r.level_start_.size() != d ||
          !std::equal(r.level_start_.begin(), r.level_start_.end(), level_start_.begin()))
        throw std::logic_error("search: the re-run for a counterexample stored other levels");

      std::vector<std::uint8_t> p(n);
      for (std::uint32_t k = last + 1; k-- > low;) {
        for (Target& t : targets) {
          if (t.depth != k + 1) continue;
          bool found = false;
          Step step;
          for (std::uint32_t id = level_start_[k]; id < level_start_[k + 1] && !found; ++id) {
            if (!r.expanded(id)) continue;
            r.store_.decode(id, p.data());
            found = step_between(p.data(), t.bytes.data(), step);
          }
          if (!found)
            throw std::logic_error("search: no state of level " + std::to_string(k) +
                                   " reaches a recorded violation (hash compaction)");
          t.back.push_back(step);
          t.bytes = p;
          t.depth = k;
        }
      }
    }
  } catch (const std::bad_alloc&) {
    failure = "out of memory (an allocation failed)";
  }
  if (!failure.empty()) {
    const std::string reason =
        "counterexample not recovered under hash compaction: " + failure;
    result_.incomplete_reason = result_.incomplete_reason.empty()
                                    ? reason
                                    : result_.incomplete_reason + "; " + reason;
    result_.violations.clear();
    pending_.clear();
    return;
  }

  std::vector<std::uint8_t> init(n);
  sys_.initial_state(init.data());
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    Target& t = targets[i];
    if (t.bytes != init)
      throw std::logic_error("search: a recovered path does not start at the initial state");
    std::vector<Step> steps(t.back.rbegin(), t.back.rend());
    // Internal check: the steps lead from the initial state to the recorded bytes.
    std::vector<std::uint8_t> s = init;
    for (const Step& step : steps) {
      Follow f(step, sys_.state_size());
      sys_.successors(s.data(), step.thread, *gen_ctx_, f);
      if (!f.found) throw std::logic_error("search: a recovered step is not a transition");
      s = std::move(f.state);
      s.resize(n);
    }
    if (s != t.recorded)
      throw std::logic_error("search: a recovered path does not reach the recorded state");
    Counterexample& c = result_.violations[i];
    c.steps = std::move(steps);
    if (pending_[i].has_last) c.steps.push_back(pending_[i].last);
  }
  pending_.clear();
}

}  // namespace pcmc::checker::detail
