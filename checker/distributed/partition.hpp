// Internal to checker/distributed: the state of one rank's partitioned BFS (partitioned_bfs.hpp),
// shared by the loop (partitioned_bfs.cpp: levels, the exchange, expansion) and its accounting
// (partition_level_end.cpp: where -j 1 stops inside a level, the counts up to there, the
// violations and their paths). One thread per rank.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "checker/distributed/exchange.hpp"
#include "checker/distributed/level_order.hpp"
#include "checker/distributed/partitioned_bfs.hpp"
#include "checker/distributed/path_walk.hpp"
#include "checker/store/state_store.hpp"

namespace pcmc::distributed::detail {

using Clock = std::chrono::steady_clock;

class Partition final : public checker::TransitionSink, private Exchange::Sink {
 public:
  // `keep_links`: keep every state's parent link (the counterexamples' paths need them; without,
  // gather_violations only says at which level the deepest violation is, paths_level).
  // `levels`: expand at most this many levels (the second search, for the paths).
  // `start`: when the run started (--max-time counts from there, over both searches).
  // `signals_spent`: 0, or 1 when this search goes on after an interrupt (the second search
  // after an interrupted first): it stops at the next signal (SearchOptions::stop_signals).
  Partition(const checker::TransitionSystem& sys, const checker::SearchOptions& opt, int rank,
            int ranks, bool keep_links, std::uint64_t levels, Clock::time_point start,
            unsigned signals_spent);

  PartitionOutcome run();
  void on_transition(const checker::Transition& t) override;

 private:
  // This rank's first report of a property in -j 1's order: (level, key, ord), level the
  // expansion level + 1 (0: the initial state's checks), key an order::event key, ord the
  // report's index among its event's reports.
  struct Event {
    std::uint64_t level = order::kNone, key = 0, ord = 0;
    std::uint32_t at = 0;               // the state its path leads to (this rank's id)
    std::uint64_t last = order::kNone;  // a transition's report: its step (thread << 16 | index)
    std::uint64_t thread = 0, pc = 0;   // the Report's
  };
  // An invariant report of a state stored in this level: keyed at the level's end, when the
  // state's arrival key is final.
  struct Invariant {
    std::uint32_t id;
    checker::Report report;
    std::uint64_t ord;
  };

  // ---- the loop (partitioned_bfs.cpp)
  void start();
  void expand_level();
  void expand(std::size_t i);
  void route(const std::uint8_t* state, std::uint64_t key);
  std::uint32_t arrive(const std::uint8_t* state, std::uint32_t near, std::uint64_t key,
                       std::uint64_t link);
  // What arrive() does once the store answered `in` for `state`.
  std::uint32_t stored(const std::uint8_t* state, checker::StateStore::Inserted in,
                       std::uint64_t key, std::uint64_t link);
  void on_batch(const Exchange::Batch& b) override;
  // The states received in a batch, each looked up near the record before it, in groups.
  void arrive_received(const std::uint8_t* records, const Link* links, std::size_t n);
  // The successors this rank owns of the group's states (up to kGroup expansions), staged
  // during their expansions: looked up in one batch, each near its source, then stored in order.
  void arrive_group();
  // The end-state checks of the state expanded, without successors (Search::quiescent).
  void quiescent(bool all_finished, checker::ExistsMask exists, std::span<const checker::Report> end);
  // -j N (partition_parallel.cpp): expands frontier_[first, first + n) on opt_.workers threads
  // with expand()'s results.
  void expand_batch(std::size_t first, std::size_t n);
  std::uint64_t budget(std::uint64_t expansions);
  bool interrupted() const;  // Ctrl-C or SIGTERM (signals_spent_)
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // ---- the accounting (partition_level_end.cpp)
  void report(const checker::Report& r, std::uint64_t level, std::uint64_t key, std::uint64_t ord,
              std::uint32_t at, std::uint64_t last);
  // Collective, after a level's exchange: true when the search ends (a limit, -j 1's stop, or an
  // empty next level); otherwise the next level is the frontier, in its order.
  bool level_end();
  // Collective: adds what -j 1 counted of this level up to event key `k` to the totals.
  void count_until(std::uint64_t k);
  // Adds a complete level's figures (level_end's gathered words) to the totals.
  void add_level(const std::vector<std::uint64_t>& all, std::size_t words);
  // Collective: the properties' first reports over every rank, kept where -j 1 records them,
  // in its order, each with its path walked back.
  void gather_violations();

