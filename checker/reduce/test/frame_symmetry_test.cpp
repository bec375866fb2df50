// Page-frame symmetry (checker/reduce/program_frames.hpp, frame_area_types.hpp, frame_symmetry.hpp;
// docs/symmetry.md, "Page frames"): detection and its refusals, state counts equal to a
// brute-force orbit count of the reachable states (exactness), the oracle (symmetry off) on
// examples/basics/page_frames.pcm, counterexamples that replay without symmetry, and what the
// seed scenarios get (nothing: their pools use reference arithmetic).
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "checker/reduce/program_frames.hpp"
#include "checker/reduce/program_symmetry.hpp"
#include "checker/system/program_system.hpp"
#include "checker/session/session.hpp"
#include "checker/search/explore_graph.hpp"
#include "checker/reduce/symmetric_system.hpp"
#include "checker/testing/example_corpus.hpp"
#include "checker/testing/frame_orbits.hpp"
#include "checker/testing/replay.hpp"
#include "model/compile.hpp"
#include "model/parser.hpp"
#include "model/test/source_dir.hpp"

using namespace pcmc;
using pcmc::checker::test::compile_text;
using pcmc::checker::test::parse;
using pcmc::checker::test::require_replays;
using pcmc::checker::test::summary;
using pcmc::checker::test::Summary;
using pcmc::checker::test::symmetry_options;

