#include "checker/cli/library_root.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "pcmc_git.hpp"
#include "pcmc_version.hpp"

namespace fs = std::filesystem;

namespace pcmc::cli {

namespace {

// The running binary's folder, or empty when /proc is not mounted (then only $PCMC_LIBRARY and
// the build tree's path can be used).
fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return !a.empty() && fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

std::string library_root() {
  if (const char* env = std::getenv("PCMC_LIBRARY"); env != nullptr && *env != '\0') return env;
  const fs::path dir = executable_dir();
  // PCMC_BUILD_BIN_DIR and PCMC_SOURCE_LIBRARY_DIR: compiled in by checker/cli/CMakeLists.txt.
  if (dir.empty() || same_folder(dir, PCMC_BUILD_BIN_DIR)) return PCMC_SOURCE_LIBRARY_DIR;
  // PCMC_INSTALL_LIBRARY_REL: the library relative to the installed binary's folder
  // (cmake/install.cmake: CMAKE_INSTALL_BINDIR -> CMAKE_INSTALL_DATADIR/pcmc/model).
  return (dir / PCMC_INSTALL_LIBRARY_REL).lexically_normal().string();
}

std::string version_text() {
  return std::string("pcmc ") + PCMC_VERSION + " (git " + PCMC_GIT_COMMIT + ")\nlibrary: " +
         library_root() + "\n";
}

}  // namespace pcmc::cli
