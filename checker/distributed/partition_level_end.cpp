// The accounting of the partitioned BFS (partition.hpp): each property's first report in -j 1's
// order, a level's end (the next level's order, where -j 1 stopped inside the level and what it
// counted up to there), and the violations with their paths.
//
// Where -j 1 stops inside level d (docs/distributed.md, "The same result as -j 1"): the
// sequential search expands level d in position order and meets its events in event-key order
// (level_order.hpp); it stops at the first violation (first-violation mode) or at the transition
// that finds a new state when the store already holds --max-states (the new state with position
// k = max_states - states stored before the level, key kLimit). Every rank knows the events of
// the states it expanded and stored; once the level is complete their keys are final, and the
// smallest over the ranks (MPI_MIN) is the stop. Up to it, -j 1 counted the transitions of the
// states before P* and t* + 1 of P*'s (all of them at an end-state check), the states stored with
// a smaller insert key, and the end states before it: every rank counts its own, then a sum.
#include <mpi.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "checker/distributed/partition.hpp"
#include "checker/distributed/path_walk.hpp"
#include "checker/search/search.hpp"

namespace pcmc::distributed::detail {

namespace {

void allreduce(std::uint64_t* v, int n, MPI_Op op) {
  if (MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_UINT64_T, op, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allreduce failed");
}

}  // namespace

// Search::record: the first report of each property is kept (by the sequential order here,
// since a rank meets its events out of -j 1's order).
void Partition::report(const checker::Report& r, std::uint64_t level, std::uint64_t key,
                       std::uint64_t ord, std::uint32_t at, std::uint64_t last) {
  if (r.property >= best_.size())
    throw std::logic_error("distributed search: the system reported property id " +
                           std::to_string(r.property) + ", which it does not declare");
  level_min_ = std::min(level_min_, key);
  Event& e = best_[r.property];
  if (e.level != order::kNone && std::tie(e.level, e.key, e.ord) <= std::tie(level, key, ord))
    return;
  e = Event{level, key, ord, at, last, r.thread, r.pc};
}

void Partition::count_until(std::uint64_t k) {
  const bool all = k == order::kNone;
  const std::uint64_t kp = order::position_of(order::arrival_of(k));
  const std::uint64_t kt = order::step_of(order::arrival_of(k));
  const bool at_end = order::sub_of(k) == order::kEnd;
  std::vector<std::uint64_t> c(3 + 64, 0);  // transitions, states, end states, exists per clause
  for (std::size_t i = 0; i < frontier_.size(); ++i) {
    const std::uint64_t n = trans_[i];
    if (all || pos_[i] < kp) c[0] += n;
    else if (pos_[i] == kp) c[0] += at_end ? n : std::min<std::uint64_t>(n, kt + 1);
  }
  for (const std::uint64_t key : next_key_)
    if (all || order::event(key, order::kInsert) <= k) ++c[1];
  for (const auto& [p, exists] : end_) {
    if (!all && order::event(order::arrival(p, order::kEndStep), order::kEnd) > k) continue;
    ++c[2];
    for (unsigned b = 0; b < 64; ++b)
      if (exists >> b & 1) ++c[3 + b];
  }
  allreduce(c.data(), static_cast<int>(c.size()), MPI_SUM);
  out_.transitions += c[0];
  out_.states += c[1];
  out_.end_states += c[2];
  for (unsigned b = 0; b < 64; ++b) out_.exists[b] += c[3 + b];
  out_.max_depth = level_ + (c[1] != 0 ? 1 : 0);
}

// Adds a complete level's figures, gathered (level_end's words 4..), to the totals.
void Partition::add_level(const std::vector<std::uint64_t>& all, std::size_t words) {
  std::uint64_t fresh = 0;
  for (int r = 0; r < ranks_; ++r) {
    const std::uint64_t* w = &all[static_cast<std::size_t>(r) * words];
    fresh += w[0];
    out_.transitions += w[4];
    out_.end_states += w[5];
    for (std::size_t b = 6; b < words; ++b) out_.exists[b - 6] += w[b];
  }
  out_.states += fresh;
  out_.max_depth = level_ + (fresh != 0 ? 1 : 0);
}

bool Partition::level_end() {
  for (const Invariant& v : invariants_)
    report(v.report, level_ + 1, order::event(next_key_[v.id - level_first_], order::kInsert),
           v.ord, v.id, order::kNone);
  invariants_.clear();
  // One gather of every rank's words: states stored, expandable, stop bits, first event key,
  // transitions, end states, exists hits per clause (when the system has exists clauses).
  const std::size_t words = 6 + (sys_.has_exists() ? 64 : 0);
  std::vector<std::uint64_t> mine(words, 0), all(words * static_cast<std::size_t>(ranks_));
  mine[0] = next_key_.size();
  mine[1] = next_.size();
  mine[2] = stop_ | out_.stop;
  mine[3] = level_min_;
  for (const std::uint32_t n : trans_) mine[4] += n;
  mine[5] = end_.size();
  if (words > 6)
    for (const auto& e : end_)
      for (unsigned b = 0; b < 64; ++b)
        if (e.second >> b & 1) ++mine[6 + b];
  if (MPI_Allgather(mine.data(), static_cast<int>(words), MPI_UINT64_T, all.data(),
                    static_cast<int>(words), MPI_UINT64_T, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allgather failed");
  std::uint64_t v[2] = {0, 0}, first_event = order::kNone;
  std::vector<int> counts(static_cast<std::size_t>(ranks_));
  for (int r = 0; r < ranks_; ++r) {
    const std::uint64_t* w = &all[static_cast<std::size_t>(r) * words];
    v[0] += w[0];
    v[1] += w[1];
    out_.stop |= w[2];
    first_event = std::min(first_event, w[3]);
    counts[static_cast<std::size_t>(r)] = static_cast<int>(std::min<std::uint64_t>(w[0], order::kSmall));
  }
  if (out_.stop != 0) {  // a limit: the level is incomplete, counted as far as it went
    add_level(all, words);
    return true;
  }
  // The next level's order (the ids -j 1 gives its states). `by_key`: indices into next_key_ in
  // key order; `keys` the keys in that order, then each state's position (pos_of, below).
  std::vector<std::uint32_t> by_key(next_key_.size());
  for (std::size_t j = 0; j < by_key.size(); ++j) by_key[j] = static_cast<std::uint32_t>(j);
  std::sort(by_key.begin(), by_key.end(),
            [this](std::uint32_t a, std::uint32_t b) { return next_key_[a] < next_key_[b]; });
  std::vector<std::uint64_t> keys(by_key.size());
  for (std::size_t j = 0; j < by_key.size(); ++j) keys[j] = next_key_[by_key[j]];
  const std::vector<std::uint64_t> at = v[0] <= order::kSmall
                                           ? order::positions_small(keys, counts)
                                           : order::positions(keys, level_size_, rank_, ranks_);
  // Where -j 1 stopped in this level: its --max-states stop, its first violation.
  std::uint64_t stops[2] = {order::kNone, opt_.all ? order::kNone : first_event};
  if (opt_.max_states != 0 && out_.states + v[0] > opt_.max_states) {
    const std::uint64_t k = opt_.max_states - out_.states;  // -j 1 stores k of them
    for (std::size_t j = 0; j < at.size(); ++j)
      if (at[j] == k) stops[0] = order::event(keys[j], order::kLimit);
    allreduce(stops, 1, MPI_MIN);  // every rank takes this branch: v[0] is the same everywhere
  }
  const std::uint64_t k = std::min(stops[0], stops[1]);
  if (k != order::kNone) {
    count_until(k);
    stop_level_ = level_ + 1;
    stop_key_ = k;
    out_.state_limit = k == stops[0];
    out_.violated_stop = !out_.state_limit;
    return true;
  }
  add_level(all, words);
  if (v[1] == 0) return true;
  if (v[0] > order::kMaxPosition)
    throw std::length_error("distributed search: a BFS level over 2^46 states");
  // The next level is the frontier, in its order.
  std::vector<std::uint64_t>& pos_of = keys;  // the keys are no longer needed
  for (std::size_t j = 0; j < by_key.size(); ++j) pos_of[by_key[j]] = at[j];
  const std::uint32_t first = level_first_;
  std::sort(next_.begin(), next_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return pos_of[a - first] < pos_of[b - first];
  });
  frontier_.swap(next_);
  next_.clear();
  pos_.resize(frontier_.size());
  for (std::size_t i = 0; i < frontier_.size(); ++i) pos_[i] = pos_of[frontier_[i] - first];
  level_size_ = v[0];
  next_key_.clear();
  end_.clear();
  if (opt_.progress && rank_ == 0 && Clock::now() - last_progress_ >= std::chrono::seconds(1)) {
    last_progress_ = Clock::now();
    checker::Stats s;
    s.states = out_.states;
    s.transitions = out_.transitions;
    s.max_depth = out_.max_depth;
    s.queue = v[1];
    s.seconds = elapsed();
    s.store_bytes = store_.bytes() + links_.bytes();
    s.peak_rss = checker::peak_rss_bytes();
    opt_.progress(s);
  }
  return false;
}

void Partition::gather_violations() {
  constexpr std::size_t kWords = 7;
  const std::size_t np = best_.size();
  if (np == 0) return;
  std::vector<std::uint64_t> mine(np * kWords), all(np * kWords * static_cast<std::size_t>(ranks_));
  for (std::size_t p = 0; p < np; ++p) {
    const Event& e = best_[p];
    const std::uint64_t w[kWords] = {e.level, e.key, e.ord, e.at, e.last, e.thread, e.pc};
    std::copy(w, w + kWords, mine.begin() + static_cast<long>(p * kWords));
  }
  if (MPI_Allgather(mine.data(), static_cast<int>(np * kWords), MPI_UINT64_T, all.data(),
                    static_cast<int>(np * kWords), MPI_UINT64_T, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allgather failed");
  struct Pick {
    const std::uint64_t* w;
    int rank;
    checker::PropertyId property;
  };
  std::vector<Pick> picks;
  for (std::size_t p = 0; p < np; ++p) {
    const std::uint64_t* best = nullptr;
    int who = 0;
    for (int r = 0; r < ranks_; ++r) {
      const std::uint64_t* w = &all[(static_cast<std::size_t>(r) * np + p) * kWords];
      if (w[0] == order::kNone) continue;
      if (best == nullptr || std::tie(w[0], w[1], w[2]) < std::tie(best[0], best[1], best[2])) {
        best = w;
        who = r;
      }
    }
    if (best == nullptr) continue;
    if (out_.stop != 0 && !opt_.all) {  // -j 1's first violation is not known: none
      out_.dropped = true;
      continue;
    }
    if (stop_level_ != order::kNone &&
        std::tie(best[0], best[1]) > std::tie(stop_level_, stop_key_))
      continue;  // after -j 1's stop
    picks.push_back({best, who, static_cast<checker::PropertyId>(p)});
  }
  std::sort(picks.begin(), picks.end(), [](const Pick& a, const Pick& b) {
    return std::tie(a.w[0], a.w[1], a.w[2]) < std::tie(b.w[0], b.w[1], b.w[2]);
  });
  if (!keep_links_ && !picks.empty()) {  // the paths need the search again, with the links
    out_.paths_pending = true;
    out_.paths_level = picks.back().w[0];
    return;
  }
  for (const Pick& pick : picks) {
    const std::uint64_t* w = pick.w;
    PathWalk walk = walk_path(sys_, *gen_, store_, links_, rank_, pick.rank,
                              static_cast<std::uint32_t>(w[3]));
    checker::Counterexample c;
    c.property = pick.property;
    c.thread = static_cast<std::uint16_t>(w[5]);
    c.pc = static_cast<std::uint32_t>(w[6]);
    c.steps = std::move(walk.steps);
    if (w[4] != order::kNone)
      c.steps.push_back(checker::Step{static_cast<std::uint16_t>(w[4] >> 16),
                                      static_cast<std::uint16_t>(w[4] & 0xFFFF)});
    out_.hops_across += walk.hops_across;
    out_.violations.push_back(std::move(c));
  }
}

}  // namespace pcmc::distributed::detail
