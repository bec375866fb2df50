// Page-frame blocks (docs/frame-blocks.md): a pool declared
// `blocks(B)` with reference arithmetic or order is permuted by whole blocks of B elements, with
// a run-time check (model::ExecOptions::ref_blocks) that no RefAdd, RefDiff or ordered
// comparison crosses a block, and a fallback to the search without blocks when one does.
// Tested here: the executor's check, the block action on hand-made states, the pinned counts and
// the brute-force orbit count of examples/basics/thp_alloc.pcm, the oracle (symmetry off) on
// it, orbit invariance of the canonical form under every block permutation, and the fallback
// on models that cross a block in a step or in a condition (verdicts and state counts of the
// search without blocks), also when the declared block size is wrong.
// Random block models: frame_blocks_random_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checker/reduce/program_frames.hpp"
#include "checker/reduce/program_symmetry.hpp"
#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/search/explore_graph.hpp"
#include "checker/reduce/symmetric_system.hpp"
#include "checker/testing/block_models.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/frame_orbits.hpp"
#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using pcmc::checker::test::compile_text;
using pcmc::checker::test::crossing_model;
using pcmc::checker::test::parse;
using pcmc::checker::test::require_replays;
using pcmc::checker::test::summary;
using pcmc::checker::test::Summary;
using pcmc::checker::test::symmetry_options;

namespace {

const std::string kThp = PCMC_SOURCE_DIR + "/examples/basics/thp_alloc.pcm";

constexpr std::uint64_t kCap = 400000;  // states per search

// Steps thread t from the initial state; whether the step crossed a block.
bool step_crosses(const model::Program& p, const model::ExecOptions& eo, unsigned t) {
  const model::Executor ex(p, eo);
  std::vector<std::uint8_t> s(p.state_size);
  std::vector<model::Event> events;
  ex.initial_state(s.data(), events);
  REQUIRE(events.empty());
  struct Null final : model::Sink {
    void on_successor(const model::Successor&) override {}
  } sink;
  model::Scratch sc;
  REQUIRE(ex.step(s.data(), t, sc, sink) == 1);
  return sc.block_crossed;
}

}  // namespace

TEST_CASE("frame blocks: the executor reports block crossings only with ref_blocks",
          "[symmetry][frames][blocks]") {
  const model::Program p = compile_text(
      "scenario x \"x\";\n"
      "struct page { int[0..3] n; };\n"
      "pool struct page mem_map[4] blocks(2) named { A0, A1, B0, B1 };\n"
      "struct page *p;\nstruct page *q;\nstruct page *r;\nint[-4..4] d;\nbool lt;\n"
      "thread T0 { p = p + 1; }\n"            // A0 + 1 = A1: inside
      "thread T1 { r = p + 2; }\n"            // A0 + 2 = B0: crosses
      "thread T2 { d = q - p; }\n"            // B1 - A0: crosses
      "thread T3 { lt = p < q; }\n"           // A0 < B1: crosses
      "thread T4 { d = (p + 1) - p; }\n"      // inside
      "thread T5 { lt = r < p; }\n"           // NULL < A0: no element order seen
      "thread T6 { lt = q > q - 1; }\n"       // B1 > B0: inside
      "init { p = A0; q = B1; }\n"
      "invariant inside: p + 1 != NULL;\n"
      "invariant across: q - p != 7;\n");
  REQUIRE(p.pools.at(0).block == 2);
  model::ExecOptions plain, checked;
  checked.ref_blocks = {2};
  const bool want[] = {false, true, true, true, false, false, false};
  for (unsigned t = 0; t < 7; ++t) {
    INFO("thread T" << t);
    CHECK(step_crosses(p, checked, t) == want[t]);
    CHECK_FALSE(step_crosses(p, plain, t));
  }
  // Conditions: the same check through eval_cond's flag.
  const model::Executor ex(p, checked), ex_plain(p, plain);
  std::vector<std::uint8_t> s(p.state_size);
  std::vector<model::Event> events;
  ex.initial_state(s.data(), events);
  bool crossed = false;
  CHECK(ex.eval_cond(p.invariants.at(0).cond, s.data(), events, &crossed));
  CHECK_FALSE(crossed);
  CHECK(ex.eval_cond(p.invariants.at(1).cond, s.data(), events, &crossed));
  CHECK(crossed);
  crossed = false;
  CHECK(ex_plain.eval_cond(p.invariants.at(1).cond, s.data(), events, &crossed));
  CHECK_FALSE(crossed);
  CHECK(events.empty());
}

