// The non-termination pass: an iterative Tarjan over the explored graph, a weak-fairness test
// per SCC, and a lasso for the chosen SCC. See liveness.hpp for the fairness definition and why
// the SCC test is exact.
#include "checker/search/liveness.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pcmc::checker {

namespace {

constexpr std::uint32_t kNone = StateStore::kNone;
constexpr std::uint64_t kPollEvery = 4096;  // states visited between stop() polls

struct Edge {
  std::uint32_t to;
  Step step;
  std::uint32_t perm = kNone;  // offset of its thread permutation in the collector's `perms`
                               // (kNone: the identity, or not collected)
};

// Maps a state's non-fatal successors to stored ids, in the contract order; with `perms`, also
// each edge's thread permutation (Transition::thread_perm, `threads` entries).
class EdgeCollector final : public TransitionSink {
 public:
  EdgeCollector(const StateStore& store, std::vector<Edge>& out,
                std::vector<unsigned>* perms = nullptr, unsigned threads = 0)
      : store_(store), out_(out), perms_(perms), threads_(threads) {}
  void on_transition(const Transition& t) override {
    if (t.fatal) return;  // the path ends there: not an edge of any infinite execution
    const std::uint32_t id = store_.find(t.state);
    if (id == kNone) return;
    Edge e{id, Step{t.thread, t.index}};
    if (perms_ != nullptr && t.thread_perm != nullptr) {
      e.perm = static_cast<std::uint32_t>(perms_->size());
      perms_->insert(perms_->end(), t.thread_perm, t.thread_perm + threads_);
    }
    out_.push_back(e);
  }

 private:
  const StateStore& store_;
  std::vector<Edge>& out_;
  std::vector<unsigned>* perms_;
  unsigned threads_;
};

class Pass {
 public:
  Pass(const TransitionSystem& sys, const StateStore& store,
       std::span<const std::uint32_t> unexpanded, const std::function<std::string()>& stop,
       const std::function<std::vector<Step>(std::uint32_t)>& path, const EdgeLog* log,
       const std::vector<bool>* reduced)
      : sys_(sys), store_(store), unexpanded_(unexpanded), stop_(stop), path_(path), log_(log),
        reduced_(reduced),
        ctx_(sys.make_context()), threads_(sys.thread_count()),
        buf_(std::max<std::size_t>(1, sys.state_size())) {}

  LivenessOutcome run();

 private:
  // ------------------------------------------------------------------ the graph
  bool expanded(std::uint32_t id) const {
    return !std::binary_search(unexpanded_.begin(), unexpanded_.end(), id);
  }
  // Appends thread t's edges out of u; returns its successor count (0: t cannot step in u).
  unsigned edges_of(std::uint32_t u, unsigned t, std::vector<Edge>& out,
                    std::vector<unsigned>* perms = nullptr) {
    EdgeCollector sink(store_, out, perms, threads_);
    store_.decode(u, buf_.data());
    return sys_.successors(buf_.data(), t, *ctx_, sink);
  }
  // Whether thread t is finished in state u.
  bool finished(std::uint32_t u, unsigned t) {
    store_.decode(u, buf_.data());
    return sys_.finished(buf_.data(), t);
  }
  void edges_of(std::uint32_t u, std::vector<Edge>& out) {
    if (!expanded(u)) return;
    for (unsigned t = 0; t < threads_; ++t) edges_of(u, t, out);
  }

  // ------------------------------------------------------------------ Tarjan
  void visit(std::uint32_t v);
  void close_scc(std::uint32_t root, bool self_loop);
  bool fair(std::span<const std::uint32_t> members, std::uint32_t root);

  // ------------------------------------------------------------------ the lasso
  Counterexample lasso();

