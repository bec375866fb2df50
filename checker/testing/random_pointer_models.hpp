// Seeded random models whose threads reach pool pages through pointer locals, for the narrowed
// futures (model/narrow_footprint.hpp) under the default run's reductions: locals `p` and `q`
// loaded from a shared pointer, copied into each other and into function parameters, reassigned
// between accesses (`p = p->next`, a constant page, inside a loop and inside a function through
// its parameter), and page locks on them (`await(pg->owner == NO_THREAD)` through a parameter or
// a local), next to lockless accesses of the same fields. Its own generator: the other
// families' seeds keep naming the same models.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

#include "checker/store/hash.hpp"

namespace pcmc::checker::test {

class RandomPointerModel {
 public:
  explicit RandomPointerModel(std::uint64_t seed) : x_(seed * 0xBF58476D1CE4E5B9ull + 3) {}

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario rnd_ptr_" << seed << " \"random pointer model " << seed << "\";\n"
      << "struct page { int[0..3] f; thread_t owner; struct page *next; };\n"
      << "pool struct page mem_map[3] named { pa, pb, pc };\n"
      << "struct page *slot;\nint[0..3] g;\n"
      << "void lock_page(struct page *pg) { atomic { await(pg->owner == NO_THREAD); "
         "pg->owner = current; } }\n"
      << "void unlock_page(struct page *pg) { pg->owner = NO_THREAD; }\n"
      << "void walk(struct page *pg) { pg->f = (pg->f + 1) % 4; pg = pg->next; "
         "if (pg != NULL) g = pg->f; }\n"
      << "init { pa->next = pb; pb->next = pc; slot = " << page() << "; }\n";
    const unsigned threads = 2 + pick(2);
    for (unsigned t = 0; t < threads; ++t) {
      o << "thread T" << t << " {\n\tstruct page *p = slot;\n\tstruct page *q = NULL;\n";
      const unsigned n = 2 + pick(4);
      for (unsigned i = 0; i < n; ++i) o << "\t" << statement(t, i) << "\n";
      o << "}\n";
    }
    o << "invariant inv: !(pa->f == 3 && pb->f == " << pick(4) << ");\n";
    o << "final fin: g != " << pick(4) << " || pc->f != " << pick(4) << ";\n";
    o << "exists (pb->f == " << pick(4) << ");\n";
    return o.str();
  }

 private:
  unsigned pick(std::size_t n) { return static_cast<unsigned>(checker::splitmix64(x_) % n); }
  std::string page() {
    static const char* names[] = {"pa", "pb", "pc"};
    return names[pick(3)];
  }

  std::string statement(unsigned t, unsigned i) {
    const std::string c = std::to_string(pick(4));
    const std::string v = pick(2) == 0 ? "p" : "q";
    const std::string i_ = "i" + std::to_string(t) + "_" + std::to_string(i);
    const std::string guard = "if (" + v + " != NULL) ";
    switch (pick(12)) {
      case 0: return v + " = slot;";
      case 1: return "q = p;";
      case 2: return guard + v + " = " + v + "->next;";
      case 3: return v + " = " + page() + ";";
      case 4:
        return guard + "{ lock_page(" + v + "); " + v + "->f = (" + v +
               "->f + 1) % 4; unlock_page(" + v + "); }";
      case 5:
        return guard + "{ lock_page(" + v + "); WARN_ON(" + v + "->f == " + c + "); unlock_page(" +
               v + "); }";
      case 6: return guard + v + "->f = (" + v + "->f + " + c + ") % 4;";  // lockless
      case 7: return "slot = " + page() + ";";
      case 8: return guard + "walk(" + v + ");";
      case 9:
        return "{ int[0..3] " + i_ + " = 0; while (" + i_ + " < 2 && " + v + " != NULL) { " + v +
               "->f = (" + v + "->f + 1) % 4; " + v + " = " + v + "->next; " + i_ + " = " + i_ +
               " + 1; } }";
      case 10:
        return guard + "{ atomic { await(" + v + "->owner == NO_THREAD); " + v +
               "->owner = current; } g = " + v + "->f; " + v + "->owner = NO_THREAD; }";
      default: return guard + "HARM_ON(" + v + "->f == " + c + " && g == " + c + ", \"H_p\");";
    }
  }

  std::uint64_t x_;
};

}  // namespace pcmc::checker::test