  const checker::TransitionSystem& sys_;
  const checker::SearchOptions& opt_;
  int rank_, ranks_;
  std::size_t size_;
  checker::StateStore store_;
  Exchange ex_;
  std::unique_ptr<checker::Context> gen_, check_;  // successors(); check_state/check_end
  std::vector<std::unique_ptr<checker::Context>> gens_, checks_;  // -j N: per worker
  std::vector<checker::Report> reports_;
  // The group (arrive_group): up to kGroup states expanded one after the other, decoded with
  // their node indices (the near states of their successors' lookups); their own successors
  // staged (bytes, keys, the source's slot); the lookups' scratch. A rank's own successors of
  // one state are 1-2: looked up alone, their cache misses did not overlap (the sequential
  // search's pipeline, search_pipeline.cpp, groups its expansions for the same reason).
  static constexpr std::size_t kGroup = 8;  // divides kCheckEvery: a check sees no group open
  std::vector<std::uint8_t> group_states_;
  std::vector<std::uint32_t> group_nodes_, group_ids_;
  std::size_t group_size_ = 0;
  std::vector<std::uint8_t> local_bytes_;
  std::vector<std::uint64_t> local_keys_, batch_links_;
  std::vector<std::uint32_t> local_from_;
  std::vector<const std::uint8_t*> batch_states_, near_states_;
  std::vector<const std::uint32_t*> near_nodes_;
  // The last record received and stored, its node indices complete (root: its id): the next
  // received record's near state (arrive_received). Empty until the first.
  std::vector<std::uint8_t> recv_state_;
  std::vector<std::uint32_t> recv_nodes_;
  std::vector<std::uint32_t> batch_nodes_, batch_found_;
  std::vector<std::uint32_t*> batch_node_ptrs_;
  bool keep_links_;
  std::uint64_t levels_;
  ParentLinks links_;                      // per stored state: its parent link (keep_links_)
  // This level: the states to expand in their order, their positions, transitions generated
  // (per frontier index), end states (position, exists mask); the states stored for the next
  // level (ids from level_first_) and their arrival keys; the expandable ones; invariant reports.
  std::vector<std::uint32_t> frontier_;
  std::vector<std::uint64_t> pos_;
  std::vector<std::uint32_t> trans_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> end_;
  std::uint32_t level_first_ = 0;
  std::vector<std::uint64_t> next_key_;
  std::vector<std::uint32_t> next_;
  std::vector<Invariant> invariants_;
  std::uint64_t level_size_ = 1;           // states of this level, all ranks (positions)
  std::uint64_t level_min_ = order::kNone;  // this rank's smallest event key of this level
  std::vector<Event> best_;                // per property
  std::uint32_t cur_id_ = 0, level_ = 0;
  std::uint64_t cur_pos_ = 0, step_ = 0;   // the expansion's position and next ordinal
  bool probe_ = false;          // successors are deeper than max_depth: looked up, not stored
  std::uint64_t stop_ = 0;      // this rank's StopBits
  std::uint64_t stop_level_ = order::kNone, stop_key_ = order::kNone;  // where -j 1 stopped
  std::uint64_t max_fanout_ = 1;
  PartitionOutcome out_;        // its totals: complete levels, then the stop level's part
  Clock::time_point start_, last_progress_ = start_;
  unsigned signals_spent_;
};

}  // namespace pcmc::distributed::detail