namespace {

const std::string kFrames = PCMC_SOURCE_DIR + "/examples/basics/page_frames.pcm";

constexpr std::uint64_t kCap = 200000;  // states per search

bool has_note(const checker::ProgramSymmetry& s, const std::string& part) {
  return std::any_of(s.notes.begin(), s.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

// A pool of three frames, two identical threads that take one from a global and mark it; `body`
// and `extra` vary the program for the detection tests.
std::string frames_model(const std::string& body, const std::string& extra = "") {
  return "scenario f \"frames\";\n"
         "struct page { bool used; int[0..3] n; struct page *next; };\n"
         "pool struct page mem_map[3] named { A, B, C };\n"
         "struct page *head;\nint[0..3] g;\n" +
         extra + "\nvoid take() { struct page *p = head; if (p != NULL) { head = p->next; p->used = true; } }\n"
         "thread P0 { " + body + " }\nthread P1 { " + body + " }\n"
         "init { A->next = B; B->next = C; head = A; }\n";
}

struct Built {
  model::Program program;
  std::unique_ptr<model::Executor> exec;
  properties::PropertyTable table;
};

Built build(const std::string& file, const std::vector<std::string>& defines) {
  Built b;
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, file);
  model::CompileOptions co;
  co.defines = defines;
  b.program = model::compile(ast, sm, co);
  b.exec = std::make_unique<model::Executor>(b.program, model::ExecOptions{});
  b.table = properties::build_property_table(b.program);
  return b;
}

}  // namespace

TEST_CASE("frame symmetry: detection", "[symmetry][frames]") {
  SECTION("page_frames.pcm: the two CPUs and the three frames") {
    model::SourceManager sm;
    model::CompileOptions co;
    const model::Program p = model::compile(parse(sm, kFrames), sm, co);
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1} mem_map{F0, F1, F2}");
    CHECK(s.notes.empty());
    // free_list and three lru_next fields; the local `page`s and `first` live in thread areas.
    CHECK(s.spec.frames.global_cells.size() == 4);
    REQUIRE(s.spec.frames.threads.size() == 2);
    CHECK(s.spec.frames.lists.size() >= 2);  // no cells at pc 0, some inside alloc_page()
  }
  SECTION("threads that only take frames from a list") {
    const model::Program p = compile_text(frames_model("take();"));
    CHECK(checker::describe_classes(p, checker::program_symmetry(p).spec) ==
          "{P0, P1} mem_map{A, B, C}");
  }
  SECTION("an element named in a thread stays; the others still permute") {
    const model::Program p = compile_text(frames_model("take(); B->n = 1;"));
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1} mem_map{A, C}");
    CHECK(has_note(s, "pool mem_map: B named outside init (not permuted)"));
  }
  SECTION("an element compared with in a final stays") {
    const model::Program p = compile_text(frames_model("take();", "final F: head != C;"));
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1} mem_map{A, B}");
  }
  SECTION("an element passed as an argument stays") {
    const model::Program p = compile_text(
        frames_model("take(); mark(A);", "void mark(struct page *q) { q->n = 2; }"));
    CHECK(checker::describe_classes(p, checker::program_symmetry(p).spec) ==
          "{P0, P1} mem_map{B, C}");
  }
  SECTION("two named elements leave fewer than two: the pool is not permuted") {
    const model::Program p = compile_text(frames_model("take(); A->n = 1; C->n = 1;"));
    CHECK(checker::describe_classes(p, checker::program_symmetry(p).spec) == "{P0, P1}");
  }
  SECTION("reference arithmetic refuses the pool") {
    const model::Program p = compile_text(frames_model(
        "take(); tail();", "void tail() { struct page *p = head; if (p != NULL) (p + 0)->n = 1; }"));
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1}");
    CHECK(has_note(s, "pool mem_map: reference arithmetic (ref + int) in tail()"));
  }
  SECTION("reference difference and ordering refuse the pool") {
    const model::Program d = compile_text(frames_model(
        "take(); diff();", "void diff() { struct page *p = head; if (p != NULL && p - p == 0) g = 1; }"));
    CHECK(has_note(checker::program_symmetry(d), "reference arithmetic (ref - ref)"));
    const model::Program o = compile_text(frames_model(
        "take(); ord();", "void ord() { struct page *p = head; if (p != NULL && p < p->next) g = 1; }"));
    CHECK(has_note(checker::program_symmetry(o), "an ordering comparison of references"));
    CHECK(checker::program_symmetry(o).spec.frames.empty());
  }
  SECTION("ambiguous thread-area bytes turn page symmetry off, with a note") {
    // With the dead locals' clears removed, the bytes of f()'s `struct page *` and h()'s int
    // meet at the join after the if: a reference on one path, an int on the other.
    model::Program p = compile_text(frames_model(
        "if (g == 0) f(); else h(); g = 2;",
        "void f() { struct page *q = head; if (q != NULL) q->n = 1; }\n"
        "void h() { int[0..3] i = g; g = i; }"));
    CHECK_FALSE(checker::program_symmetry(p).spec.frames.empty());  // with the clears: fine
    for (model::Thread& t : p.threads)
      for (model::Instr& ins : t.code)
        if (ins.op == model::IOp::Clear) ins.op = model::IOp::Nop;
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(s.spec.frames.empty());
    CHECK(has_note(s, "page frames not permuted: thread P0: area byte"));
    CHECK(checker::describe_classes(p, s.spec) == "{P0, P1}");  // threads still permute
  }
  SECTION("a seed scenario: find_subpage()'s arithmetic keeps mem_map fixed") {
    model::SourceManager sm;
    model::CompileOptions co;
    const model::Program p =
        model::compile(parse(sm, PCMC_SOURCE_DIR + "/examples/seed/c-r1.pcm"), sm, co);
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    CHECK(checker::describe_classes(p, s.spec) == "{Oa, Ob}");
    CHECK(has_note(s, "pool mem_map: reference arithmetic"));
  }
}

