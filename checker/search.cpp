// The exhaustive search (search.hpp): one loop, read top to bottom.
//
//   run:     insert + check the initial state; then, until the frontier is empty or a stop:
//            limits → pop → expand; then the non-termination pass; then the verdict.
//   expand:  for each thread (contract order, or the seeded per-state permutation):
//            successors → on_transition for each; then deadlock / end-state checks.
//   on_transition: count → transition reports → fatal? → depth / state limits → insert →
//            (new) state checks → enqueue.
//
// Shortest counterexamples (BFS). A property is recorded the first time it is seen and never
// replaced. BFS expands states in non-decreasing depth and a state's parent link is a shortest
// path to it, so for each property:
//   - a report on a transition out of a depth-d state (counterexample length d + 1), and an
//     invariant report on a state first inserted at depth d + 1 (length d + 1), are seen while
//     depth-d states are expanded, before any deeper one;
//   - a deadlock or end-state report on a depth-d state (length d) is seen when that state is
//     expanded, in depth order.
// So each recorded counterexample is a shortest one for its property, as long as a property is
// reported by one kind of check only (true of every property class). Across properties, the
// first violation found (first-violation mode) is shortest up to one step: a deadlock at depth d
// is found after the transitions out of other depth-d states. DFS gives no length guarantee.
//
// Contexts: successors() may use its Context as scratch while calling back, so the state checks
// made from inside the callback use a second Context.
#include "checker/search.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <new>
#include <numeric>
#include <stdexcept>
#include <string>

#include "checker/frontier.hpp"
#include "checker/hash.hpp"
#include "checker/liveness.hpp"
#include "checker/state_store.hpp"

namespace pcmc::checker {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint16_t kNoThread = 0xFFFF;
// The clock is read every `clock_every_` expansions, adapted so that reads are about 1-10 ms
// apart whatever an expansion costs: time limits and progress stay punctual on slow models and
// the clock stays out of the profile on fast ones.
constexpr std::uint64_t kMaxClockEvery = 4096;

// Peak resident set size (VmHWM) in bytes; 0 when /proc is unavailable.
std::uint64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

std::string format_seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

class Search final : public TransitionSink {
 public:
  Search(const TransitionSystem& sys, const SearchOptions& opt)
      : sys_(sys),
        opt_(opt),
        store_(sys.state_size()),
        frontier_(opt.order),
        gen_ctx_(sys.make_context()),
        check_ctx_(sys.make_context()),
        recorded_(sys.properties().size(), false),
        threads_(sys.thread_count()),
        state_limit_(opt.max_states != 0 ? std::min<std::uint64_t>(opt.max_states,
                                                                   StateStore::kMaxStates)
                                         : StateStore::kMaxStates) {}

  Result run();
  void on_transition(const Transition& t) override;

 private:
  void start();
  bool out_of_budget();
  void expand(FrontierEntry e);
  void check_new_state(std::uint32_t id, std::uint32_t depth);
  void quiescent(std::uint32_t id);
  void record(const Report& r, std::uint32_t at, const Step* last);
  void halt(std::string reason);
  void liveness();
  Stats snapshot() const;
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  const TransitionSystem& sys_;
  const SearchOptions& opt_;
  StateStore store_;
  Frontier frontier_;
  std::unique_ptr<Context> gen_ctx_;    // for successors()
  std::unique_ptr<Context> check_ctx_;  // for check_state() / check_end()
  std::vector<bool> recorded_;          // per property: a violation is recorded
  std::vector<std::uint32_t> unexpanded_;  // ids that violated an invariant (sorted)
  std::vector<Report> reports_;
  std::vector<unsigned> order_;
  unsigned threads_;
  std::uint64_t state_limit_;

