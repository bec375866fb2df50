// Symmetry reduction on toy systems (checker/reduce/symmetry.hpp, symmetric_system.hpp): known orbit
// counts, a brute-force orbit count as oracle, thread cells in globals and in thread blocks, and
// counterexamples concretised into paths of the unreduced system.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <numeric>
#include <set>
#include <vector>

#include "checker/reduce/symmetric_system.hpp"
#include "checker/testing/replay.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using toy::Toy;

namespace {

// ---------------------------------------------------------------- locked counter
// n identical threads (n <= 4): acquire a spinlock (owner = t + 1), increment, release. The
// owner is a thread cell, each thread's block is its pc and `seen`. With `memory`, `last` (a
// global thread cell) is the last releaser and `seen` (a thread cell in the block) the releaser a
// thread saw when it acquired; without it both stay 0 and the counts have closed forms:
//   states (n + 1) * 2^n  (no holder: 2^n pc vectors over {0, 3}; one holder at pc 1 or 2, the
//                          others in {0, 3}: n * 2 * 2^(n-1))
//   orbits 3n + 1         (no holder: n + 1 multisets; one holder at pc 1 or 2: 2 * n).
struct LockState {
  std::uint8_t owner, last, counter, pad;
  std::uint8_t block[4][2];  // per thread: pc, seen
};

class LockedCounter final : public Toy<LockState> {
 public:
  static constexpr PropertyId kOwnerConsistent = toy::kOwn;
  static constexpr PropertyId kFullCount = toy::kOwn + 1;  // a transition report: counter = n
  static constexpr PropertyId kSawSelf = toy::kOwn + 2;

  LockedCounter(unsigned n, bool memory)
      : Toy(n, {toy::make_property("owner_consistent", pcmc::properties::PropertyClass::Invariant),
                toy::make_property("full_count", pcmc::properties::PropertyClass::Warn),
                toy::make_property("saw_self", pcmc::properties::PropertyClass::Invariant)}),
        n_(n),
        memory_(memory) {}

  SymmetrySpec spec(bool include_locals = true) const {
    SymmetrySpec s;
    s.classes.push_back(std::vector<unsigned>(n_));
    std::iota(s.classes[0].begin(), s.classes[0].end(), 0u);
    s.global_cells = {{0, 1}, {1, 1}};
    for (unsigned t = 0; t < n_; ++t) {
      s.block_offset.push_back(static_cast<std::uint32_t>(4 + 2 * t));
      s.block_sizes.push_back(2);
      s.local_cells.push_back(include_locals ? std::vector<SymmetrySpec::Cell>{{1, 1}}
                                             : std::vector<SymmetrySpec::Cell>{});
    }
    return s;
  }

 private:
  LockState initial() const override { return LockState{}; }
  bool done(const LockState& s, unsigned t) const override { return s.block[t][0] == 3; }
  void step(const LockState& s, unsigned t, Emit& emit) const override {
    LockState x = s;
    const auto me = static_cast<std::uint8_t>(t + 1);
    switch (s.block[t][0]) {
      case 0:
        if (s.owner != 0) return;
        x.owner = me;
        if (memory_) x.block[t][1] = s.last;
        x.block[t][0] = 1;
        emit(x);
        return;
      case 1:
        ++x.counter;
        x.block[t][0] = 2;
        if (x.counter == n_)
          emit(x, {Report{kFullCount, static_cast<std::uint16_t>(t), 1}});
        else
          emit(x);
        return;
      case 2:
        x.owner = 0;
        if (memory_) x.last = me;
        x.block[t][0] = 3;
        emit(x);
        return;
      default: return;
    }
  }
  void invariants(const LockState& s, std::vector<Report>& out) const override {
    for (unsigned t = 0; t < n_; ++t) {
      const bool holds = s.block[t][0] == 1 || s.block[t][0] == 2;
      if (holds != (s.owner == t + 1)) out.push_back(Report{kOwnerConsistent, 0xFFFF, 0});
      if (s.block[t][1] == t + 1) out.push_back(Report{kSawSelf, 0xFFFF, 0});
    }
  }

