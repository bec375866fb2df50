#!/usr/bin/env bash
# compiler_group.sh PCMC SCENARIO
# The native engine's compiler runs in a process group of its own, and a cancel kills the whole
# group (issue 14, A7): the driver and what it started (cc1plus, as), which a kill of the driver
# alone leaves running. A stand-in compiler ($PCMC_CXX) starts a child, as g++ starts cc1plus,
# and waits for it; after pcmc ends, that child must be gone.
#   1. --engine auto, --max-time 3: the build starts after 1 s, the time limit cancels it.
#   2. --engine native, SIGTERM during the compile: the compile is cancelled, the search stops at
#      once with the verdict "incomplete" (exit 20), as for SIGINT.
# SCENARIO must run well past the time limit with --no-reduce: examples/scaled/bench/thp-n8-open3.pcm
# (about 8 s interpreted; locked_counter, 3 s, came too close once the search got faster).
set -u
pcmc=$1; scenario=$2
work=$(mktemp -d)
children=()
cleanup() {
  for c in "${children[@]}"; do kill "$c" 2>/dev/null; done  # only the stand-ins' own children
  rm -rf "$work"
}
trap cleanup EXIT
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

cat > "$work/cxx" <<STANDIN
#!/bin/sh
sleep 300 &
echo \$! > "$work/child.pid"
wait
STANDIN
chmod +x "$work/cxx"

# Alive: the process exists and is not a zombie waiting for its (new) parent to reap it.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

check_gone() {
  local what=$1 child
  child=$(cat "$work/child.pid" 2>/dev/null)
  [ -n "$child" ] || fail "$what: the stand-in compiler never started"
  children+=("$child")
  for _ in 1 2 3 4 5 6 7 8 9 10; do alive "$child" || break; sleep 0.1; done
  alive "$child" && fail "$what: the compiler's child (pid $child) outlived pcmc"
  rm -f "$work/child.pid"
}

out=$(PCMC_CXX="$work/cxx" PCMC_CACHE="$work/cache" "$pcmc" check "$scenario" -q --no-reduce \
        --engine auto --max-time 3 --progress off 2>&1)
rc=$?
[ "$rc" -eq 20 ] || fail "--engine auto --max-time 3: exit $rc, not 20: $out"
check_gone "--engine auto"

out=$(PCMC_CXX="$work/cxx" PCMC_CACHE="$work/cache" timeout --preserve-status -s TERM 2 \
        "$pcmc" check "$scenario" -q --no-reduce --engine native --progress off --json "$work/t.json" 2>&1)
rc=$?
[ "$rc" -eq 20 ] || fail "--engine native, SIGTERM while compiling: exit $rc, not 20: $out"
grep -q '"verdict": "incomplete"' "$work/t.json" || fail "--engine native, SIGTERM: no JSON verdict"
check_gone "--engine native, SIGTERM"
echo "ok: the compiler's process group is killed on cancel (auto: time limit; native: SIGTERM)"
