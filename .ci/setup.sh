#!/usr/bin/env bash
# Installs what pcmc needs from Debian's packages (only what is missing) and builds it.
# Usage: .ci/setup.sh BUILD_DIR [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true

need=()
# ccache only makes rebuilds fast (CI builds a clean clone twice: plain and sanitized). Open MPI
# builds the distributed search (docs/distributed.md); pcmc builds without it too.
for pkg in g++ cmake ninja-build libboost-graph-dev libboost-program-options-dev \
           nlohmann-json3-dev catch2 ccache openmpi-bin libopenmpi-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# For the tests only (pcmc itself needs neither): graphviz renders `pcmc graph --svg` in the
# graph tests, chromium runs the HTML viewer test headless (it skips when chromium is missing),
# python3-jsonschema validates the JSON traces against docs/trace-schema.json, man-db renders
# the installed man page (the install test, cmake/install_checks.sh).
test_need=()
for pkg in graphviz chromium python3-jsonschema man-db; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || test_need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ] || [ ${#test_need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} ${test_need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  if [ ${#need[@]} -gt 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if [ ${#test_need[@]} -gt 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${test_need[@]}" >/dev/null
  fi
fi

# Compiled objects are cached (ccache) under paths relative to the checkout, so a fresh clone of
# the same sources in another folder reuses them; the cache never changes what is built (ccache
# hashes the preprocessed source and the command line). PCMC_NO_CCACHE=1 builds without it.
launcher=()
if [ "${PCMC_NO_CCACHE:-0}" != 1 ] && command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
