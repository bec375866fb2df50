// Reading traces back (traces/json_import.hpp): round trips and error messages.
#include <catch2/catch.hpp>

#include "traces/json_import.hpp"
#include "traces/render.hpp"
#include "traces/test/fixture.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using nlohmann::json;

namespace {

const traces::RunInfo kRun{"lost_update", "examples/basics/lost_update.pcm", "B", false, {},
                           "fnv1a64:0123456789abcdef"};

json lost_update_json() {
  traces::test::Scenario s("lost_update");
  return traces::to_json(traces::test::lost_update_trace(s), kRun);
}

}  // namespace

TEST_CASE("import: write, read, write gives the same JSON", "[json]") {
  traces::test::Scenario lu("lost_update"), ab("abba_deadlock"), ll("livelock"),
      locked("lost_update", {"LOCKED"});
  traces::ChoicePath one;
  one.steps = {{0, 0}};
  std::vector<traces::Trace> all = {
      traces::test::lost_update_trace(lu), traces::test::abba_trace(ab),
      traces::test::livelock_trace(ll),
      locked.trace({"both_counted", "final", "final", "", {}, "counter == 2"}, one)};
  for (const traces::Trace& t : all) {
    json j = traces::to_json(t, kRun);
    traces::SavedTrace back = traces::trace_from_json(j);
    CHECK(traces::to_json(back.trace, back.run) == j);
    CHECK(back.run.scenario_hash == kRun.scenario_hash);
    CHECK(back.trace.loop_start == t.loop_start);
    CHECK(back.trace.choice_path == t.choice_path);
  }
}

TEST_CASE("import: run objects, arrays of runs and single traces", "[json]") {
  json t = lost_update_json();
  json run = {{"schema_version", 1}, {"violations", json::array({t, t})}};
  CHECK(traces::traces_from_json(run).size() == 2);
  CHECK(traces::traces_from_json(json::array({run, run})).size() == 4);
  CHECK(traces::traces_from_json(t).size() == 1);
  json holds = {{"schema_version", 1}, {"violations", json::array()}};
  CHECK(traces::traces_from_json(holds).empty());
  CHECK_THROWS_AS(traces::traces_from_json(json::object()), traces::TraceFormatError);
}

TEST_CASE("import: a trace without switches takes them from the variant", "[json]") {
  json t = lost_update_json();
  t.erase("switches");
  t["variant"] = "F1+F3";
  CHECK(traces::trace_from_json(t).run.switches == std::vector<std::string>{"F1", "F3"});
}

TEST_CASE("import: errors name the JSON path of the bad member", "[json]") {
  auto error_of = [](const json& doc) -> std::string {
    try {
      traces::traces_from_json(doc);
    } catch (const traces::TraceFormatError& e) {
      return e.what();
    }
    return "no error";
  };
  json t = lost_update_json();
  json run = {{"violations", json::array({t})}};

  json bad = run;
  bad["violations"][0]["steps"][2].erase("line");
  CHECK(error_of(bad) == "violations[0].steps[2].line: missing");

  bad = run;
  bad["violations"][0]["steps"][1]["step"] = 7;
  CHECK(error_of(bad) == "violations[0].steps[1].step: expected 2 (steps are numbered from 1)");

  bad = run;
  bad["violations"][0]["choice_path"][3] = json::array({1});
  CHECK(error_of(bad) == "violations[0].choice_path[3]: expected [thread_id, choice]");

  bad = run;
  bad["violations"][0]["choice_path"].erase(0);
  CHECK(error_of(bad) == "violations[0].choice_path: has 3 entries for 4 steps");

  bad = run;
  bad["violations"][0]["schema_version"] = 3;
  CHECK(error_of(bad) == "violations[0].schema_version: this pcmc reads schema_version 1 to 2");
  bad["violations"][0]["schema_version"] = 0;
  CHECK(error_of(bad) == "violations[0].schema_version: this pcmc reads schema_version 1 to 2");

  // Schema 1 (before memory models) still reads, as sc; schema 2 names the memory model.
  json v1 = run;
  v1["violations"][0]["schema_version"] = 1;
  v1["violations"][0].erase("memory_model");
  CHECK(traces::traces_from_json(v1).front().run.memory_model == "sc");
  bad = run;
  bad["violations"][0]["memory_model"] = "arm64";
  CHECK(error_of(bad) == "violations[0].memory_model: expected sc, tso or pso");

  bad = run;
  bad["violations"][0]["property"]["name"] = 3;
  CHECK(error_of(bad) == "violations[0].property.name: expected a string");
}

TEST_CASE("import: an unreadable or non-JSON file", "[json]") {
  CHECK_THROWS_WITH(traces::read_trace_file("/nonexistent/t.json"),
                    "cannot read file '/nonexistent/t.json': No such file or directory");
  // A folder or a device is a read error, not an internal one (issue 14, A4).
  CHECK_THROWS_AS(traces::read_trace_file(PCMC_SOURCE_DIR + "/examples"), traces::TraceFormatError);
  CHECK_THROWS_WITH(traces::read_trace_file(PCMC_SOURCE_DIR + "/examples"),
                    Catch::Contains("Is a directory"));
  CHECK_THROWS_WITH(traces::read_trace_file("/dev/null"), Catch::Contains("not a regular file"));
  CHECK_THROWS_WITH(traces::read_trace_file(PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm"),
                    Catch::Contains("not JSON"));
}
