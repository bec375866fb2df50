// Shared by the model's unit tests (lowering_test.cpp, memory_model_test.cpp): the initial state
// of a Program and the value of a global in a state.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "model/exec.hpp"
#include "model/program.hpp"

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

}  // namespace pcmc::model::test
