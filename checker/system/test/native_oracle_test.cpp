// The native engine's oracle (docs/native-engine.md, "Exactness"): the interpreter
// (model/exec.cpp) is the reference. For every example (examples/**/*.pcm except quarantine/;
// baseline, --debug-vm, and every -D variant its expect blocks name), the kernel library tests
// and seeded random models (random_models.hpp, plain and symmetric), the reachable states are
// explored (at most kCap per program) and, in every state and for every thread, the native
// step must give exactly the interpreter's successors (count, bytes, index, fatal, first_pc,
// main_pc, events), with and without footprint recording (Scratch::access: the read and write
// bitsets and the assertion flag), and every invariant / final / exists condition the same value
// and events. With the page-frame block check (ExecOptions::ref_blocks: the examples with
// `blocks(N)` pools, the random block models of block_models.hpp and the crossing models of
// frame_blocks_test.cpp), the step's Scratch::block_crossed and every condition's block_crossed
// must be the interpreter's too. The modules are compiled at -O0 here to keep the suite's compile time down (the
// whole-search tests in native_search_test.cpp use the default flags).
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "checker/reduce/program_symmetry.hpp"
#include "checker/testing/block_models.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/native_util.hpp"
#include "checker/testing/random_models.hpp"
#include "model/native.hpp"
#include "properties/judge.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;

