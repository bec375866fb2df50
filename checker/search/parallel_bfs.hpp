// Internal to the parallel BFS (parallel_bfs.cpp: the loop, phase 2 and 3;
// parallel_bfs_expand.cpp: phase 1): the batch records, the chunk buffers and the ParallelBfs
// class. Not a public interface; docs/parallel.md has the design and parallel_bfs.cpp's header
// comment the phases and their thread-safety contracts.
#pragma once

#include <atomic>
#include <barrier>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "checker/search/search_engine.hpp"

namespace pcmc::checker::detail::pbfs {

constexpr std::size_t kBatch = 16384;  // states per batch
constexpr std::size_t kChunk = 64;     // states per work unit of phase 1

struct Rec {
  std::uint32_t src = 0;          // position of the expanded state in the batch
  Step step;
  bool end = false;               // an end record: the state has no successor
  bool fatal = false;
  bool all_finished = false;      // end records
  ExistsMask exists = 0;          // end records
  bool asleep = false;            // sleep sets: the thread is asleep in the source state
  PorProbe::Mask indep = 0;       // sleep sets: the threads independent of this one in the source
  std::uint32_t cand_begin = 0, cand_end = 0;  // POR: the source state's candidate sets
  std::uint32_t rep_begin = 0, rep_end = 0;  // transition or end-state reports
  std::uint32_t inv_begin = 0, inv_end = 0;  // invariant reports of a target not stored
  std::uint32_t found = StateStore::kNone;   // the target's id when already stored
  std::uint32_t data = 0;                    // target not stored: index of its bytes and nodes
  std::uint64_t hash = 0;                    // target not stored: hash of its bytes
};

// One chunk's output. Written by one worker in phase 1, read by the driver in phase 2.
struct ChunkBuf {
  std::vector<Rec> recs;
  std::vector<Report> reports;
  std::vector<std::uint8_t> bytes;    // targets not stored, state_size each
  std::vector<std::uint32_t> nodes;   // their tree nodes, node_count each
  std::vector<PorProbe::Mask> masks;  // POR: candidate sets (C0–C2) of the chunk's states
  std::uint64_t targets = 0;
  void clear() {
    recs.clear();
    masks.clear();
    reports.clear();
    bytes.clear();
    nodes.clear();
    targets = 0;
  }
  std::uint64_t capacity_bytes() const {
    return recs.capacity() * sizeof(Rec) + reports.capacity() * sizeof(Report) +
           bytes.capacity() + nodes.capacity() * 4 + masks.capacity() * sizeof(PorProbe::Mask);
  }
};

}  // namespace pcmc::checker::detail::pbfs

namespace pcmc::checker::detail {

using pbfs::ChunkBuf;
using pbfs::Rec;
using pbfs::kBatch;
using pbfs::kChunk;

// The pool and the three phases. Workers are the driving thread (worker 0) and workers-1
// helpers; a helper waits at the barrier for the next task, runs its share, waits again.
class ParallelBfs {
 public:
  explicit ParallelBfs(Search& s)
      : s_(s), workers_(s.opt_.workers), sync_(static_cast<std::ptrdiff_t>(workers_)) {
    for (unsigned w = 0; w < workers_; ++w) {
      gen_.push_back(s.sys_.make_context());
      check_.push_back(s.sys_.make_context());
      probes_.push_back(s.probe_ ? std::make_unique<PorProbe>(s.sys_, s.opt_.por_locks,
                                                              s.opt_.liveness)
                                 : nullptr);
      diags_.push_back(s.diag_ ? std::make_unique<PorDiagnosis>(s.sys_, s.opt_.por_locks)
                               : nullptr);
      whys_.emplace_back(s.diag_ ? s.threads_ : 0);
      cands_.emplace_back();
      near_nodes_.emplace_back(s.store_.node_count());
      states_.emplace_back(std::max<std::size_t>(1, s.sys_.state_size()));
      stages_.emplace_back();
      orders_.emplace_back();
    }
    const std::size_t n = s.sys_.state_size(), nodes = s.store_.node_count();
    node_count_ = nodes;
    state_size_ = n;
    bufs_.resize((kBatch + kChunk - 1) / kChunk);
    done_ = std::make_unique<std::atomic<std::uint64_t>[]>(bufs_.size());
    for (std::size_t c = 0; c < bufs_.size(); ++c) done_[c].store(0, std::memory_order_relaxed);
    for (unsigned w = 1; w < workers_; ++w) helpers_.emplace_back([this, w] { helper(w); });
  }
  ~ParallelBfs() {
    task_ = Task::Quit;
    sync_.arrive_and_wait();
    for (std::thread& t : helpers_) t.join();
    // The workers' diagnoses of the states they expanded without candidates (the replay counted
    // the others into s_.diag_). A search stopped mid-batch also counts the states of its last
    // batch that were expanded but not replayed.
    for (const auto& d : diags_)
      if (d) s_.diag_->merge(*d);
  }
  void run();

