#!/usr/bin/env bash
# test_install.sh BUILD SOURCE — the ctest "install: relocated prefix".
# Installs BUILD to a temporary prefix, moves the whole install elsewhere (a relocated prefix),
# and runs cmake/install_checks.sh on the moved copy with the source and build trees hidden:
# inside a private mount namespace an empty tmpfs is mounted over both, so a binary that fell
# back to the checkout would find nothing. Without the privilege for that (unshare -m), the
# checks run with the trees in place; they also check that no output names the source tree.
set -u
build=$(cd "$1" && pwd); src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pcmc-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" 2>&1 ||
  { echo "cmake --install failed:"; cat "$tmp/install.log"; exit 1; }
mv "$tmp/staged" "$tmp/moved"
cp "$src/cmake/install_checks.sh" "$tmp/checks.sh"
if unshare -m true 2>/dev/null; then
  # The build tree first: it is usually inside the source tree, hidden by the second mount.
  # (not exec: the EXIT trap removes the temporary prefix afterwards)
  unshare -m bash -c 'mount -t tmpfs pcmc-hidden "$1" && mount -t tmpfs pcmc-hidden "$2" &&
                      exec bash "$3" "$4" "$2" hidden' _ "$build" "$src" "$tmp/checks.sh" "$tmp/moved"
  exit $?
fi
echo "note: unshare -m is not permitted here: the source tree stays visible during the checks"
bash "$tmp/checks.sh" "$tmp/moved" "$src" visible
