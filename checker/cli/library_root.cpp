#include "checker/cli/library_root.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "pcmc_git.hpp"
#include "pcmc_version.hpp"

namespace fs = std::filesystem;

namespace pcmc::cli {

namespace {

std::string g_argv0;  // set_argv0(): the fallback when /proc is not mounted (a bare chroot)

// The running binary's folder: /proc/self/exe, else argv[0] (a path, or a name searched in
// $PATH as the shell did), else empty (then only $PCMC_LIBRARY and the build tree's path remain).
fs::path executable_dir() {
  std::error_code ec;
  if (fs::path exe = fs::read_symlink("/proc/self/exe", ec); !ec) return exe.parent_path();
  fs::path exe;
  if (g_argv0.find('/') != std::string::npos) {
    exe = g_argv0;
  } else if (const char* path = std::getenv("PATH"); path != nullptr && !g_argv0.empty()) {
    std::string dirs = path;
    for (std::size_t at = 0; at <= dirs.size() && exe.empty();) {
      std::size_t end = dirs.find(':', at);
      if (end == std::string::npos) end = dirs.size();
      const fs::path candidate = fs::path(end > at ? dirs.substr(at, end - at) : ".") / g_argv0;
      if (fs::is_regular_file(candidate, ec)) exe = candidate;
      at = end + 1;
    }
  }
  if (exe.empty()) return {};
  exe = fs::canonical(exe, ec);  // through symlinks, as /proc/self/exe would be
  return ec ? fs::path() : exe.parent_path();
}

bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return !a.empty() && fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

void set_argv0(const char* argv0) { g_argv0 = argv0 != nullptr ? argv0 : ""; }

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
