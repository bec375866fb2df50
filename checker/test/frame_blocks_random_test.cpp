// Page-frame blocks on seeded random models (docs/reductions.md, "Page frames", "Blocks"; STYLE
// 5: `off` is the oracle). Each model has a pool of three compound pages of two (heads A0, B0,
// C0 on a free list built by init, tails pointing to their head through `first`), and 2-3
// threads (identical or not) that pop, push and follow heads, step from a head to its tail with
// `head + 1`, back with `tail->first`, measure `tail - tail->first` and compare `tail > head`,
// flip fields, lock pages and assert (a quarter name the tail B1 in an invariant, which keeps
// block B in place); about a quarter also get a statement that may cross a
// block (`p < p->next`, `p->next - p`, `p + 2`). On each: symmetry on gives the verdict, the
// violated properties and the exists verdict of symmetry off; when no block was crossed it
// stores exactly the number of orbits of the reachable states under block permutations (brute
// force, frame_orbits.hpp), otherwise (the fallback) exactly the states of the search without
// blocks; counterexamples replay unreduced.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "checker/hash.hpp"
#include "checker/program_symmetry.hpp"
#include "checker/program_system.hpp"
#include "checker/session.hpp"
#include "checker/symmetric_system.hpp"
#include "checker/test/example_corpus.hpp"
#include "checker/test/frame_orbits.hpp"
#include "model/compile.hpp"
#include "model/parser.hpp"

using namespace pcmc;

namespace {

class BlockModel {
 public:
  explicit BlockModel(std::uint64_t seed) : x_(seed * 0xD1B54A32D192ED03ull + 11) {}

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario blocks_" << seed << " \"random block model " << seed << "\";\n"
      << "struct page { int[0..3] f; bool b; thread_t owner; struct page *next; "
         "struct page *first; };\n"
      << "pool struct page mem_map[6] blocks(2) named { A0, A1, B0, B1, C0, C1 };\n"
      << "struct page *head;\nstruct page *spare;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nthread_t l0;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "init { A0->next = B0; B0->next = C0; head = A0; A1->first = A0; B1->first = B0; "
         "C1->first = C0; g0 = "
      << pick(4) << "; }\n";
    crossing_ = pick(4) == 0;
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
    // A tail named by a condition keeps its whole block in place (two blocks still move).
    if (pick(4) == 0) o << "invariant named: spare != B1 || !B1->b || g1 != " << pick(4) << ";\n";
    return o.str();
  }

  bool crossing() const { return crossing_; }

 private:
  unsigned pick(unsigned n) { return static_cast<unsigned>(checker::splitmix64(x_) % n); }

  std::string body() {
    std::string b = "\tstruct page *q = NULL;\n\tstruct page *r = NULL;\n";
    const unsigned n = 3 + pick(4);
    const unsigned at = pick(n);  // where the block arithmetic goes (every body has one)
    for (unsigned i = 0; i < n; ++i) {
      b += "\t" + statement() + "\n";
      if (i == at) b += "\tif (q != NULL && q->first == NULL) r = q + 1;\n";
    }
    if (crossing_) b += "\t" + crosser() + "\n";
    return b;
  }

  std::string crosser() {
    switch (pick(3)) {
      case 0: return "if (q != NULL && q->next != NULL && q < q->next) g1 = 1;";
      case 1: return "r = head; if (r != NULL && r->next != NULL) g1 = (r->next - r + 4) % 4;";
      default: return "r = head; if (r != NULL && r->first == NULL && r->next != NULL) r = r + 2;";
    }
  }