  const TransitionSystem& sys_;
  const StateStore& store_;
  std::span<const std::uint32_t> unexpanded_;
  const std::function<std::string()>& stop_;
  const std::function<std::vector<Step>(std::uint32_t)>& path_;
  const EdgeLog* log_;  // null: regenerate edges
  const std::vector<bool>* reduced_;  // per state: expanded with an ample set (null: none)
  std::vector<std::uint32_t> reduced_on_cycles_;
  std::unique_ptr<Context> ctx_;
  unsigned threads_;
  std::vector<std::uint8_t> buf_;  // a decoded state (scratch of edges_of / finished)

  std::vector<std::uint32_t> index_;  // DFS number + 1; 0 = not visited
  std::vector<std::uint32_t> low_;
  std::vector<bool> on_stack_;
  std::vector<std::uint32_t> stack_;  // Tarjan's stack
  struct Frame {
    std::uint32_t node;
    std::uint32_t self_loop;  // an edge node -> node was seen
    std::uint64_t begin;      // this frame's edges are edges_[begin, edges_.size())
  };
  std::vector<Frame> frames_;  // the explicit DFS stack
  std::vector<Edge> edges_;    // unexplored edges of the frames, consumed from the back
  std::uint32_t counter_ = 0;

  std::vector<Edge> scratch_;
  // fair()'s scratch: each member's lift (a thread permutation) at lifts_[at_[id]..+threads_),
  // the edges' permutations, the union-find over threads, the threads that step or are disabled.
  std::unordered_map<std::uint32_t, std::uint32_t> at_;
  std::vector<unsigned> lifts_, perms_, lift_, next_, uf_;
  std::vector<bool> witness_;
  bool cyclic_ = false;               // an SCC with an internal edge was closed
  std::uint32_t best_entry_ = kNone;  // smallest id of the best fair SCC so far
  std::vector<std::uint32_t> best_;   // its members, sorted
  unsigned find(unsigned x) {
    while (uf_[x] != x) x = uf_[x] = uf_[uf_[x]];
    return x;
  }
};

void Pass::visit(std::uint32_t v) {
  index_[v] = low_[v] = ++counter_;
  stack_.push_back(v);
  on_stack_[v] = true;
  frames_.push_back({v, 0, edges_.size()});
  if (log_ == nullptr) return edges_of(v, edges_);
  for (std::uint32_t i = log_->begin[v]; i < log_->begin[v + 1]; ++i)
    edges_.push_back({log_->to[i], Step{}});  // the DFS needs targets only
}

LivenessOutcome Pass::run() {
  LivenessOutcome out;
  const std::size_t n = store_.size();
  if (log_ != nullptr && (log_->overflow || log_->begin.size() != n + 1))
    throw std::logic_error("liveness: the edge log does not cover the stored states");
  index_.assign(n, 0);
  low_.assign(n, 0);
  on_stack_.assign(n, false);
  std::uint64_t visited = 0;

  // Roots in id order; from root 0 (the initial state) everything stored is reachable.
  for (std::uint32_t root = 0; root < n && best_entry_ != 0; ++root) {
    if (index_[root] != 0) continue;
    visit(root);
    while (!frames_.empty()) {
      Frame& f = frames_.back();
      if (edges_.size() > f.begin) {
        const Edge e = edges_.back();
        edges_.pop_back();
        if (e.to == f.node) {
          f.self_loop = 1;
        } else if (index_[e.to] == 0) {
          visit(e.to);  // invalidates f
          if (++visited % kPollEvery == 0 && stop_) {
            out.incomplete_reason = stop_();
            if (!out.incomplete_reason.empty()) return out;
          }
        } else if (on_stack_[e.to]) {
          low_[f.node] = std::min(low_[f.node], index_[e.to]);
        }
        continue;
      }
      const std::uint32_t v = f.node;
      const bool self_loop = f.self_loop != 0;
      frames_.pop_back();
      if (!frames_.empty()) {
        std::uint32_t& up = low_[frames_.back().node];
        up = std::min(up, low_[v]);
      }
      if (low_[v] == index_[v]) close_scc(v, self_loop);
    }
  }
  if (best_entry_ != kNone) {
    out.violation = lasso();
    out.fair_scc = best_;
  }
  out.cyclic = cyclic_;
  out.reduced_on_cycles = std::move(reduced_on_cycles_);
  return out;
}

// Pops the SCC rooted at `root` off Tarjan's stack and keeps it if it is a fair, non-terminating
// SCC with a smaller entry id than the best so far (the choice is independent of DFS order).
void Pass::close_scc(std::uint32_t root, bool self_loop) {
  std::size_t pos = stack_.size();
  while (stack_[--pos] != root) {
  }
  const std::span<const std::uint32_t> members(stack_.data() + pos, stack_.size() - pos);
  if (members.size() > 1 || self_loop) {
    cyclic_ = true;
    if (reduced_ != nullptr)
      for (const std::uint32_t m : members)
        if (m < reduced_->size() && (*reduced_)[m]) reduced_on_cycles_.push_back(m);
    const std::uint32_t entry = *std::min_element(members.begin(), members.end());
    if (entry < best_entry_ && fair(members, root)) {
      best_entry_ = entry;
      best_.assign(members.begin(), members.end());
      std::sort(best_.begin(), best_.end());
    }
  }
  for (const std::uint32_t m : members) on_stack_[m] = false;
  stack_.resize(pos);
}

// The weak-fairness test of liveness.hpp, threaded through the SCC's symmetry permutations
// (docs/symmetry-fairness.md). A breadth-first walk from the
// root gives each member u a *lift* p_u: the program state p_u(u) reached from the root by the
// tree path, where canonical position j holds concrete thread p_u[j]. An edge u -> v whose
// successor was canonicalised by σ leads to the lift p_u ∘ σ⁻¹ of v; where v's lift is p_v
// already, g = p_u ∘ σ⁻¹ ∘ p_v⁻¹ is a generator of the group G of the closed walks'
// permutations (Schreier). Thread t steps in, or is disabled in, some state of the program
// SCC over this one iff t's G-orbit holds p_u(w) for a thread w that takes an edge inside the
// SCC from u, or has no successor in u. Without symmetry every σ is the identity: G is trivial
// and this is the plain test. While the SCC is on Tarjan's stack, its members are exactly the on-stack states
// numbered at or after its root.
bool Pass::fair(std::span<const std::uint32_t> members, std::uint32_t root) {
  const auto in_scc = [&](std::uint32_t x) { return on_stack_[x] && index_[x] >= index_[root]; };
  const unsigned n = threads_;
  uf_.resize(n);
  std::iota(uf_.begin(), uf_.end(), 0u);
  witness_.assign(n, false);
  at_.clear();
  lifts_.clear();
  lift_.resize(n);
  next_.resize(n);
  at_.emplace(root, 0);
  for (unsigned j = 0; j < n; ++j) lifts_.push_back(j);
  std::vector<std::uint32_t> queue{root};
  queue.reserve(members.size());
  bool internal = false;
  bool unfinished = false;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::uint32_t u = queue[head];
    if (!expanded(u)) continue;  // no edges: cannot be in a cyclic SCC
    std::copy_n(lifts_.begin() + at_.at(u), n, lift_.begin());
    for (unsigned t = 0; t < n; ++t) {
      scratch_.clear();
      perms_.clear();
      if (edges_of(u, t, scratch_, &perms_) == 0) witness_[lift_[t]] = true;  // disabled
      for (const Edge& e : scratch_) {
        if (!in_scc(e.to)) continue;
        internal = true;
        witness_[lift_[t]] = true;  // steps inside the SCC
        for (unsigned k = 0; k < n; ++k)  // next = lift ∘ σ⁻¹: next[σ(k)] = lift[k]
          next_[e.perm == kNone ? k : perms_[e.perm + k]] = lift_[k];
        const auto [it, fresh] = at_.emplace(e.to, static_cast<std::uint32_t>(lifts_.size()));
        if (fresh) {
          lifts_.insert(lifts_.end(), next_.begin(), next_.end());
          queue.push_back(e.to);
        } else {  // the generator maps p_v[j] to next[j]
          for (unsigned j = 0; j < n; ++j) {
            const unsigned a = find(lifts_[it->second + j]), b = find(next_[j]);
            if (a != b) uf_[a] = b;
          }
        }
      }
      if (!finished(u, t)) unfinished = true;
    }
  }
  if (queue.size() != members.size())
    throw std::logic_error("liveness: an SCC's members are not reachable from its root");
  if (!internal || !unfinished) return false;
  std::vector<bool> orbit_covered(n, false);
  for (unsigned x = 0; x < n; ++x)
    if (witness_[x]) orbit_covered[find(x)] = true;
  for (unsigned t = 0; t < n; ++t)
    if (!orbit_covered[find(t)]) return false;  // t enabled throughout, never steps here
  return true;
}