TEST_CASE("frame blocks: the pool size must be a multiple of the block", "[symmetry][blocks]") {
  CHECK_THROWS_AS(compile_text("scenario x \"x\";\nstruct page { bool b; };\n"
                               "pool struct page mem_map[6] blocks(4);\nthread T { }\n"),
                  model::CompileError);
  // blocks(0) has its own message (n % 0 means nothing); the other refusals, with line:col:
  // model/test/errors_test.cpp.
  CHECK_THROWS_WITH(compile_text("scenario x \"x\";\nstruct page { bool b; };\n"
                                 "pool struct page mem_map[6] blocks(0);\nthread T { }\n"),
                    "blocks(0): the block size must be at least 1");
  CHECK(compile_text("scenario x \"x\";\nstruct page { bool b; };\n"
                     "pool struct page mem_map[6] blocks(3);\nthread T { }\n")
            .pools.at(0)
            .block == 3);
}

TEST_CASE("frame blocks: counts pinned with a reduction parse", "[symmetry][blocks]") {
  const std::string head = "scenario x \"x\";\nthread T { }\nexpect B { states 3; ";
  model::SourceManager sm;
  const model::ast::Model m = model::parse_text(
      sm, "x.pcm", head + "states 2 with symmetry; transitions 4 with symmetry+por; }\n",
      model::ParseOptions{});
  REQUIRE(m.expects.size() == 1);
  REQUIRE(m.expects[0].items.size() == 3);
  CHECK(m.expects[0].items[0].reduced == "dead variables, por, symmetry, transactions");  // the default run's
  CHECK(m.expects[0].items[1].reduced == "dead variables, symmetry");
  CHECK(m.expects[0].items[2].reduced == "dead variables, por, symmetry");
  CHECK(m.expects[0].items[2].count == 4);
  // `with none`: the counts of --no-reduce; it stands alone.
  model::SourceManager sm3;
  CHECK(model::parse_text(sm3, "x.pcm", head + "states 9 with none; }\n", model::ParseOptions{})
            .expects[0].items[1].reduced == "");
  model::SourceManager sm4;
  CHECK_THROWS_AS(model::parse_text(sm4, "x.pcm", head + "states 9 with none+por; }\n",
                                    model::ParseOptions{}),
                  model::CompileError);
  model::SourceManager sm2;
  CHECK_THROWS_AS(model::parse_text(sm2, "x.pcm", head + "states 2 with magic; }\n",
                                    model::ParseOptions{}),
                  model::CompileError);
}

TEST_CASE("frame blocks: the action moves whole blocks and rewrites references",
          "[symmetry][frames][blocks]") {
  // Four elements of two bytes (a value, a reference), blocks of two: A0 A1 | B0 B1.
  checker::FrameSpec spec;
  spec.pools.push_back({0, 2, 4, 2, {0, 1}});
  for (std::uint32_t e = 0; e < 4; ++e) spec.global_cells.push_back({2 * e + 1, 1, 0});
  const checker::FrameAction act(spec, {}, {}, 8);
  //                                A0->A1   A1->A0   B0->B1   B1 (NULL)
  const std::vector<std::uint8_t> s{10, 2, 11, 1, 12, 4, 13, 0};
  std::vector<std::uint8_t> out(8);
  std::vector<std::vector<unsigned>> rename;
  act.apply(s.data(), out.data(), {{1, 0}}, rename);
  CHECK(out == std::vector<std::uint8_t>{12, 2, 13, 0, 10, 4, 11, 3});
  act.apply(s.data(), out.data(), {{0, 1}}, rename);
  CHECK(out == s);
  // A block's key is the same at its new place; the two blocks' keys differ (B1 is NULL).
  std::vector<std::uint8_t> k0, k1, k_moved;
  act.apply(s.data(), out.data(), {{1, 0}}, rename);
  act.key(s.data(), 0, 0, k0);
  act.key(s.data(), 0, 1, k1);
  act.key(out.data(), 0, 1, k_moved);
  CHECK(k0 == k_moved);
  CHECK(k0 != k1);
  CHECK(k0.size() == act.key_size(0));
  checker::FrameSpec bad = spec;
  bad.pools[0].block = 3;  // 4 is not a multiple of 3
  CHECK_THROWS_AS(checker::FrameAction(bad, {}, {}, 8), std::invalid_argument);
}