TEST_CASE("frame symmetry: stored states are the orbits of the reachable states",
          "[symmetry][frames]") {
  struct Run {
    std::string file;
    std::vector<std::string> defines;
  };
  for (const Run& run : {Run{kFrames, {}}, Run{kFrames, {"LOCKED"}},
                         Run{PCMC_SOURCE_DIR + "/examples/scaled/page_frames_3x4.pcm", {"LOCKED"}}}) {
    INFO(run.file << (run.defines.empty() ? " B" : " LOCKED"));
    const Built b = build(run.file, run.defines);
    const checker::ProgramSystem system(*b.exec, b.table);
    const checker::ProgramSymmetry sym = checker::program_symmetry(b.program);
    REQUIRE_FALSE(sym.spec.frames.empty());
    const checker::Canonicaliser canon(sym.spec, system.state_size());
    const checker::SymmetricSystem quotient(system, canon);
    const checker::Result r = checker::search(quotient, symmetry_options(true, true, kCap));
    CHECK(r.stats.states == pcmc::checker::test::brute_force_orbits(system, sym.spec));
  }
}

TEST_CASE("frame symmetry: pinned counts, threads only and with frames", "[symmetry][frames]") {
  struct Pin {
    std::string file;
    std::vector<std::string> defines;
    std::uint64_t off, threads, both;
  };
  const std::string k3x4 = PCMC_SOURCE_DIR + "/examples/scaled/page_frames_3x4.pcm";
  for (const Pin& pin : {Pin{kFrames, {}, 8466, 4313, 3050}, Pin{kFrames, {"LOCKED"}, 941, 473, 286},
                         Pin{k3x4, {"LOCKED"}, 37531, 6433, 1606}}) {
    INFO(pin.file << (pin.defines.empty() ? " B" : " LOCKED"));
    const Built b = build(pin.file, pin.defines);
    const checker::ProgramSystem system(*b.exec, b.table);
    checker::SymmetrySpec spec = checker::program_symmetry(b.program).spec;
    CHECK(checker::search(system, symmetry_options(false, true, kCap)).stats.states == pin.off);
    const checker::Canonicaliser both(spec, system.state_size());
    CHECK(
        checker::search(checker::SymmetricSystem(system, both), symmetry_options(true, true, kCap))
            .stats.states == pin.both);
    spec.frames = checker::FrameSpec{};
    const checker::Canonicaliser threads(spec, system.state_size());
    CHECK(checker::search(checker::SymmetricSystem(system, threads),
                          symmetry_options(true, true, kCap))
              .stats.states == pin.threads);
  }
}

TEST_CASE("frame symmetry: the oracle on page_frames.pcm", "[symmetry][frames]") {
  model::SourceManager sm;
  const model::ast::Model ast = parse(sm, kFrames);
  for (const std::vector<std::string>& defines :
       {std::vector<std::string>{}, std::vector<std::string>{"LOCKED"}}) {
    INFO("page_frames " << (defines.empty() ? "B" : "LOCKED"));
    const auto full =
        checker::run_variant(ast, sm, defines, false, symmetry_options(false, true, kCap));
    const auto red =
        checker::run_variant(ast, sm, defines, false, symmetry_options(true, true, kCap));
    CHECK(red.result.stats.symmetry);
    CHECK(red.result.stats.symmetry_classes == "{P0, P1} mem_map{F0, F1, F2}");
    const Summary f = summary(full), p = summary(red);
    CHECK(p.status == f.status);
    CHECK(p.violated == f.violated);
    CHECK((p.exists_hits == 0) == (f.exists_hits == 0));
    CHECK((p.exists_hits == p.end_states) == (f.exists_hits == f.end_states));
    CHECK(p.states < f.states);
    require_replays(red);  // counterexamples found on canonical states replay unreduced

    const auto first =
        checker::run_variant(ast, sm, defines, false, symmetry_options(true, false, kCap));
    CHECK(first.result.status == f.status);
    for (const std::string& v : summary(first).violated) CHECK(f.violated.count(v) == 1);
    require_replays(first);

    checker::SearchOptions par = symmetry_options(true, true, kCap);
    par.workers = 2;
    const auto two = checker::run_variant(ast, sm, defines, false, par);
    CHECK(two.result.stats.states == p.states);
    CHECK(summary(two).violated == p.violated);
    require_replays(two);
  }
}

