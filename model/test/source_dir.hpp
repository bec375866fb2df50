#pragma once
// Where the tests find the source tree (examples/, model/, golden files) and the build tree's
// native-module cache: at run time, from the test binary's own folder.
//
// Why not an absolute path compiled in: -DPCMC_SOURCE_DIR="/abs/checkout" put the checkout's
// path on the compile line of every test object, and ccache hashes the compile line, so a fresh
// clone (CI builds one, twice) rebuilt every test object. The relative paths from the binary's
// folder (PCMC_SOURCE_FROM_BIN and PCMC_BUILD_FROM_BIN, set by pcmc_test_paths() in the
// top-level CMakeLists.txt) are the same in every clone whose build tree sits at the same place.
// PCMC_SOURCE_DIR in the environment overrides the source tree (a test binary run from a copy).
// Linux only (/proc/self/exe), like the rest of pcmc.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#if !defined(PCMC_SOURCE_FROM_BIN) || !defined(PCMC_BUILD_FROM_BIN)
#error "PCMC_SOURCE_FROM_BIN/PCMC_BUILD_FROM_BIN: link the test target through pcmc_test_paths()"
#endif

namespace pcmc::test_paths {

inline std::filesystem::path binary_folder() {
  return std::filesystem::canonical("/proc/self/exe").parent_path();
}

// The source tree's root, without a trailing slash; checked once to hold examples/.
inline const std::string& source_dir() {
  static const std::string dir = [] {
    const char* env = std::getenv("PCMC_SOURCE_DIR");
    const std::filesystem::path p = env != nullptr && *env != '\0'
                                        ? std::filesystem::path(env)
                                        : binary_folder() / PCMC_SOURCE_FROM_BIN;
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::canonical(p, ec);
    if (ec || !std::filesystem::is_directory(root / "examples"))
      throw std::runtime_error("the tests cannot find the source tree at " + p.string() +
                               " (set PCMC_SOURCE_DIR)");
    return root.string();
  }();
  return dir;
}

// The native engine's module cache of the build tree (build/native-cache).
inline const std::string& native_cache_dir() {
  static const std::string dir =
      (std::filesystem::weakly_canonical(binary_folder() / PCMC_BUILD_FROM_BIN) / "native-cache")
          .string();
  return dir;
}

}  // namespace pcmc::test_paths

#define PCMC_SOURCE_DIR (::pcmc::test_paths::source_dir())
#define PCMC_NATIVE_CACHE (::pcmc::test_paths::native_cache_dir())