TEST_CASE("frame blocks: detection on thp_alloc.pcm", "[symmetry][frames][blocks]") {
  const model::Program p = checker::test::compile_file(kThp);
  const checker::ProgramSymmetry sym = checker::program_symmetry(p);
  REQUIRE(sym.spec.frames.pools.size() == 1);
  CHECK(sym.spec.frames.pools[0].block == 4);
  CHECK(sym.spec.frames.pools[0].movable == std::vector<unsigned>{0, 1, 2});
  CHECK(sym.ref_blocks == std::vector<std::uint32_t>{4});
  CHECK(checker::describe_classes(p, sym.spec) == "{P0, P1} mem_map/4{A0, B0, C0}");
  // Without blocks the pool is refused, as every pool with arithmetic used to be.
  const checker::ProgramSymmetry plain = checker::program_symmetry(p, false);
  CHECK(plain.spec.frames.empty());
  CHECK(plain.ref_blocks.empty());
}

TEST_CASE("frame blocks: pinned counts of thp_alloc.pcm and the brute-force orbit count",
          "[symmetry][frames][blocks]") {
  struct Pin {
    std::string file;
    std::vector<std::string> defines;
    std::uint64_t off, threads, both;
  };
  const std::string k3x4 = PCMC_SOURCE_DIR + "/examples/scaled/thp_alloc_3x4.pcm";
  for (const Pin& pin : {Pin{kThp, {}, 20216, 10245, 7776}, Pin{kThp, {"LOCKED"}, 2875, 1442, 949},
                         Pin{k3x4, {"LOCKED"}, 268038, 45394, 13266}}) {
    INFO(pin.file << (pin.defines.empty() ? " B" : " LOCKED"));
    const model::Program p = checker::test::compile_file(pin.file, pin.defines);
    const model::Executor plain(p, model::ExecOptions{});
    const properties::PropertyTable table = properties::build_property_table(p);
    const checker::ProgramSystem system(plain, table);
    const checker::ProgramSymmetry sym = checker::program_symmetry(p);
    model::ExecOptions eo;
    eo.ref_blocks = sym.ref_blocks;
    const model::Executor checking(p, eo);
    const checker::ProgramSystem checked(checking, table);
    CHECK(checker::search(system, symmetry_options(false, true, kCap)).stats.states == pin.off);
    const checker::Canonicaliser both(sym.spec, system.state_size());
    const std::uint64_t reduced =
        checker::search(checker::SymmetricSystem(checked, both), symmetry_options(true, true, kCap))
            .stats.states;
    CHECK(reduced == pin.both);
    if (pin.off < 100000) CHECK(reduced == checker::test::brute_force_orbits(system, sym.spec));
    checker::SymmetrySpec threads_only = sym.spec;
    threads_only.frames = checker::FrameSpec{};
    const checker::Canonicaliser threads(threads_only, system.state_size());
    CHECK(checker::search(checker::SymmetricSystem(system, threads),
                          symmetry_options(true, true, kCap))
              .stats.states == pin.threads);
  }
}

