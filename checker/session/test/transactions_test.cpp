// The transaction (Lipton) reduction (checker/reduce/transactions.hpp,
// docs/transactions-proof.md) against the search without it: critical sections of k steps become one
// step (pinned counts), a lockless reader of the protected data stops the merge (the mover
// check), a violation inside a merged run is found and printed step by step and shortest, and
// seeded random lock models (RandomModel::tx_source) give what --no-reduce gives: verdict,
// violated properties, end states, exists counts, counterexamples, nontermination included,
// -j 2 as -j 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/random_models.hpp"
#include "model/parser.hpp"

using namespace pcmc;
using checker::test::require_replays;
using checker::test::step_paths;
using checker::test::summary;

namespace {

model::ast::Model parse_text(model::SourceManager& sm, const std::string& text) {
  return model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
}

// Transactions alone (no POR, no dead variables), or the default run's reductions.
checker::SearchOptions with_tx(bool all, bool liveness, bool defaults = false) {
  checker::SearchOptions o;
  o.all = all;
  o.liveness = liveness;
  o.transactions = true;
  o.transaction_stats = true;
  if (defaults) {
    o.dead_vars = true;
    o.por = o.sleep = true;
  }
  o.max_states = 200000;
  return o;
}

checker::SearchOptions none(bool all, bool liveness) {
  checker::SearchOptions o;
  o.all = all;
  o.liveness = liveness;
  o.max_states = 200000;
  return o;
}

// Two threads, each: lock; k steps on the data the lock protects; unlock; then `tail`.
std::string critical_sections(unsigned k, const std::string& tail = "") {
  std::string body = "lock(); ";
  for (unsigned i = 0; i < k; ++i) body += "d = (d + 1) % 8; ";
  body += "unlock(); " + tail;
  return "scenario cs \"critical sections\";\nint[0..7] d;\nint[0..7] e;\nthread_t m;\n"
         "void lock() { atomic { await(m == NO_THREAD); m = current; } }\n"
         "void unlock() { m = NO_THREAD; }\n"
         "thread A { " + body + "}\nthread B { " + body + "}\n"
         "final f: d == " + std::to_string((2 * k) % 8) + ";\n";
}

// The counterexamples of `r` but its lassos, as step_paths.
std::vector<std::vector<std::pair<int, int>>> safety_paths(const checker::Result& r) {
  checker::Result s;
  for (const auto& c : r.violations)
    if (c.loop_start < 0) s.violations.push_back(c);
  return step_paths(s);
}

// The run with the reduction against the one without: the same verdicts, end states, exists
// counts and (safety) counterexamples, step by step; never more states.
void same_as_off(const model::ast::Model& ast, const model::SourceManager& sm,
                 const checker::SearchOptions& on_opts, const checker::SearchOptions& off_opts) {
  const auto on = checker::run_variant(ast, sm, {}, false, on_opts);
  const auto off = checker::run_variant(ast, sm, {}, false, off_opts);
  REQUIRE(off.result.status != checker::Status::Incomplete);
  REQUIRE(on.result.status != checker::Status::Incomplete);
  CHECK(on.result.stats.transactions);
  CHECK(on.result.status == off.result.status);
  CHECK(summary(on).violated == summary(off).violated);
  require_replays(on);
  if (!on_opts.all) return;
  CHECK(on.result.stats.states <= off.result.stats.states);
  // Transactions keep the set of end states; dead variables and symmetry may merge some
  // (docs/reductions.md, docs/symmetry.md): then only the exists verdicts are comparable.
  if (!on_opts.dead_vars && !on_opts.symmetry) {
    CHECK(on.result.stats.end_states == off.result.stats.end_states);
    CHECK(on.result.stats.exists_each == off.result.stats.exists_each);
  } else {
    for (std::size_t i = 0; i < std::max(on.result.stats.exists_each.size(),
                                         off.result.stats.exists_each.size()); ++i) {
      CHECK((on.result.stats.exists_of(i) == 0) == (off.result.stats.exists_of(i) == 0));
      CHECK((on.result.stats.exists_of(i) == on.result.stats.end_states) ==
            (off.result.stats.exists_of(i) == off.result.stats.end_states));
    }
  }
  // Safety counterexamples are re-derived without the reduction: those of the search without it.
  // (Symmetry alone concretises a shortest path of its own, not necessarily --no-reduce's: then
  // the lengths.)
  const auto a = safety_paths(on.result), b = safety_paths(off.result);
  if (!on_opts.symmetry) {
    CHECK(a == b);
  } else {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].size() == b[i].size());
  }
}

}  // namespace

