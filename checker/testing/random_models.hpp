// A seeded generator of small random models (source text in the modelling language), for the
// oracle tests: every reduction and every parallel mode must give, on each of them, what the
// plain sequential search gives. The same seed always gives the same model.
//
// A model (source()) has 2-3 threads of 2-5 statements over: bounded shared ints (g0..g2,
// values 0..3), two spinlocks (await-based, so lock cycles deadlock), a pool of two pages with a
// field and a flag reached through a shared pointer, thread-local temporaries (read then write:
// lost updates), `await` on shared values (blocking), `choose`, WARN_ON / BUG_ON / HARM_ON
// assertions, and an invariant, a final condition and an exists condition. symmetric_source()
// gives models with interchangeable threads (identical bodies) for symmetry reduction.
// locked_source() gives models whose shared data is mostly accessed under await-based locks
// (`await(l == NO_THREAD)`, a page lock through a pointer, a reader-writer lock whose write side
// awaits a conjunction), for lock-aware persistence (docs/por.md, "C1 with locks"); its
// own seed range, so source()'s models are unchanged. dead_source() gives models whose threads
// keep locals across steps (scalars, an array written through a computed index, an out-param
// filled by a function) that are often dead — overwritten before read, or read only on some
// branches — and spin loops that may never end, for the dead-variable reduction
// (model/liveness.hpp) with the non-termination pass. loop_source() gives models with loops —
// spins on shared values, retry loops under a lock, loops over a thread's own counter (steps POR
// reduces), loops a thread may repeat by choice — so that some have weakly fair cycles, some
// only unfair ones and some none, for the non-termination pass on reduced graphs
// (docs/reductions.md); symmetric_loop_source() the same in interchangeable threads, for the
// pass on a symmetry quotient.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

#include "checker/store/hash.hpp"

namespace pcmc::checker::test {

class RandomModel {
 public:
  explicit RandomModel(std::uint64_t seed) : x_(seed * 0x9E3779B97F4A7C15ull + 1) {}

  // 2-3 threads T0.., each of 2 + pick(more) statements from `statement(thread, index)`; the
  // random draws in this order, which the seeds' pinned models rely on.
  template <class Statement>
  void threads(std::ostringstream& o, unsigned more, Statement statement) {
    const unsigned count = 2 + pick(2);
    for (unsigned t = 0; t < count; ++t) {
      o << "thread T" << t << " {\n";
      const unsigned n = 2 + pick(more);
      for (unsigned i = 0; i < n; ++i) o << "\t" << statement(t, i) << "\n";
      o << "}\n";
    }
  }

  std::string source(std::uint64_t seed) {
    std::ostringstream o;
    header(o, seed);
    threads(o, 4, [&](unsigned t, unsigned i) { return statement(t, i); });
    footer(o);
    return o.str();
  }

  // Lock-heavy models (see the file comment): 2-3 threads of 2-4 statements.
  std::string locked_source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario rnd_lock_" << seed << " \"random lock model " << seed << "\";\n"
      << "struct page { int[0..3] f; thread_t owner; };\n"
      << "pool struct page mem_map[2] named { pa, pb };\n"
      << "struct page *slot;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nint[0..3] g2;\n"
      << "thread_t l0;\nthread_t l1;\nthread_t wl;\nint[0..3] rd;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "void lock1() { atomic { await(NO_THREAD == l1); l1 = current; } }\n"
      << "void unlock1() { l1 = NO_THREAD; }\n"
      << "void down_write() { atomic { await(wl == NO_THREAD && rd == 0); wl = current; } }\n"
      << "void up_write() { wl = NO_THREAD; }\n"
      << "void down_read() { atomic { await(wl == NO_THREAD); rd = rd + 1; } }\n"
      << "void up_read() { rd = rd - 1; }\n"
      << "init { slot = pa; g0 = " << pick(4) << "; }\n";
    const unsigned threads = 2 + pick(2);
    for (unsigned t = 0; t < threads; ++t) {
      o << "thread T" << t << " {\n";
      const unsigned n = 2 + pick(3);
      for (unsigned i = 0; i < n; ++i) o << "\t" << locked_statement(t, i) << "\n";
      o << "}\n";
    }
    footer(o);
    return o.str();
  }