namespace {

constexpr std::size_t kCap = 20000;

// Block crossings seen by the comparisons (both engines agreed on each).
struct Crossings {
  std::size_t steps = 0, conds = 0;
};

struct Rec {
  std::vector<std::uint8_t> state;
  std::uint16_t index;
  bool fatal;
  std::uint32_t first_pc, main_pc;
  std::vector<model::Event> events;
};

struct Collect final : model::Sink {
  std::size_t size = 0;
  std::vector<Rec> out;
  void on_successor(const model::Successor& s) override {
    out.push_back({std::vector<std::uint8_t>(s.state, s.state + size), s.index, s.fatal,
                   s.first_pc, s.main_pc, {s.events.begin(), s.events.end()}});
  }
};

bool same(const model::Event& a, const model::Event& b) {
  return a.kind == b.kind && a.error == b.error && a.thread == b.thread && a.site == b.site &&
         a.pc == b.pc && a.addr == b.addr && a.value == b.value;
}

std::string show(const model::Event& e) {
  return "{kind " + std::to_string(e.kind) + " error " + std::to_string(int(e.error)) +
         " thread " + std::to_string(e.thread) + " site " + std::to_string(e.site) + " pc " +
         std::to_string(e.pc) + " addr " + std::to_string(e.addr) + " value " +
         std::to_string(e.value) + "}";
}

bool same(const Rec& a, const Rec& b) {
  if (a.index != b.index || a.fatal != b.fatal || a.first_pc != b.first_pc ||
      a.main_pc != b.main_pc || a.state != b.state || a.events.size() != b.events.size())
    return false;
  for (std::size_t e = 0; e < a.events.size(); ++e)
    if (!same(a.events[e], b.events[e])) return false;
  return true;
}

std::string show(const Rec& r) {
  std::string s = "index " + std::to_string(r.index) + " fatal " + std::to_string(r.fatal) +
                  " first_pc " + std::to_string(r.first_pc) + " main_pc " +
                  std::to_string(r.main_pc) + " state";
  for (std::uint8_t b : r.state) s += " " + std::to_string(b);
  for (const model::Event& e : r.events) s += " " + show(e);
  return s;
}

// Compares one (state, thread) under both engines; returns the interpreter's successors. The
// comparison is plain code (millions of them), a mismatch fails with both sides printed.
std::vector<Rec> compare_step(const model::Executor& interp, const model::Executor& native,
                              const std::uint8_t* state, unsigned thread, bool with_access,
                              Crossings& crossings) {
  const model::Program& p = interp.program();
  model::Scratch si, sn;
  model::Access ai, an;
  if (with_access) {
    si.access = &ai;
    sn.access = &an;
  }
  Collect ci, cn;
  ci.size = cn.size = p.state_size;
  const unsigned ni = interp.step(state, thread, si, ci);
  const unsigned nn = native.step(state, thread, sn, cn);
  bool ok = ni == nn && ci.out.size() == cn.out.size() && si.block_crossed == sn.block_crossed;
  for (std::size_t k = 0; ok && k < ci.out.size(); ++k) ok = same(ci.out[k], cn.out[k]);
  if (si.block_crossed) ++crossings.steps;
  if (with_access)
    ok = ok && ai.reads == an.reads && ai.writes == an.writes && ai.assertion == an.assertion;
  if (!ok) {
    std::string why = "thread " + std::to_string(thread) + (with_access ? " with access" : "") +
                      ": interp " + std::to_string(ni) + " successors, native " +
                      std::to_string(nn) + ", block crossed: interp " +
                      std::to_string(si.block_crossed) + " native " +
                      std::to_string(sn.block_crossed);
    for (std::size_t k = 0; k < std::max(ci.out.size(), cn.out.size()); ++k)
      why += "\n  #" + std::to_string(k) + " interp " +
             (k < ci.out.size() ? show(ci.out[k]) : "-") + "\n     native " +
             (k < cn.out.size() ? show(cn.out[k]) : "-");
    if (with_access)
      why += std::string("\n  access equal: reads ") + (ai.reads == an.reads ? "yes" : "no") +
             " writes " + (ai.writes == an.writes ? "yes" : "no") + " assertion " +
             (ai.assertion == an.assertion ? "yes" : "no");
    FAIL(why);
  }
  return ci.out;
}

// Every condition, with and without a block_crossed flag (null: no check).
void compare_conds(const model::Executor& interp, const model::Executor& native,
                   const std::uint8_t* state, Crossings& crossings) {
  const model::Program& p = interp.program();
  for (const auto* list : {&p.invariants, &p.finals, &p.exists})
    for (const model::NamedCond& c : *list)
      for (bool flag : {false, true}) {
        std::vector<model::Event> ei, en;
        bool xi = false, xn = false;
        const bool vi = interp.eval_cond(c.cond, state, ei, flag ? &xi : nullptr),
                   vn = native.eval_cond(c.cond, state, en, flag ? &xn : nullptr);
        bool ok = vi == vn && ei.size() == en.size() && xi == xn;
        for (std::size_t e = 0; ok && e < ei.size(); ++e) ok = same(ei[e], en[e]);
        if (!ok)
          FAIL("condition " << c.name << ": interp " << vi << " native " << vn
                            << ", block crossed: interp " << xi << " native " << xn);
        if (xi) ++crossings.conds;
      }
}

// Explores the program's reachable states (BFS, at most kCap) comparing the engines in each.
// Returns the number of states compared; adds the block crossings seen to `*crossings`.
std::size_t compare_program(const model::Program& p, const model::ExecOptions& eo,
                            Crossings* crossings = nullptr) {
  Crossings seen_crossings;
  Crossings& cr = crossings != nullptr ? *crossings : seen_crossings;
  const model::Executor interp(p, eo);
  model::Executor native(p, eo);
  native.set_native(model::NativeModule::build(p, eo, checker::test::native_test_build(true)));
  std::vector<std::uint8_t> init(p.state_size);
  std::vector<model::Event> events;
  interp.initial_state(init.data(), events);
  REQUIRE(events.empty());
  std::set<std::vector<std::uint8_t>> seen{init};
  std::deque<std::vector<std::uint8_t>> queue{init};
  std::size_t compared = 0;
  while (!queue.empty() && compared < kCap) {
    const std::vector<std::uint8_t> s = std::move(queue.front());
    queue.pop_front();
    ++compared;
    compare_conds(interp, native, s.data(), cr);
    for (unsigned t = 0; t < p.threads.size(); ++t) {
      compare_step(interp, native, s.data(), t, true, cr);
      for (Rec& r : compare_step(interp, native, s.data(), t, false, cr))
        if (!r.fatal && seen.size() < kCap && seen.insert(r.state).second)
          queue.push_back(std::move(r.state));
    }
  }
  return compared;
}

// ExecOptions::ref_blocks from the program's `blocks(N)` pools (N > 1; 0 for the others);
// empty when it has none.
std::vector<std::uint32_t> pool_blocks(const model::Program& p) {
  std::vector<std::uint32_t> b;
  bool any = false;
  for (const model::Pool& pool : p.pools) {
    b.push_back(pool.block > 1 ? pool.block : 0);
    any = any || pool.block > 1;
  }
  if (!any) b.clear();
  return b;
}

std::vector<std::string> example_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(PCMC_SOURCE_DIR + "/examples"))
    if (e.path().extension() == ".pcm" &&
        e.path().string().find("/quarantine/") == std::string::npos &&
        e.path().string().find("/include/") == std::string::npos)  // bodies, not scenarios
      files.push_back(e.path().string());
  for (const std::string& f : checker::test::scenario_files())
    if (f.find("/model/kernel/") != std::string::npos) files.push_back(f);
  std::sort(files.begin(), files.end());
  return files;
}