  unsigned n_;
  bool memory_;
};

// Every reachable state of `sys`, by a plain BFS over successors (independent of search()).
std::set<std::vector<std::uint8_t>> reachable(const TransitionSystem& sys) {
  struct Collect final : TransitionSink {
    std::vector<std::vector<std::uint8_t>> out;
    std::size_t size;
    void on_transition(const Transition& t) override {
      if (!t.fatal) out.emplace_back(t.state, t.state + size);
    }
  };
  auto ctx = sys.make_context();
  std::vector<std::uint8_t> s0(sys.state_size());
  sys.initial_state(s0.data());
  std::set<std::vector<std::uint8_t>> seen{s0};
  std::deque<std::vector<std::uint8_t>> queue{s0};
  while (!queue.empty()) {
    const std::vector<std::uint8_t> s = queue.front();
    queue.pop_front();
    for (unsigned t = 0; t < sys.thread_count(); ++t) {
      Collect c;
      c.size = s.size();
      sys.successors(s.data(), t, *ctx, c);
      for (auto& x : c.out)
        if (seen.insert(x).second) queue.push_back(x);
    }
  }
  return seen;
}

// The orbit count of a LockState set under every permutation of the threads, by brute force:
// each state's least image over all n! permutations, written out independently of symmetry.cpp.
std::size_t orbits(const std::set<std::vector<std::uint8_t>>& states, unsigned n) {
  std::set<std::vector<std::uint8_t>> least;
  for (const auto& s : states) {
    std::vector<unsigned> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    std::vector<std::uint8_t> best;
    do {
      auto ren = [&](std::uint8_t v) {
        return v == 0 ? v : static_cast<std::uint8_t>(perm[v - 1] + 1);
      };
      std::vector<std::uint8_t> x = s;
      x[0] = ren(s[0]);
      x[1] = ren(s[1]);
      for (unsigned t = 0; t < n; ++t) {
        x[4 + 2 * perm[t]] = s[4 + 2 * t];
        x[4 + 2 * perm[t] + 1] = ren(s[4 + 2 * t + 1]);
      }
      if (best.empty() || x < best) best = x;
    } while (std::next_permutation(perm.begin(), perm.end()));
    least.insert(best);
  }
  return least.size();
}

Result run(const TransitionSystem& sys, bool all = true, unsigned workers = 1) {
  SearchOptions o;
  o.all = all;
  o.liveness = false;
  o.workers = workers;
  return search(sys, o);
}

}  // namespace

TEST_CASE("symmetry: locked counter, states = (n+1)2^n off and 3n+1 orbits on", "[symmetry]") {
  for (unsigned n = 2; n <= 4; ++n) {
    INFO("n = " << n);
    const LockedCounter sys(n, false);
    const Canonicaliser canon(sys.spec(), sys.state_size());
    const SymmetricSystem quotient(sys, canon);
    const Result off = run(sys), on = run(quotient);
    CHECK(off.stats.states == (n + 1u) << n);
    CHECK(on.stats.states == 3 * n + 1);
    CHECK(on.stats.end_states == 1);
    // Both find the full count (a transition report) and nothing else.
    REQUIRE(off.violations.size() == 1);
    REQUIRE(on.violations.size() == 1);
    CHECK(on.violations[0].property == LockedCounter::kFullCount);
  }
}

