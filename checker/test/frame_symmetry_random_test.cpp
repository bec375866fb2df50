// Page-frame symmetry on seeded random models (docs/reductions.md, "Page frames"; STYLE 5: `off`
// is the oracle). Each model has a pool of three frames linked into a free list by init, and 2-3
// threads (identical or not) that pop, push, follow and compare frame references through
// pointer locals that live across steps, flip frame fields, lock frames (a thread_t in the
// frame), take a global lock, block and assert. On
// each: symmetry on gives the verdict, the violated properties and the exists verdict of
// symmetry off, and stores exactly the number of orbits of the reachable states (brute force,
// frame_orbits.hpp); counterexamples replay unreduced.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "checker/hash.hpp"
#include "checker/program_symmetry.hpp"
#include "checker/program_system.hpp"
#include "checker/session.hpp"
#include "checker/test/example_corpus.hpp"
#include "checker/test/frame_orbits.hpp"
#include "model/compile.hpp"
#include "model/parser.hpp"

using namespace pcmc;

namespace {

class FrameModel {
 public:
  explicit FrameModel(std::uint64_t seed) : x_(seed * 0x9E3779B97F4A7C15ull + 7) {}

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario frames_" << seed << " \"random frame model " << seed << "\";\n"
      << "struct page { int[0..3] f; bool b; thread_t owner; struct page *next; };\n"
      << "pool struct page mem_map[3] named { A, B, C };\n"
      << "struct page *head;\nstruct page *spare;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nthread_t l0;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "init { A->next = B; B->next = C; head = A; g0 = " << pick(4) << "; }\n";
    const bool identical = pick(2) == 0;
    const unsigned threads = 2 + pick(2);
    std::string shared_body = body();
    if (identical) o << "void body() {\n" << shared_body << "}\n";
    for (unsigned t = 0; t < threads; ++t)
      o << "thread T" << t << " { " << (identical ? std::string("body();") : "\n" + body())
        << " }\n";
    o << "invariant inv: !(head != NULL && head->f == 3 && g0 == " << pick(4) << ");\n";
    o << "final fin: spare == NULL || spare->b || g1 != " << pick(4) << ";\n";
    o << "exists (head != NULL && head->next == NULL);\n";
    return o.str();
  }

 private:
  unsigned pick(unsigned n) { return static_cast<unsigned>(checker::splitmix64(x_) % n); }

  std::string body() {
    std::string b = "\tstruct page *q = NULL;\n\tstruct page *r = NULL;\n";
    const unsigned n = 3 + pick(4);
    for (unsigned i = 0; i < n; ++i) b += "\t" + statement() + "\n";
    return b;
  }

  std::string statement() {
    const std::string c = std::to_string(pick(4));
    switch (pick(15)) {
      case 0: return "q = head;";
      case 1: return "if (q != NULL) head = q->next;";
      case 2: return "if (q != NULL) { q->next = head; head = q; }";
      case 3: return "if (q != NULL) q->f = (q->f + 1) % 4;";
      case 4: return "if (q != NULL) q->b = !q->b;";
      case 5: return "spare = q;";
      case 6: return "r = spare;";
      case 7: return "if (q == r) g1 = (g1 + 1) % 4;";
      case 8: return "if (q != NULL) q = q->next;";
      case 9: return "lock0(); q = head; if (q != NULL) head = q->next; unlock0();";
      case 10: return "if (r != NULL) HARM_ON(r->b && r->f == " + c + ", \"H_r\");";
      case 11: return "await(head != NULL || g0 == " + c + ");";
      case 12:  // a page lock: a thread cell inside the frame
        return "if (q != NULL) { atomic { await(q->owner == NO_THREAD); q->owner = current; } }";
      case 13: return "if (q != NULL && q->owner == current) q->owner = NO_THREAD;";
      default: return "WARN_ON(head == spare && g1 == " + c + ");";
    }
  }

  std::uint64_t x_;
};

checker::SearchOptions options(bool symmetry, bool all) {
  checker::SearchOptions o = checker::test::safety_options(all, 60000);
  o.symmetry = symmetry;
  return o;
}

}  // namespace

TEST_CASE("frame symmetry: random frame models match off and store the orbit count",
          "[symmetry][frames]") {
  unsigned checked = 0, reduced = 0;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    FrameModel gen(seed);
    const std::string text = gen.source(seed);
    INFO("seed " << seed << "\n" << text);
    model::SourceManager sm;
    const model::ast::Model ast = model::parse_text(sm, "r.pcm", text, model::ParseOptions{});
    const auto full = checker::run_variant(ast, sm, {}, false, options(false, true));
    if (!full.result.incomplete_reason.empty()) continue;
    const auto red = checker::run_variant(ast, sm, {}, false, options(true, true));
    REQUIRE(red.result.incomplete_reason.empty());
    const checker::ProgramSymmetry sym = checker::program_symmetry(red.program);
    INFO("notes: " << (sym.notes.empty() ? "" : sym.notes.front()));
    REQUIRE(sym.spec.frames.pools.size() == 1);  // nothing names or counts on a frame
    const auto f = checker::test::summary(full), p = checker::test::summary(red);
    CHECK(p.status == f.status);
    CHECK(p.violated == f.violated);
    CHECK((p.exists_hits == 0) == (f.exists_hits == 0));
    CHECK((p.exists_hits == p.end_states) == (f.exists_hits == f.end_states));
    CHECK(p.states <= f.states);
    checker::test::require_replays(red);
    const checker::ProgramSystem system(*full.exec, full.table);
    CHECK(p.states == checker::test::brute_force_orbits(system, sym.spec));

    const auto first = checker::run_variant(ast, sm, {}, false, options(true, false));
    CHECK(first.result.status == f.status);
    checker::test::require_replays(first);
    ++checked;
    if (p.states < f.states) ++reduced;
  }
  INFO(checked << " models checked, " << reduced << " reduced");
  CHECK(checked >= 60);
  CHECK(reduced >= checked / 4);  // 17 of the first 40
}