  std::string statement() {
    const std::string c = std::to_string(pick(4));
    switch (pick(20)) {
      case 0: return "q = head;";
      case 1: return "if (q != NULL) head = q->next;";
      case 2: return "if (q != NULL) { q->next = head; head = q; }";
      case 3: return "if (q != NULL) q->f = (q->f + 1) % 4;";
      case 4: return "if (r != NULL) r->b = !r->b;";
      case 5: return "spare = r;";
      case 6: return "r = spare;";
      case 7: return "if (q == r) g1 = (g1 + 1) % 4;";
      case 8: return "if (q != NULL) q = q->next;";
      case 9: return "lock0(); q = head; if (q != NULL) head = q->next; unlock0();";
      case 10: return "if (r != NULL) HARM_ON(r->b && r->f == " + c + ", \"H_r\");";
      case 11: return "await(head != NULL || g0 == " + c + ");";
      case 12:  // a page lock: a thread cell inside the page
        return "if (q != NULL) { atomic { await(q->owner == NO_THREAD); q->owner = current; } }";
      case 13: return "if (q != NULL && q->owner == current) q->owner = NO_THREAD;";
      case 14: return "if (r != NULL && r->first != NULL) r = r->first;";
      case 15: return "if (q != NULL && q->first == NULL) (q + 1)->f = (q->f + 2) % 4;";
      case 16: return "if (r != NULL && r->first != NULL) g1 = (r - r->first + g1) % 4;";
      case 17: return "if (q != NULL && r != NULL && r->first == q && r > q) g1 = 2;";
      case 18: return "q = r;";
      default: return "WARN_ON(head == spare && g1 == " + c + ");";
    }
  }

  std::uint64_t x_;
  bool crossing_ = false;
};

checker::SearchOptions options(bool symmetry, bool all) {
  checker::SearchOptions o = checker::test::safety_options(all, 60000);
  o.symmetry = symmetry;
  return o;
}

}  // namespace

TEST_CASE("frame blocks: random block models match off and store the orbit count",
          "[symmetry][frames][blocks]") {
  unsigned checked = 0, reduced = 0, fell_back = 0, exact = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    BlockModel gen(seed);
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
    REQUIRE(sym.spec.frames.pools.size() == 1);  // permuted in blocks
    REQUIRE(sym.spec.frames.pools[0].block == 2);
    CHECK(sym.spec.frames.pools[0].movable.size() ==
          (text.find("invariant named") != std::string::npos ? 2u : 3u));
    const auto f = checker::test::summary(full), p = checker::test::summary(red);
    CHECK(p.status == f.status);
    CHECK(p.violated == f.violated);
    CHECK((p.exists_hits == 0) == (f.exists_hits == 0));
    CHECK((p.exists_hits == p.end_states) == (f.exists_hits == f.end_states));
    CHECK(p.states <= f.states);
    checker::test::require_replays(red);
    const checker::ProgramSystem system(*full.exec, full.table);
    if (red.result.stats.symmetry_fallback.empty()) {
      CHECK(p.states == checker::test::brute_force_orbits(system, sym.spec));
      ++exact;
    } else {
      // Only a model with a crossing statement can cross; the fallback's result is the quotient
      // without blocks.
      CHECK(gen.crossing());
      const checker::ProgramSymmetry plain = checker::program_symmetry(red.program, false);
      std::uint64_t plain_states = f.states;
      if (!plain.spec.empty()) {
        const checker::Canonicaliser canon(plain.spec, system.state_size());
        plain_states =
            checker::search(checker::SymmetricSystem(system, canon), options(true, true)).stats.states;
      }
      CHECK(p.states == plain_states);
      ++fell_back;
    }
    const auto first = checker::run_variant(ast, sm, {}, false, options(true, false));
    CHECK(first.result.status == f.status);
    checker::test::require_replays(first);
    // With POR as well (docs/reductions.md, "POR and symmetry together"): the same verdicts, and
    // the same fallback decision (a crossing is a report of its step, kept by POR).
    checker::SearchOptions por = options(true, true);
    por.por = true;
    const auto both = checker::run_variant(ast, sm, {}, false, por);
    const auto b = checker::test::summary(both);
    CHECK(b.status == f.status);
    CHECK(b.violated == f.violated);
    CHECK((b.exists_hits == 0) == (f.exists_hits == 0));
    CHECK(both.result.stats.symmetry_fallback.empty() == red.result.stats.symmetry_fallback.empty());
    checker::test::require_replays(both);
    ++checked;
    if (p.states < f.states) ++reduced;
  }
  INFO(checked << " models checked, " << reduced << " reduced, " << exact << " exact, "
               << fell_back << " fell back");
  CHECK(checked >= 45);
  CHECK(fell_back >= 3);
  CHECK(exact >= 30);
  CHECK(reduced >= checked / 4);
}