TEST_CASE("symmetry: thread cells in blocks; orbit count equals brute force", "[symmetry]") {
  for (unsigned n = 2; n <= 4; ++n) {
    INFO("n = " << n);
    const LockedCounter sys(n, true);
    const auto all_states = reachable(sys);
    const Canonicaliser canon(sys.spec(), sys.state_size());
    const SymmetricSystem quotient(sys, canon);
    const Result off = run(sys), on = run(quotient);
    CHECK(off.stats.states == all_states.size());
    // Exact: one stored state per orbit (ties within kMaxCandidates are enumerated).
    CHECK(on.stats.states == orbits(all_states, n));
    CHECK(on.stats.states < off.stats.states);
    // No invariant breaks: the owner and every `seen` are renamed with the blocks.
    for (const auto& c : on.violations) CHECK(c.property == LockedCounter::kFullCount);
    // The canonical form does not depend on which member of the orbit it starts from.
    Canonicaliser::Scratch sc;
    std::set<std::vector<std::uint8_t>> canon_states;
    for (const auto& s : all_states) {
      std::vector<std::uint8_t> c(s.size());
      canon.canonicalise(s.data(), c.data(), sc);
      canon_states.insert(c);
    }
    CHECK(canon_states.size() == on.stats.states);
  }
}

TEST_CASE("symmetry: a spec that forgets block thread cells is caught", "[symmetry]") {
  // The oracle the tests above rely on: renaming the owner without the `seen` cells makes
  // canonical states where a thread saw itself, which the concrete system never reaches.
  const LockedCounter sys(3, true);
  const Canonicaliser canon(sys.spec(false), sys.state_size());
  const SymmetricSystem quotient(sys, canon);
  const Result on = run(quotient);
  std::set<PropertyId> props;
  for (const auto& c : on.violations) props.insert(c.property);
  CHECK(props.count(LockedCounter::kSawSelf) == 1);
}

TEST_CASE("symmetry: counterexamples are concrete paths of the unreduced system", "[symmetry]") {
  for (unsigned workers : {1u, 2u}) {
    const LockedCounter sys(3, true);
    const Canonicaliser canon(sys.spec(), sys.state_size());
    const SymmetricSystem quotient(sys, canon);
    Result on = run(quotient, true, workers);
    REQUIRE(on.violations.size() == 1);
    Counterexample c = on.violations[0];
    // On canonical states the last holder is sorted into another slot than the thread that
    // really took the steps, so the raw path does not replay on the concrete system.
    const std::string raw = test::check_counterexample(sys, c);
    concretise(quotient, c);
    CHECK(test::check_counterexample(sys, c) == "");
    CHECK(c.thread == c.steps.back().thread);
    CHECK(c.steps.size() == on.violations[0].steps.size());
    INFO("raw replay: " << raw);
    CHECK(raw != "");
  }
}

TEST_CASE("symmetry: threads outside every class keep their place", "[symmetry]") {
  // Four identical threads, but only {0, 1} declared interchangeable: 2 and 3 stay put, so
  // more states than orbits of the full group, fewer than without symmetry.
  const LockedCounter sys(4, true);
  SymmetrySpec spec = sys.spec();
  spec.classes = {{0, 1}};
  const Canonicaliser canon(spec, sys.state_size());
  const SymmetricSystem quotient(sys, canon);
  const Result off = run(sys), on = run(quotient);
  CHECK(on.stats.states < off.stats.states);
  CHECK(on.stats.states > orbits(reachable(sys), 4));
  for (const auto& c : on.violations) CHECK(c.property == LockedCounter::kFullCount);
}

TEST_CASE("symmetry: inconsistent specs are refused", "[symmetry]") {
  const LockedCounter sys(3, false);
  SymmetrySpec s = sys.spec();
  s.block_sizes[1] = 1;  // unequal blocks in a class
  CHECK_THROWS_AS(Canonicaliser(s, sys.state_size()), std::invalid_argument);
  s = sys.spec();
  s.global_cells.push_back({4, 1});  // inside thread 0's block
  CHECK_THROWS_AS(Canonicaliser(s, sys.state_size()), std::invalid_argument);
  s = sys.spec();
  s.classes = {{0}};
  CHECK_THROWS_AS(Canonicaliser(s, sys.state_size()), std::invalid_argument);
}
