// Internal to the checker: the search's state and its pipeline stages, shared by the sequential
// loop (search.cpp), the parallel BFS loop (parallel_bfs.cpp) and counterexample paths
// (search_paths.cpp). Not a public interface; search.hpp is.
//
// Thread-safety: a Search is driven by one thread. The parallel loop only calls const members
// (and the store's lookup/decode) from its worker threads while the driving thread waits; every
// mutating stage below runs on the driving thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "checker/search/frontier.hpp"
#include "checker/search/liveness.hpp"
#include "checker/reduce/por.hpp"
#include "checker/reduce/por_diagnosis.hpp"
#include "checker/search/search.hpp"
#include "checker/reduce/sleep_sets.hpp"
#include "checker/store/state_store.hpp"
#include "checker/store/visited_set.hpp"
#include "checker/system/system.hpp"

namespace pcmc::checker::detail {

using Clock = std::chrono::steady_clock;
inline constexpr std::uint16_t kNoThread = 0xFFFF;
inline constexpr std::size_t kPorStatsTop = 15;  // objects and fields listed in PorStats
// SearchOptions::por_trial: ample sets stay on when at least one expansion in this many used one.
inline constexpr std::uint64_t kPorMinShare = 20;

// The threads of `s` in expansion order: the contract order, or with a nonzero seed a
// deterministic per-state permutation (Fisher–Yates driven by the state's hash).
void expansion_order(const std::uint8_t* s, std::size_t size, unsigned threads,
                     std::uint64_t seed, std::vector<unsigned>& order);

class Search final : public TransitionSink {
 public:
  Search(const TransitionSystem& sys, const SearchOptions& opt);
  Result run();
  void on_transition(const Transition& t) override;

 private:
  friend class ParallelBfs;

