#!/usr/bin/env bash
# expect_golden.sh CODE GOLDEN -- COMMAND...
# Runs COMMAND in a fresh empty folder (so relative output paths are the same on every run);
# passes when it exits with CODE, its stdout equals the file GOLDEN byte for byte, and every
# "*.json" path that stdout names (trace files) exists there and is a trace with a choice path.
# To refresh a golden file after an intended change: run the command and review the diff.
set -u
want=$1; golden=$2; shift 2
[ "$1" = "--" ] && shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
out=$(cd "$work" && "$@" 2>"$work/.stderr"); rc=$?
if [ "$rc" -ne "$want" ]; then
  printf 'expected exit %s, got %s from: %s\n%s\n' "$want" "$rc" "$*" "$(cat "$work/.stderr")"; exit 1
fi
if ! diff -u "$golden" <(printf '%s\n' "$out"); then
  printf 'output of %s differs from %s (above)\n' "$*" "$golden"; exit 1
fi
for f in $(printf '%s\n' "$out" | grep -oE '[A-Za-z0-9_./+-]+\.json' | sort -u); do
  if ! grep -q '"choice_path"' "$work/$f" 2>/dev/null; then
    echo "trace file $f named in the output is missing or not a trace"; exit 1
  fi
done
echo "ok: exit $rc, output equals $golden"
