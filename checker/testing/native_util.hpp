// Shared by the native engine's tests: the module cache inside the build tree (so the suite
// never writes to the user's cache and one compile per program and options is reused across
// the test processes), and the flags.
#pragma once

#include "model/native.hpp"
#include "model/test/source_dir.hpp"

namespace pcmc::checker::test {

// `fast`: -O0 (the oracle compiles many programs; exactness does not depend on the level).
inline model::NativeBuildOptions native_test_build(bool fast) {
  model::NativeBuildOptions b;
  b.cache_dir = PCMC_NATIVE_CACHE;
  if (fast) b.extra_flags = {"-O0"};
  return b;
}

}  // namespace pcmc::checker::test
