// The native engine in whole searches (docs/native-engine.md): with `--engine native` a search
// gives what the interpreter gives — verdict, violated properties, state / transition / end-state
// / exists counts, every counterexample step by step — sequential and with -j 2, with the
// non-termination pass and with the reductions; a thrown exception from a sink passes through
// the generated frames; the module cache is reused; the generated code compiles warning-free
// with -Wall -Wextra -Werror. Modules use the default flags here (the state-by-state oracle,
// native_oracle_test.cpp, compiles at -O0).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "checker/session/session.hpp"
#include "checker/testing/block_models.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/native_util.hpp"
#include "checker/testing/random_models.hpp"
#include "model/codegen.hpp"
#include "model/native.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

using checker::test::step_paths;
using checker::test::summary;
using checker::test::Summary;

void same_search(const std::string& file, const std::vector<std::string>& defines, bool debug_vm,
                 checker::SearchOptions o) {
  INFO(file << (debug_vm ? " --debug-vm" : "") << " workers " << o.workers << " liveness "
            << o.liveness << " por " << o.por);
  model::SourceManager sm;
  const model::ast::Model ast = checker::test::parse(sm, file);
  const checker::VariantRun a = checker::run_variant(ast, sm, defines, debug_vm, o);
  o.engine = checker::Engine::Native;
  o.native_cache = PCMC_NATIVE_CACHE;
  const checker::VariantRun b = checker::run_variant(ast, sm, defines, debug_vm, o);
  CHECK(a.result.stats.engine == checker::Engine::Interp);
  REQUIRE(b.result.stats.engine == checker::Engine::Native);
  REQUIRE(b.exec->native() != nullptr);
  const Summary x = summary(a), y = summary(b);
  CHECK(x.status == y.status);
  CHECK(x.states == y.states);
  CHECK(x.transitions == y.transitions);
  CHECK(x.end_states == y.end_states);
  CHECK(x.exists_hits == y.exists_hits);
  CHECK(x.violated == y.violated);
  CHECK(step_paths(a.result) == step_paths(b.result));
}

std::string example(const char* rel) { return std::string(PCMC_SOURCE_DIR + "/examples/") + rel; }

}  // namespace

TEST_CASE("native search: the same results as the interpreter", "[native]") {
  checker::SearchOptions o;
  o.all = true;
  o.max_states = 200000;
  for (const char* f : {"basics/lost_update.pcm", "basics/use_after_free.pcm",
                        "basics/livelock.pcm", "basics/guarded_index.pcm", "seed/c-r2.pcm"}) {
    same_search(example(f), {}, false, o);
    same_search(example(f), {}, true, o);
  }
  o.liveness = false;
  o.por = true;
  o.sleep = true;
  same_search(example("seed/c-r2.pcm"), {}, false, o);
  o.por = o.sleep = false;
  o.workers = 2;
  same_search(example("seed/c-r2.pcm"), {}, false, o);
  same_search(example("scaled/generated/thp-open3.pcm"), {}, false, o);
  same_search(example("basics/use_after_free.pcm"), {}, false, o);
  // Ample sets and transactions: the transactions sit above the executor, so both engines merge
  // the same steps (docs/transactions.md). (With dead variables the search's executor is not
  // run.exec, which same_search inspects.)
  o.workers = 1;
  o.liveness = true;
  o.por = o.transactions = true;
  same_search(example("seed/c-r2.pcm"), {}, false, o);
  same_search(example("basics/guarded_index.pcm"), {}, true, o);
}

namespace {
struct Throwing final : model::Sink {
  void on_successor(const model::Successor&) override { throw std::runtime_error("from sink"); }
};
}  // namespace

TEST_CASE("native engine: exceptions pass through and the cache is reused and the code is -Wall clean",
          "[native]") {
  checker::test::RandomModel gen(3);
  const model::Program p = checker::test::compile_text(gen.source(3));
  const model::ExecOptions eo;
  model::NativeBuildOptions strict = checker::test::native_test_build(false);
  strict.extra_flags = {"-Wall", "-Wextra", "-Werror"};
  const auto m = model::NativeModule::build(p, eo, strict);  // throws on any warning
  const auto again = model::NativeModule::build(p, eo, strict);
  CHECK(again->cached());
  CHECK(again->compile_seconds() == 0);
  CHECK(again->library_path() == m->library_path());

  model::Executor ex(p, eo);
  ex.set_native(m);
  std::vector<std::uint8_t> init(p.state_size);
  std::vector<model::Event> events;
  ex.initial_state(init.data(), events);
  model::Scratch scratch;
  Throwing sink;
  CHECK_THROWS_WITH(ex.step(init.data(), 0, scratch, sink), "from sink");
}

TEST_CASE("native engine: a compiler failure is a NativeError naming its output", "[native]") {
  checker::test::RandomModel gen(5);
  const model::Program p = checker::test::compile_text(gen.source(5));
  model::NativeBuildOptions bad = checker::test::native_test_build(false);
  bad.extra_flags = {"-fno-such-flag-pcmc"};
  try {
    (void)model::NativeModule::build(p, model::ExecOptions{}, bad);
    FAIL("no error");
  } catch (const model::NativeError& e) {
    CHECK(std::string(e.what()).find("failed") != std::string::npos);
    REQUIRE(!e.stderr_path().empty());
    CHECK(std::filesystem::exists(e.stderr_path()));
    std::filesystem::remove(e.stderr_path());
  }
}

