#!/usr/bin/env bash
# kernel_select.sh PCMC SEED_DIR WORKDIR — the kernel library selection end to end (docs/kernel-model-v6.md):
# a v6.12 run records "kernel" in its JSON, replay takes the trace's library without --kernel
# (exit 10: reproduced) and diverges on v5.15's code when told --kernel v5.15 (exit 11), and
# matrix --kernels labels its columns by library and writes the library into each trace file.
set -u
pcmc=$1; seed=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
"$pcmc" check --kernel v6.12 -D R_74c42e1baacf "$seed/c-r3.pcm" --json "$work/r3.json" -q >/dev/null
[ $? -eq 10 ] || fail "check --kernel v6.12 -D R_74c42e1baacf c-r3: want exit 10"
grep -q '"kernel": "v6.12"' "$work/r3.json" || fail "the JSON does not record kernel v6.12"
"$pcmc" replay "$seed/c-r3.pcm" "$work/r3.json" -D R_74c42e1baacf -q >/dev/null 2>&1
[ $? -eq 10 ] || fail "replay without --kernel: want exit 10 (reproduced on the trace's library)"
out=$("$pcmc" replay "$seed/c-r3.pcm" "$work/r3.json" --kernel v5.15 -q 2>&1)
[ $? -eq 11 ] || fail "replay --kernel v5.15: want exit 11 (diverged), got: $out"
echo "$out" | grep -q "found on kernel v6.12" || fail "replay --kernel v5.15: no note about the trace's library"
out=$("$pcmc" matrix "$seed/c-r3.pcm" --kernels "v5.15; v6.12" --variants "B; R_74c42e1baacf" \
      --rows violated --trace-dir "$work/mt" 2>&1)
[ $? -eq 0 ] || fail "matrix --kernels: want exit 0, got: $out"
echo "$out" | grep -q "v6.12 R_74c42e1baacf" || fail "matrix --kernels: no column 'v6.12 R_74c42e1baacf': $out"
echo "$out" | grep -q "v5.15 B" || fail "matrix --kernels: no column 'v5.15 B': $out"
grep -l '"kernel": "v6.12"' "$work"/mt/*.json >/dev/null 2>&1 || fail "matrix trace files do not record kernel v6.12"
echo "ok: kernel selection"