  // ---------------------------------------------------------------- stages (search.cpp)
  void start();
  // start(), then expand until the frontier is empty or a stop (sequential or parallel BFS).
  void explore();
  // Interrupt, memory (store + frontier + `headroom` bytes), time, progress. True: stop.
  bool out_of_budget(std::uint64_t headroom);
  void expand(FrontierEntry e);
  // ---------------------------------------------------------- the pipeline (search_pipeline.cpp)
  // Where no probe is in use (no ample or sleep sets), BFS, one worker, the exact store: up to
  // kGroup frontier states are decoded and their successors staged, then every successor of the
  // group is looked up in one batch (StateStore::lookup_near_many: the chains of dependent
  // misses of ~kGroup x fanout lookups overlap, where one expansion overlaps only its own 2-3),
  // then each state's transitions go to on_transition in order. The order of everything the
  // results depend on (ids, edges, reports, limits) is the order of expand(): same results.
  static constexpr std::size_t kGroup = 8;
  bool pipelined() const {
    return opt_.order == Order::BFS && opt_.pipeline && !store_.lossy() &&
           !(probe_ && (ample_ || sleep_));
  }
  void expand_group();
  // Sleep sets: expands the probed current state with sleep set Z(s) = sleep_->of(cur_id_),
  // exploring `ample` (0: every thread) minus Z(s). Returns whether some thread is enabled.
  bool expand_asleep(PorProbe::Mask ample);
  // Sleep sets: an edge of the current expansion (contribution cur_sleep_) reached stored state
  // `id` (as the store gave it; kOld under hash compaction) with bytes `state`.
  void sleep_reached(std::uint32_t id, const std::uint8_t* state);
  // The key SleepSets needs for `state`: its signature under hash compaction, else 0.
  std::uint64_t sleep_key(const std::uint8_t* state) const;
  // POR: the first candidate set of threads (por.hpp order) that satisfies C0–C3 in the probed
  // state, or 0 to expand every thread.
  PorProbe::Mask ample_set();
  // POR, C3: may the ample step of a depth-`depth` state lead to stored state `id` (kNone: not
  // stored)? NewState: only when not stored; NextLevel: also when stored at depth + 1.
  bool proviso_ok(std::uint32_t id, std::uint32_t depth) const;
  // POR: one more state expanded (after its ample decision); at the SearchOptions::por_trial-th,
  // turns ample sets off when they reduced too few states to pay for their probe. Called in
  // expansion order by both loops, so -j N turns them off where -j 1 does.
  void por_expanded();
  // SearchOptions::expand_fully names state `s` (bytes): no ample set for it.
  bool forced(const std::uint8_t* s) const {
    return opt_.expand_fully && opt_.expand_fully->count(std::string(
                                    reinterpret_cast<const char*>(s), sys_.state_size())) != 0;
  }
  // POR with the non-termination pass: state `id` was expanded with an ample set.
  void mark_reduced(std::uint32_t id) {
    if (!log_reduced_) return;
    if (reduced_ids_.size() <= id) reduced_ids_.resize(id + 1, false);
    reduced_ids_[id] = true;
  }
  // ---------------------------------------------------------------- lookups (search_lookups.cpp)
  // The successors of the state being expanded are looked up in the store incrementally from it
  // (StateStore::decode_hint), in batches where they are known in advance (their cache misses
  // overlap), and each lookup is carried to the insert (StateStore::insert_found), by the
  // address of the target's bytes (the probe's buffers or the stage, stable until the next
  // expansion).
  // POR, C3: the id of ample target `state` (kNone: not stored), remembered for the insert.
  std::uint32_t look_up_target(const std::uint8_t* state);
  // POR: looks up every buffered target of the threads in `threads` in one batch.
  void look_up_targets(PorProbe::Mask threads);
  // Looks up `n` targets in one batch and remembers them for insert_successor().
  void look_up_batch(const std::uint8_t* const* states, std::size_t n);
  // store_.insert(state, cur_id_), reusing a remembered lookup of the same bytes when there is
  // one (StateStore::insert_found; the same result).
  StateStore::Inserted insert_successor(const std::uint8_t* state);
  // Without POR: a transition generated while staging_ (copied), and the replay of the staged
  // transitions through on_transition, in generation order, after one batched lookup.
  void stage(const Transition& t);
  void emit_staged();
  // Staged transition i, pointing into the stage (valid until the stage is cleared).
  Transition staged_transition(std::size_t i) const;
  // store_.find(state) for a successor of the state being expanded (incremental; same result).
  std::uint32_t find_successor(const std::uint8_t* state) {
    return store_.find_hinted(state, nodes_.data());
  }
  // A state just stored at `depth` whose invariant reports are `inv`: counted, then recorded as
  // violating (and not expanded) or enqueued.
  void new_state(std::uint32_t id, std::uint32_t depth, std::span<const Report> inv);
  // A state without successors: a deadlock unless every thread finished; an end state otherwise
  // with its final-condition reports and whether `exists` held.
  void quiescent(std::uint32_t id, bool all_finished, std::span<const Report> end_reports,
                 ExistsMask exists);
  void quiescent(std::uint32_t id);  // computes the above with check_ctx_
  // The first violation of each property, at state `at` (plus `last` for a transition). The
  // path is computed at the end (finish_paths), when every state is stored.
  void record(const Report& r, std::uint32_t at, const Step* last);
  void halt(std::string reason);
  // An edge from the state being expanded (cur_id_) to stored state `to`.
  void log_edge(std::uint32_t to) {
    if (log_edges_) edges_.add(cur_id_, to);
  }
  void liveness();
  Stats snapshot() const;
  std::string state_bytes(std::uint32_t id) const;  // a stored state, decoded
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  std::string state_limit_reason() const;

  // ---------------------------------------------------------------- parallel BFS
  void run_parallel();  // parallel_bfs.cpp

  // ---------------------------------------------------------------- paths (search_paths.cpp)
  // The steps from the initial state to `id`: DFS follows stored parents; BFS finds the parent
  // as the first expanded state of the previous level with a transition to `id` (which is the
  // state that stored it, since BFS expands in id order), and the step as its first such
  // transition in expansion order.
  std::vector<Step> path(std::uint32_t id);
  bool step_between(std::uint32_t from, const std::uint8_t* to, Step& step);
  bool step_between(const std::uint8_t* from, const std::uint8_t* to, Step& step);
  // Hash compaction (search_lossy_paths.cpp): the store keeps no bytes of expanded states, so
  // the paths are rebuilt by re-running the same search up to the level before each target.
  void finish_lossy_paths();
  void finish_paths();
  bool expanded(std::uint32_t id) const;

