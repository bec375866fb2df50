// Replay of saved traces on the same and on other variants (traces/replay.hpp).
#include <catch2/catch.hpp>

#include "model/parser.hpp"
#include "traces/replay.hpp"
#include "traces/scenario_hash.hpp"
#include "traces/test/fixture.hpp"

using namespace pcmc;
using traces::Divergence;
using traces::ReplayStatus;
using traces::test::Scenario;

TEST_CASE("replay: a trace reproduces on its own variant", "[replay]") {
  Scenario b("lost_update");
  traces::ReplayResult r = traces::replay(b.ctx(), traces::test::lost_update_trace(b));
  CHECK(r.status == ReplayStatus::Reproduced);
  CHECK(r.reason == "reproduced: both_counted");
  CHECK(r.notes.empty());
  CHECK(r.replayed.steps.size() == 4);
}

TEST_CASE("replay: lost_update under LOCKED, P1 cannot take the spinlock P0 holds", "[replay]") {
  Scenario b("lost_update"), locked("lost_update", {"LOCKED"});
  traces::ReplayResult r = traces::replay(locked.ctx(), traces::test::lost_update_trace(b));
  CHECK(r.status == ReplayStatus::Diverged);
  CHECK(r.why == Divergence::Blocked);
  CHECK(r.step == 2);
  CHECK(r.reason == "step 2: P1 cannot take spin_lock(): lock_owner held by P0");
  REQUIRE(r.details.size() >= 2);
  CHECK(r.details[0].find("at lost_update.pcm:15: void spin_lock()") == 0);
  CHECK(r.details[1] == "called from inc() at lost_update.pcm:23: spin_lock();");
  REQUIRE(r.notes.size() == 1);  // step 1 already runs spin_lock() instead of the load
  CHECK(r.notes[0].find("from step 1 on") == 0);
  CHECK(r.replayed.steps.size() == 1);
}

TEST_CASE("replay: abba_deadlock under ORDERED, P1 waits for lock_a", "[replay]") {
  Scenario b("abba_deadlock"), ordered("abba_deadlock", {"ORDERED"});
  traces::Trace t = traces::test::abba_trace(b);
  CHECK(traces::replay(b.ctx(), t).status == ReplayStatus::Reproduced);
  traces::ReplayResult r = traces::replay(ordered.ctx(), t);
  CHECK(r.why == Divergence::Blocked);
  CHECK(r.reason == "step 2: P1 cannot take spin_lock_a(): lock_a held by P0");
}

TEST_CASE("replay: a lasso that no longer closes is not reproduced", "[replay]") {
  Scenario b("livelock"), split("livelock", {"SPLIT_TAILS"});
  traces::Trace t = traces::test::livelock_trace(b);
  CHECK(traces::replay(b.ctx(), t).status == ReplayStatus::Reproduced);
  traces::ReplayResult r = traces::replay(split.ctx(), t);
  CHECK(r.why == Divergence::NotViolated);
  CHECK(r.reason.find("end of path (12 steps): the cycle does not close") == 0);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].find("from step 4 on") == 0);
}

TEST_CASE("replay: a finished thread, a missing successor, an unknown thread", "[replay]") {
  Scenario b("lost_update");
  traces::Trace t = traces::test::lost_update_trace(b);

  traces::Trace finished = t;  // P0 takes a third step: it has only two
  finished.steps.insert(finished.steps.begin() + 3, finished.steps[0]);
  finished.choice_path.insert(finished.choice_path.begin() + 3, {0, 0});
  traces::ReplayResult r = traces::replay(b.ctx(), finished);
  CHECK(r.why == Divergence::Finished);
  CHECK(r.reason == "step 4: P0 has finished (its last step was step 3)");

  traces::Trace choice = t;
  choice.choice_path[1].second = 1;
  r = traces::replay(b.ctx(), choice);
  CHECK(r.why == Divergence::NoSuchChoice);
  CHECK(r.reason ==
        "step 2: P1 has 1 successor here, the trace takes successor 1: the step makes no choice; "
        "the trace expected inc (lost_update.pcm:24), this variant offers inc "
        "(lost_update.pcm:24)");
  CHECK(r.details.at(0) == "the step runs lost_update.pcm:24: tmp = counter;");

  traces::Trace renamed = t;
  renamed.steps[1].thread_name = "Q1";
  r = traces::replay(b.ctx(), renamed);
  CHECK(r.why == Divergence::UnknownThread);
  CHECK(r.reason == "step 2: the scenario has no thread Q1");
}

