// explore_graph (state_graph.hpp): the search's pipeline, keeping every node and edge.
//
//   start:  store + check the initial state.
//   expand: for each thread in id order: successors → on_transition; none at all → end state
//           (final conditions, `exists`) or deadlock.
//   on_transition: edge → transition reports → fatal? (a Fatal node) → find or store →
//           (new) invariants → enqueue unless violated.
// The first report seen is the first violation; its path follows the parent edges (each node's
// discovering edge, so a shortest path under BFS) and is marked at the end.
#include "checker/search/explore_graph.hpp"

#include <deque>
#include <string>
#include <unordered_map>

namespace pcmc::checker {

namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFFu;

class Explorer final : public TransitionSink {
 public:
  Explorer(const TransitionSystem& sys, const GraphOptions& opt)
      : sys_(sys), opt_(opt), gen_ctx_(sys.make_context()), check_ctx_(sys.make_context()) {}

  GraphResult run() {
    std::vector<std::uint8_t> init(sys_.state_size());
    sys_.initial_state(init.data());
    add_state(init.data(), 0, kNone);
    while (!queue_.empty() && !too_large_) {
      std::uint32_t id = queue_.front();
      queue_.pop_front();
      expand(id);
    }
    GraphResult r;
    r.too_large = too_large_;
    if (!too_large_) mark_path();
    r.graph = std::move(g_);
    return r;
  }

  void on_transition(const Transition& t) override {
    if (too_large_) return;
    traces::GraphEdge e;
    e.from = cur_;
    e.thread = t.thread;
    e.index = t.index;
    e.fatal = t.fatal;
    for (const Report& rep : t.reports) e.violated.push_back(name(rep.property));
    const auto eid = static_cast<std::uint32_t>(g_.edges.size());
    if (!e.violated.empty()) first(cur_, eid, e.violated.front());
    if (t.fatal) {
      traces::GraphNode n;
      n.state.assign(t.state, t.state + sys_.state_size());
      n.kind = traces::GraphNode::Fatal;
      n.depth = g_.nodes[cur_].depth + 1;
      e.to = static_cast<std::uint32_t>(g_.nodes.size());
      g_.nodes.push_back(std::move(n));
      g_.edges.push_back(std::move(e));
      return;
    }
    auto found = index_.find(key(t.state));
    if (found != index_.end()) {
      e.to = found->second;
      g_.edges.push_back(std::move(e));
      return;
    }
    g_.edges.push_back(std::move(e));
    g_.edges.back().to = add_state(t.state, g_.nodes[cur_].depth + 1, eid);
  }

 private:
  std::string key(const std::uint8_t* s) const {
    return std::string(reinterpret_cast<const char*>(s), sys_.state_size());
  }
  std::string name(PropertyId id) const { return sys_.properties().at(id).name; }

  // Stores a new state, checks its invariants and enqueues it if they hold.
  std::uint32_t add_state(const std::uint8_t* s, std::uint32_t depth, std::uint32_t via) {
    if (g_.states >= opt_.max_nodes) {
      too_large_ = true;
      return kNone;
    }
    const auto id = static_cast<std::uint32_t>(g_.nodes.size());
    traces::GraphNode n;
    n.state.assign(s, s + sys_.state_size());
    n.depth = depth;
    g_.nodes.push_back(std::move(n));
    parent_edge_.resize(g_.nodes.size(), kNone);
    parent_edge_[id] = via;
    index_.emplace(key(s), id);
    ++g_.states;
    reports_.clear();
    sys_.check_state(s, *check_ctx_, reports_);
    if (!reports_.empty()) {
      for (const Report& r : reports_) g_.nodes[id].violated.push_back(name(r.property));
      g_.nodes[id].kind = traces::GraphNode::Unexpanded;
      first(id, kNone, g_.nodes[id].violated.front());
      return id;
    }
    queue_.push_back(id);
    return id;
  }

  void expand(std::uint32_t id) {
    cur_ = id;
    // The state's bytes are copied: add_state may reallocate the node vector during the calls.
    const std::vector<std::uint8_t> s = g_.nodes[id].state;
    bool any = false;
    for (unsigned t = 0; t < sys_.thread_count() && !too_large_; ++t)
      if (sys_.successors(s.data(), t, *gen_ctx_, *this) > 0) any = true;
    if (any || too_large_) return;
    bool all_finished = true;
    for (unsigned t = 0; t < sys_.thread_count() && all_finished; ++t)
      all_finished = sys_.finished(s.data(), t);
    traces::GraphNode& n = g_.nodes[id];
    if (!all_finished) {
      n.kind = traces::GraphNode::Deadlock;
      n.violated.push_back(name(sys_.deadlock_property()));
    } else {
      n.kind = traces::GraphNode::End;
      ++g_.end_states;
      reports_.clear();
      const ExistsMask hits = sys_.check_end(s.data(), *check_ctx_, reports_);
      n.exists_mask = sys_.has_exists() ? hits : 0;
      n.exists_hit = n.exists_mask != 0;
      for (const Report& r : reports_) n.violated.push_back(name(r.property));
    }
    if (!n.violated.empty()) first(id, kNone, n.violated.front());
  }

  // Remembers the first violation: at node `at`, through edge `edge` when it is a transition's.
  void first(std::uint32_t at, std::uint32_t edge, const std::string& property) {
    if (!g_.first_violation.empty()) return;
    g_.first_violation = property;
    first_node_ = at;
    first_edge_ = edge;
  }

  void mark_path() {
    if (g_.first_violation.empty()) return;
    std::size_t length = 0;
    if (first_edge_ != kNone) {
      g_.edges[first_edge_].on_path = true;
      g_.nodes[g_.edges[first_edge_].to].on_path = true;
      ++length;
    }
    for (std::uint32_t n = first_node_;;) {
      g_.nodes[n].on_path = true;
      const std::uint32_t e = parent_edge_[n];
      if (e == kNone) break;
      g_.edges[e].on_path = true;
      ++length;
      n = g_.edges[e].from;
    }
    g_.path_length = length;
  }

  const TransitionSystem& sys_;
  const GraphOptions& opt_;
  std::unique_ptr<Context> gen_ctx_, check_ctx_;
  traces::StateGraph g_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::uint32_t> parent_edge_;  // per node: the edge that discovered it
  std::deque<std::uint32_t> queue_;
  std::vector<Report> reports_;
  std::uint32_t cur_ = 0;
  std::uint32_t first_node_ = kNone, first_edge_ = kNone;
  bool too_large_ = false;
};

}  // namespace

GraphResult explore_graph(const TransitionSystem& system, const GraphOptions& options) {
  return Explorer(system, options).run();
}

}  // namespace pcmc::checker