TEST_CASE("frame blocks: the oracle on thp_alloc.pcm", "[symmetry][frames][blocks]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, kThp);
  for (const std::vector<std::string>& defines :
       {std::vector<std::string>{}, std::vector<std::string>{"LOCKED"}}) {
    INFO("thp_alloc " << (defines.empty() ? "B" : "LOCKED"));
    for (bool por : {false, true}) {
      INFO("por " << por);
      checker::SearchOptions off = symmetry_options(false, true, kCap),
                             on = symmetry_options(true, true, kCap);
      off.por = on.por = por;
      const auto full = checker::run_variant(ast, sm, defines, false, off);
      const auto red = checker::run_variant(ast, sm, defines, false, on);
      CHECK(red.result.stats.symmetry_classes == "{P0, P1} mem_map/4{A0, B0, C0}");
      CHECK(red.result.stats.symmetry_fallback == "");
      const Summary f = summary(full), r = summary(red);
      CHECK(r.status == f.status);
      CHECK(r.violated == f.violated);
      CHECK((r.exists_hits == 0) == (f.exists_hits == 0));
      CHECK((r.exists_hits == r.end_states) == (f.exists_hits == f.end_states));
      CHECK(r.states < f.states);
      require_replays(red);  // counterexamples found on canonical states replay unreduced
      const auto first =
          checker::run_variant(ast, sm, defines, false, symmetry_options(true, false, kCap));
      CHECK(first.result.status == f.status);
      require_replays(first);
    }
  }
}

TEST_CASE("frame blocks: a block crossing falls back to the search without blocks",
          "[symmetry][frames][blocks]") {
  struct Case {
    std::string what, step, cond, where;
  };
  for (const Case& c :
       {Case{"a step (ref < ref)", "if (head != NULL && p < head) g = 1;", "", "a step of P"},
        Case{"a step (ref + int, late)", "if (p->next == NULL && g == 0) g = (p - 2)->used ? 2 : 3;",
             "", "a step of P"},
        Case{"an invariant (ref - ref)", "",
             "invariant inv: head == NULL || head - A0 != 5;\n", "invariant inv"},
        Case{"a final (ref + int)", "", "final fin: head != NULL || !(C0 + 0 - 4)->used;\n",
             "final fin"},
        Case{"the exists condition (ref - ref)", "", "exists (head != NULL && head - A0 == 2);\n",
             "the exists condition"}}) {
    INFO(c.what);
    model::SourceManager sm;
    const model::ast::Model ast =
        model::parse_text(sm, "c.pcm", crossing_model(c.step, c.cond), model::ParseOptions{});
    const auto full = checker::run_variant(ast, sm, {}, false, symmetry_options(false, true, kCap));
    const auto red = checker::run_variant(ast, sm, {}, false, symmetry_options(true, true, kCap));
    INFO("fallback: " << red.result.stats.symmetry_fallback);
    CHECK(red.result.stats.symmetry_fallback.find(c.where) != std::string::npos);
    const Summary f = summary(full), r = summary(red);
    CHECK(r.status == f.status);
    CHECK(r.violated == f.violated);
    CHECK((r.exists_hits == 0) == (f.exists_hits == 0));
    require_replays(red);
    // The result is that of the quotient without blocks: threads only (the pool is refused).
    const checker::ProgramSymmetry plain = checker::program_symmetry(red.program, false);
    CHECK(plain.spec.frames.empty());
    const checker::ProgramSystem system(*red.exec, red.table);
    const checker::Canonicaliser threads(plain.spec, system.state_size());
    CHECK(r.states == checker::search(checker::SymmetricSystem(system, threads),
                                      symmetry_options(true, true, kCap))
                          .stats.states);
    CHECK(red.result.stats.symmetry_classes == "{P0, P1}");
    // The parallel search rethrows the worker's BlockCrossing: the same fallback, the same
    // states. With POR as well: the same verdict.
    checker::SearchOptions par = symmetry_options(true, true, kCap);
    par.workers = 2;
    const auto two = checker::run_variant(ast, sm, {}, false, par);
    CHECK(two.result.stats.symmetry_fallback != "");
    CHECK(two.result.stats.states == r.states);
    checker::SearchOptions por = symmetry_options(true, true, kCap);
    por.por = true;
    const auto with_por = checker::run_variant(ast, sm, {}, false, por);
    CHECK(with_por.result.stats.symmetry_fallback != "");
    CHECK(summary(with_por).violated == f.violated);
    require_replays(with_por);
  }
  // The same model without a crossing keeps the blocks.
  model::SourceManager sm;
  const model::ast::Model ast =
      model::parse_text(sm, "c.pcm", crossing_model("", ""), model::ParseOptions{});
  const auto red = checker::run_variant(ast, sm, {}, false, symmetry_options(true, true, kCap));
  CHECK(red.result.stats.symmetry_fallback == "");
  CHECK(red.result.stats.symmetry_classes == "{P0, P1} mem_map/2{A0, B0, C0}");
}

