#!/usr/bin/env bash
# set_replay.sh PCMC SCENARIO
# --set in traces: `pcmc check --set WAITQ_SIZE=1 --json` on the waiters library test records
# the value in the trace ("constants"); `pcmc replay` without --set applies it again (a note
# says so) and reproduces B_waitq_full, which the default WAITQ_SIZE (3) cannot reach; a --set
# on the replay command line wins (the trace then does not apply).
set -u
pcmc=$1; scenario=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$pcmc" check "$scenario" --set WAITQ_SIZE=1 --json "$work/t.json" -q >"$work/out" 2>&1
[ $? -eq 10 ] || fail "check --set WAITQ_SIZE=1: $(cat "$work/out")"
grep -q "variant B, WAITQ_SIZE=1, CONFIG_DEBUG_VM off" "$work/out" || fail "header: $(cat "$work/out")"
grep -q '"WAITQ_SIZE": 1' "$work/t.json" || fail "no constants in the trace"
"$pcmc" replay "$scenario" "$work/t.json" -q >"$work/rep" 2>&1
[ $? -eq 10 ] || fail "replay: $(cat "$work/rep")"
grep -q "recorded with --set WAITQ_SIZE=1; applied again" "$work/rep" || fail "no note: $(cat "$work/rep")"
grep -q "reproduced: B_waitq_full" "$work/rep" || fail "not reproduced: $(cat "$work/rep")"
"$pcmc" replay "$scenario" "$work/t.json" -q --set WAITQ_SIZE=3 >"$work/rep3" 2>&1
[ $? -eq 11 ] || fail "replay --set WAITQ_SIZE=3 should diverge: $(cat "$work/rep3")"
echo "ok: --set recorded, applied again by replay, overridden by the command line"
