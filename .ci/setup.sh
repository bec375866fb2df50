#!/usr/bin/env bash
# Installs what pcmc needs from Debian's packages (only what is missing) and builds it.
# Usage: .ci/setup.sh BUILD_DIR [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true

need=()
for pkg in g++ cmake ninja-build libboost-graph-dev libboost-program-options-dev \
           nlohmann-json3-dev catch2; do
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

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
