// Counterexample paths, computed once the search is over (search_engine.hpp, Search::path).
//
// BFS keeps no parent links (they would cost 4 of the 16 bytes a state may take): ids are handed
// out in BFS order, so level_start_ gives every state's depth, and the state that stored a
// depth-d state c is the first state of level d-1, in id order, that was expanded and has a
// non-fatal transition to c (BFS expands in id order and the first generator inserts). Its step
// is the first such transition in expansion order (the one on_transition inserted with). DFS
// keeps parent links (a DFS parent need not be in the previous level) and recovers steps alike.
//
// Cost: one level's expansions per step of a BFS counterexample, at the end of the search only.
// Hash compaction keeps no bytes of expanded states: its paths are rebuilt by re-running the
// search (search_lossy_paths.cpp), with the same parent rule.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail {

namespace {

// Finds the first non-fatal transition to `target` in the order successors are generated.
class Match final : public TransitionSink {
 public:
  Match(const std::uint8_t* target, std::size_t size) : target_(target), size_(size) {}
  void on_transition(const Transition& t) override {
    if (found || t.fatal) return;
    if (std::memcmp(t.state, target_, size_) == 0) {
      found = true;
      step = Step{t.thread, t.index};
    }
  }
  bool found = false;
  Step step;

 private:
  const std::uint8_t* target_;
  std::size_t size_;
};

}  // namespace

bool Search::expanded(std::uint32_t id) const {
  return !std::binary_search(unexpanded_.begin(), unexpanded_.end(), id);
}

bool Search::step_between(std::uint32_t from, const std::uint8_t* to, Step& step) {
  std::vector<std::uint8_t> s(std::max<std::size_t>(1, sys_.state_size()));
  store_.decode(from, s.data());
  return step_between(s.data(), to, step);
}

bool Search::step_between(const std::uint8_t* from, const std::uint8_t* to, Step& step) {
  std::vector<unsigned> order;
  expansion_order(from, sys_.state_size(), threads_, opt_.shuffle_seed, order);
  Match m(to, sys_.state_size());
  for (const unsigned t : order) {
    sys_.successors(from, t, *gen_ctx_, m);
    if (m.found) break;
  }
  if (m.found) step = m.step;
  return m.found;
}

std::vector<Step> Search::path(std::uint32_t id) {
  std::vector<Step> steps;
  std::vector<std::uint8_t> child(std::max<std::size_t>(1, sys_.state_size()));
  while (id != 0) {
    store_.decode(id, child.data());
    Step step;
    std::uint32_t parent = StateStore::kNone;
    if (store_.keeps_parents()) {
      parent = store_.parent(id);
      if (!step_between(parent, child.data(), step)) parent = StateStore::kNone;
    } else {
      const auto it = std::upper_bound(level_start_.begin(), level_start_.end(), id);
      const std::size_t depth = static_cast<std::size_t>(it - level_start_.begin()) - 1;
      if (depth == 0 || depth >= level_start_.size())
        throw std::logic_error("search: no level for state " + std::to_string(id));
      for (std::uint32_t p = level_start_[depth - 1]; p < level_start_[depth]; ++p)
        if (expanded(p) && step_between(p, child.data(), step)) {
          parent = p;
          break;
        }
    }
    if (parent == StateStore::kNone)
      throw std::logic_error("search: no transition reaches state " + std::to_string(id));
    steps.push_back(step);
    id = parent;
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

void Search::finish_paths() {
  if (store_.lossy()) return finish_lossy_paths();
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    Counterexample& c = result_.violations[i];
    c.steps = path(pending_[i].at);
    if (pending_[i].has_last) c.steps.push_back(pending_[i].last);
  }
  pending_.clear();
}

}  // namespace pcmc::checker::detail
