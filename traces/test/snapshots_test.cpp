// The state per step of a trace (traces/snapshots.hpp), which the HTML viewer shows, on the
// lost update and on a pool of pages.
#include <catch2/catch.hpp>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "traces/html.hpp"
#include "traces/snapshots.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

std::string field(const traces::Snapshot& s, const std::string& group, const std::string& name) {
  for (const auto& g : s.groups)
    if (g.name == group)
      for (const auto& [f, v] : g.fields)
        if (f == name) return v;
  return "<absent>";
}

}  // namespace

TEST_CASE("snapshots: the state before the first step and after each step", "[snapshots]") {
  model::SourceManager sm;
  model::Program program =
      model::load_program(sm, PCMC_SOURCE_DIR + "/examples/basics/lost_update.pcm", {}, {});
  model::Executor exec(program, model::ExecOptions{});
  traces::TraceContext ctx{program, exec, sm};
  traces::ChoicePath path;
  path.steps = {{0, 0}, {1, 0}, {0, 0}, {1, 0}};  // load, load, store, store
  traces::PropertyRef prop{"both_counted", "final", "final", "", {}, "counter == 2"};
  traces::Trace t = traces::build_trace(ctx, prop, path);

  auto snaps = traces::trace_snapshots(ctx, t);
  REQUIRE(snaps.size() == 5);
  const char* counter[] = {"0", "0", "0", "1", "1"};
  for (std::size_t i = 0; i < snaps.size(); ++i) {
    INFO("snapshot " << i);
    CHECK(field(snaps[i], "", "counter") == counter[i]);
    CHECK(field(snaps[i], "", "lock_owner") == "NO_THREAD");
  }
  REQUIRE(snaps[3].threads.size() == 2);
  CHECK(snaps[0].threads[0].at == "inc:20");
  CHECK(snaps[3].threads[0].at == "done");
  CHECK(snaps[3].threads[1].at == "inc:25");

  nlohmann::json data = traces::viewer_data(ctx, {t}, traces::RunInfo{}, "violated", "");
  CHECK(data["traces"][0]["states"].size() == 5);
  const std::string page = traces::render_html(data);
  CHECK(page.find("/*PCMC-DATA*/") == std::string::npos);
  CHECK(page.find("\"counter\"") != std::string::npos);
}

TEST_CASE("snapshots: pool elements are groups named like the kernel's pages", "[snapshots]") {
  model::SourceManager sm;
  model::Program program =
      model::load_program(sm, PCMC_SOURCE_DIR + "/examples/basics/use_after_free.pcm", {}, {});
  model::Executor exec(program, model::ExecOptions{});
  traces::TraceContext ctx{program, exec, sm};
  std::vector<std::uint8_t> s(program.state_size);
  std::vector<model::Event> events;
  exec.initial_state(s.data(), events);
  traces::Snapshot snap = traces::snapshot(ctx, s.data());
  bool found = false;
  for (const auto& g : snap.groups)
    if (g.name == "pg") {
      found = true;
      CHECK(g.kind == "struct page");
      CHECK_FALSE(g.fields.empty());
    }
  CHECK(found);
}

TEST_CASE("render_html: no data string can close the script element", "[snapshots]") {
  nlohmann::json data = {{"x", "</script><script>alert(1)</script>"}};
  const std::string page = traces::render_html(data);
  CHECK(page.find("alert(1)</script>") == std::string::npos);
  CHECK(page.find("\\u003c/script>") != std::string::npos);
}