// Stem: parent links to the entry state s (smallest id of the SCC). Cycle: BFS from s inside
// the SCC, in the contract order; the first edge back to s closes a shortest cycle.
Counterexample Pass::lasso() {
  const std::uint32_t s = best_entry_;
  const auto in_best = [&](std::uint32_t x) {
    return std::binary_search(best_.begin(), best_.end(), x);
  };
  std::unordered_map<std::uint32_t, std::pair<std::uint32_t, Step>> prev;
  std::vector<std::uint32_t> queue{s};
  std::uint32_t last = kNone;
  Step closing;
  for (std::size_t head = 0; head < queue.size() && last == kNone; ++head) {
    const std::uint32_t u = queue[head];
    scratch_.clear();
    edges_of(u, scratch_);
    for (const Edge& e : scratch_) {
      if (!in_best(e.to)) continue;
      if (e.to == s) {
        last = u;
        closing = e.step;
        break;
      }
      if (prev.emplace(e.to, std::make_pair(u, e.step)).second) queue.push_back(e.to);
    }
  }
  if (last == kNone) throw std::logic_error("liveness: no cycle through the SCC's entry state");

  std::vector<Step> cycle{closing};
  std::vector<std::uint32_t> on_cycle{s};
  for (std::uint32_t x = last; x != s; x = prev.at(x).first) {
    cycle.push_back(prev.at(x).second);
    on_cycle.push_back(x);
  }
  std::reverse(cycle.begin(), cycle.end());

  Counterexample c;
  c.steps = path_(s);
  c.loop_start = static_cast<std::int64_t>(c.steps.size());
  c.steps.insert(c.steps.end(), cycle.begin(), cycle.end());
  c.pc = 0;
  // The thread that never finishes: the first one unfinished in every state of the cycle, else
  // the first one unfinished in s.
  for (unsigned t = 0; t < threads_ && c.thread == 0xFFFF; ++t)
    if (std::none_of(on_cycle.begin(), on_cycle.end(),
                     [&](std::uint32_t x) { return finished(x, t); }))
      c.thread = static_cast<std::uint16_t>(t);
  for (unsigned t = 0; t < threads_ && c.thread == 0xFFFF; ++t)
    if (!finished(s, t)) c.thread = static_cast<std::uint16_t>(t);
  c.property = sys_.nontermination_property();
  return c;
}

}  // namespace

LivenessOutcome find_nontermination(const TransitionSystem& system, const StateStore& store,
                                    std::span<const std::uint32_t> unexpanded,
                                    const std::function<std::string()>& stop,
                                    const std::function<std::vector<Step>(std::uint32_t)>& path,
                                    const EdgeLog* log, const std::vector<bool>* reduced) {
  Pass pass(system, store, unexpanded, stop, path, log, reduced);
  return pass.run();
}

std::uint64_t liveness_bytes_estimate(std::uint64_t states) {
  // index + lowlink + Tarjan stack (4 bytes each) + a 16-byte DFS frame, all at worst one per
  // state (a chain), + one on-stack bit.
  return states * (4 + 4 + 4 + 16) + states / 8 + 4096;
}

}  // namespace pcmc::checker