  // For the transaction reduction (checker/reduce/transactions.hpp): critical sections of 2-4
  // steps on the data a lock protects (d0 under m0, d1 under m1, the f of a page under its
  // owner), private data (p<t>), lockless readers and writers of protected data (what must stop
  // a transaction), assertions inside critical sections, a retry loop, choices, and an invariant
  // on d0 or on nothing the threads write. Its own seed range: the others stay unchanged.
  std::string tx_source(std::uint64_t seed) {
    std::ostringstream o;
    o << "scenario rnd_tx_" << seed << " \"random transaction model " << seed << "\";\n"
      << "struct page { int[0..3] f; thread_t owner; };\n"
      << "pool struct page mem_map[2] named { pa, pb };\n"
      << "int[0..3] d0;\nint[0..3] d1;\nint[0..3] p0;\nint[0..3] p1;\nint[0..3] p2;\n"
      << "int[0..3] q;\nthread_t m0;\nthread_t m1;\n"
      << "void lock0() { atomic { await(m0 == NO_THREAD); m0 = current; } }\n"
      << "void unlock0() { m0 = NO_THREAD; }\n"
      << "void lock1() { atomic { await(NO_THREAD == m1); m1 = current; } }\n"
      << "void unlock1() { m1 = NO_THREAD; }\n"
      << "void lock_page(struct page *pg) { atomic { await(pg->owner == NO_THREAD); "
         "pg->owner = current; } }\n"
      << "void unlock_page(struct page *pg) { pg->owner = NO_THREAD; }\n";
    const unsigned threads = 2 + pick(2);
    for (unsigned t = 0; t < threads; ++t) {
      o << "thread T" << t << " {\n";
      const unsigned n = 1 + pick(3);
      for (unsigned i = 0; i < n; ++i) o << "\t" << tx_statement(t, i) << "\n";
      o << "}\n";
    }
    switch (pick(3)) {
      case 0: o << "invariant inv: !(d0 == 3 && q == " << pick(4) << ");\n"; break;
      case 1: o << "invariant inv: q != 3;\n"; break;
      default: break;
    }
    o << "final fin: d" << pick(2) << " != " << pick(4) << ";\n";
    o << "exists (d" << pick(2) << " == " << pick(4) << ");\n";
    return o.str();
  }

  // For symmetry reduction: 2-3 threads running one body (interchangeable), then, half of the
  // time, one thread of its own.
  std::string symmetric_source(std::uint64_t seed) {
    std::ostringstream o;
    header(o, seed);
    const unsigned copies = 2 + pick(2);
    std::string body;
    const unsigned n = 2 + pick(4);
    // Half of the bodies keep a thread_t local across steps (a thread cell in the thread area):
    // it remembers a lock owner seen after the first statement and tests it at the end.
    const bool remember = pick(2) == 0;
    if (remember) body += "\tthread_t w = NO_THREAD;\n";
    for (unsigned i = 0; i < n; ++i) {
      body += "\t" + statement(0, i) + "\n";
      if (remember && i == 0) body += "\tw = l" + std::to_string(pick(2)) + ";\n";
    }
    if (remember) body += "\tif (w != NO_THREAD && w != current) " + g() + " = 2;\n";
    // In a function, so that unlabelled assertions are the same sites ("body:line") in every
    // copy; written in the thread bodies they would be distinct properties per thread.
    o << "void body() {\n" << body << "}\n";
    for (unsigned t = 0; t < copies; ++t) o << "thread T" << t << " { body(); }\n";
    if (pick(2) == 1) {
      o << "thread U {\n";
      const unsigned m = 2 + pick(4);
      for (unsigned i = 0; i < m; ++i) o << "\t" << statement(copies, i) << "\n";
      o << "}\n";
    }
    footer(o);
    return o.str();
  }