TEST_CASE("frame blocks: a wrong block size falls back and keeps the verdict",
          "[symmetry][frames][blocks]") {
  std::ifstream in(kThp);
  std::stringstream text;
  text << in.rdbuf();
  const std::string right = "mem_map[12] blocks(HPAGE_PMD_NR)";
  REQUIRE(text.str().find(right) != std::string::npos);
  // Blocks of 2 or 6 cut the THPs of 4: clear_huge_page()'s `head + i` crosses.
  for (const char* wrong : {"mem_map[12] blocks(2)", "mem_map[12] blocks(6)"}) {
    INFO(wrong);
    std::string src = text.str();
    src.replace(src.find(right), right.size(), wrong);
    for (const std::vector<std::string>& defines :
         {std::vector<std::string>{}, std::vector<std::string>{"LOCKED"}}) {
      model::SourceManager sm;
      const model::ast::Model ast = model::parse_text(sm, "w.pcm", src, model::ParseOptions{});
      const auto full =
          checker::run_variant(ast, sm, defines, false, symmetry_options(false, true, kCap));
      const auto red =
          checker::run_variant(ast, sm, defines, false, symmetry_options(true, true, kCap));
      CHECK(red.result.stats.symmetry_fallback.find("clear_huge_page()") != std::string::npos);
      const Summary f = summary(full), r = summary(red);
      CHECK(r.status == f.status);
      CHECK(r.violated == f.violated);
      CHECK((r.exists_hits == 0) == (f.exists_hits == 0));
      CHECK(red.result.stats.symmetry_classes == "{P0, P1}");  // threads only
      require_replays(red);
    }
  }
}

TEST_CASE("frame blocks: every block permutation of a reachable state has its canonical form",
          "[symmetry][frames][blocks]") {
  const model::Program p = checker::test::compile_file(kThp, {"LOCKED"});
  const model::Executor plain(p, model::ExecOptions{});
  const properties::PropertyTable table = properties::build_property_table(p);
  const checker::ProgramSystem system(plain, table);
  const checker::SymmetrySpec spec = checker::program_symmetry(p).spec;
  const checker::Canonicaliser canon(spec, system.state_size());
  std::vector<std::pair<std::uint32_t, std::uint8_t>> cells;
  for (const auto& c : spec.global_cells) cells.push_back({c.offset, c.width});
  const checker::FrameAction act(spec.frames, spec.block_offset, cells, system.state_size());
  checker::GraphOptions go;
  go.max_nodes = 100000;
  const checker::GraphResult g = checker::explore_graph(system, go);
  REQUIRE_FALSE(g.too_large);
  const std::size_t n = system.state_size();
  std::vector<std::uint8_t> moved(n), cm(n), cs(n);
  std::vector<std::vector<unsigned>> rename;
  checker::Canonicaliser::Scratch sc;
  unsigned checked = 0, moved_differs = 0;
  for (std::size_t i = 0; i < g.graph.nodes.size(); i += 3) {
    const auto& node = g.graph.nodes[i];
    if (node.kind == traces::GraphNode::Fatal) continue;
    canon.canonicalise(node.state.data(), cs.data(), sc);
    std::vector<unsigned> order{0, 1, 2};
    do {
      act.apply(node.state.data(), moved.data(), {order}, rename);
      if (moved != node.state) ++moved_differs;
      canon.canonicalise(moved.data(), cm.data(), sc);
      CHECK(cm == cs);
    } while (std::next_permutation(order.begin(), order.end()));
    ++checked;
  }
  CHECK(checked > 500);
  CHECK(moved_differs > 2 * checked);  // the permutations really move the THPs
}