  Result result_;
  bool stop_ = false;     // a violation (first-violation mode) or a limit ended the search
  bool cut_ = false;      // a successor beyond max_depth was dropped
  std::uint32_t cur_id_ = 0;
  std::uint32_t cur_depth_ = 0;
  std::uint64_t clock_every_ = 1;
  std::uint64_t since_clock_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_clock_ = start_;
  Clock::time_point last_progress_ = start_;
};

// ------------------------------------------------------------------ the loop

Result Search::run() {
  try {
    start();
    while (!stop_ && !frontier_.empty()) {
      if (out_of_budget()) break;
      expand(frontier_.pop());
    }
    if (!stop_ && cut_)
      halt("depth limit " + std::to_string(opt_.max_depth) + " reached");
    liveness();
  } catch (const std::bad_alloc&) {
    halt("out of memory (an allocation failed)");
  }
  result_.stats = snapshot();
  result_.status = !result_.violations.empty()         ? Status::Violated
                   : !result_.incomplete_reason.empty() ? Status::Incomplete
                                                        : Status::Holds;
  return result_;
}

void Search::start() {
  std::vector<std::uint8_t> init(std::max<std::size_t>(1, sys_.state_size()));
  sys_.initial_state(init.data());
  store_.insert(init.data(), StateStore::kNone, Step{kNoThread, kNoThread});
  check_new_state(0, 0);
}

// Interrupt, memory, time (and progress) — checked before each expansion.
bool Search::out_of_budget() {
  if (opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed)) {
    halt("interrupted");
    return true;
  }
  if (opt_.max_memory != 0 &&
      store_.bytes() + store_.next_growth_bytes() + frontier_.bytes() > opt_.max_memory) {
    halt("memory limit " + std::to_string(opt_.max_memory) + " bytes reached");
    return true;
  }
  if (++since_clock_ < clock_every_) return false;
  since_clock_ = 0;
  const Clock::time_point now = Clock::now();
  const Clock::duration gap = now - last_clock_;
  last_clock_ = now;
  if (gap < std::chrono::milliseconds(1) && clock_every_ < kMaxClockEvery) clock_every_ *= 2;
  if (gap > std::chrono::milliseconds(10) && clock_every_ > 1) clock_every_ /= 2;
  if (opt_.max_seconds > 0 &&
      std::chrono::duration<double>(now - start_).count() >= opt_.max_seconds) {
    halt("time limit " + format_seconds(opt_.max_seconds) + " s reached");
    return true;
  }
  if (opt_.progress && now - last_progress_ >= std::chrono::seconds(1)) {
    last_progress_ = now;
    opt_.progress(snapshot());
  }
  return false;
}

void Search::expand(FrontierEntry e) {
  cur_id_ = e.id;
  cur_depth_ = e.depth;
  const std::uint8_t* s = store_.state(e.id);  // stable: the arena never moves states

  order_.resize(threads_);
  std::iota(order_.begin(), order_.end(), 0u);
  if (opt_.shuffle_seed != 0) {  // a deterministic permutation per state (Fisher–Yates)
    std::uint64_t x = hash_bytes(s, sys_.state_size()) ^ opt_.shuffle_seed;
    for (unsigned i = threads_; i > 1; --i) std::swap(order_[i - 1], order_[splitmix64(x) % i]);
  }

  bool any = false;
  for (const unsigned t : order_) {
    if (sys_.successors(s, t, *gen_ctx_, *this) > 0) any = true;
    if (stop_) return;
  }
  if (!any) quiescent(e.id);
}

void Search::on_transition(const Transition& t) {
  if (stop_) return;  // the rest of this state's successors are not wanted
  ++result_.stats.transitions;
  const Step step{t.thread, t.index};
  for (const Report& r : t.reports) record(r, cur_id_, &step);
  if (t.fatal || stop_) return;

  const std::uint32_t depth = cur_depth_ + 1;
  if (opt_.max_depth != 0 && depth > opt_.max_depth) {
    if (store_.find(t.state) == StateStore::kNone) cut_ = true;
    return;
  }
  if (store_.size() >= state_limit_) {
    if (store_.find(t.state) != StateStore::kNone) return;
    halt(state_limit_ == opt_.max_states
             ? "state limit " + std::to_string(opt_.max_states) + " reached"
             : "state store full (" + std::to_string(StateStore::kMaxStates) + " states)");
    return;
  }
  const StateStore::Inserted in = store_.insert(t.state, cur_id_, step);
  if (in.inserted) check_new_state(in.id, depth);
}

