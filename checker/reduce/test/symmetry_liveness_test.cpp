// The non-termination pass on a symmetry quotient (docs/reductions.md, "Symmetry and the
// non-termination pass"; checker/search/liveness.cpp, Pass::fair; symmetric_lasso.cpp). Two toy
// systems whose quotients defeat the two tempting shortcuts:
//  * Starved: a weakly fair SCC of the quotient, read slot by slot, is no fair cycle of the
//    program — one thread loops while the other is enabled throughout and never steps, yet the
//    canonical form moves the looping thread between the two slots, so each slot steps;
//  * Token: two threads pass a token, a fair cycle of the program, whose quotient cycle is one
//    state with a self-loop that swaps the threads, where the other slot is enabled and leaves:
//    read slot by slot, or tracking which concrete thread each slot is (the lift) without
//    closing under the group of the cycle's permutations, one thread never steps.
// The threaded test decides both on the quotient, as the unreduced pass does, and lifts the
// lasso to a weakly fair lasso of the program.
#include <catch2/catch.hpp>

#include <numeric>
#include <string>
#include <vector>

#include "checker/reduce/symmetric_system.hpp"
#include "checker/search/search.hpp"
#include "checker/testing/replay.hpp"
#include "checker/testing/toy_models.hpp"

using namespace pcmc::checker;
using toy::Toy;

namespace {

struct TwoState {
  std::uint8_t g, pad, v[2];
};

SymmetrySpec two_threads() {
  SymmetrySpec s;
  s.classes = {{0, 1}};
  s.block_offset = {2, 3};
  s.block_sizes = {1, 1};
  s.local_cells = {{}, {}};
  return s;
}

// A thread at 1 or 3 loops (1 -> 3 -> 1) while g is 0 and finishes (4) once it is 1; a thread at
// 2 sets g and finishes. From (1, 2): thread 0 loops with thread 1 enabled throughout — no fair
// cycle; thread 1 eventually runs and both finish. Canonical forms sort the blocks: (1, 2) and
// (2, 3), so the looping thread is slot 0 in one and slot 1 in the other.
class Starved final : public Toy<TwoState> {
 public:
  Starved() : Toy(2) {}

 private:
  TwoState initial() const override { return TwoState{0, 0, {1, 2}}; }
  bool done(const TwoState& s, unsigned t) const override { return s.v[t] == 4; }
  void step(const TwoState& s, unsigned t, Emit& emit) const override {
    TwoState x = s;
    if (s.v[t] == 2) {
      x.g = 1;
      x.v[t] = 4;
    } else if (s.v[t] == 1 || s.v[t] == 3) {
      x.v[t] = s.g == 1 ? 4 : static_cast<std::uint8_t>(4 - s.v[t]);
    } else {
      return;
    }
    emit(x);
  }
};

// A thread whose block is 0 while the other's is 1 takes the token: (0, 1) -> (1, 0) -> (0, 1);
// the holder (1) may instead leave (2), and then the other leaves too. Each thread steps in every
// round of the token: a fair cycle on which no thread finishes.
class Token final : public Toy<TwoState> {
 public:
  Token() : Toy(2) {}