  // For the dead-variable reduction (see the file comment): 2-3 threads of 3-5 statements.
  std::string dead_source(std::uint64_t seed) {
    std::ostringstream o;
    header(o, seed);
    o << "void fetch(int[0..3] *out) { *out = g" << pick(3) << "; }\n";
    const unsigned threads = 2 + pick(2);
    for (unsigned t = 0; t < threads; ++t) {
      o << "thread T" << t << " {\n"
        << "\tint[0..3] a = " << pick(4) << "; int[0..3] b = 0; int[0..3] vec[3]; "
        << "int[0..2] k = 0;\n";
      const unsigned n = 3 + pick(3);
      for (unsigned i = 0; i < n; ++i) o << "\t" << dead_statement(t, i) << "\n";
      o << "}\n";
    }
    footer(o);
    return o.str();
  }

  // For the non-termination pass on reduced graphs (see the file comment): 2-3 threads of 2-4
  // statements; thread t's counter p<t> is written by t alone and read by no property.
  std::string loop_source(std::uint64_t seed) {
    std::ostringstream o;
    header(o, seed);
    o << "int[0..3] p0;\nint[0..3] p1;\nint[0..3] p2;\n";
    threads(o, 3, [&](unsigned t, unsigned i) { return loop_statement(t, i); });
    footer(o);
    return o.str();
  }

  // For the non-termination pass on a symmetry quotient: loop_source()'s statements in one body
  // that 2-3 interchangeable threads run (the counter a local), then, half of the time, one
  // thread of its own. Some have weakly fair cycles, some only unfair ones, some none.
  std::string symmetric_loop_source(std::uint64_t seed) {
    std::ostringstream o;
    header(o, seed);
    const unsigned copies = 2 + pick(2);
    std::string body = "\tint[0..3] p = 0;\n";
    const unsigned n = 2 + pick(3);
    for (unsigned i = 0; i < n; ++i) body += "\t" + loop_statement(0, i, "p") + "\n";
    o << "void body() {\n" << body << "}\n";
    for (unsigned t = 0; t < copies; ++t) o << "thread T" << t << " { body(); }\n";
    if (pick(2) == 1) {
      o << "thread U {\n\tint[0..3] q = 0;\n";
      const unsigned m = 2 + pick(3);
      for (unsigned i = 0; i < m; ++i) o << "\t" << loop_statement(copies, i, "q") << "\n";
      o << "}\n";
    }
    footer(o);
    return o.str();
  }

 private:
  // `counter`: the thread's own counter (default: the global p<t>).
  std::string loop_statement(unsigned t, unsigned i, const std::string& counter = "") {
    const std::string c = std::to_string(pick(4)), v = g(), k = std::to_string(pick(2));
    const std::string p = counter.empty() ? "p" + std::to_string(t) : counter,
                      step = p + " = (" + p + " + 1) % 4;";
    switch (pick(16)) {
      case 0: return "while (" + v + " != " + c + ") { " + step + " }";  // a private spin
      case 1:  // a retry loop under a lock
        return "lock" + k + "(); while (" + v + " != " + c + ") { unlock" + k + "(); lock" + k +
               "(); } unlock" + k + "();";
      case 2:  // a loop the thread may repeat forever by itself (rarely: it makes a fair cycle)
        if (pick(3) != 0) return step;
        return "{ int[0..1] more = 1; while (more == 1) { " + step + " more = choose(0, 1); } }";
      case 3: return "while (" + p + " != " + c + ") { " + step + " }";  // private, ends
      case 4: {  // a retry loop that writes shared data each round
        const std::string w = g();
        return "while (" + v + " != " + c + ") { " + w + " = (" + w + " + 1) % 4; }";
      }
      case 5: case 7: case 8: return v + " = " + c + ";";  // may end another thread's spin
      case 6: return "await(" + v + " != " + c + ");";
      default: return statement(t, i);
    }
  }