// ------------------------------------------------------------------ properties

// A newly stored state: invariants, then (if they hold) the frontier.
void Search::check_new_state(std::uint32_t id, std::uint32_t depth) {
  result_.stats.max_depth = std::max<std::uint64_t>(result_.stats.max_depth, depth);
  reports_.clear();
  sys_.check_state(store_.state(id), *check_ctx_, reports_);
  if (!reports_.empty()) {
    for (const Report& r : reports_) record(r, id, nullptr);
    unexpanded_.push_back(id);  // a violating state is not expanded further
    return;
  }
  frontier_.push({id, depth});
}

// A state with no successor at all: an end state if every thread finished, else a deadlock.
void Search::quiescent(std::uint32_t id) {
  const std::uint8_t* s = store_.state(id);
  bool all_finished = true;
  for (unsigned t = 0; t < threads_ && all_finished; ++t) all_finished = sys_.finished(s, t);
  if (!all_finished) {
    record(Report{sys_.deadlock_property(), kNoThread, 0}, id, nullptr);
    return;
  }
  ++result_.stats.end_states;
  reports_.clear();
  const bool exists = sys_.check_end(s, *check_ctx_, reports_);
  if (exists && sys_.has_exists()) ++result_.stats.exists_hits;
  for (const Report& r : reports_) record(r, id, nullptr);
}

// The first violation of each property, with the path to `at` (plus `last`, for a transition).
void Search::record(const Report& r, std::uint32_t at, const Step* last) {
  if (r.property >= recorded_.size())
    throw std::logic_error("search: the system reported property id " +
                           std::to_string(r.property) + ", which it does not declare");
  if (recorded_[r.property]) return;
  recorded_[r.property] = true;
  Counterexample c;
  c.property = r.property;
  c.thread = r.thread;
  c.pc = r.pc;
  c.steps = store_.path(at);
  if (last != nullptr) c.steps.push_back(*last);
  result_.violations.push_back(std::move(c));
  if (!opt_.all) stop_ = true;
}

void Search::halt(std::string reason) {
  stop_ = true;
  if (result_.incomplete_reason.empty()) result_.incomplete_reason = std::move(reason);
}

// ------------------------------------------------------------------ non-termination

// Only over a complete graph: after a limit, or after stopping at a violation, cycles may be
// missing or spurious.
void Search::liveness() {
  if (!opt_.liveness || !result_.incomplete_reason.empty()) return;
  if (!result_.violations.empty() && !opt_.all) return;
  if (recorded_.at(sys_.nontermination_property())) return;
  if (opt_.max_memory != 0 &&
      store_.bytes() + liveness_bytes_estimate(store_.size()) > opt_.max_memory) {
    halt("memory limit " + std::to_string(opt_.max_memory) +
         " bytes reached (non-termination pass not run)");
    return;
  }
  const std::function<std::string()> poll = [this]() -> std::string {
    if (opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed))
      return "interrupted";
    if (opt_.max_seconds > 0 && elapsed() >= opt_.max_seconds)
      return "time limit " + format_seconds(opt_.max_seconds) + " s reached";
    const Clock::time_point now = Clock::now();
    if (opt_.progress && now - last_progress_ >= std::chrono::seconds(1)) {
      last_progress_ = now;
      opt_.progress(snapshot());
    }
    return {};
  };
  LivenessOutcome out = find_nontermination(sys_, store_, unexpanded_, poll);
  if (!out.incomplete_reason.empty()) halt(out.incomplete_reason + " (non-termination pass)");
  if (out.violation) {
    recorded_[out.violation->property] = true;
    result_.violations.push_back(std::move(*out.violation));
  }
}

Stats Search::snapshot() const {
  Stats s = result_.stats;
  s.states = store_.size();
  s.queue = frontier_.size();
  s.store_bytes = store_.bytes();
  s.peak_rss = peak_rss_bytes();
  s.seconds = elapsed();
  return s;
}

}  // namespace

Result search(const TransitionSystem& system, const SearchOptions& options) {
  Search s(system, options);
  return s.run();
}

}  // namespace pcmc::checker
