// Trace reconstruction and rendering on the lost_update example, replaying a hand-chosen path.
#include <catch2/catch.hpp>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "traces/render.hpp"
#include "traces/trace.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

struct Fixture {
  model::SourceManager sm;
  model::Program program;
  std::unique_ptr<model::Executor> exec;
  explicit Fixture(std::vector<std::string> defines = {}) {
    model::CompileOptions co;
    co.defines = std::move(defines);
    program = model::load_program(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm", {}, co);
    exec = std::make_unique<model::Executor>(program, model::ExecOptions{});
  }
  traces::Trace replay(const traces::ChoicePath& path) {
    traces::PropertyRef prop{"both_counted", "final", "final", "", {}, "counter == 2"};
    return traces::build_trace({program, *exec, sm}, prop, path);
  }
};

// P0 load, P1 load, P0 store, P1 store: the lost update.
traces::ChoicePath lost_path() {
  traces::ChoicePath p;
  p.steps = {{0, 0}, {1, 0}, {0, 0}, {1, 0}};
  return p;
}

}  // namespace

TEST_CASE("a replayed path names threads, functions, lines and changed fields", "[trace]") {
  Fixture f;
  traces::Trace t = f.replay(lost_path());
  REQUIRE(t.steps.size() == 4);
  CHECK(t.steps[0].thread_name == "P0");
  CHECK(t.steps[1].thread_name == "P1");
  CHECK(t.steps[0].function == "inc");
  CHECK(t.steps[0].source.find("tmp = counter;") == 0);
  CHECK(t.steps[0].changes.empty());            // a load changes no shared field
  REQUIRE(t.steps[2].changes.size() == 1);
  CHECK(t.steps[2].changes[0].name == "counter");
  CHECK(t.steps[2].changes[0].before == "0");
  CHECK(t.steps[2].changes[0].after == "1");
  CHECK(t.steps[3].changes.empty());            // P1 stores its stale 0 + 1 over the 1
  bool found = false;
  for (const auto& [name, value] : t.final_state)
    if (name == "counter") {
      found = true;
      CHECK(value == "1");
    }
  CHECK(found);
}

TEST_CASE("a path that does not replay is an internal error", "[trace]") {
  Fixture f;
  traces::ChoicePath p;
  p.steps = {{0, 3}};  // P0 has one successor only
  CHECK_THROWS_AS(f.replay(p), std::logic_error);
}

TEST_CASE("locks held are the thread_t fields equal to the stepping thread", "[trace]") {
  Fixture f({"LOCKED"});
  traces::ChoicePath p;
  p.steps = {{0, 0}};
  traces::Trace t = f.replay(p);
  REQUIRE(t.steps.size() == 1);
  REQUIRE(t.steps[0].locks_held.size() == 1);
  CHECK(t.steps[0].locks_held[0] == "lock_owner");
  REQUIRE(t.steps[0].changes.size() == 1);
  CHECK(t.steps[0].changes[0].after == "P0");
}

TEST_CASE("the numbered-step rendering shows each step and its changes", "[trace]") {
  Fixture f;
  std::string text = traces::render_steps(f.replay(lost_path()));
  CHECK(text.find("  1  P0  inc") != std::string::npos);
  CHECK(text.find("lost_update.pcm:") != std::string::npos);
  CHECK(text.find("counter 0\u21921") != std::string::npos);
}

TEST_CASE("the JSON trace has a schema version and round-trips", "[trace]") {
  Fixture f;
  traces::Trace t = f.replay(lost_path());
  nlohmann::json j = traces::to_json(t, {"lost_update", "lost_update.pcm", "B", false, {}, ""});
  CHECK(j["schema_version"] == traces::kTraceSchemaVersion);
  CHECK(j["property"]["name"] == "both_counted");
  REQUIRE(j["steps"].size() == 4);
  CHECK(j["steps"][2]["changes"][0]["field"] == "counter");
  CHECK(j["choice_path"] == nlohmann::json::parse("[[0,0],[1,0],[0,0],[1,0]]"));
  CHECK(nlohmann::json::parse(j.dump()) == j);
}

TEST_CASE("values print in the model's words", "[trace]") {
  Fixture f;
  model::Scalar th;
  th.kind = model::ScalarKind::Thread;
  CHECK(traces::format_value(f.program, th, 0) == "NO_THREAD");
  CHECK(traces::format_value(f.program, th, 2) == "P1");
}