  std::string dead_statement(unsigned t, unsigned i) {
    const std::string c = std::to_string(pick(4));
    switch (pick(12)) {
      case 0: return "a = " + g() + ";";
      case 1: return g() + " = (a + b) % 4;";
      case 2: return "fetch(&b);";
      case 3: return "vec[k] = " + g() + ";";
      case 4: return "k = choose(0, 2);";
      case 5: return g() + " = vec[" + std::to_string(pick(3)) + "];";
      case 6: return g() + " = vec[k];";
      case 7: return "if (a == " + c + ") " + g() + " = b; else b = " + c + ";";
      case 8: return "WARN_ON(a == " + c + " && " + g() + " == " + c + ");";
      case 9: {  // a spin loop (may never end): `a` is dead at its test unless read after it
        const std::string v = g();
        return "a = " + c + "; while (" + v + " != " + std::to_string(pick(4)) + ") { a = " +
               g() + "; " + g() + " = a; }";
      }
      case 10: return statement(t, i);
      default: return "b = (a + 1) % 4;";
    }
  }

  void header(std::ostringstream& o, std::uint64_t seed) {
    o << "scenario rnd_" << seed << " \"random model " << seed << "\";\n"
      << "struct page { int[0..3] f; bool b; };\n"
      << "pool struct page mem_map[2] named { pa, pb };\n"
      << "struct page *slot;\n"
      << "int[0..3] g0;\nint[0..3] g1;\nint[0..3] g2;\n"
      << "thread_t l0;\nthread_t l1;\n"
      << "void lock0() { atomic { await(l0 == NO_THREAD); l0 = current; } }\n"
      << "void unlock0() { l0 = NO_THREAD; }\n"
      << "void lock1() { atomic { await(l1 == NO_THREAD); l1 = current; } }\n"
      << "void unlock1() { l1 = NO_THREAD; }\n"
      << "init { slot = pa; g0 = " << pick(4) << "; }\n";
  }

  void footer(std::ostringstream& o) {
    o << "invariant inv: !(g0 == 3 && g1 == 3 && g2 == " << pick(4) << ");\n";
    o << "final fin: g" << pick(3) << " != " << pick(4) << ";\n";
    o << "exists (g" << pick(3) << " == " << pick(4) << ");\n";
  }

  unsigned pick(unsigned n) { return static_cast<unsigned>(splitmix64(x_) % n); }
  std::string g() { return "g" + std::to_string(pick(3)); }

  std::string statement(unsigned t, unsigned i) {
    const std::string tmp = "t" + std::to_string(t) + "_" + std::to_string(i);
    const std::string c = std::to_string(pick(4));
    switch (pick(12)) {
      case 0: return g() + " = (" + g() + " + 1) % 4;";
      case 1: {
        const std::string v = g();
        return "{ int[0..3] " + tmp + " = " + v + "; " + v + " = (" + tmp + " + 1) % 4; }";
      }
      case 2: {
        const std::string k = std::to_string(pick(2)), v = g();
        return "lock" + k + "(); " + v + " = (" + v + " + " + c + ") % 4; unlock" + k + "();";
      }
      case 3: {  // nested locks in either order: ABBA deadlocks between threads
        const unsigned a = pick(2);
        return "lock" + std::to_string(a) + "(); lock" + std::to_string(1 - a) + "(); " + g() +
               " = " + c + "; unlock" + std::to_string(1 - a) + "(); unlock" + std::to_string(a) +
               "();";
      }
      case 4: return "await(" + g() + " != " + c + ");";
      case 5: return g() + " = choose(0, " + std::to_string(1 + pick(3)) + ");";
      case 6: return "WARN_ON(" + g() + " == " + c + ");";
      case 7: return "BUG_ON(" + g() + " == " + c + " && " + g() + " == " + c + ");";
      case 8: return "slot->f = (slot->f + 1) % 4;";
      case 9: return "if (slot == pa) slot = pb; else slot = pa;";
      case 10: return "slot->b = !slot->b; HARM_ON(slot->b && " + g() + " == " + c + ", \"H_r\");";
      default: return "if (" + g() + " == " + c + ") " + g() + " = " + std::to_string(pick(4)) + ";";
    }
  }

