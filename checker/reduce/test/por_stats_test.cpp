// POR diagnostics (checker/reduce/por_stats.hpp, --por-stats): counting changes nothing the search
// does; the counts add up (reduced + full = the states expanded, the reasons sum to full); a
// model with an independent thread is reduced and one where every step meets every other
// thread's future is not; the conflict objects are named in the program's words, widened when
// the other thread reaches them through a pointer; -j 2 counts what -j 1 counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

checker::VariantRun run(const char* text, bool por_stats, unsigned workers = 1,
                        bool symmetry = false) {
  model::SourceManager sm;
  const model::ast::Model ast = model::parse_text(sm, "t.pcm", text, model::ParseOptions{});
  checker::SearchOptions o = checker::test::safety_options(true, 100000);
  o.por = true;
  o.sleep = false;
  o.por_stats = por_stats;
  o.workers = workers;
  o.symmetry = symmetry;
  return checker::run_variant(ast, sm, {}, false, o);
}

// The counts add up, and the search is the one without counting.
const checker::PorStats& consistent(const checker::VariantRun& with, const char* text) {
  const auto without = run(text, false);
  REQUIRE(with.result.incomplete_reason.empty());
  CHECK(with.result.stats.states == without.result.stats.states);
  CHECK(with.result.stats.transitions == without.result.stats.transitions);
  CHECK(with.result.stats.ample_states == without.result.stats.ample_states);
  CHECK_FALSE(without.result.stats.por_stats);
  REQUIRE(with.result.stats.por_stats);
  const checker::PorStats& s = *with.result.stats.por_stats;
  CHECK(s.reduced == with.result.stats.ample_states);
  CHECK(s.reduced + s.full == with.result.stats.states);  // no violation: every state expanded
  CHECK(s.trivial + s.proviso + s.c1_all + s.c0_c2 + s.mixed == s.full);
  CHECK(s.c1_all + s.c0_c2 + s.mixed == s.conflicted);
  CHECK(s.all_enabled + s.self_visible + s.needs_blocked + s.needs_visible == s.attempts);
  CHECK(s.if_precise <= s.conflicted);
  CHECK(s.if_slots <= s.if_precise);
  CHECK(s.if_elements <= s.if_precise);
  CHECK(s.if_lock_held <= s.if_no_locks);
  CHECK(s.if_no_locks <= s.conflicted);
  CHECK(s.if_next_step <= s.conflicted);
  return s;
}

