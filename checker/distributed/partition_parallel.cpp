// `-j N` inside a rank (docs/distributed.md, "Hybrid"): a batch of the level's states is expanded
// in two phases, as the shared-memory BFS does (docs/parallel.md).
//
//   phase 1 (N threads, each a contiguous share of the batch): decode the state, generate its
//           successors with the thread's own Context, hash each to its owner, and look the
//           successors this rank owns up in the store near their source (lookup_near_batch:
//           the store is only read while nobody writes); the end-state checks of a state
//           without successors.
//   phase 2 (the rank's thread, in the batch's order): what expand() does with each transition
//           — count it, key it, record its reports, send it or store it (insert_found: the
//           phase-1 lookup, re-checked against the states stored since) — and the end-state
//           checks' outcome.
//
// Phase 2 meets the transitions in the order the one-thread loop does, so every key, parent link,
// count and report is the same: the result is -j 1's. Only the rank's thread calls MPI (between
// batches; MPI_THREAD_FUNNELED).
#include <algorithm>
#include <exception>
#include <thread>

#include "checker/distributed/partition.hpp"

namespace pcmc::distributed::detail {

using checker::Report;
using checker::StateStore;

namespace {

// One worker's phase-1 output for its share of a batch.
struct Share {
  struct Gen {  // a transition
    std::uint16_t thread, index;
    bool fatal;
    int dest;
    std::uint64_t hash;
    std::uint32_t rep_begin, rep_end;
    std::uint32_t found;  // own successor: the lookup's answer
  };
  struct Out {  // a state of the share
    std::uint32_t gen_begin, gen_end, rep_begin, rep_end;  // its transitions, end reports
    bool any, all_finished;
    checker::ExistsMask exists;
  };
  std::vector<Gen> gens;
  std::vector<Out> outs;
  std::vector<Report> reports;
  std::vector<std::uint8_t> bytes;    // per Gen, state_size each
  std::vector<std::uint32_t> nodes;   // per Gen, node_count each (own successors' lookups)
  std::exception_ptr error;
};

class Collect final : public checker::TransitionSink {
 public:
  Collect(Share& s, std::size_t size) : s_(s), size_(size) {}
  void on_transition(const checker::Transition& t) override {
    Share::Gen g{t.thread, t.index, t.fatal, -1, 0, 0, 0, StateStore::kNone};
    g.rep_begin = static_cast<std::uint32_t>(s_.reports.size());
    s_.reports.insert(s_.reports.end(), t.reports.begin(), t.reports.end());
    g.rep_end = static_cast<std::uint32_t>(s_.reports.size());
    s_.gens.push_back(g);
    s_.bytes.insert(s_.bytes.end(), t.state, t.state + size_);
  }

