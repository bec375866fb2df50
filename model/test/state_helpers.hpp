// Shared by the model's unit tests (lowering_test.cpp, memory_model_test.cpp,
// atomic_order_test.cpp): the initial state of a Program, the value of a global in a state, and
// (for the memory-model tests) a program compiled under a memory model, one step of a thread and
// the fill of its store buffer.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "model/compile.hpp"
#include "model/exec.hpp"
#include "model/parser.hpp"
#include "model/program.hpp"
#include "model/storebuf.h"

namespace pcmc::model::test {

// The state `p`'s init block produces; the init block must raise no event.
inline std::vector<std::uint8_t> initial(const Program& p) {
  std::vector<std::uint8_t> s(p.state_size);
  std::vector<Event> ev;
  Executor(p, {}).initial_state(s.data(), ev);
  REQUIRE(ev.empty());
  return s;
}

// The value of global `name` in state `s`; fails the test when `p` has no such symbol.
inline std::int64_t global(const Program& p, const std::vector<std::uint8_t>& s,
                           const std::string& name) {
  for (const Symbol& sym : p.symbols)
    if (sym.name == name) return Executor::load(s.data(), sym.offset, sym.scalar.width);
  FAIL("no symbol " << name);
  return 0;
}

// `src` compiled under memory model `mm` (no library include path).
inline Program build(const std::string& src, MemoryModel mm, std::vector<std::string> defines = {},
                     std::uint32_t store_buffer = 0) {
  SourceManager sm;
  ast::Model m = parse_text(sm, "t.pcm", src, {});
  CompileOptions co;
  co.defines = std::move(defines);
  co.memory_model = mm;
  co.store_buffer = store_buffer;
  return compile(m, sm, co);
}

// The successors of one step, with their flush markers (-1: the instruction's successor, j: the
// flush of buffer entry j).
struct Collect : Sink {
  std::vector<std::vector<std::uint8_t>> states;
  std::vector<std::int16_t> flush;
  std::size_t size;
  explicit Collect(std::size_t n) : size(n) {}
  void on_successor(const Successor& s) override {
    states.emplace_back(s.state, s.state + size);
    flush.push_back(s.flush);
  }
};

// One step of thread t taking successor k (s is left alone when there is none); returns the
// successors' flush markers. `sc`: the scratch to use, else a fresh one.
inline std::vector<std::int16_t> step(const Program& p, std::vector<std::uint8_t>& s, unsigned t,
                                      std::size_t k = 0, Scratch* sc = nullptr) {
  Executor ex(p, {});
  Scratch own;
  Collect c(p.state_size);
  ex.step(s.data(), t, sc != nullptr ? *sc : own, c);
  if (k < c.states.size()) s = c.states[k];
  return c.flush;
}

// The number of entries in thread t's store buffer.
inline std::uint32_t buffered(const Program& p, const std::vector<std::uint8_t>& s, unsigned t) {
  return pcmc_sb_count(s.data() + p.sb_offset + t * p.sb_stride);
}

}  // namespace pcmc::model::test