// Baseline, --debug-vm, and the first two -D variants the expect blocks name: every switch
// would be ~270 modules to compile (about a second each at -O0); two show the -D path.
void compare_file(const std::string& file, const model::ConstantSets& sets) {
  model::SourceManager sm;
  const model::ast::Model ast = checker::test::parse_at(sm, file, sets);
  std::vector<properties::RunSpec> runs{{{}, false}, {{}, true}};
  std::size_t variants = 0;
  for (const properties::RunSpec& r : properties::runs_to_judge(ast.expects))
    if (!r.defines.empty() && !r.debug_vm && variants < 2) {
      runs.push_back(r);
      ++variants;
    }
  for (const properties::RunSpec& spec : runs) {
    INFO(file << checker::test::sets_label(sets) << " " << spec.label());
    model::CompileOptions co;
    co.defines = spec.defines;
    co.debug_vm = spec.debug_vm;
    const model::Program p = model::compile(ast, sm, co);
    model::ExecOptions eo;
    eo.debug_vm = spec.debug_vm;
    CHECK(compare_program(p, eo) > 0);
    eo.ref_blocks = pool_blocks(p);
    if (!eo.ref_blocks.empty()) {  // again with the block check (the symmetry search's)
      INFO("ref_blocks");
      CHECK(compare_program(p, eo) > 0);
    }
  }
}

// Every size a file is judged at (its `expect set` blocks, docs/language.md).
void compare_files(const std::vector<std::string>& files) {
  REQUIRE(!files.empty());
  for (const std::string& file : files)
    for (const model::ConstantSets& sets : checker::test::expected_sets(file))
      compare_file(file, sets);
}

std::vector<std::string> files_under(const std::string& part, bool inside) {
  std::vector<std::string> out;
  for (const std::string& f : example_files())
    if ((f.find(part) != std::string::npos) == inside) out.push_back(f);
  return out;
}

}  // namespace

// Four test cases (ctest runs them side by side). The time of these is the compiler's (the
// modules of the kernel scenarios are 1-4 MB of C++ each, most of a minute of CPU at -O0), so
// the routine one compiles what covers every construct of the library once: the basics, C-R1 and
// the v5.15 library's tests; the other three are the corpus's long tier
// (checker/testing/example_corpus.hpp), run with PCMC_LONG_TESTS=1. The sanitizer pass of
// .ci/run skips all four.
static bool native_routine(const std::string& f) {
  return f.find("/examples/basics/") != std::string::npos ||
         f.ends_with("/examples/seed/c-r1.pcm") ||
         f.find("/model/kernel/v5.15/test/") != std::string::npos;
}

TEST_CASE("native oracle: the basics, C-R1 and the v5.15 library's tests equal the interpreter",
          "[native][oracle]") {
  std::vector<std::string> files;
  for (const std::string& f : files_under("/examples/scaled/", false))
    if (native_routine(f)) files.push_back(f);
  REQUIRE(files.size() >= 15);
  compare_files(files);
}

TEST_CASE("native oracle: every example (the other seeds, the v6.12 library's tests) equals the "
          "interpreter (long tier)", "[native][oracle][long]") {
  std::vector<std::string> files;
  // examples/litmus/ is compared under tso and pso below (under sc they are plain loads and
  // stores, the code of every other example).
  for (const std::string& f : files_under("/examples/scaled/", false))
    if (!native_routine(f) && f.find("/examples/litmus/") == std::string::npos)
      files.push_back(f);
  compare_files(files);
}

TEST_CASE("native oracle: every example (scaled/generated) equals the interpreter (long tier)",
          "[native][oracle][long]") {
  compare_files(files_under("/examples/scaled/generated/", true));
}

