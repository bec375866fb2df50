#!/usr/bin/env bash
# expect_run.sh CODE PATTERN -- COMMAND...
# Runs COMMAND; passes when it exits with CODE and its stdout+stderr matches the extended
# regular expression PATTERN (a PATTERN "!RE": does not match RE). Used by the CLI's ctest cases
# (exit codes are a documented API).
set -u
want=$1; pattern=$2; shift 2
[ "$1" = "--" ] && shift
out=$("$@" 2>&1); rc=$?
if [ "$rc" -ne "$want" ]; then
  printf 'expected exit %s, got %s from: %s\n%s\n' "$want" "$rc" "$*" "$out"; exit 1
fi
if [ "${pattern:0:1}" = "!" ]; then
  if printf '%s\n' "$out" | grep -Eq -- "${pattern:1}"; then
    printf 'output of %s matches /%s/, which it must not:\n%s\n' "$*" "${pattern:1}" "$out"; exit 1
  fi
elif ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  printf 'output of %s does not match /%s/:\n%s\n' "$*" "$pattern" "$out"; exit 1
fi
echo "ok: exit $rc, output matches /$pattern/"
