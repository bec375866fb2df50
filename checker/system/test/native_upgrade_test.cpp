// --engine auto (checker/system/native_upgrade.hpp, docs/native-engine.md "auto"): the executor may
// switch from the interpreter to the native module in the middle of a search — sequential, or
// with -j 2 while the other worker steps — without changing any state, count, verdict or
// counterexample; the background build switches after its delay, reports a failed build, and
// is cancelled (the compiler killed) when the search ends first.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "checker/system/native_upgrade.hpp"
#include "checker/system/program_system.hpp"
#include "checker/search/search.hpp"
#include "checker/session/session.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/native_util.hpp"
#include "model/codegen.hpp"
#include "properties/table.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
namespace fs = std::filesystem;

namespace {

std::string example(const char* rel) { return std::string(PCMC_SOURCE_DIR + "/examples/") + rel; }

model::Program compile_example(const char* rel, bool debug_vm = false) {
  model::SourceManager sm;
  const model::ast::Model ast = checker::test::parse(sm, example(rel));
  model::CompileOptions co;
  co.debug_vm = debug_vm;
  return model::compile(ast, sm, co);
}

// A ProgramSystem that switches its executor to `module` at the `at`-th successor generation
// (0: never)
// (counted over all threads of the search: with -j 2 the switch happens on whichever worker
// makes that call, while the other may be stepping).
class SwitchingSystem final : public checker::TransitionSystem {
 public:
  SwitchingSystem(model::Executor& exec, const properties::PropertyTable& table,
                  std::shared_ptr<const model::NativeModule> module, std::uint64_t at)
      : exec_(exec), inner_(exec, table), module_(std::move(module)), at_(at) {}

  std::size_t state_size() const override { return inner_.state_size(); }
  unsigned thread_count() const override { return inner_.thread_count(); }
  const std::vector<properties::Property>& properties() const override {
    return inner_.properties();
  }
  checker::PropertyId deadlock_property() const override { return inner_.deadlock_property(); }
  checker::PropertyId nontermination_property() const override {
    return inner_.nontermination_property();
  }
  std::vector<std::uint32_t> state_parts() const override { return inner_.state_parts(); }
  std::unique_ptr<checker::Context> make_context() const override {
    return inner_.make_context();
  }
  void initial_state(std::uint8_t* out) const override { inner_.initial_state(out); }
  bool finished(const std::uint8_t* s, unsigned t) const override { return inner_.finished(s, t); }
  unsigned successors(const std::uint8_t* s, unsigned t, checker::Context& ctx,
                      checker::TransitionSink& sink) const override {
    tick();
    return inner_.successors(s, t, ctx, sink);
  }
  void check_state(const std::uint8_t* s, checker::Context& ctx,
                   std::vector<checker::Report>& out) const override {
    inner_.check_state(s, ctx, out);
  }
  checker::ExistsMask check_end(const std::uint8_t* s, checker::Context& ctx,
                 std::vector<checker::Report>& out) const override {
    return inner_.check_end(s, ctx, out);
  }
  bool has_exists() const override { return inner_.has_exists(); }
  bool supports_por() const override { return inner_.supports_por(); }
  unsigned successors_with_footprint(const std::uint8_t* s, unsigned t, checker::Context& ctx,
                                     checker::TransitionSink& sink,
                                     checker::Footprint& fp) const override {
    tick();
    return inner_.successors_with_footprint(s, t, ctx, sink, fp);
  }
  bool may_interfere(const std::uint8_t* s, unsigned t,
                     const checker::Footprint& fp) const override {
    return inner_.may_interfere(s, t, fp);
  }
  bool cut_future(const std::uint8_t* s, unsigned t, std::uint64_t among,
                  CutFuture& out) const override {
    return inner_.cut_future(s, t, among, out);
  }
  std::uint64_t barrier_holders(const std::uint8_t* s) const override {
    return inner_.barrier_holders(s);
  }

  std::uint64_t calls() const { return calls_.load(); }

 private:
  void tick() const {
    if (calls_.fetch_add(1) + 1 == at_) exec_.set_native(module_);
  }

  model::Executor& exec_;
  checker::ProgramSystem inner_;
  std::shared_ptr<const model::NativeModule> module_;
  std::uint64_t at_;
  mutable std::atomic<std::uint64_t> calls_{0};
};

struct Outcome {
  checker::Status status;
  std::uint64_t states, transitions, end_states, exists_hits;
  std::vector<std::vector<std::pair<int, int>>> paths;
  bool operator==(const Outcome&) const = default;
};

// summary() without the property names (these searches have no VariantRun), plus the paths.
Outcome outcome(const checker::Result& r) {
  return {r.status,         r.stats.states,      r.stats.transitions,
          r.stats.end_states, r.stats.exists_hits, checker::test::step_paths(r)};
}

}  // namespace

TEST_CASE("native upgrade: switching engines mid-search changes no result", "[native][auto]") {
  struct Case {
    const char* file;
    bool debug_vm;
  };
  for (const Case c : {Case{"seed/c-r2.pcm", true}, Case{"seed/c-r2.pcm", false},
                       Case{"seed/c-stress.pcm", false}, Case{"basics/livelock.pcm", false}}) {
    const model::Program p = compile_example(c.file, c.debug_vm);
    const properties::PropertyTable table = properties::build_property_table(p);
    model::ExecOptions eo;
    eo.debug_vm = c.debug_vm;
    const auto module =
        model::NativeModule::build(p, eo, checker::test::native_test_build(true));
    for (const bool liveness : {false, true})
      for (const unsigned workers : {1u, 2u}) {
        if (liveness && workers > 1) continue;
        INFO(c.file << (c.debug_vm ? " --debug-vm" : "") << " liveness " << liveness
                    << " workers " << workers);
        checker::SearchOptions o;
        o.all = true;
        o.liveness = liveness;
        o.workers = workers;
        model::Executor plain(p, eo);
        const SwitchingSystem interp(plain, table, module, 0);  // never switches: counts calls
        const Outcome want = outcome(checker::search(interp, o));
        const std::uint64_t n = interp.calls();
        REQUIRE(n > 6);
        for (const std::uint64_t at : {std::uint64_t{1}, n / 3, 2 * n / 3}) {
          INFO("switch at successor call " << at);
          model::Executor exec(p, eo);
          const SwitchingSystem sys(exec, table, module, at);
          const Outcome got = outcome(checker::search(sys, o));
          CHECK(got == want);
          REQUIRE(exec.native() == module.get());  // the switch happened, inside the search
        }
      }
  }
}