TEST_CASE("native engine: identical threads share one step function", "[native]") {
  const std::string text =
      "scenario s \"three identical threads\";\nint[0..3] g;\nthread_t l;\n"
      "void body() { atomic { await(l == NO_THREAD); l = current; } g = g + 1; "
      "l = NO_THREAD; }\n"
      "thread A { body(); }\nthread B { body(); }\nthread C { body(); }\n"
      "thread D { g = 0; }\n";
  const model::Program p = checker::test::compile_text(text);
  REQUIRE(p.threads.size() == 4);
  const std::string src = model::generate_native_source(p, model::ExecOptions{});
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = src.find(what); at != std::string::npos; at = src.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("\nvoid run_") == 2);  // A, B, C share run_0; D has run_1
  CHECK(count("run_0<true>(c, kThread") == 3);
  CHECK(count("run_1<true>(c, kThread") == 1);
}

TEST_CASE("native engine: the page-frame block check is baked into the module", "[native]") {
  const model::Program p = checker::test::compile_text(checker::test::crossing_model(
      "if (head != NULL && p < head) g = 1;", "invariant inv: head == NULL || head - A0 != 5;\n"));
  model::ExecOptions eo;
  std::string why = "x";
  CHECK(model::native_supports(eo, &why));
  eo.ref_blocks = {2};
  CHECK(model::native_supports(eo, &why));
  CHECK(why.empty());
  const std::string plain = model::generate_native_source(p, model::ExecOptions{});
  const std::string two = model::generate_native_source(p, eo);
  eo.ref_blocks = {3};
  const std::string three = model::generate_native_source(p, eo);
  // No ref_blocks: no check in the code; two block sizes: two modules (two cache keys).
  CHECK(plain.find("crossed = 1") == std::string::npos);
  CHECK(two.find("*c.crossed = 1;") != std::string::npos);           // the step
  CHECK(two.find("*block_crossed = 1;") != std::string::npos);       // the invariant
  CHECK(two != three);
  CHECK(two != plain);
  eo.ref_blocks = {2};
  model::NativeBuildOptions strict = checker::test::native_test_build(false);
  strict.extra_flags = {"-Wall", "-Wextra", "-Werror"};
  const auto m2 = model::NativeModule::build(p, eo, strict);  // throws on any warning
  eo.ref_blocks = {3};
  const auto m3 = model::NativeModule::build(p, eo, strict);
  CHECK(m2->library_path() != m3->library_path());
  // A module only runs under the options it was generated for: attaching the block-checking
  // module to a plain executor (or a plain module to a checking one) is refused.
  model::Executor plain_exec(p, model::ExecOptions{});
  CHECK_THROWS_AS(plain_exec.set_native(m2), std::logic_error);
  model::Executor checking(p, eo);
  CHECK_THROWS_AS(checking.set_native(model::NativeModule::build(p, model::ExecOptions{}, strict)),
                  std::logic_error);
  checking.set_native(m3);
  CHECK(checking.native() == m3.get());
}

TEST_CASE("native search: symmetry with page-frame blocks runs native", "[native][blocks]") {
  checker::SearchOptions o;
  o.all = true;
  o.liveness = false;
  o.symmetry = true;
  o.max_states = 400000;
  struct Case {
    std::string what, text;  // text empty: thp_alloc.pcm
    bool falls_back;
  };
  for (const Case& c :
       {Case{"thp_alloc", "", false},
        Case{"a crossing step", checker::test::crossing_model("if (head != NULL && p < head) g = 1;", ""),
             true},
        Case{"a crossing invariant",
             checker::test::crossing_model("", "invariant inv: head == NULL || head - A0 != 5;\n"),
             true}}) {
    for (unsigned workers : {1u, 2u}) {
      INFO(c.what << " workers " << workers);
      model::SourceManager sm;
      const model::ast::Model ast =
          c.text.empty() ? checker::test::parse(sm, example("basics/thp_alloc.pcm"))
                         : model::parse_text(sm, "c.pcm", c.text, model::ParseOptions{});
      checker::SearchOptions io = o;
      io.workers = workers;
      const checker::VariantRun a = checker::run_variant(ast, sm, {}, false, io);
      checker::SearchOptions no = io;
      no.engine = checker::Engine::Native;
      no.native_cache = PCMC_NATIVE_CACHE;
      unsigned modules = 0;
      no.on_native = [&](double, bool) { ++modules; };
      const checker::VariantRun b = checker::run_variant(ast, sm, {}, false, no);
      CHECK(a.result.stats.engine == checker::Engine::Interp);
      CHECK(b.result.stats.engine == checker::Engine::Native);
      // The block-checking module, and the plain one only when the search falls back to it.
      CHECK(modules == (c.falls_back ? 2u : 1u));
      CHECK(a.result.stats.symmetry_fallback == b.result.stats.symmetry_fallback);
      CHECK((b.result.stats.symmetry_fallback != "") == c.falls_back);
      CHECK(a.result.stats.symmetry_classes == b.result.stats.symmetry_classes);
      const Summary x = summary(a), y = summary(b);
      CHECK(x.status == y.status);
      CHECK(x.states == y.states);
      CHECK(x.end_states == y.end_states);
      CHECK(x.exists_hits == y.exists_hits);
      CHECK(x.violated == y.violated);
      if (workers == 1) {
        CHECK(x.transitions == y.transitions);
        CHECK(step_paths(a.result) == step_paths(b.result));
      }
    }
  }
}
