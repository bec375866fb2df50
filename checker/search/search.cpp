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
//
// Parallel BFS (workers > 1) drives the same stages from parallel_bfs.cpp; counterexample paths
// are computed at the end from the stored states (search_paths.cpp).
#include "checker/search/search.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <new>
#include <numeric>
#include <stdexcept>
#include <string>

#include "checker/store/hash.hpp"
#include "checker/search/liveness.hpp"
#include "checker/search/search_engine.hpp"

namespace pcmc::checker {

std::uint64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

namespace detail {

namespace {

// The clock is read every `clock_every_` expansions, adapted so that reads are about 1-10 ms
// apart whatever an expansion costs: time limits and progress stay punctual on slow models and
// the clock stays out of the profile on fast ones.
constexpr std::uint64_t kMaxClockEvery = 4096;
// The memory limit is checked every kMemoryEvery expansions, with room for that many expansions'
// growth of the store; while everything, with room for kMemoryEveryFar expansions' growth, fits
// in half the limit, every kMemoryEveryFar expansions (bytes() and growth_bound() walk every
// table's shards: 2 % of a native run on a 446-byte state when computed every 16 expansions).
constexpr std::uint64_t kMemoryEvery = 16;
constexpr std::uint64_t kMemoryEveryFar = 256;

std::string format_seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

void expansion_order(const std::uint8_t* s, std::size_t size, unsigned threads,
                     std::uint64_t seed, std::vector<unsigned>& order) {
  order.resize(threads);
  std::iota(order.begin(), order.end(), 0u);
  if (seed == 0) return;
  std::uint64_t x = hash_bytes(s, size) ^ seed;
  for (unsigned i = threads; i > 1; --i) std::swap(order[i - 1], order[splitmix64(x) % i]);
}

Search::Search(const TransitionSystem& sys, const SearchOptions& opt)
    : sys_(sys),
      opt_(opt),
      store_(sys.state_size(), sys.state_parts(), opt.order == Order::DFS,
             opt.store == StoreMode::HashCompact, opt.signature_bits),
      frontier_(opt.order),
      gen_ctx_(sys.make_context()),
      check_ctx_(sys.make_context()),
      recorded_(sys.properties().size(), false),
      cur_state_(std::max<std::size_t>(1, sys.state_size())),
      threads_(sys.thread_count()),
      state_limit_(opt.max_states != 0
                       ? std::min<std::uint64_t>(opt.max_states, StateStore::kMaxStates)
                       : StateStore::kMaxStates) {
  // Hash compaction keeps no state bytes once expanded: no non-termination pass over them (DFS
  // is refused by the store: no parent links).
  if (opt.store == StoreMode::HashCompact && opt.liveness)
    throw std::invalid_argument(
        "hash compaction (lossy store) needs the non-termination pass off (liveness)");
  log_edges_ = opt.log_edges && opt.liveness && opt.order == Order::BFS;
  // Ample sets keep an infinite path wherever the full graph has one, so the non-termination
  // pass runs on their graph (liveness(), docs/reductions.md). Sleep sets do not: a state whose
  // enabled threads are all asleep has no edge, so they serve the safety search only. They also
  // need BFS: their merge rule relies on a state being reached only from the previous level
  // before it is expanded (search_sleep.cpp).
  const bool reducible = sys.supports_por() && sys.thread_count() <= PorProbe::kMaxThreads;
  ample_ = opt.por && reducible;
  log_reduced_ = ample_ && opt.liveness;
  if (opt.sleep && reducible && !opt.liveness && opt.order == Order::BFS)
    sleep_ = std::make_unique<SleepSets>(opt.store == StoreMode::HashCompact);
  if (ample_ || sleep_) probe_ = std::make_unique<PorProbe>(sys, opt.por_locks, opt.liveness);
  if (ample_ && opt.por_stats) {
    diag_ = std::make_unique<PorDiagnosis>(sys, opt.por_locks);
    why_.resize(threads_);
  }
  nodes_.resize(store_.node_count());
  result_.stats.por = ample_;
  result_.stats.por_unavailable = opt.por && !reducible;
  result_.stats.sleep = sleep_ != nullptr;
}

// ------------------------------------------------------------------ the loop

Result Search::run() {
  try {
    explore();
    result_.exhaustive = !stop_;
    liveness();
  } catch (const std::bad_alloc&) {
    halt("out of memory (an allocation failed)");
  }
  finish_paths();
  result_.stats = snapshot();
  if (diag_) result_.stats.por_stats = std::make_shared<const PorStats>(diag_->result(kPorStatsTop));
  result_.status = !result_.violations.empty()         ? Status::Violated
                   : !result_.incomplete_reason.empty() ? Status::Incomplete
                                                        : Status::Holds;
  return result_;
}

void Search::explore() {
  start();
  if (opt_.workers > 1 && opt_.order == Order::BFS) {
    run_parallel();
  } else {
    while (!stop_ && !frontier_.empty()) {
      if (pipelined()) {
        expand_group();
        continue;
      }
      if (out_of_budget(0)) break;
      expand(frontier_.pop());
    }
  }
  if (!stop_ && cut_) halt("depth limit " + std::to_string(opt_.max_depth) + " reached");
}

void Search::start() {
  std::vector<std::uint8_t> init(std::max<std::size_t>(1, sys_.state_size()));
  sys_.initial_state(init.data());
  store_.insert(init.data(), StateStore::kNone);
  if (sleep_) sleep_->inserted(0, sleep_key(init.data()), 0);
  reports_.clear();
  sys_.check_state(init.data(), *check_ctx_, reports_);
  new_state(0, 0, reports_);
}

// Interrupt, memory, time (and progress) — checked before each expansion (memory: every
// kMemoryEvery expansions, with room for that many expansions' growth, or every kMemoryEveryFar
// while far below the limit).
bool Search::out_of_budget(std::uint64_t headroom) {
  if (opt_.interrupt != nullptr && opt_.interrupt->load(std::memory_order_relaxed)) {
    halt("interrupted");
    return true;
  }
  if (opt_.max_memory != 0 && (headroom != 0 || memory_skip_-- == 0)) {
    memory_skip_ = kMemoryEvery - 1;
    const std::uint64_t room =
        headroom != 0 ? headroom
                      : store_.growth_bound((kMemoryEvery + in_flight_limit_) * max_fanout_);
    const std::uint64_t sleep_bytes = sleep_ ? sleep_->bytes() : 0;
    const std::uint64_t stored = store_.bytes();
    const std::uint64_t held =
        stored + frontier_.bytes() + sleep_bytes +
        (log_edges_ ? 2 * edges_.bytes() + liveness_bytes_estimate(store_.size()) : 0);
    if (headroom == 0 &&
        held + store_.growth_bound((kMemoryEveryFar + in_flight_limit_) * max_fanout_) <=
            opt_.max_memory / 2)
      memory_skip_ = kMemoryEveryFar - 1;
    if (stored + room + frontier_.bytes() + sleep_bytes > opt_.max_memory) {
      halt("memory limit " + std::to_string(opt_.max_memory) + " bytes reached");
      return true;
    }
    // The edge log is a speed-up of the non-termination pass, not needed: it goes first, with
    // room for the pass itself and for the log's next doubling.
    if (log_edges_ && stored + room + frontier_.bytes() + 2 * edges_.bytes() +
                              liveness_bytes_estimate(store_.size()) >
                          opt_.max_memory) {
      log_edges_ = false;
      edges_.clear();
    }
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
  store_.decode_hint(e.id, cur_state_.data());  // also the hint for its successors' lookups
  // BFS expands the frontier in order: the next state's first decode misses overlap this one.
  if (!frontier_.empty()) store_.prefetch_decode(frontier_.front().id);
  looked_.clear();
  next_looked_ = 0;
  store_.release_below(e.id);  // hash compaction: BFS expands in id order
  const std::uint8_t* s = cur_state_.data();
  expansion_order(s, sys_.state_size(), threads_, opt_.shuffle_seed, order_);
  const std::uint64_t before = result_.stats.transitions;
  bool any = false;
  if (probe_ && (ample_ || sleep_)) {
    // Reduced: the ample set's buffered transitions; or every thread's, in expansion order;
    // with sleep sets, minus the threads asleep in s.
    probe_->begin(s);
    const bool full = ample_ && forced(s);  // a round of the non-termination decision
    if (full) candidates_.clear();
    const PorProbe::Mask ample = ample_ && !full ? ample_set() : 0;
    if (ample != 0) {
      ++result_.stats.ample_states;
      mark_reduced(e.id);
    }
    if (ample_) por_expanded();
    if (diag_ && !full) {
      if (ample != 0) diag_->reduced();
      else if (!candidates_.empty()) diag_->proviso();
      else diag_->full(*probe_, s, *gen_ctx_, why_.data());
    }
    if (sleep_) {
      any = expand_asleep(ample);
      if (stop_) return;
    } else {
      if (ample == 0) look_up_targets(~PorProbe::Mask{0});  // the ample set's are looked up
      for (const unsigned t : order_) {
        if (ample != 0 && !((ample >> t) & 1)) continue;
        if (probe_->emit(t, *gen_ctx_, *this) > 0) any = true;
        if (stop_) return;
      }
    }
  } else {
    // Every thread's successors are staged first and then handed to on_transition in the same
    // order, their store lookups batched (search_lookups.cpp). (So a stop at one thread's
    // transition no longer spares generating the later threads' — work, not results.)
    {
      struct Staging {  // staging_ is off again however generation ends
        bool& on;
        ~Staging() { on = false; }
      } staging{staging_};
      staging_ = true;
      for (const unsigned t : order_)
        if (sys_.successors(s, t, *gen_ctx_, *this) > 0) any = true;
    }
    emit_staged();
    if (stop_) return;
  }
  max_fanout_ = std::max<std::uint64_t>(max_fanout_, result_.stats.transitions - before);
  if (!any) quiescent(e.id);
}

// C0–C2 from the probe; C3 here: no successor of an ample step was stored before this expansion.
PorProbe::Mask Search::ample_set() {
  probe_->candidates(*gen_ctx_, candidates_, diag_ ? why_.data() : nullptr);
  for (const PorProbe::Mask m : candidates_) {
    bool ok = true;
    for (unsigned t = 0; t < threads_ && ok; ++t) {
      if (!((m >> t) & 1)) continue;
      const std::size_t n = probe_->count(t, *gen_ctx_);
      for (std::size_t i = 0; i < n && ok; ++i)
        ok = proviso_ok(look_up_target(probe_->target(t, i)), cur_depth_);
    }
    if (ok) return m;
  }
  if (!candidates_.empty()) ++result_.stats.proviso_full;
  return 0;
}

// Switching ample sets off keeps every guarantee: the later states are expanded fully, and C3
// was checked for every state expanded with an ample set when it was (NewState and NextLevel
// are properties of each reduced edge alone), so every cycle of the graph still has a fully
// expanded state; the non-termination pass needs persistence per state only.
void Search::por_expanded() {
  if (++por_expanded_ != opt_.por_trial) return;
  if (result_.stats.ample_states * kPorMinShare >= por_expanded_) return;
  ample_ = false;
  result_.stats.por_off_after = por_expanded_;
}

bool Search::proviso_ok(std::uint32_t id, std::uint32_t depth) const {
  if (id == StateStore::kNone) return true;
  if (opt_.order != Order::BFS || opt_.proviso != Proviso::NextLevel) return false;
  // BFS ids are handed out level by level: stored at depth + 1 <=> id >= that level's first.
  return depth + 1 < level_start_.size() && id >= level_start_[depth + 1];
}

std::string Search::state_limit_reason() const {
  return state_limit_ == opt_.max_states
             ? "state limit " + std::to_string(opt_.max_states) + " reached"
             : "state store full (" + std::to_string(StateStore::kMaxStates) + " states)";
}

void Search::on_transition(const Transition& t) {
  if (staging_) return stage(t);
  if (stop_) return;  // the rest of this state's successors are not wanted
  ++result_.stats.transitions;
  const Step step{t.thread, t.index};
  for (const Report& r : t.reports) record(r, cur_id_, &step);
  if (t.fatal || stop_) return;

  const std::uint32_t depth = cur_depth_ + 1;
  if (opt_.max_depth != 0 && depth > opt_.max_depth) {
    const std::uint32_t id = find_successor(t.state);
    if (id == StateStore::kNone) cut_ = true;
    else log_edge(id);
    return;
  }
  if (store_.size() >= state_limit_) {
    const std::uint32_t id = find_successor(t.state);
    if (id == StateStore::kNone) return halt(state_limit_reason());
    log_edge(id);
    if (sleep_) sleep_reached(id, t.state);
    return;
  }
  const StateStore::Inserted in = insert_successor(t.state);
  log_edge(in.id);
  if (!in.inserted) {
    if (sleep_) sleep_reached(in.id, t.state);
    return;
  }
  if (sleep_) sleep_->inserted(in.id, sleep_key(t.state), cur_sleep_);
  reports_.clear();
  sys_.check_state(t.state, *check_ctx_, reports_);
  new_state(in.id, depth, reports_);
}

// ------------------------------------------------------------------ properties

void Search::new_state(std::uint32_t id, std::uint32_t depth, std::span<const Report> inv) {
  result_.stats.max_depth = std::max<std::uint64_t>(result_.stats.max_depth, depth);
  if (opt_.order == Order::BFS && depth >= level_start_.size()) level_start_.push_back(id);
  if (!inv.empty()) {
    for (const Report& r : inv) record(r, id, nullptr);
    unexpanded_.push_back(id);  // a violating state is not expanded further
    return;
  }
  frontier_.push({id, depth});
}

void Search::quiescent(std::uint32_t id) {
  const std::uint8_t* s = cur_state_.data();
  bool all_finished = true;
  for (unsigned t = 0; t < threads_ && all_finished; ++t) all_finished = sys_.finished(s, t);
  reports_.clear();
  ExistsMask exists = 0;
  if (all_finished) exists = sys_.check_end(s, *check_ctx_, reports_);
  quiescent(id, all_finished, reports_, exists);
}

void Search::quiescent(std::uint32_t id, bool all_finished, std::span<const Report> end_reports,
                       ExistsMask exists) {
  if (!all_finished) {
    record(Report{sys_.deadlock_property(), kNoThread, 0}, id, nullptr);
    return;
  }
  ++result_.stats.end_states;
  if (sys_.has_exists() && exists != 0) {
    if (exists & 1) ++result_.stats.exists_hits;
    auto& each = result_.stats.exists_each;
    for (unsigned b = 0; b < 64; ++b)
      if (exists >> b & 1) {
        if (each.size() <= b) each.resize(b + 1);
        ++each[b];
      }
  }
  for (const Report& r : end_reports) record(r, id, nullptr);
}

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
  result_.violations.push_back(std::move(c));
  pending_.push_back({at, last != nullptr, last != nullptr ? *last : Step{}});
  store_.pin(at);  // hash compaction: the path is rebuilt from these bytes
  if (!opt_.all || result_.violations.size() == opt_.stop_after) stop_ = true;
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
  if (log_edges_ && opt_.max_memory != 0 &&
      store_.bytes() + edges_.bytes() + liveness_bytes_estimate(store_.size()) > opt_.max_memory) {
    log_edges_ = false;  // regenerate the edges instead
    edges_.clear();
  }
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
  const std::function<std::vector<Step>(std::uint32_t)> path_of =
      [this](std::uint32_t id) { return path(id); };
  if (log_edges_) edges_.close(store_.size());
  result_.stats.edge_log = log_edges_ && !edges_.overflow;
  LivenessOutcome out = find_nontermination(sys_, store_.exact(), unexpanded_, poll, path_of,
                                            result_.stats.edge_log ? &edges_ : nullptr,
                                            log_reduced_ ? &reduced_ids_ : nullptr);
  if (!out.incomplete_reason.empty()) {
    halt(out.incomplete_reason + " (non-termination pass)");
    return;
  }
  // What a reduced graph decides (docs/reductions.md, "Non-termination on the reduced graph"):
  // acyclic, the full graph is too; with ample sets alone, a weakly fair SCC (tested with the
  // full successor sets, liveness.cpp) is one of the full graph. Anything else is settled on the
  // full graph by search() or run_variant.
  // With every state of its cyclic SCCs expanded fully, a reduced graph without a weakly fair
  // SCC proves there is none; else search() runs another round with them expanded fully.
  const bool reduced = result_.stats.ample_states > 0 || opt_.quotient;
  result_.stats.liveness_graph = reduced ? "reduced" : "full";
  result_.stats.liveness_rounds = 1;
  result_.stats.liveness_cyclic = out.cyclic;
  if (reduced && out.cyclic && !out.violation && !out.reduced_on_cycles.empty()) {
    result_.stats.liveness_graph.clear();
    result_.stats.liveness_fallback = std::to_string(out.reduced_on_cycles.size()) +
                                      " states of cyclic SCCs were expanded with an ample set";
    for (const std::uint32_t id : out.reduced_on_cycles)
      result_.cycle_states.push_back(state_bytes(id));
    return;
  }
  if (out.violation) {
    recorded_[out.violation->property] = true;
    result_.violations.push_back(std::move(*out.violation));
    if (opt_.quotient)
      for (const std::uint32_t id : out.fair_scc) result_.lasso_scc.push_back(state_bytes(id));
  }
}

std::string Search::state_bytes(std::uint32_t id) const {
  std::string bytes(std::max<std::size_t>(1, sys_.state_size()), '\0');
  store_.decode(id, reinterpret_cast<std::uint8_t*>(bytes.data()));
  bytes.resize(sys_.state_size());
  return bytes;
}

Stats Search::snapshot() const {
  Stats s = result_.stats;
  s.states = store_.size();
  s.queue = frontier_.size() + in_flight_;
  s.store_bytes = store_.bytes();
  if (store_.lossy()) {
    s.store = StoreMode::HashCompact;
    s.signature_bits = opt_.signature_bits;
    s.omission_bound = HashCompactStore::omission_bound(s.states, opt_.signature_bits);
  }
  s.peak_rss = peak_rss_bytes();
  s.seconds = elapsed();
  return s;
}

}  // namespace detail

}  // namespace pcmc::checker