TEST_CASE("native oracle: every example (scaled, not generated) equals the interpreter (long "
          "tier)", "[native][oracle][long]") {
  std::vector<std::string> files;
  for (const std::string& f : files_under("/examples/scaled/", true))
    if (f.find("/generated/") == std::string::npos) files.push_back(f);
  compare_files(files);
}

TEST_CASE("native oracle: random models equal the interpreter state by state",
          "[native][oracle]") {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = seed % 4 == 0 ? gen.symmetric_source(seed) : gen.source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    const model::Program p = checker::test::compile_text(text);
    model::ExecOptions eo;
    CHECK(compare_program(p, eo) > 0);
  }
}

TEST_CASE("native oracle: 64-bit arithmetic at its edges equals the interpreter",
          "[native][oracle]") {
  // Issue 14, A1, A2, A11: both engines compute model/arith.h's checked operations, so every
  // overflow, INT64_MIN / -1, INT64_MIN % -1 and bad shift count is the same model error (kind
  // and value) in both, and every defined result the same value. P0 chooses the operands' indices
  // into the edge values; A and B apply each operator (one step each) and store its sign.
  const char* edges[] = {"0", "1", "-1", "2", "63", "64", "-64", "4611686018427387904",
                         "9223372036854775807", "(-9223372036854775807 - 1)"};
  auto value = [&](const std::string& index) {
    std::string e = edges[9];
    for (int k = 8; k >= 0; --k)
      e = "(" + index + " == " + std::to_string(k) + " ? " + edges[k] + " : " + e + ")";
    return e;
  };
  const std::string x = value("i"), y = value("j");
  auto sign = [](const std::string& e) { return "(" + e + " > 0 ? 1 : " + e + " < 0 ? -1 : 0)"; };
  std::string text = "int[0..9] i;\nint[0..9] j;\nint[-1..1] r[8];\n"
                     "thread P0 { i = choose(0, 9); j = choose(0, 9); }\nthread A {\n";
  const char* ops[] = {"+", "-", "*", "/", "%", "<<", ">>"};
  for (int k = 0; k < 7; ++k) {
    if (k == 5) text += "}\nthread B {\n";
    text += "  r[" + std::to_string(k) + "] = " + sign("(" + x + " " + ops[k] + " " + y + ")") + ";\n";
  }
  text += "  r[7] = " + sign("(-" + x + ")") + ";\n}\n";
  INFO(text);
  const model::Program p = checker::test::compile_text(text);
  CHECK(compare_program(p, model::ExecOptions{}) > 0);
}

TEST_CASE("native oracle: a tiny local budget diverges identically", "[native][oracle]") {
  checker::test::RandomModel gen(7);
  const model::Program p = checker::test::compile_text(gen.source(7));
  model::ExecOptions eo;
  eo.local_budget = 3;
  CHECK(compare_program(p, eo) > 0);
}