TEST_CASE("transactions: a critical section of k steps is one step", "[reduce][transactions]") {
  // Without the reduction the states grow with k: both outside (A, B each at its start or
  // done: 4), or one inside its section at one of k + 1 places while the other is at its start
  // or done (4 (k + 1)): 4k + 8. With it, the lock and the k protected steps run as one
  // transition (the other thread's future stops at its lock await, and nothing else reads d),
  // stopping before the unlock (which the other's await reads): (0, 0), (k+1, 0), (0, k+1),
  // (done, 0), (0, done), (done, done) — 6 states whatever k, and a thread alone runs its
  // whole section and the unlock as one step. Merged: k + k from (0, 0), k + 1 from each of
  // (done, 0) and (0, done).
  for (unsigned k = 1; k <= 4; ++k) {
    INFO("k = " << k);
    model::SourceManager sm;
    const auto ast = parse_text(sm, critical_sections(k));
    const auto on = checker::run_variant(ast, sm, {}, false, with_tx(true, true));
    const auto off = checker::run_variant(ast, sm, {}, false, none(true, true));
    CHECK(on.result.status == checker::Status::Holds);
    CHECK(off.result.status == checker::Status::Holds);
    CHECK(off.result.stats.states == 4 * k + 8);
    CHECK(on.result.stats.states == 6);
    REQUIRE(on.result.stats.tx_stats);
    CHECK(on.result.stats.tx_stats->merged == 4 * k + 2);
    CHECK(on.result.stats.end_states == off.result.stats.end_states);
  }
}

TEST_CASE("transactions: a lockless reader of the protected data stops the merge",
          "[reduce][transactions]") {
  // B reads d without the lock (the kernel's pattern for page->index): A's steps inside the
  // critical section are observable, so they must not merge — merging them would hide the
  // state d == 1 from B's WARN_ON. The test fails if the mover check ignores lockless
  // accessors (or trusts the lock alone).
  const std::string reader =
      "scenario r \"lockless reader\";\nint[0..7] d;\nthread_t m;\n"
      "void lock() { atomic { await(m == NO_THREAD); m = current; } }\n"
      "void unlock() { m = NO_THREAD; }\n"
      "thread A { lock(); d = 1; d = 2; d = 0; unlock(); }\n"
      "thread B { w: WARN_ON(d == 1); }\n";
  model::SourceManager sm;
  const auto ast = parse_text(sm, reader);
  for (const bool all : {true, false}) {
    const auto on = checker::run_variant(ast, sm, {}, false, with_tx(all, true));
    const auto off = checker::run_variant(ast, sm, {}, false, none(all, true));
    CHECK(summary(on).violated == std::set<std::string>{"w"});
    CHECK(summary(off).violated == std::set<std::string>{"w"});
    REQUIRE(on.result.stats.tx_stats);
    CHECK(on.result.stats.tx_stats->stops[static_cast<unsigned>(checker::TxStop::Conflict)] > 0);
    bool names_d = false;
    for (const auto& [name, n] : on.result.stats.tx_stats->conflicts) names_d |= name == "d";
    CHECK(names_d);
    same_as_off(ast, sm, with_tx(all, true), none(all, true));
  }
  // Once B has read, nobody else may observe d: the rest of A's section merges.
  const auto on = checker::run_variant(ast, sm, {}, false, with_tx(true, true));
  CHECK(on.result.stats.tx_stats->merged > 0);
}

TEST_CASE("transactions: a violation inside a critical section is printed step by step",
          "[reduce][transactions]") {
  // The WARN_ON fires after two merged steps: the search finds it at the end of a transaction,
  // and the counterexample is the unreduced one, every step of A listed (re-derived).
  const std::string text =
      "scenario v \"violation in a section\";\nint[0..7] d;\nint[0..7] e;\nthread_t m;\n"
      "void lock() { atomic { await(m == NO_THREAD); m = current; } }\n"
      "void unlock() { m = NO_THREAD; }\n"
      "thread A { lock(); d = d + 1; d = d + 1; w: WARN_ON(d == 2 && e == 0); unlock(); }\n"
      "thread B { lock(); d = d + 3; unlock(); e = 1; }\n";
  model::SourceManager sm;
  const auto ast = parse_text(sm, text);
  for (const bool all : {true, false})
    for (const bool liveness : {true, false}) {
      same_as_off(ast, sm, with_tx(all, liveness), none(all, liveness));
      same_as_off(ast, sm, with_tx(all, liveness, true), none(all, liveness));
    }
  const auto on = checker::run_variant(ast, sm, {}, false, with_tx(false, true));
  REQUIRE(on.result.violations.size() == 1);
  CHECK(on.result.violations[0].steps.size() == 4);  // lock, d+1, d+1, the WARN_ON
  CHECK(on.result.stats.tx_stats->merged > 0);
}