 private:
  Share& s_;
  std::size_t size_;
};

}  // namespace

void Partition::expand_batch(std::size_t first, std::size_t n) {
  // A thread costs more than expanding a few states: small batches run on this thread alone.
  const unsigned workers = n >= 8 ? std::max(1u, opt_.workers) : 1;
  while (gens_.size() < workers) {
    gens_.push_back(sys_.make_context());
    checks_.push_back(sys_.make_context());
  }
  const std::size_t nc = store_.node_count();
  const std::size_t at = store_.size();
  std::vector<Share> shares(workers);
  auto phase1 = [&](unsigned w) {
    Share& sh = shares[w];
    try {
      std::vector<std::uint8_t> cur(size_);
      std::vector<std::uint32_t> cur_nodes(nc);
      std::vector<const std::uint8_t*> own;
      std::vector<std::uint32_t*> own_nodes;
      std::vector<std::uint32_t> own_found;
      std::vector<std::size_t> own_gen;
      Collect sink(sh, size_);
      const std::size_t lo = first + n * w / workers, hi = first + n * (w + 1) / workers;
      for (std::size_t i = lo; i < hi; ++i) {
        store_.decode_nodes(frontier_[i], cur.data(), cur_nodes.data());
        Share::Out o{static_cast<std::uint32_t>(sh.gens.size()), 0, 0, 0, false, true, 0};
        for (unsigned t = 0; t < sys_.thread_count(); ++t)
          if (sys_.successors(cur.data(), t, *gens_[w], sink) > 0) o.any = true;
        o.gen_end = static_cast<std::uint32_t>(sh.gens.size());
        sh.nodes.resize(sh.gens.size() * nc);
        own.clear();
        own_gen.clear();
        for (std::size_t g = o.gen_begin; g < o.gen_end; ++g) {
          Share::Gen& x = sh.gens[g];
          if (x.fatal) continue;
          const std::uint8_t* s = sh.bytes.data() + g * size_;
          x.hash = owner_hash(s, size_);
          x.dest = owner_of(x.hash, ranks_);
          if (x.dest == rank_ && !probe_) {
            own.push_back(s);
            own_gen.push_back(g);
          }
        }
        own_nodes.resize(own.size());
        own_found.resize(own.size());
        for (std::size_t k = 0; k < own.size(); ++k) own_nodes[k] = sh.nodes.data() + own_gen[k] * nc;
        if (!own.empty())
          store_.lookup_near_batch(own.size(), own.data(), own_nodes.data(), cur.data(),
                                   cur_nodes.data(), own_found.data());
        for (std::size_t k = 0; k < own.size(); ++k) sh.gens[own_gen[k]].found = own_found[k];
        o.rep_begin = o.rep_end = static_cast<std::uint32_t>(sh.reports.size());
        if (!o.any) {
          for (unsigned t = 0; t < sys_.thread_count() && o.all_finished; ++t)
            o.all_finished = sys_.finished(cur.data(), t);
          if (o.all_finished) {
            std::vector<Report> end;
            o.exists = sys_.check_end(cur.data(), *checks_[w], end);
            sh.reports.insert(sh.reports.end(), end.begin(), end.end());
            o.rep_end = static_cast<std::uint32_t>(sh.reports.size());
          }
        }
        sh.outs.push_back(o);
      }
    } catch (...) {
      sh.error = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned w = 1; w < workers; ++w) helpers.emplace_back(phase1, w);
    phase1(0);
  }
  for (const Share& sh : shares)
    if (sh.error) std::rethrow_exception(sh.error);

  // Phase 2: expand()'s effects, in the batch's order.
  std::size_t i = first;
  for (Share& sh : shares) {
    for (const Share::Out& o : sh.outs) {
      cur_id_ = frontier_[i];
      cur_pos_ = pos_[i];
      step_ = 0;
      const std::uint64_t link = make_link(static_cast<std::uint32_t>(rank_), cur_id_);
      for (std::uint32_t g = o.gen_begin; g < o.gen_end; ++g) {
        const Share::Gen& x = sh.gens[g];
        ++out_.own.transitions;
        const std::uint64_t t = step_++;
        if (t >= order::kEndStep)
          throw std::length_error("distributed search: a state with more than 65534 transitions");
        const std::uint64_t key = order::arrival(cur_pos_, t);
        std::uint64_t ord = 0;
        for (std::uint32_t r = x.rep_begin; r < x.rep_end; ++r)
          report(sh.reports[r], level_ + 1, order::event(key, order::kReport), ord++, cur_id_,
                 std::uint64_t{x.thread} << 16 | x.index);
        if (x.fatal) continue;
        const std::uint8_t* s = sh.bytes.data() + std::size_t{g} * size_;
        if (x.dest != rank_) ex_.send(x.dest, s, x.hash, Link{key, keep_links_ ? cur_id_ : 0, 0});
        else if (probe_) arrive(s, StateStore::kNone, key, link);
        else
          stored(s, store_.insert_found(s, StateStore::kNone, sh.nodes.data() + std::size_t{g} * store_.node_count(), x.found, at),
                 key, link);
      }
      trans_[i] = static_cast<std::uint32_t>(step_);
      max_fanout_ = std::max<std::uint64_t>(max_fanout_, step_);
      if (!o.any)
        quiescent(o.all_finished, o.exists,
                  std::span<const Report>(sh.reports.data() + o.rep_begin, o.rep_end - o.rep_begin));
      ++i;
    }
  }
}

}  // namespace pcmc::distributed::detail