TEST_CASE("native oracle: the page-frame block check equals the interpreter's",
          "[native][oracle][blocks]") {
  // thp_alloc (basics) and thp_alloc_3x4 (scaled, capped at kCap states) are also compared by
  // the example cases; here the per-program block sizes and the crossings are pinned.
  for (const char* file : {"/examples/basics/thp_alloc.pcm", "/examples/scaled/thp_alloc_3x4.pcm"}) {
    INFO(file);
    model::SourceManager sm;
    const model::ast::Model ast = checker::test::parse(sm, PCMC_SOURCE_DIR + std::string(file));
    const model::Program p = model::compile(ast, sm, model::CompileOptions{});
    model::ExecOptions eo;
    eo.ref_blocks = pool_blocks(p);
    REQUIRE(!eo.ref_blocks.empty());
    CHECK(eo.ref_blocks == checker::program_symmetry(p).ref_blocks);
    Crossings none;
    CHECK(compare_program(p, eo, &none) > 0);
    CHECK(none.steps == 0);  // the models respect their blocks
    CHECK(none.conds == 0);
  }
  // The random block models, a quarter of them with a statement that may cross a block.
  Crossings random;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    checker::test::BlockModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("block model seed " << seed << ":\n" << text);
    const model::Program p = checker::test::compile_text(text);
    model::ExecOptions eo;
    eo.ref_blocks = pool_blocks(p);
    REQUIRE(eo.ref_blocks == std::vector<std::uint32_t>{2});
    CHECK(compare_program(p, eo, &random) > 0);
  }
  CHECK(random.steps > 0);
  // The crossing models: steps (ref < ref, ref + int leaving the pool) and conditions (ref - ref,
  // ref + int leaving the pool) that do cross, and one that does not.
  struct Case {
    std::string step, cond;
    bool step_crosses, cond_crosses;
  };
  for (const Case& c :
       {Case{"if (head != NULL && p < head) g = 1;", "", true, false},
        Case{"if (p->next == NULL && g == 0) g = (p - 2)->used ? 2 : 3;", "", true, false},
        Case{"if (g == 0) g = (p - 6 == NULL) ? 1 : 2;", "", true, false},
        Case{"", "invariant inv: head == NULL || head - A0 != 5;\n", false, true},
        Case{"", "final fin: head != NULL || !(C0 + 0 - 4)->used;\n", false, true},
        Case{"", "exists (head != NULL && head > A1);\n", false, true},
        Case{"", "", false, false}}) {
    const std::string text = checker::test::crossing_model(c.step, c.cond);
    INFO(text);
    const model::Program p = checker::test::compile_text(text);
    model::ExecOptions eo;
    eo.ref_blocks = pool_blocks(p);
    Crossings seen;
    CHECK(compare_program(p, eo, &seen) > 0);
    CHECK((seen.steps > 0) == c.step_crosses);
    CHECK((seen.conds > 0) == c.cond_crosses);
    // Without the check neither engine reports a crossing (and the values are the same).
    Crossings unchecked;
    CHECK(compare_program(p, model::ExecOptions{}, &unchecked) > 0);
    CHECK(unchecked.steps == 0);
    CHECK(unchecked.conds == 0);
  }
}

// The dead-variable reduction (ExecOptions::dead_vars, model/liveness.hpp): the native engine's
// clears at each stop and at the end of a thread are the interpreter's, byte for byte.
TEST_CASE("native oracle: dead-variable reduction equals the interpreter's", "[native][oracle]") {
  model::ExecOptions eo;
  eo.dead_vars = true;
  for (const char* f : {"/examples/seed/c-r1.pcm", "/examples/seed/r5-fuse.pcm",
                        "/examples/basics/lost_update.pcm"}) {
    INFO(f);
    CHECK(compare_program(checker::test::compile_file(PCMC_SOURCE_DIR + std::string(f)), eo) > 0);
  }
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    checker::test::RandomModel gen(seed);
    const std::string text = gen.dead_source(seed);
    INFO("random model seed " << seed << ":\n" << text);
    CHECK(compare_program(checker::test::compile_text(text), eo) > 0);
  }
}

// Memory models (docs/memory-models.md): the store buffers, their flushes, barriers and the
// drain of atomic blocks, on the litmus tests (every switch) and seed/c-r1.pcm (collapse_file
// against do_dentry_open, the smp_mb() pair), under tso and pso. The flush successors are the host's
// (Executor::step) in both engines; the loads, stores and barriers are each engine's own.
TEST_CASE("native oracle: tso and pso steps equal the interpreter", "[native][oracle]") {
  std::vector<std::string> files = files_under("/examples/litmus/", true);
  files.push_back(PCMC_SOURCE_DIR + "/examples/seed/c-r1.pcm");
  for (const std::string& file : files) {
    model::SourceManager sm;
    const model::ast::Model ast = checker::test::parse(sm, file);
    std::vector<std::vector<std::string>> variants{{}};
    for (const auto& sw : ast.switches)
      if (file.find("/litmus/") != std::string::npos) variants.push_back({sw.name});
    for (const model::MemoryModel mm : {model::MemoryModel::Tso, model::MemoryModel::Pso})
      for (const auto& defines : variants) {
        INFO(file << " " << model::to_string(mm) << (defines.empty() ? "" : " -D " + defines[0]));
        model::CompileOptions co;
        co.defines = defines;
        co.memory_model = mm;
        const model::Program p = model::compile(ast, sm, co);
        REQUIRE(p.sb_entries > 0);
        CHECK(compare_program(p, model::ExecOptions{}) > 0);
      }
  }
}
