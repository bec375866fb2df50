// Every counterexample the checker finds on the basics scenarios, in every variant and mode
// their expect blocks name: its JSON reads back to the same JSON (write → read → write), and
// replaying it on the variant it was found on reproduces its property (traces/replay.hpp).
#include <catch2/catch.hpp>

#include <filesystem>

#include "checker/session/session.hpp"
#include "model/parser.hpp"
#include "properties/judge.hpp"
#include "traces/json_import.hpp"
#include "traces/render.hpp"
#include "traces/replay.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

TEST_CASE("every basics trace round-trips through JSON and replays", "[traces][replay]") {
  std::size_t traces_seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(PCMC_SOURCE_DIR + "/examples/basics")) {
    if (entry.path().extension() != ".pcm") continue;
    model::SourceManager sm;
    model::ast::Model ast = model::parse_file(sm, entry.path().string(), {});
    for (const auto& spec : properties::runs_to_judge(ast.expects)) {
      checker::SearchOptions opts;
      opts.all = true;
      checker::VariantRun run = checker::run_variant(ast, sm, spec.defines, spec.debug_vm, opts);
      std::string variant;
      for (const auto& d : spec.defines) variant += (variant.empty() ? "" : "+") + d;
      traces::RunInfo info{run.program.scenario, entry.path().string(),
                           variant.empty() ? "B" : variant, spec.debug_vm, spec.defines,
                           run.scenario_hash};
      for (const traces::Trace& t : run.traces) {
        INFO(entry.path().filename().string() << " " << spec.label() << ": " << t.property);
        ++traces_seen;
        nlohmann::json j = traces::to_json(t, info);
        traces::SavedTrace back = traces::trace_from_json(nlohmann::json::parse(j.dump()));
        CHECK(traces::to_json(back.trace, back.run).dump() == j.dump());
        traces::ReplayResult r = traces::replay(run.trace_context(sm), back.trace);
        CHECK(r.reason == "reproduced: " + t.property);
        CHECK(r.notes.empty());
      }
    }
  }
  CHECK(traces_seen >= 6);  // lost_update, abba_deadlock, livelock, use_after_free, ...
}