  const TransitionSystem& sys_;
  const SearchOptions& opt_;
  VisitedSet store_;
  Frontier frontier_;
  std::unique_ptr<Context> gen_ctx_;    // for successors()
  std::unique_ptr<Context> check_ctx_;  // for check_state() / check_end()
  std::unique_ptr<PorProbe> probe_;     // set when ample sets or sleep sets are active
  bool ample_ = false;                  // partial-order reduction with ample sets is active
  std::uint64_t por_expanded_ = 0;      // states expanded while ample_ (por_expanded)
  bool log_reduced_ = false;            // ample sets with the non-termination pass: mark_reduced
  std::vector<bool> reduced_ids_;       // per state id: expanded with an ample set
  std::unique_ptr<SleepSets> sleep_;    // set when sleep sets are active (BFS only)
  PorProbe::Mask cur_sleep_ = 0;        // sleep sets: Z_b of the thread being emitted
  std::vector<bool> recorded_;          // per property: a violation is recorded
  struct PendingPath {
    std::uint32_t at;
    bool has_last;
    Step last;
  };
  std::vector<PendingPath> pending_;    // per Result::violations entry without steps yet
  std::vector<std::uint32_t> unexpanded_;  // ids that violated an invariant (sorted)
  std::vector<std::uint32_t> level_start_;  // BFS: first id of each depth
  // BFS with the non-termination pass: the explored edges, for the pass (liveness.hpp). Dropped
  // (log_edges_ false) when it would not fit the memory limit.
  EdgeLog edges_;
  bool log_edges_ = false;
  std::vector<Report> reports_;
  std::vector<unsigned> order_;
  std::vector<PorProbe::Mask> candidates_;  // POR: scratch for ample_set
  std::unique_ptr<PorDiagnosis> diag_;  // SearchOptions::por_stats with ample sets; else null
  std::vector<PorProbe::Outcome> why_;  // diag_: candidates()' per-thread outcomes (scratch)
  std::vector<std::uint8_t> cur_state_;  // the state being expanded (decoded)
  // POR, C3: the lookups of the current expansion's ample targets (look_up_target), by the
  // address of their bytes in the probe's buffers (stable until the next expansion); cleared by
  // expand(). `looked_nodes_`: node_count() indices per entry; `nodes_`: scratch.
  struct Looked {
    const std::uint8_t* state;
    std::uint32_t found;
    std::size_t at_size;  // store_.size() at the lookup
  };
  std::vector<Looked> looked_;
  std::vector<std::uint32_t> looked_nodes_;
  std::vector<std::uint32_t> nodes_;
  std::size_t next_looked_ = 0;  // where insert_successor() looks first
  std::vector<const std::uint8_t*> batch_states_;  // look_up_batch() arguments (scratch)
  std::vector<std::uint32_t*> batch_nodes_;
  std::vector<std::uint32_t> batch_found_;
  // Without POR: the current expansion's transitions, staged (stage(), emit_staged()).
  struct Staged {
    std::uint16_t thread, index;
    bool fatal;
    std::uint32_t rep_begin, rep_end;
  };
  bool staging_ = false;
  // The pipeline's group: each state's id, depth, end of its staged transitions, whether it had
  // any; its decoded bytes and node indices (group_states_, group_nodes_, by slot); the near
  // state of each looked-up successor (scratch).
  struct Grouped {
    std::uint32_t id, depth;
    std::size_t staged_end;
    bool any;
  };
  std::vector<Grouped> group_;
  // Popped from the frontier but not yet handled (counted in Stats::queue); the most there can
  // be once a budget check has passed (its memory headroom covers their inserts too).
  std::size_t in_flight_ = 0;
  std::size_t in_flight_limit_ = 0;
  std::vector<std::uint8_t> group_states_;
  std::vector<std::uint32_t> group_nodes_;
  std::vector<const std::uint8_t*> near_states_;
  std::vector<const std::uint32_t*> near_nodes_;
  std::vector<Staged> staged_;
  std::vector<std::uint8_t> staged_bytes_;
  std::vector<Report> staged_reports_;
  unsigned threads_;
  std::uint64_t state_limit_;

  Result result_;
  bool stop_ = false;     // a violation (first-violation mode) or a limit ended the search
  bool cut_ = false;      // a successor beyond max_depth was dropped
  std::uint32_t cur_id_ = 0;
  std::uint32_t cur_depth_ = 0;
  std::uint64_t max_fanout_ = 1;  // most transitions seen out of one state (memory headroom)
  std::uint64_t clock_every_ = 1;
  std::uint64_t since_clock_ = 0;
  std::uint64_t memory_skip_ = 0;  // expansions before the next memory check
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_clock_ = start_;
  Clock::time_point last_progress_ = start_;
};

// A lasso of the non-termination pass (loop_start >= 0), not a safety counterexample.
inline bool is_lasso(const Counterexample& c) { return c.loop_start >= 0; }

// search() before the shortest-counterexample re-run (liveness_rounds.cpp): a Search, then, when
// its reduced graph left the non-termination verdict open (Stats::liveness_fallback), more rounds
// with the states of cyclic SCCs expanded fully, and at last the full graph unless
// options.quotient (run_variant settles that one).
Result reduced_rounds(const TransitionSystem& system, const SearchOptions& options);

}  // namespace pcmc::checker::detail