 private:
  enum class Task { Expand, Place, Quit };
  class Collector;

  void helper(unsigned w) {
    for (;;) {
      sync_.arrive_and_wait();
      if (task_ == Task::Quit) return;
      work(w);
      sync_.arrive_and_wait();
    }
  }
  // Runs `t` on every worker; rethrows the first exception a worker raised.
  void dispatch(Task t) {
    task_ = t;
    sync_.arrive_and_wait();
    work(0);
    sync_.arrive_and_wait();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }
  void work(unsigned w) {
    if (task_ == Task::Expand) {
      if (w == 0)
        guarded([&] { go_on_ = drive(); });
      else
        guarded([&] { expand(w); });
      if (w == 0) abort_.store(true, std::memory_order_relaxed);  // helpers: nothing is left
      return;
    }
    for (unsigned r = 0; r < s_.store_.place_rounds(); ++r) {
      guarded([&] { s_.store_.place(r, w, workers_, pending_); });
      sync_.arrive_and_wait();  // the next round reads this round's nodes; always reached
    }
  }
  template <class F>
  void guarded(F f) {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
      abort_.store(true, std::memory_order_relaxed);
    }
  }
  void expand(unsigned w);
  void expand_chunk(unsigned w, std::size_t c);
  void expand_state(unsigned w, std::uint32_t pos, ChunkBuf& buf, std::vector<std::uint8_t>& s,
                    std::vector<unsigned>& order);
  // Phases 1–2 on the driving thread: replays the chunks in order as they are expanded,
  // expanding chunks itself while the next one is not ready. False when the search stops.
  bool drive();
  bool replay_chunk(std::size_t c);
  void grow_table();
  PorProbe::Mask ample_of(const ChunkBuf& buf, std::size_t k);
  std::uint32_t first_of(const ChunkBuf& buf, const Rec& r);

  Search& s_;
  unsigned workers_;
  std::barrier<> sync_;
  std::vector<std::thread> helpers_;
  Task task_ = Task::Expand;  // written by the driver before a barrier, read by helpers after
  std::exception_ptr error_;
  std::mutex error_mutex_;
  std::atomic<bool> failed_{false};  // a worker threw (error_ is set)
  std::vector<std::unique_ptr<Context>> gen_, check_;  // per worker
  std::vector<std::unique_ptr<PorProbe>> probes_;      // per worker, when POR is active
  std::vector<std::unique_ptr<PorDiagnosis>> diags_;   // per worker, with SearchOptions::por_stats
  std::vector<std::vector<PorProbe::Outcome>> whys_;   // per worker: candidates()' outcomes
  std::vector<std::vector<PorProbe::Mask>> cands_;     // per worker: PorProbe::candidates scratch
  std::vector<std::vector<std::uint32_t>> near_nodes_; // per worker: the expanded state's nodes
  std::vector<std::vector<std::uint8_t>> states_;      // per worker: the expanded state
  // Per worker: the targets of the state being expanded, staged for one batched lookup
  // (Collector::flush): their records' positions, bytes and nodes, and the lookup's arguments.
  struct Stage {
    std::vector<std::size_t> recs;
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint32_t> nodes;
    std::vector<const std::uint8_t*> states;
    std::vector<std::uint32_t*> node_ptrs;
    std::vector<std::uint32_t> found;
  };
  std::vector<Stage> stages_;
  std::vector<std::vector<unsigned>> orders_;          // per worker: its expansion order
  std::size_t node_count_ = 0, state_size_ = 0;

  std::vector<FrontierEntry> batch_;
  std::vector<ChunkBuf> bufs_;
  std::atomic<std::size_t> next_chunk_{0};
  std::size_t chunks_ = 0;
  // done_[c] == batch_no_: chunk c of this batch is expanded (release by its expander, acquire
  // by the driver). Batch numbers start at 1, so the zeroed flags mean "not yet".
  std::unique_ptr<std::atomic<std::uint64_t>[]> done_;
  std::uint64_t batch_no_ = 0;
  std::atomic<bool> abort_{false};  // the driver stopped the search: take no more chunks
  bool go_on_ = true;               // drive()'s result
  bool batch_ample_ = false;        // Search::ample_ when this batch started (the workers' copy)
  std::uint32_t next_id_ = 0;       // phase 2: the id the next new state gets
  std::uint64_t applied_buffers_ = 0, applied_targets_ = 0;  // phase 2: memory so far

  // Phase 2: the batch-local table of targets not stored (index into firsts_), and the new
  // states handed to phase 3.
  struct First {
    const std::uint8_t* state;
    std::uint32_t* nodes;
    std::uint64_t hash;
    std::uint32_t id;  // kNone until it is stored
  };
  std::vector<First> firsts_;
  std::vector<std::uint32_t> table_;
  std::vector<StateStore::Pending> pending_;
};

}  // namespace pcmc::checker::detail
