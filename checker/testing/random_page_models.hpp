// Seeded random models over one pool of pages, for the page-frame symmetry oracles: the frame
// models of frame_symmetry_random_test.cpp (a pool of three frames) and the block models of
// frame_blocks_random_test.cpp and native_oracle_test.cpp (three compound pages of two); each
// test's header comment describes its family. One generator draws both from a PageModelShape;
// the draws happen in a fixed order per family, so a seed keeps naming the same model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "checker/store/hash.hpp"

namespace pcmc::checker::test {

// What differs between two families of random page models. The shared part: globals head,
// spare, g0, g1 and a lock l0; 2-3 threads (identical or not) with pointer locals q and r that
// live across steps; an invariant, a final condition and an exists clause.
struct PageModelShape {
  const char* kind;                      // "frame" or "block": scenario name and title
  std::uint64_t mul, add;                // the seed mixing: x = seed * mul + add
  std::string decls;                     // struct page and its pool
  std::string init_links;                // init's statements before `g0 = <drawn>;`
  std::vector<std::string> statements;   // drawn uniformly; "{c}" becomes a drawn 0..3
  // Block models only ("" or empty for none): a statement placed once in every body after a
  // drawn position, statements one model in four gets at the end of every body (they may cross
  // a block), and a condition one model in four gets, completed by `<drawn>;`.
  std::string block_step;
  std::vector<std::string> crossers;
  std::string named_invariant;
};

// The statements both families draw from, around the two that differ (`flip` and `park`: a
// frame model flips and parks q, a block model r, which may be a tail), `extra` before the last.
inline std::vector<std::string> page_statements(const std::string& flip, const std::string& park,
                                                const std::vector<std::string>& extra) {
  std::vector<std::string> s = {
      "q = head;",
      "if (q != NULL) head = q->next;",
      "if (q != NULL) { q->next = head; head = q; }",
      "if (q != NULL) q->f = (q->f + 1) % 4;",
      flip,
      park,
      "r = spare;",
      "if (q == r) g1 = (g1 + 1) % 4;",
      "if (q != NULL) q = q->next;",
      "lock0(); q = head; if (q != NULL) head = q->next; unlock0();",
      "if (r != NULL) HARM_ON(r->b && r->f == {c}, \"H_r\");",
      "await(head != NULL || g0 == {c});",
      // a page lock: a thread cell inside the page
      "if (q != NULL) { atomic { await(q->owner == NO_THREAD); q->owner = current; } }",
      "if (q != NULL && q->owner == current) q->owner = NO_THREAD;",
  };
  s.insert(s.end(), extra.begin(), extra.end());
  s.push_back("WARN_ON(head == spare && g1 == {c});");
  return s;
}

inline const PageModelShape& frame_model_shape() {
  static const PageModelShape shape{
      "frame", 0x9E3779B97F4A7C15ull, 7,
      "struct page { int[0..3] f; bool b; thread_t owner; struct page *next; };\n"
      "pool struct page mem_map[3] named { A, B, C };\n",
      "A->next = B; B->next = C; head = A; ",
      page_statements("if (q != NULL) q->b = !q->b;", "spare = q;", {}),
      "", {}, ""};
  return shape;
}

inline const PageModelShape& block_model_shape() {
  static const PageModelShape shape{
      "block", 0xD1B54A32D192ED03ull, 11,
      "struct page { int[0..3] f; bool b; thread_t owner; struct page *next; "
      "struct page *first; };\n"
      "pool struct page mem_map[6] blocks(2) named { A0, A1, B0, B1, C0, C1 };\n",
      "A0->next = B0; B0->next = C0; head = A0; A1->first = A0; B1->first = B0; C1->first = C0; ",
      page_statements("if (r != NULL) r->b = !r->b;", "spare = r;",
                      {"if (r != NULL && r->first != NULL) r = r->first;",
                       "if (q != NULL && q->first == NULL) (q + 1)->f = (q->f + 2) % 4;",
                       "if (r != NULL && r->first != NULL) g1 = (r - r->first + g1) % 4;",
                       "if (q != NULL && r != NULL && r->first == q && r > q) g1 = 2;",
                       "q = r;"}),
      "if (q != NULL && q->first == NULL) r = q + 1;",
      {"if (q != NULL && q->next != NULL && q < q->next) g1 = 1;",
       "r = head; if (r != NULL && r->next != NULL) g1 = (r->next - r + 4) % 4;",
       "r = head; if (r != NULL && r->first == NULL && r->next != NULL) r = r + 2;"},
      // A tail named by a condition keeps its whole block in place (two blocks still move).
      "invariant named: spare != B1 || !B1->b || g1 != "};
  return shape;
}

// One random model of a family; crossing() after source(): whether the model got the crossers.
class RandomPageModel {
 public:
  RandomPageModel(std::uint64_t seed, const PageModelShape& shape)
      : shape_(shape), x_(seed * shape.mul + shape.add) {}

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario " << shape_.kind << "s_" << seed << " \"random " << shape_.kind << " model "
      << seed << "\";\n"
      << shape_.decls << "struct page *head;\nstruct page *spare;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nthread_t l0;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "init { " << shape_.init_links << "g0 = " << pick(4) << "; }\n";
    crossing_ = !shape_.crossers.empty() && pick(4) == 0;
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
    if (!shape_.named_invariant.empty() && pick(4) == 0)
      o << shape_.named_invariant << pick(4) << ";\n";
    return o.str();
  }

  bool crossing() const { return crossing_; }

 private:
  unsigned pick(std::size_t n) { return static_cast<unsigned>(checker::splitmix64(x_) % n); }

  std::string body() {
    std::string b = "\tstruct page *q = NULL;\n\tstruct page *r = NULL;\n";
    const unsigned n = 3 + pick(4);
    const unsigned at = shape_.block_step.empty() ? n : pick(n);  // n: no block step
    for (unsigned i = 0; i < n; ++i) {
      b += "\t" + statement() + "\n";
      if (i == at) b += "\t" + shape_.block_step + "\n";
    }
    if (crossing_) b += "\t" + shape_.crossers[pick(shape_.crossers.size())] + "\n";
    return b;
  }

  std::string statement() {
    const std::string c = std::to_string(pick(4));
    std::string s = shape_.statements[pick(shape_.statements.size())];
    if (const auto at = s.find("{c}"); at != std::string::npos) s.replace(at, 3, c);
    return s;
  }

  const PageModelShape& shape_;
  std::uint64_t x_;
  bool crossing_ = false;
};

// The two families by their old names.
struct FrameModel : RandomPageModel {
  explicit FrameModel(std::uint64_t seed) : RandomPageModel(seed, frame_model_shape()) {}
};
struct BlockModel : RandomPageModel {
  explicit BlockModel(std::uint64_t seed) : RandomPageModel(seed, block_model_shape()) {}
};

}  // namespace pcmc::checker::test
