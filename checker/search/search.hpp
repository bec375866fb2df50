// The exhaustive search: one loop, read top to bottom as a pipeline
//   pop → successors → (reduction, later) → properties → insert → enqueue → progress
// over a TransitionSystem, with the frontier (FIFO for BFS, LIFO for DFS) behind one interface,
// then, when asked, the non-termination pass (SCCs of the explored graph under weak fairness).
//
// Determinism: with the same system and options the result, the counts and every counterexample
// are the same. Successor order is a contract: threads in increasing id, then successor index;
// `shuffle_seed` permutes it (tests prove verdicts and counts do not depend on it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "checker/reduce/por_stats.hpp"
#include "checker/reduce/transactions.hpp"
#include "checker/system/counterexample.hpp"
#include "checker/system/system.hpp"
#include "model/program.hpp"

namespace pcmc::checker {

enum class Order { BFS, DFS };

// The visited set (docs/state-store.md).
//   Exact:       every state stored exactly (tree compression): a complete search is a proof.
//   HashCompact: a 64-bit signature per state (hash compaction, lossy): two states with the same
//                signature are merged, so states may be omitted; "holds" then means "no
//                violation among the states explored", with the omission bound of Stats. A
//                violation found is real and its counterexample replays. BFS only, safety only
//                (search() throws std::invalid_argument with DFS or with `liveness` on).
enum class StoreMode { Exact, HashCompact };

// The cycle proviso (C3) of partial-order reduction (docs/por.md): when a state may be
// expanded with an ample set of threads only.
//   NewState:  every successor of the ample steps is new (not stored before the expansion). Sound
//              for any search order.
//   NextLevel: BFS only: every successor is new or was stored at the next BFS level (depth + 1);
//              an edge back to the same or an earlier level forces full expansion. Also sound
//              (every cycle has such an edge); reduces more. DFS always uses NewState.
enum class Proviso { NewState, NextLevel };

// The executor (docs/native-engine.md). Auto (an option, never a Stats value): the interpreter
// first; after SearchOptions::native_delay seconds the native module is built in the
// background and takes over mid-search (checker/system/native_upgrade.hpp).
enum class Engine : std::uint8_t { Interp, Native, Auto };
const char* to_string(Engine e);

struct Stats {
  std::uint64_t states = 0;         // distinct states stored
  std::uint64_t transitions = 0;    // transitions generated (including fatal ones)
  std::uint64_t end_states = 0;     // quiescent end states
  std::uint64_t exists_hits = 0;    // end states where the first exists clause holds
  std::vector<std::uint64_t> exists_each;  // per exists clause i: the end states where it
                                    // holds (sized up to the last clause that ever held)
  std::uint64_t exists_of(std::size_t i) const { return i < exists_each.size() ? exists_each[i] : 0; }
  std::uint64_t max_depth = 0;      // deepest state stored (BFS: the level count - 1)
  std::uint64_t queue = 0;          // frontier size (at the time of the report)
  std::uint64_t store_bytes = 0;    // bytes held by the visited set (all tree tables, the root
                                    // arena and index, DFS parent links; hash compaction:
                                    // the signatures, the frontier's bytes, pinned states)
  std::uint64_t peak_rss = 0;       // peak resident set size of the process, bytes
  bool por = false;                 // partial-order reduction was applied (SearchOptions::por,
                                    // a system that supports it, at most 64 threads)
  bool por_unavailable = false;     // SearchOptions::por was asked for, but the system does not
                                    // support it (tso/pso store buffers, over 64 threads)
  bool symmetry_unavailable = false;  // SearchOptions::symmetry was asked for, but nothing is
                                      // interchangeable (run_variant)
  std::uint64_t ample_states = 0;   // POR: states expanded with an ample set (not every thread)
  std::uint64_t proviso_full = 0;   // POR: states fully expanded only because of the proviso
  std::uint64_t por_off_after = 0;  // POR: ample sets were turned off after this many
                                    // expansions (SearchOptions::por_trial); 0: never
  std::shared_ptr<const PorStats> por_stats;  // SearchOptions::por_stats with ample sets
                                    // applied: why states were (not) reduced; null otherwise
  std::uint64_t rerun_states = 0;   // POR found violations after expanding some state with an
                                    // ample set: the states of the re-run without POR (bounded
                                    // by the counterexamples' depth) that re-derived them as
                                    // the unreduced shortest ones (search_shortest.cpp); 0: none
  double rerun_seconds = 0;         // that re-run's time (included in `seconds`)
  std::string liveness_graph;       // the graph the non-termination pass decided on: "full"
                                    // (nothing reduced), "reduced" (docs/reductions.md: acyclic,
                                    // or a weakly fair SCC without symmetry), or "full
                                    // (fallback: WHY)" (a second search of the full graph for that
                                    // pass alone, settle_nontermination); empty: the pass did not
                                    // run
  std::string liveness_fallback;    // set by the reduced search when its graph cannot decide
                                    // (why); search() / run_variant then settle it (another
                                    // round, or the full graph) and clear it
  bool liveness_cyclic = false;     // the graph the pass decided on has a cycle (a cyclic
                                    // symmetry quotient fell back to the full graph before
                                    // issue 18 part 3)
  std::uint64_t liveness_rounds = 0;  // reduced searches the non-termination verdict took (1:
                                    // the first decided; more: states of cyclic SCCs were
                                    // expanded fully in the next, docs/reductions.md)
  std::uint64_t expanded_fully = 0; // states those rounds expanded with every thread
  std::uint64_t fallback_states = 0;  // the states of that full-graph search (0: none)
  bool edge_log = false;            // the non-termination pass walked the edges the BFS logged
                                    // (SearchOptions::log_edges); false: it regenerated them, or
                                    // did not run
  std::string rerun_failed;         // why that re-run did not finish (a limit, an interrupt):
                                    // the counterexamples are then the reduced search's ones,
                                    // real but not necessarily shortest. Empty otherwise.
  bool sleep = false;               // sleep sets were applied (SearchOptions::sleep, BFS, no
                                    // non-termination pass, no symmetry applied)
  std::uint64_t slept = 0;          // sleep sets: transitions not generated because their
                                    // thread was asleep (they would have been generated
                                    // without sleep sets, with the same ample set)
  bool symmetry = false;            // symmetry reduction was applied (SearchOptions::symmetry,
                                    // no non-termination pass, some interchangeable threads)
  bool dead_vars = false;           // dead-variable reduction was applied (set by run_variant)
  bool transactions = false;        // transaction reduction was applied (set by run_variant;
                                    // checker/reduce/transactions.hpp)
  std::shared_ptr<const TxStats> tx_stats;  // with `transactions`: what merged, what stopped
  std::uint64_t dead_bytes = 0;     // its table: bytes cleared summed over every stop pc (0:
                                    // no local is ever dead where it may be set)
  std::string symmetry_classes;     // the interchangeable threads and page frames,
                                    // "{Oa, Ob} mem_map{F0, F1}" (set by run_variant)
  std::string symmetry_dropped;     // a counterexample of the quotient did not concretise (why):
                                    // run_variant searched again without symmetry
  std::string symmetry_fallback;    // a search permuting page-frame blocks was abandoned because
                                    // this crossed a block ("a step of P0 in find_subpage() from
                                    // line 12"); the result is that of the search without
                                    // blocks (set by run_variant; empty: no fallback)
  StoreMode store = StoreMode::Exact;  // the visited set used (SearchOptions::store)
  unsigned signature_bits = 0;      // HashCompact: signature bits (64 unless a test truncates)
  double omission_bound = 0;        // HashCompact: P(at least one state omitted) <=
                                    // states (states - 1) / 2^(signature_bits + 1) (birthday
                                    // bound, with the states stored; docs/hash-compaction.md)
  double seconds = 0;
  Engine engine = Engine::Interp;   // the executor that ran the search (set by run_variant):
                                    // Native when the native module ran any of it
  double compile_seconds = 0;       // Native: generating and compiling the module(s) (0: cached)
  double native_after = 0;          // Native under Engine::Auto: the native module took over
                                    // this many seconds after the search started (0: Native)
  // The distributed search (checker/distributed/, docs/distributed.md): one entry per MPI rank,
  // in rank order; empty for a search on one process.
  struct Rank {
    std::uint64_t states = 0;       // states the rank owns (stores)
    std::uint64_t transitions = 0;  // transitions it generated
    std::uint64_t sent_states = 0;  // successor records it sent to other ranks
    std::uint64_t sent_bytes = 0;   // their bytes (canonical state bytes, nothing else)
    std::uint64_t store_bytes = 0;  // its visited set
    std::uint64_t peak_rss = 0;     // its peak resident set size
    double seconds = 0;             // its time in the partitioned search
    std::uint64_t link_bytes = 0;   // its parent links (rank, id), 5 bytes per state it owns, kept
                                    // only by the second search that rebuilds counterexamples
                                    // (checker/distributed/two_searches.cpp); 0 without one
  };
  std::vector<Rank> ranks;
  std::uint64_t path_hops_across = 0;  // distributed: steps of the counterexample paths whose
                                    // parent link named another rank (path_walk.hpp)
};

struct Result;

struct SearchOptions {
  Order order = Order::BFS;
  bool all = false;                 // continue after the first violation: one per property
  bool liveness = true;             // run the non-termination pass
  bool por = false;                 // partial-order reduction (docs/por.md). Ignored when the
                                    // system does not support it. With `liveness` the
                                    // non-termination pass runs on the reduced graph and falls
                                    // back to the full graph where that cannot decide
                                    // (docs/reductions.md). Same verdicts, violated
                                    // properties, end-state and exists counts as off; fewer
                                    // states. BFS: when a violation is found, search() re-runs
                                    // without POR up to the counterexamples' depth, so the
                                    // violations and counterexamples are exactly those of POR
                                    // off (search_shortest.cpp). DFS: real paths, no length
                                    // guarantee either way.
  Proviso proviso = Proviso::NextLevel;  // POR's cycle proviso (BFS; DFS: NewState)
  std::uint64_t por_trial = 16384;  // with `por`: after this many expansions, if fewer than
                                    // one in kPorMinShare was expanded with an ample set, ample
                                    // sets are off for the rest of the search (their probe
                                    // costs more than they save; docs/reductions.md, "What POR
                                    // costs"). Same verdicts; 0: never
  bool por_locks = true;            // with `por`: lock-aware C1 (docs/por.md, "C1 with
                                    // locks"): other threads' futures are cut at the lock
                                    // awaits the ample set's threads keep closed. Off: the
                                    // full static futures (the oracle). Same guarantees.
  bool por_stats = false;           // with ample sets applied: count why each state was or was
                                    // not reduced and the objects of the C1 conflicts
                                    // (por_stats.hpp, Stats::por_stats). Changes no count.
  bool sleep = false;               // sleep sets (docs/sleep-sets.md): a thread
                                    // whose step is independent of the steps explored since an
                                    // ancestor explored it is not expanded again. Alone or with
                                    // `por`. Applies where POR does (a system that supports
                                    // it, at most 64 threads), only without `liveness` (they
                                    // drop edges the non-termination pass needs), with BFS
                                    // (DFS ignores it: state matching in DFS needs a
                                    // re-exploration rule) and not when run_variant applies
                                    // symmetry. Alone: the same states, at the same depths, end
                                    // states, exists counts, violated properties and
                                    // counterexample lengths as off; fewer transitions.
  bool symmetry = false;            // symmetry reduction of interchangeable threads
                                    // (docs/symmetry.md). Applied by run_variant
                                    // (session.hpp), which searches a SymmetricSystem; search()
                                    // itself ignores it. With `liveness` the pass runs on the
                                    // quotient (its fairness test threaded through the
                                    // symmetries, docs/reductions.md); ample sets combine with
                                    // it, sleep sets are off while it applies (they name thread
                                    // ids). Same
                                    // verdicts, violated properties, end-state and exists
                                    // verdicts as off; fewer or equal states; counterexamples
                                    // are concrete paths (replayable without it).
  bool dead_vars = false;           // dead-variable reduction (model/liveness.hpp,
                                    // docs/reductions.md): a thread's locals dead at the pc a
                                    // step leaves it at are stored as 0. A bisimulation
                                    // quotient: the same verdicts for every property (the
                                    // non-termination pass included), counterexample lengths,
                                    // end-state and exists verdicts; fewer or equal states.
                                    // Applied by run_variant (the search executor's
                                    // ExecOptions::dead_vars; search() ignores it), whose
                                    // traces are replayed without it (concrete values; a
                                    // lasso is unrolled until it closes concretely). Off here,
                                    // on in `pcmc check` (--dead-vars, --no-reduce)
  bool transactions = false;        // transaction (Lipton) reduction (checker/reduce/
                                    // transactions.hpp, docs/reductions.md): a thread's steps
                                    // that no other thread can observe in between run as one.
                                    // Applied by run_variant, which searches a
                                    // TransactionSystem (search() ignores it), turns sleep sets
                                    // off with it, rewrites the counterexamples step by step and
                                    // re-derives them without it (rederive_shortest). Same
                                    // verdicts for every property, end-state and exists counts.
  bool transaction_stats = false;   // with `transactions`: name the objects that stop them
  std::size_t stop_after = 0;       // `all` mode: stop once this many properties are recorded
                                    // (the re-run of search_shortest.cpp knows how many it must
                                    // find). 0: never
  bool rederive = true;             // search(): re-derive the counterexamples of a BFS with
                                    // ample sets without POR (search_shortest.cpp). Off when the
                                    // caller re-derives them itself on a finer system.
  // States to expand with every thread even where an ample set exists, by their bytes (the
  // rounds of the non-termination decision, search_shortest.cpp). Null: none.
  std::shared_ptr<const std::unordered_set<std::string>> expand_fully;
  bool quotient = false;            // the system searched is a symmetry quotient (set by
                                    // run_variant): its lasso is lifted by run_variant, and a
                                    // fallback to the full graph is run_variant's to search
  bool log_edges = true;            // BFS with `liveness`: keep the explored edges (4 bytes per
                                    // state and per edge) so the non-termination pass walks them
                                    // instead of regenerating every successor (about halves the
                                    // time of a default run). Dropped by itself when it would not
                                    // fit max_memory. Same results either way (tested).
  std::uint64_t max_states = 0;     // 0 = unlimited
  std::uint64_t max_depth = 0;      // 0 = unlimited. States within max_depth steps are stored,
                                    // checked and expanded; deeper successors are dropped
                                    // (Incomplete if any was new). DFS: first-found depth.
  double max_seconds = 0;           // 0 = unlimited
  model::MemoryModel memory_model = model::MemoryModel::Sc;  // compiled into the program by
                                    // run_variant (docs/memory-models.md); search() ignores it
  std::uint32_t store_buffer = 0;   // tso/pso: entries per store buffer, 0 = computed
  std::uint32_t max_local_steps = 0;  // instructions one step may run (a local loop) before it
                                    // is a model error, local-divergence; 0 = the default,
                                    // model::kDefaultLocalBudget. Applied by run_variant
                                    // (model::ExecOptions::local_budget); search() ignores it
  std::uint64_t max_memory = 0;     // bytes of visited set + frontier; 0 = unlimited. Checked
                                    // before each expansion with room for the store's next
                                    // growth, and before the non-termination pass.
  std::uint64_t shuffle_seed = 0;   // 0 = the contract order; otherwise a seeded permutation
  StoreMode store = StoreMode::Exact;  // the visited set (see StoreMode)
  unsigned signature_bits = 64;     // HashCompact: bits of the signature kept, 1..64. Below 64
                                    // for tests only: it forces collisions (omissions).
  unsigned workers = 1;             // BFS: expand and store on this many threads, with the same
                                    // result, counts and counterexamples as 1 (docs/parallel.md).
                                    // DFS and the non-termination pass run on one thread.
  bool pipeline = true;             // BFS on one thread without ample or sleep sets, exact
                                    // store: expand several states before handling their
                                    // successors, whose store lookups then overlap
                                    // (search_pipeline.cpp). The same result as off (the oracle
                                    // in tests); off: one expansion at a time.
  // The search on several processes (checker/distributed/, docs/distributed.md): when set,
  // search() hands the whole search to it, with this member cleared in the options it passes.
  // Set by the command line under mpirun; the layers below never name the distributed module.
  std::function<Result(const TransitionSystem&, const SearchOptions&)> partitioned;
  const std::atomic<bool>* interrupt = nullptr;  // set (e.g. by SIGINT) to stop cleanly
  // The stop signals so far, or null (the command line counts SIGINT and SIGTERM; the first
  // sets *interrupt): a pass that goes on after an interrupt, to finish what the interrupted
  // search found (the distributed search's second search), stops at the next one.
  const std::atomic<unsigned>* stop_signals = nullptr;
  std::function<void(const Stats&)> progress;    // called at most once a second
  // The executor (docs/native-engine.md). Applied by run_variant (session.hpp), like symmetry;
  // search() itself ignores these. Native: the model is compiled to C++ and loaded (seconds of
  // compile, then several times faster steps); same results as Interp (the oracle tests).
  Engine engine = Engine::Interp;
  double native_delay = 1.0;        // Auto: seconds of interpreted search before the native
                                    // build starts (a shorter run never starts a compiler)
  std::string native_cache;         // Native: the module cache; empty = model::native_cache_dir()
  std::function<void(double seconds, bool cached)> on_native;  // Native: after the module loaded
                                    // (Auto: on a background thread, when it takes over)
  std::function<void(const std::string&)> on_native_failed;  // Auto: the build failed (the
                                    // interpreter goes on); on a background thread
};

enum class Status { Holds, Violated, Incomplete };

struct Result {
  Status status = Status::Holds;
  std::string incomplete_reason;   // "state limit 1000", "interrupted", ...
  bool exhaustive = false;         // the safety search reached every reachable state (its
                                   // frontier emptied without a stop), so the end-state and
                                   // exists counts are totals; false when it stopped at the
                                   // first violation, at a limit or on an interrupt (the counts
                                   // are then of the states seen: an `exists` is undecided)
  Stats stats;
  std::vector<Counterexample> violations;  // in discovery order, at most one per property
                                           // (first-violation mode: the reports of the first
                                           // violating transition or state, usually one)
  // With Stats::liveness_fallback: the states of cyclic SCCs that were expanded with an ample
  // set, their bytes one after the other (search() expands them fully in the next round).
  std::vector<std::string> cycle_states;
  // On a symmetry quotient (SearchOptions::quotient) with a non-termination lasso: the states of
  // its SCC (canonical), through which run_variant lifts the lasso to the program.
  std::vector<std::string> lasso_scc;
};

// The search of `system` (search.cpp, parallel_bfs.cpp), then, when a BFS with POR found
// violations, the re-run that makes its counterexamples the shortest (search_shortest.cpp).
// With `liveness` and a reduced graph that cannot decide the non-termination pass
// (Stats::liveness_fallback), search() settles it on the full graph of `system` itself unless
// options.quotient (run_variant then does, on the system behind the quotient).
Result search(const TransitionSystem& system, const SearchOptions& options);

// The re-run of search_shortest.cpp: `reduced` is the result of a reduced BFS of a coarser view
// of `system` (ample sets, transactions) whose counterexamples are already paths of `system`; the
// BFS of `system` without POR, bounded at one more than their longest, replaces them by the
// shortest ones (Stats::rerun_states, rerun_failed). Throws std::logic_error when it does not
// find the violated properties the reduced search found (a soundness bug of the reduction).
void rederive_shortest(const TransitionSystem& system, Result& reduced, const SearchOptions& options);
// The same, with the bounded BFS run by `bounded(o)` on options `o` (POR, sleep sets and the
// non-termination pass off, max_depth and stop_after set): run_variant searches it through the
// symmetry quotient of `system`, a bisimulation that keeps every path's length (docs/por.md,
// "Shortest counterexamples").
void rederive_shortest(Result& reduced, const SearchOptions& options,
                       const std::function<Result(const SearchOptions&)>& bounded);

// This process's peak resident set size (VmHWM) in bytes; 0 when /proc is unavailable
// (Stats::peak_rss; the distributed search reports it per rank).
std::uint64_t peak_rss_bytes();

// The non-termination verdict `r` left open (r.stats.liveness_fallback non-empty): `full(o)`
// searches the full graph with `o` (options with POR, sleep sets and symmetry off, `all` on);
// its nontermination violation, or the limit that stopped it, goes into `r`, and
// r.stats.liveness_graph says "full (fallback: WHY)" (docs/reductions.md).
void settle_nontermination(Result& r, const SearchOptions& options,
                           const std::function<Result(const SearchOptions&)>& full);

}  // namespace pcmc::checker