  std::string locked_statement(unsigned t, unsigned i) {
    const std::string tmp = "t" + std::to_string(t) + "_" + std::to_string(i);
    const std::string c = std::to_string(pick(4));
    const std::string k = std::to_string(pick(2));
    const std::string gk = "g" + k;  // the data lock k protects
    switch (pick(11)) {
      case 0:
        return "lock" + k + "(); " + gk + " = (" + gk + " + " + c + ") % 4; unlock" + k + "();";
      case 1:
        return "lock" + k + "(); { int[0..3] " + tmp + " = " + gk + "; " + gk + " = (" + tmp +
               " + 1) % 4; } unlock" + k + "();";
      case 2: {
        const unsigned a = pick(2);
        return "lock" + std::to_string(a) + "(); lock" + std::to_string(1 - a) + "(); g" +
               std::to_string(pick(2)) + " = " + c + "; unlock" + std::to_string(1 - a) +
               "(); unlock" + std::to_string(a) + "();";
      }
      case 3:
        return "{ struct page *" + tmp + " = slot; atomic { await(" + tmp +
               "->owner == NO_THREAD); " + tmp + "->owner = current; } " + tmp + "->f = (" +
               tmp + "->f + 1) % 4; " + tmp + "->owner = NO_THREAD; }";
      case 4: return "down_write(); g2 = " + c + "; up_write();";
      case 5: return "down_read(); WARN_ON(g2 == " + c + "); up_read();";
      case 6: return g() + " = (" + g() + " + 1) % 4;";  // a race, outside any lock
      case 7: return "lock1(); if (slot == pa) slot = pb; else slot = pa; unlock1();";
      case 8: return "lock" + k + "(); WARN_ON(" + gk + " == " + c + "); unlock" + k + "();";
      case 9: return "await(" + g() + " != " + c + ");";
      default:
        return "lock" + k + "(); " + gk + " = choose(0, " + std::to_string(1 + pick(3)) +
               "); unlock" + k + "();";
    }
  }

  // One statement of tx_source(): mostly a critical section of several steps.
  std::string tx_statement(unsigned t, unsigned i) {
    const std::string tmp = "t" + std::to_string(t) + "_" + std::to_string(i);
    const std::string c = std::to_string(pick(4));
    const std::string k = std::to_string(pick(2));
    const std::string d = "d" + k;  // the data lock k protects
    const std::string p = "p" + std::to_string(t);  // this thread's own
    const auto inc = [](const std::string& v) { return v + " = (" + v + " + 1) % 4; "; };
    switch (pick(10)) {
      case 0: return "lock" + k + "(); " + inc(d) + inc(d) + inc(d) + "unlock" + k + "();";
      case 1:
        return "lock" + k + "(); { int[0..3] " + tmp + " = " + d + "; " + p + " = " + tmp + "; " +
               d + " = (" + tmp + " + " + c + ") % 4; " + inc(p) + "} unlock" + k + "();";
      case 2:
        return "lock" + k + "(); " + inc(d) + "WARN_ON(" + d + " == " + c + "); " + inc(d) +
               "unlock" + k + "();";
      case 3: return inc(p) + inc(p) + "q = " + p + ";";
      case 4: return "WARN_ON(" + d + " == " + c + ");";  // a lockless reader
      case 5: return d + " = " + c + ";";                 // a lockless writer
      case 6: {
        const std::string pg = std::string(pick(2) == 0 ? "pa" : "pb");
        return "lock_page(" + pg + "); " + inc(pg + "->f") + inc(pg + "->f") + "unlock_page(" +
               pg + ");";
      }
      case 7:  // a retry loop around a critical section
        return "{ int[0..3] " + tmp + " = 0; while (" + tmp + " < 2) { lock" + k + "(); " + inc(d) +
               "unlock" + k + "(); " + tmp + " = " + tmp + " + 1; } }";
      case 8:
        return "lock" + k + "(); " + d + " = choose(0, 2); " + inc(d) + "unlock" + k + "();";
      default:
        return "lock0(); lock1(); " + inc("d0") + inc("d1") + "unlock1(); unlock0();";
    }
  }

  std::uint64_t x_;
};

}  // namespace pcmc::checker::test