TEST_CASE("transactions: random lock models match --no-reduce", "[reduce][transactions][oracle]") {
  std::uint64_t merged = 0, states_on = 0, states_off = 0;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    checker::test::RandomModel gen(seed + 7000);
    const std::string text = gen.tx_source(seed);
    INFO("random transaction model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    const bool all = seed % 3 != 0;
    const bool liveness = seed % 2 == 0;
    // Transactions alone, and with the default run's reductions.
    same_as_off(ast, sm, with_tx(all, liveness), none(all, liveness));
    same_as_off(ast, sm, with_tx(all, liveness, true), none(all, liveness));
    const auto on = checker::run_variant(ast, sm, {}, false, with_tx(true, liveness));
    const auto off = checker::run_variant(ast, sm, {}, false, none(true, liveness));
    merged += on.result.stats.tx_stats->merged;
    states_on += on.result.stats.states;
    states_off += off.result.stats.states;
    if (seed % 8 == 0) {  // -j 2 = -j 1, with the default run's reductions
      checker::SearchOptions o = with_tx(true, liveness, true);
      const auto one = checker::run_variant(ast, sm, {}, false, o);
      o.workers = 2;
      const auto two = checker::run_variant(ast, sm, {}, false, o);
      CHECK(two.result.stats.states == one.result.stats.states);
      CHECK(step_paths(two.result) == step_paths(one.result));
    }
  }
  UNSCOPED_INFO("merged " << merged << " steps; states " << states_on << " against " << states_off);
  CHECK(merged > 100);
  CHECK(states_on * 10 < states_off * 9);  // the reduction is not vacuous on these models
}

TEST_CASE("transactions: with symmetry, random symmetric models match --no-reduce",
          "[reduce][transactions][symmetry][oracle]") {
  // The quotient is taken of the transactions' system: M1-M4 are stated with footprints and
  // futures that permuting interchangeable threads maps onto each other.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    checker::test::RandomModel gen(seed + 9000);
    const std::string text = gen.symmetric_source(seed);
    INFO("random symmetric model seed " << seed << ":\n" << text);
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    const bool all = seed % 3 != 0;
    const bool liveness = seed % 2 == 0;
    checker::SearchOptions o = with_tx(all, liveness, seed % 4 < 2);
    o.symmetry = true;
    same_as_off(ast, sm, o, none(all, liveness));
  }
}

TEST_CASE("transactions: a lasso is not many turns of a private loop long",
          "[reduce][transactions]") {
  // basics/livelock: T spins alone on a loop of private steps. Without M5 a transaction ran
  // 64 steps (M4) and the lasso found on the transactions' graph, rewritten step by step, was
  // 130 steps against 12 without transactions. M5 ends a transaction at its second back edge,
  // so a transaction holds at most one whole loop iteration: the lasso is at most one turn of
  // the loop (5 steps) longer.
  model::SourceManager sm;
  const auto ast = checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/basics/livelock.pcm");
  checker::SearchOptions o = with_tx(false, true, true);
  const auto on = checker::run_variant(ast, sm, {}, false, o);
  o.transactions = false;
  const auto off = checker::run_variant(ast, sm, {}, false, o);
  REQUIRE(on.result.violations.size() == 1);
  REQUIRE(off.result.violations.size() == 1);
  CHECK(on.result.violations[0].loop_start >= 0);
  CHECK(on.result.violations[0].steps.size() <= off.result.violations[0].steps.size() + 5);
  REQUIRE(on.result.stats.tx_stats);
  CHECK(on.result.stats.tx_stats->stops[static_cast<unsigned>(checker::TxStop::Loop)] > 0);
  CHECK(on.result.stats.tx_stats->stops[static_cast<unsigned>(checker::TxStop::Limit)] == 0);
  require_replays(on);
}

TEST_CASE("transactions: a private loop merges a turn at a time, ending at a back edge",
          "[reduce][transactions]") {
  // A runs k turns of a private loop of one step while B runs private steps of its own. Every
  // transaction of A ends at its second back edge (M5): it merges at most two steps, so the
  // merged steps are at most twice the transactions. Without M5, A ran all its turns (up to M4)
  // as one transaction from every state B's steps left it in.
  // (The loop test and the local increment run inside the step of the store, so A has k steps,
  // the first from before the loop: k >= 4 has a second back edge.)
  for (unsigned k = 4; k <= 7; ++k) {
    INFO("k = " << k);
    const std::string text =
        "scenario l \"private loop\";\nint[0..7] x;\nint[0..7] y;\n"
        "thread A { int[0..7] i = 0; while (i < " + std::to_string(k) +
        ") { x = (x + 1) % 8; i = i + 1; } }\n"
        "thread B { y = 1; y = 2; }\n";
    model::SourceManager sm;
    const auto ast = parse_text(sm, text);
    for (const bool liveness : {true, false})
      same_as_off(ast, sm, with_tx(true, liveness), none(true, liveness));
    const auto on = checker::run_variant(ast, sm, {}, false, with_tx(true, true));
    REQUIRE(on.result.stats.tx_stats);
    const auto& tx = *on.result.stats.tx_stats;
    CHECK(tx.stops[static_cast<unsigned>(checker::TxStop::Loop)] > 0);
    CHECK(tx.merged <= 2 * tx.transactions);
  }
}