const checker::PorObjectCount* find(const std::vector<checker::PorObjectCount>& v,
                                    const std::string& name) {
  const auto it = std::find_if(v.begin(), v.end(), [&](const auto& o) { return o.name == name; });
  return it == v.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("por stats: a thread on its own variable is ample", "[por][por_stats]") {
  const char* text =
      "scenario indep \"B touches only y\";\n"
      "int[0..3] x;\nint[0..3] y;\n"
      "thread A0 { x = 1; x = 2; }\nthread A1 { x = 3; }\nthread B { y = 1; y = 2; }\n"
      "final f: y == 2;\n";
  const auto r = run(text, true);
  const checker::PorStats& s = consistent(r, text);
  CHECK(s.reduced > 0);
}

TEST_CASE("por stats: threads that all meet on one variable are never reduced",
          "[por][por_stats]") {
  const char* text =
      "scenario dep \"every step writes x\";\n"
      "int[0..7] x;\n"
      "thread A { x = x + 1; x = x + 1; }\nthread B { x = x + 1; x = x + 1; }\n"
      "final f: x == 4;\n";
  const auto r = run(text, true);
  const checker::PorStats& s = consistent(r, text);
  CHECK(s.reduced == 0);
  CHECK(s.conflicted > 0);
  CHECK(s.c1_all == s.conflicted);
  CHECK(s.if_precise == 0);  // x is named, not reached through a pointer
  REQUIRE(!s.objects.empty());
  CHECK(s.objects.front().name == "x");
  CHECK(s.objects.front().states == s.conflicted);
  CHECK(s.objects.front().widened == 0);
}

// A and B each write a field of their own element, through a shared pointer (a global: not a
// stable local, model/narrow_footprint.hpp): the futures count `pa->v` for both elements, so
// every step conflicts, through a widening only.
TEST_CASE("por stats: conflicts through a pointer are widened and named by field",
          "[por][por_stats]") {
  const char* text =
      "scenario ptr \"each thread writes its own element through a pointer\";\n"
      "struct obj { int[0..3] v; };\n"
      "pool struct obj objs[2] named { E0, E1 };\n"
      "struct obj *pa;\nstruct obj *pb;\n"
      "init { pa = E0; pb = E1; }\n"
      "thread A { pa->v = pa->v + 1; pa->v = pa->v + 1; }\n"
      "thread B { pb->v = pb->v + 1; pb->v = pb->v + 1; }\n"
      "final f: E0->v == 2 && E1->v == 2;\n";
  const auto r = run(text, true);
  const checker::PorStats& s = consistent(r, text);
  CHECK(s.reduced == 0);
  CHECK(s.conflicted > 0);
  CHECK(s.if_precise == s.conflicted);
  CHECK(s.if_elements == s.conflicted);
  CHECK(s.if_slots == 0);
  const auto* e0 = find(s.objects, "E0.v");
  REQUIRE(e0 != nullptr);
  CHECK(e0->widened == e0->states);
  const auto* f = find(s.fields, "objs[*].v");
  REQUIRE(f != nullptr);
  CHECK(f->states == s.conflicted);
}

// The same through a pointer parameter: the local `p` holds E0 (E1) in every state before the
// accesses, so the narrowed futures name only that element's `v` and the threads are
// independent (model/narrow_footprint.hpp).
TEST_CASE("por stats: a stable pointer parameter narrows the futures to its element",
          "[por][por_stats]") {
  const char* text =
      "scenario ptr \"each thread writes its own element through a parameter\";\n"
      "struct obj { int[0..3] v; };\n"
      "pool struct obj objs[2] named { E0, E1 };\n"
      "void bump(struct obj *p) { p->v = p->v + 1; p->v = p->v + 1; }\n"
      "thread A { bump(E0); }\nthread B { bump(E1); }\n"
      "final f: E0->v == 2 && E1->v == 2;\n";
  const auto r = run(text, true);
  const checker::PorStats& s = consistent(r, text);
  CHECK(s.reduced > 0);
  CHECK(find(s.objects, "E0.v") == nullptr);
}

TEST_CASE("por stats: -j 2 counts what -j 1 counts", "[por][por_stats][parallel]") {
  const char* text =
      "scenario mixed \"a lock, a shared counter and a private variable\";\n"
      "thread_t lk;\nint[0..3] c;\nint[0..3] y;\n"
      "void take() { atomic { await(lk == NO_THREAD); lk = current; } }\n"
      "void give() { lk = NO_THREAD; }\n"
      "thread A { take(); c = c + 1; give(); }\nthread B { take(); c = c + 1; give(); }\n"
      "thread C { y = 1; y = 2; }\n"
      "final f: c == 2;\n";
  const auto one = run(text, true, 1);
  const checker::PorStats& a = consistent(one, text);
  const auto two = run(text, true, 2);
  REQUIRE(two.result.stats.por_stats);
  const checker::PorStats& b = *two.result.stats.por_stats;
  CHECK(a.reduced == b.reduced);
  CHECK(a.full == b.full);
  CHECK(a.trivial == b.trivial);
  CHECK(a.proviso == b.proviso);
  CHECK(a.c1_all == b.c1_all);
  CHECK(a.c0_c2 == b.c0_c2);
  CHECK(a.mixed == b.mixed);
  CHECK(a.attempts == b.attempts);
  CHECK(a.if_precise == b.if_precise);
  CHECK(a.if_no_locks == b.if_no_locks);
  CHECK(a.if_lock_held == b.if_lock_held);
  CHECK(a.if_slots == b.if_slots);
  CHECK(a.if_next_step == b.if_next_step);
  REQUIRE(a.objects.size() == b.objects.size());
  for (std::size_t i = 0; i < a.objects.size(); ++i) {
    CHECK(a.objects[i].name == b.objects[i].name);
    CHECK(a.objects[i].states == b.objects[i].states);
  }
  const auto* lk = find(a.objects, "lk");
  REQUIRE(lk != nullptr);
  CHECK(lk->lock);
}

// A holding lk about to bump c, B about to read c: neither is ample (each meets the other's
// future on c), but A's only conflict is c, which B writes only after taking lk: a state a
// lock-aware C1 could reduce (if_lock_held); B's read meets A's write under no lock.
TEST_CASE("por stats: a data conflict under a held lock counts for lock-aware independence",
          "[por][por_stats]") {
  const char* text =
      "scenario held \"A bumps c under lk while B reads it\";\n"
      "thread_t lk;\nint[0..3] c;\nint[0..3] d;\n"
      "void take() { atomic { await(lk == NO_THREAD); lk = current; } }\n"
      "void give() { lk = NO_THREAD; }\n"
      "thread A { take(); c = c + 1; give(); }\n"
      "thread B { d = c; take(); c = c + 1; give(); }\n"
      "final f: c == 2;\n";
  const auto r = run(text, true);
  const checker::PorStats& s = consistent(r, text);
  CHECK(s.if_lock_held > 0);
  CHECK(s.if_lock_held <= s.if_no_locks);
}

TEST_CASE("por stats: nothing is counted without ample sets", "[por][por_stats]") {
  model::SourceManager sm;
  const model::ast::Model ast =
      checker::test::parse(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm");
  checker::SearchOptions o = checker::test::safety_options(true, 100000);
  o.por_stats = true;
  o.por = false;
  CHECK_FALSE(checker::run_variant(ast, sm, {}, false, o).result.stats.por_stats);
  // With the non-termination pass ample sets apply (docs/reductions.md), so they are counted.
  o.por = true;
  o.liveness = true;
  CHECK(checker::run_variant(ast, sm, {}, false, o).result.stats.por_stats);
}