TEST_CASE("frame symmetry: notes on the seeds (diagnostic)", "[.frames-notes]") {
  for (const std::string& f : pcmc::checker::test::scenario_files()) {
    model::SourceManager sm;
    model::CompileOptions co;
    const model::Program p = model::compile(parse(sm, f), sm, co);
    const checker::ProgramSymmetry s = checker::program_symmetry(p);
    std::string all = f + ": " + checker::describe_classes(p, s.spec);
    for (const auto& n : s.notes) all += "\n    " + n;
    WARN(all);
  }
}

TEST_CASE("frame symmetry: the action composes and the canonical form is orbit-invariant",
          "[symmetry][frames]") {
  const Built b = build(kFrames, {});
  const checker::ProgramSystem system(*b.exec, b.table);
  const checker::SymmetrySpec spec = checker::program_symmetry(b.program).spec;
  const checker::Canonicaliser canon(spec, system.state_size());
  std::vector<std::pair<std::uint32_t, std::uint8_t>> cells;
  for (const auto& c : spec.global_cells) cells.push_back({c.offset, c.width});
  const checker::FrameAction act(spec.frames, spec.block_offset, cells, system.state_size());
  checker::GraphOptions go;
  go.max_nodes = 100000;
  const checker::GraphResult g = checker::explore_graph(system, go);
  REQUIRE_FALSE(g.too_large);

  // All six permutations of the three frames.
  std::vector<checker::FrameAction::Perm> perms;
  std::vector<unsigned> order{0, 1, 2};
  do perms.push_back({order});
  while (std::next_permutation(order.begin(), order.end()));
  const std::size_t n = system.state_size();
  std::vector<std::uint8_t> a(n), bb(n), c(n), ca(n), cs(n);
  std::vector<std::vector<unsigned>> rename;
  checker::Canonicaliser::Scratch sc;
  unsigned checked = 0;
  for (std::size_t i = 0; i < g.graph.nodes.size(); i += 7) {
    const auto& node = g.graph.nodes[i];
    if (node.kind == traces::GraphNode::Fatal) continue;
    canon.canonicalise(node.state.data(), cs.data(), sc);
    for (const auto& phi : perms) {
      act.apply(node.state.data(), a.data(), phi, rename);
      canon.canonicalise(a.data(), ca.data(), sc);
      CHECK(ca == cs);  // every orbit member has the same canonical form
      for (const auto& psi : perms) {
        act.apply(a.data(), bb.data(), psi, rename);
        checker::FrameAction::Perm comp{{psi[0][phi[0][0]], psi[0][phi[0][1]], psi[0][phi[0][2]]}};
        act.apply(node.state.data(), c.data(), comp, rename);
        CHECK(bb == c);  // ψ(φ(s)) == (ψ∘φ)(s)
      }
    }
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("frame symmetry: inconsistent frame specs are refused", "[symmetry][frames]") {
  const Built b = build(kFrames, {});
  checker::SymmetrySpec spec = checker::program_symmetry(b.program).spec;
  const std::size_t n = b.program.state_size;
  CHECK_NOTHROW(checker::Canonicaliser(spec, n));
  checker::SymmetrySpec bad = spec;
  bad.frames.pools[0].movable = {0, 3};  // no element 3
  CHECK_THROWS_AS(checker::Canonicaliser(bad, n), std::invalid_argument);
  bad = spec;
  bad.frames.pools[0].movable = {1};  // fewer than two
  CHECK_THROWS_AS(checker::Canonicaliser(bad, n), std::invalid_argument);
  bad = spec;
  bad.frames.threads.pop_back();  // a thread without cell lists
  CHECK_THROWS_AS(checker::Canonicaliser(bad, n), std::invalid_argument);
  bad = spec;
  bad.frames.global_cells.push_back({static_cast<std::uint32_t>(n), 1, 0});  // outside
  CHECK_THROWS_AS(checker::Canonicaliser(bad, n), std::invalid_argument);
}