 private:
  TwoState initial() const override { return TwoState{0, 0, {0, 1}}; }
  bool done(const TwoState& s, unsigned t) const override { return s.v[t] == 2; }
  void step(const TwoState& s, unsigned t, Emit& emit) const override {
    TwoState x = s;
    if (s.v[t] == 0 && s.v[1 - t] == 1) {
      x.v[t] = 1;
      x.v[1 - t] = 0;
    } else if (s.v[t] == 1 || (s.v[t] == 0 && s.v[1 - t] == 2)) {
      x.v[t] = 2;
    } else {
      return;
    }
    emit(x);
  }
};

// Thread `t`'s canonical successors of `state` in `sys`, with their thread permutations.
struct Edges final : TransitionSink {
  std::vector<std::vector<std::uint8_t>> to;
  std::vector<std::vector<unsigned>> perm;
  void on_transition(const Transition& tr) override {
    to.emplace_back(tr.state, tr.state + 4);
    perm.emplace_back(tr.thread_perm, tr.thread_perm + 2);
  }
};
Edges edges(const TransitionSystem& sys, std::vector<std::uint8_t> state, unsigned t) {
  Edges e;
  auto ctx = sys.make_context();
  sys.successors(state.data(), t, *ctx, e);
  return e;
}

// Empty when the lasso's cycle is weakly fair in `sys`: every thread steps on it or is disabled
// in one of its states.
std::string weakly_fair(const TransitionSystem& sys, const Counterexample& c) {
  auto ctx = sys.make_context();
  std::vector<std::uint8_t> s(sys.state_size());
  sys.initial_state(s.data());
  std::vector<bool> covered(sys.thread_count(), false);
  for (std::size_t k = 0; k < c.steps.size(); ++k) {
    if (k >= static_cast<std::size_t>(c.loop_start)) {
      covered[c.steps[k].thread] = true;
      for (unsigned t = 0; t < sys.thread_count(); ++t) {
        test::Capture none(0xFFFF, 0xFFFF, s.size());
        if (sys.successors(s.data(), t, *ctx, none) == 0) covered[t] = true;
      }
    }
    test::Capture cap(c.steps[k].thread, c.steps[k].index, s.size());
    sys.successors(s.data(), c.steps[k].thread, *ctx, cap);
    s = cap.state;
  }
  for (unsigned t = 0; t < sys.thread_count(); ++t)
    if (!covered[t]) return "thread " + std::to_string(t) + " is starved on the cycle";
  return "";
}

// The pass on the program and on its quotient, -j 1 and -j 2, with and without the edge log:
// the same verdict, decided on the quotient; a lasso lifts to a fair lasso of the program.
void same_verdict(const TransitionSystem& sys, bool violated) {
  const Canonicaliser canon(two_threads(), sys.state_size());
  const SymmetricSystem quotient(sys, canon);
  for (const unsigned workers : {1u, 2u})
    for (const bool log : {true, false}) {
      INFO("workers " << workers << ", edge log " << log);
      SearchOptions o;
      o.all = true;
      o.workers = workers;
      o.log_edges = log;
      const Result plain = search(sys, o);
      o.quotient = true;
      Result q = search(quotient, o);
      CHECK(plain.status == (violated ? Status::Violated : Status::Holds));
      CHECK(q.status == plain.status);
      CHECK(q.stats.liveness_fallback.empty());
      CHECK(q.stats.liveness_graph == "reduced");
      CHECK(q.stats.states <= plain.stats.states);
      REQUIRE(q.violations.size() == plain.violations.size());
      for (Counterexample& c : q.violations) {
        REQUIRE(c.loop_start >= 0);
        CHECK(q.lasso_scc.size() >= 1);
        concretise_lasso(quotient, c, q.lasso_scc);
        CHECK(test::check_counterexample(sys, c) == "");
        CHECK(weakly_fair(sys, c) == "");
      }
    }
}

}  // namespace

TEST_CASE("symmetry liveness: a slot-fair quotient SCC whose threads starve is no violation",
          "[symmetry][liveness]") {
  const Starved sys;
  const Canonicaliser canon(two_threads(), sys.state_size());
  const SymmetricSystem quotient(sys, canon);
  // The premise: in the quotient's cycle (1, 2) <-> (2, 3), slot 0 steps in (1, 2) and slot 1
  // in (2, 3), each time swapping the threads — read slot by slot, the SCC is weakly fair.
  const std::vector<std::uint8_t> a{0, 0, 1, 2}, b{0, 0, 2, 3};
  const Edges from_a = edges(quotient, a, 0), from_b = edges(quotient, b, 1);
  REQUIRE(from_a.to == std::vector<std::vector<std::uint8_t>>{b});
  REQUIRE(from_b.to == std::vector<std::vector<std::uint8_t>>{a});
  CHECK(from_a.perm[0] == std::vector<unsigned>{1, 0});
  CHECK(from_b.perm[0] == std::vector<unsigned>{1, 0});
  same_verdict(sys, false);
}

TEST_CASE("symmetry liveness: a fair cycle that rotates the threads through one slot is one",
          "[symmetry][liveness]") {
  const Token sys;
  const Canonicaliser canon(two_threads(), sys.state_size());
  const SymmetricSystem quotient(sys, canon);
  // The premise: the cycle is one canonical state, (0, 1), whose slot 0 steps back to it with
  // the threads swapped; slot 1 is enabled there and leaves the cycle. Read slot by slot, or
  // following which concrete thread each slot is without the group of the cycle's
  // permutations, thread 1 is enabled throughout and never steps: no fair cycle.
  const std::vector<std::uint8_t> s{0, 0, 0, 1}, left{0, 0, 0, 2};
  const Edges from0 = edges(quotient, s, 0), from1 = edges(quotient, s, 1);
  REQUIRE(from0.to == std::vector<std::vector<std::uint8_t>>{s});
  CHECK(from0.perm[0] == std::vector<unsigned>{1, 0});
  CHECK(from1.to == std::vector<std::vector<std::uint8_t>>{left});
  same_verdict(sys, true);
}