TEST_CASE("native upgrade: the background build switches the executor", "[native][auto]") {
  const model::Program p = compile_example("seed/c-r2.pcm");
  model::ExecOptions eo;
  model::NativeModule::build(p, eo, checker::test::native_test_build(false));  // cached now
  model::Executor exec(p, eo);
  std::atomic<int> reports{0};
  checker::NativeUpgrade up(p, exec, checker::test::native_test_build(false), 0.0,
                            [&](const checker::NativeUpgrade::Outcome&) { ++reports; });
  up.wait();
  const checker::NativeUpgrade::Outcome o = up.finish();
  CHECK(o.switched);
  CHECK(o.cached);
  CHECK(o.error.empty());
  CHECK(o.after_seconds >= 0);
  CHECK(reports == 1);
  CHECK(exec.native() != nullptr);
}

TEST_CASE("native upgrade: a failed build leaves the interpreter and says why", "[native][auto]") {
  const model::Program p = compile_example("basics/lost_update.pcm");
  model::Executor exec(p, model::ExecOptions{});
  model::NativeBuildOptions bo = checker::test::native_test_build(true);
  bo.cache_dir = (fs::temp_directory_path() / "pcmc-upgrade-fail").string();
  fs::remove_all(bo.cache_dir);
  bo.compiler = "false";
  std::string said;
  checker::NativeUpgrade up(p, exec, bo, 0.0, [&](const checker::NativeUpgrade::Outcome& o) {
    said = o.error;
  });
  up.wait();
  const checker::NativeUpgrade::Outcome o = up.finish();
  CHECK_FALSE(o.switched);
  CHECK(o.error.find("failed") != std::string::npos);
  CHECK(said == o.error);
  CHECK(exec.native() == nullptr);
  fs::remove_all(bo.cache_dir);
}

TEST_CASE("native upgrade: finish() before the delay builds nothing", "[native][auto]") {
  const model::Program p = compile_example("basics/lost_update.pcm");
  model::Executor exec(p, model::ExecOptions{});
  model::NativeBuildOptions bo;
  bo.cache_dir = (fs::temp_directory_path() / "pcmc-upgrade-early").string();
  fs::remove_all(bo.cache_dir);
  checker::NativeUpgrade up(p, exec, bo, 3600.0, {});
  const checker::NativeUpgrade::Outcome o = up.finish();  // returns at once, not in an hour
  CHECK_FALSE(o.switched);
  CHECK(o.error.empty());
  CHECK_FALSE(fs::exists(bo.cache_dir));
  CHECK(exec.native() == nullptr);
}

TEST_CASE("native upgrade: finish() during the compile kills the compiler", "[native][auto]") {
  const model::Program p = compile_example("basics/lost_update.pcm");
  model::Executor exec(p, model::ExecOptions{});
  const fs::path dir = fs::temp_directory_path() / "pcmc-upgrade-cancel";
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A "compiler" that records its pid and sleeps (exec: the pid is the sleeping process).
  const fs::path script = dir / "slow-cxx", marker = dir / "pid";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\necho $$ > " << marker.string() << ".tmp\nmv " << marker.string()
      << ".tmp " << marker.string() << "\nexec sleep 600\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  model::NativeBuildOptions bo;
  bo.cache_dir = (dir / "cache").string();
  bo.compiler = script.string();
  checker::NativeUpgrade up(p, exec, bo, 0.0, {});
  for (int i = 0; i < 3000 && !fs::exists(marker); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(fs::exists(marker));
  int pid = 0;
  std::ifstream(marker) >> pid;
  REQUIRE(pid > 0);
  const checker::NativeUpgrade::Outcome o = up.finish();
  CHECK_FALSE(o.switched);
  CHECK(o.error.empty());  // cancelled, not failed
  CHECK(kill(pid, 0) != 0);  // killed and reaped
  CHECK(exec.native() == nullptr);
  // Nothing half-built is left in the cache.
  for (const auto& e : fs::directory_iterator(bo.cache_dir)) FAIL("left behind: " << e.path());
  fs::remove_all(dir);
}

TEST_CASE("native upgrade: --engine auto gives the interpreter's results", "[native][auto]") {
  checker::SearchOptions o = checker::test::safety_options(true, 200000);
  model::SourceManager sm;
  const model::ast::Model ast = checker::test::parse(sm, example("seed/c-stress.pcm"));
  const checker::VariantRun a = checker::run_variant(ast, sm, {}, true, o);
  o.engine = checker::Engine::Auto;
  o.native_delay = 0;
  o.native_cache = PCMC_NATIVE_CACHE;
  const checker::VariantRun b = checker::run_variant(ast, sm, {}, true, o);
  CHECK(outcome(a.result) == outcome(b.result));
  CHECK(a.result.stats.engine == checker::Engine::Interp);
  // Which engine finished depends on how long the build took: either is right.
  if (b.result.stats.engine == checker::Engine::Native) CHECK(b.exec->native() != nullptr);
}
