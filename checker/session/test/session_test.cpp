// The whole pipeline (parse → compile → search → traces) on the basics examples: verdicts do not
// depend on the successor order (shuffled, seed printed) or on BFS vs DFS, counterexamples
// replay, and BFS counterexamples are no longer than DFS ones.
#include <catch2/catch.hpp>

#include <set>

#include "checker/session/session.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

struct Loaded {
  model::SourceManager sm;
  model::ast::Model ast;
  explicit Loaded(const std::string& name) {
    model::ParseOptions po;
    po.include_path.push_back(PCMC_SOURCE_DIR + "/model/kernel");
    ast = model::parse_file(sm, PCMC_SOURCE_DIR + "/examples/basics/" + name, po);
  }
};

std::set<std::string> violated(const checker::VariantRun& r) {
  std::set<std::string> s;
  for (const auto& c : r.result.violations) s.insert(r.table.props.at(c.property).name);
  return s;
}

checker::SearchOptions all_opts() {
  checker::SearchOptions o;
  o.all = true;
  return o;
}

const char* kExamples[] = {"lost_update.pcm",   "abba_deadlock.pcm", "livelock.pcm",
                           "guarded_index.pcm", "debug_only.pcm",    "use_after_free.pcm"};

}  // namespace

TEST_CASE("shuffled successor order and DFS change neither counts nor verdicts", "[session]") {
  for (const char* name : kExamples) {
    Loaded l(name);
    for (bool dbg : {false, true}) {
      auto base = checker::run_variant(l.ast, l.sm, {}, dbg, all_opts());
      for (std::uint64_t seed : {1u, 7u, 12345u}) {
        INFO(name << " debug_vm=" << dbg << " shuffle seed " << seed);
        auto o = all_opts();
        o.shuffle_seed = seed;
        auto r = checker::run_variant(l.ast, l.sm, {}, dbg, o);
        CHECK(r.result.stats.states == base.result.stats.states);
        CHECK(r.result.stats.transitions == base.result.stats.transitions);
        CHECK(r.result.stats.end_states == base.result.stats.end_states);
        CHECK(violated(r) == violated(base));
      }
      auto o = all_opts();
      o.order = checker::Order::DFS;
      auto d = checker::run_variant(l.ast, l.sm, {}, dbg, o);
      INFO(name << " DFS debug_vm=" << dbg);
      CHECK(d.result.stats.states == base.result.stats.states);
      CHECK(violated(d) == violated(base));
    }
  }
}

TEST_CASE("every counterexample of the basics replays into a trace ending at its property",
          "[session]") {
  for (const char* name : kExamples) {
    Loaded l(name);
    auto r = checker::run_variant(l.ast, l.sm, {}, true, all_opts());
    REQUIRE(r.traces.size() == r.result.violations.size());
    for (std::size_t i = 0; i < r.traces.size(); ++i) {
      INFO(name << ": " << r.traces[i].property);
      CHECK(r.traces[i].steps.size() == r.result.violations[i].steps.size());
      CHECK(r.traces[i].property == r.table.props.at(r.result.violations[i].property).name);
    }
  }
}

TEST_CASE("the lost update needs exactly four steps (shortest counterexample)", "[session]") {
  Loaded l("lost_update.pcm");
  auto r = checker::run_variant(l.ast, l.sm, {}, false, checker::SearchOptions{});
  REQUIRE(r.result.status == checker::Status::Violated);
  REQUIRE(r.traces.size() == 1);
  CHECK(r.traces[0].property == "both_counted");
  CHECK(r.traces[0].steps.size() == 4);
}

TEST_CASE("the fix variants hold", "[session]") {
  struct Case {
    const char* file;
    const char* fix;
  } cases[] = {{"lost_update.pcm", "LOCKED"},      {"abba_deadlock.pcm", "ORDERED"},
               {"livelock.pcm", "SPLIT_TAILS"},    {"guarded_index.pcm", "CHECK_LOCKED"},
               {"use_after_free.pcm", "SPECULATIVE_GET"}};
  for (const auto& c : cases) {
    Loaded l(c.file);
    for (bool dbg : {false, true}) {
      INFO(c.file << " -D " << c.fix << " debug_vm=" << dbg);
      auto r = checker::run_variant(l.ast, l.sm, {c.fix}, dbg, all_opts());
      CHECK(r.result.status == checker::Status::Holds);
      CHECK(violated(r).empty());
    }
  }
}

TEST_CASE("the debug-only assertion fires only with --debug-vm", "[session]") {
  Loaded l("debug_only.pcm");
  auto nodebug = checker::run_variant(l.ast, l.sm, {}, false, all_opts());
  auto debug = checker::run_variant(l.ast, l.sm, {}, true, all_opts());
  CHECK(violated(nodebug).empty());
  CHECK(violated(debug) == std::set<std::string>{"nr_check"});
}

TEST_CASE("the guarded read is reported even where the assertion passes", "[session]") {
  Loaded l("guarded_index.pcm");
  auto r = checker::run_variant(l.ast, l.sm, {}, true, all_opts());
  CHECK(violated(r) == std::set<std::string>{"A1", "A1.discipline"});
  // The discipline counterexample is shorter than the firing one: the very first read is enough.
  std::size_t disc = 0, fire = 0;
  for (const auto& t : r.traces) (t.property == "A1" ? fire : disc) = t.steps.size();
  CHECK(disc < fire);
}