TEST_CASE("replay: a path that ends before the violation", "[replay]") {
  Scenario b("lost_update");
  traces::Trace t = traces::test::lost_update_trace(b);
  t.steps.pop_back();
  t.choice_path.pop_back();
  traces::ReplayResult r = traces::replay(b.ctx(), t);
  CHECK(r.why == Divergence::NotViolated);
  CHECK(r.reason.find("end of path (3 steps): not every thread has finished: P1 at "
                      "lost_update.pcm:25") == 0);
}

TEST_CASE("scenario hash: FNV-1a 64 over the loaded files", "[replay]") {
  CHECK(traces::fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(traces::fnv1a64("a") == 0xaf63dc4c8601ec8cull);  // the published test vector
  model::SourceManager one, two;
  one.add("x.pcm", "int x;");
  two.add("elsewhere/x.pcm", "int x;");
  CHECK(traces::scenario_hash(one) == traces::scenario_hash(two));  // paths are not hashed
  CHECK(traces::scenario_hash(one).rfind("fnv1a64:", 0) == 0);
  CHECK(traces::scenario_hash(one).size() == 8 + 16);
  two.add("inc.pcm", "");
  CHECK(traces::scenario_hash(one) != traces::scenario_hash(two));  // an include counts
}

TEST_CASE("replay: an await that is not a lock names the fields it waits on", "[replay]") {
  model::SourceManager sm;
  auto ast = model::parse_text(sm, "wait.pcm", R"(
scenario wait "A waits for B's flag";
bool ready;
void wait_ready() { await(ready); }
thread A { wait_ready(); }
thread B { ready = true; }
)", {});
  model::Program p = model::compile(ast, sm, {});
  model::Executor exec(p, {});
  traces::Trace t;
  t.property = "x";
  t.cls = "final";
  t.choice_path = {{0, 0}};
  traces::ReplayResult r = traces::replay({p, exec, sm}, t);
  CHECK(r.why == Divergence::Blocked);
  CHECK(r.reason == "step 1: A waits in wait_ready(): its await does not hold (ready=0)");
  CHECK(r.details.at(0) == "at wait.pcm:4: void wait_ready() { await(ready); }");
}

TEST_CASE("replay across a variant with one more step names the step expected and the one "
          "offered", "[replay]") {
  const std::string src =
      "switch EXTRA \"one more step\";\n"
      "int[0..3] g, h;\n"
      "void note() { h = 1; }\n"
      "void pick() { g = choose(0, 1); }\n"
      "thread P0 {\n"
      "  if (EXTRA) note();\n"
      "  pick();\n"
      "}\n"
      "final zero: g == 0;\n";
  auto build = [&](model::SourceManager& sm, std::vector<std::string> defines) {
    model::ast::Model m = model::parse_text(sm, "extra.pcm", src, {});
    model::CompileOptions co;
    co.defines = std::move(defines);
    return model::compile(m, sm, co);
  };
  model::SourceManager sb, se;
  model::Program pb = build(sb, {}), pe = build(se, {"EXTRA"});
  model::Executor xb(pb, {}), xe(pe, {});
  traces::ChoicePath path;
  path.steps = {{0, 1}, {0, 0}};  // choose g = 1, then store it
  traces::Trace t = traces::build_trace({pb, xb, sb}, {"zero", "final", "final", "", {}, "g == 0"},
                                        path);
  CHECK(traces::replay({pb, xb, sb}, t).status == ReplayStatus::Reproduced);
  traces::ReplayResult r = traces::replay({pe, xe, se}, t);
  CHECK(r.why == Divergence::NoSuchChoice);
  CHECK(r.reason ==
        "step 1: P0 has 1 successor here, the trace takes successor 1: the step makes no choice; "
        "the trace expected pick (extra.pcm:4), this variant offers note (extra.pcm:3)");
}
