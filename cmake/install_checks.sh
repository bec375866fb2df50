#!/usr/bin/env bash
# install_checks.sh PREFIX SOURCE hidden|visible — run by cmake/test_install.sh on a moved copy
# of `cmake --install`'s output (a copy of this script runs, so the source tree can be hidden).
# Exit 0: every check passed; 1: one failed (it says which); 77: all others passed but man(1) is
# missing, so the man page was not rendered (.ci/setup.sh installs man-db for the tests).
set -u
prefix=$1; src=$2; hidden=$3
pcmc=$prefix/bin/pcmc
share=$prefix/share/pcmc
work=$(mktemp -d "${TMPDIR:-/tmp}/pcmc-cwd.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { printf 'FAIL: %s\n' "$1"; [ $# -gt 1 ] && printf '%s\n' "$2"; exit 1; }
# A clean environment: no PCMC_* from the caller, the native cache in the scratch folder.
run() { env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$work" PCMC_CACHE="$work/cache" "$@"; }
expect() {  # expect CODE PATTERN COMMAND...: exit code and an output line matching PATTERN
  local want=$1 pattern=$2; shift 2
  out=$(run "$@" 2>&1); local rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc, not $want: $*" "$out"
  grep -Eq -- "$pattern" <<<"$out" || fail "no line matches /$pattern/: $*" "$out"
  if [ "$hidden" = visible ] && grep -qF -- "$src" <<<"$out"; then
    fail "the output names the source tree $src: $*" "$out"
  fi
  echo "ok: $*"
}
if [ "$hidden" = hidden ] && [ -n "$(ls -A "$src")" ]; then fail "the source tree is not hidden"; fi

for f in "$share/model/kernel/v5.15/truncate.pcm" "$share/examples/seed/c-r1.pcm" \
         "$share/trace-schema.json" "$prefix/share/doc/pcmc/README.md" \
         "$prefix/share/doc/pcmc/language.md" "$prefix/share/man/man1/pcmc.1" \
         "$prefix/share/bash-completion/completions/pcmc"; do
  [ -f "$f" ] || fail "not installed: $f"
done

# The library root: relative to the moved binary, or $PCMC_LIBRARY.
expect 0 "^pcmc [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]{7,}(-dirty)?\)$" "$pcmc" --version
expect 0 "^library: $share/model$" "$pcmc" --version
expect 0 "^library: /elsewhere$" env PCMC_LIBRARY=/elsewhere "$pcmc" --version
expect 64 "no kernel library 'v5.15' \(no folder /elsewhere/kernel/v5.15\)" env PCMC_LIBRARY=/elsewhere "$pcmc" check "$share/examples/seed/c-r1.pcm"
expect 0 "Exit codes" "$pcmc" --help
# Without /proc (a bare chroot) the binary's folder comes from argv[0]: a path, or via $PATH.
# Not in a sanitizer build (PCMC_SANITIZED=1, set by cmake/install.cmake): the sanitizer runtime
# reads its options from /proc/self/environ and LeakSanitizer needs /proc/self/task at exit, so
# without /proc it aborts whatever the binary does. The release pass of .ci/run runs these.
if [ "${PCMC_SANITIZED:-0}" = 1 ]; then
  echo "skipped under the sanitizers: the two runs without /proc"
elif [ "$hidden" = hidden ] && unshare -m true 2>/dev/null; then
  noproc='mount -t tmpfs no-proc /proc && exec "$@"'
  expect 0 "^library: $share/model$" unshare -m sh -c "$noproc" _ "$pcmc" --version
  expect 0 "^library: $share/model$" unshare -m sh -c "$noproc" _ env PATH="$prefix/bin:/usr/bin:/bin" pcmc --version
fi

# The README's demo on the installed seed scenario: A3 with CONFIG_DEBUG_VM, found in the
# installed library's truncate.pcm; without it every property holds.
expect 10 "^  at $share/model/kernel/v5.15/truncate.pcm:[0-9]+:[0-9]+: PageTail\(page\)" \
  "$pcmc" check "$share/examples/seed/c-r1.pcm" --debug-vm --all
expect 0 "^verdict: all properties hold" "$pcmc" check "$share/examples/seed/c-r1.pcm"
expect 0 "^F1 " "$pcmc" list switches "$share/examples/seed/c-r2.pcm"
# The native engine: the generated C++ needs only the compiler (its headers are in the binary).
expect 10 "^native engine: model compiled to C\+\+ in" \
  "$pcmc" check "$share/examples/basics/lost_update.pcm" --liveness off --por off --engine native

# The man page renders and names every option and subcommand of `pcmc --help`.
skipped=""
if command -v man >/dev/null; then
  page=$(run MANWIDTH=300 man -l -P cat "$prefix/share/man/man1/pcmc.1" 2>"$work/man.err") ||
    fail "man -l failed" "$(cat "$work/man.err")"
  [ -s "$work/man.err" ] && fail "man -l warned" "$(cat "$work/man.err")"
  opts=$(run "$pcmc" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
  for o in $opts check --judge "list properties" "list switches" graph matrix replay explain \
           PCMC_LIBRARY "EXIT STATUS"; do
    grep -qF -- "$o" <<<"$page" || fail "the man page does not mention $o" "$page"
  done
  echo "ok: man -l names the $(wc -w <<<"$opts") options of pcmc --help"
else
  skipped+=" man"
fi

# Bash completion: subcommands, options, option values, and the scenario's switches.
complete_words() {  # complete_words WORD...: the completions for the last word
  (
    set +u
    complete() { :; }
    source "$prefix/share/bash-completion/completions/pcmc" || exit 1
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _pcmc
    printf '%s\n' "${COMPREPLY[@]}"
  )
}
check_completion() {  # check_completion EXPECTED WORD...
  local want=$1; shift
  local got; got=$(complete_words "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want " ] || fail "completing '$*': got '$got', want '$want'"
  echo "ok: completing '$*' gives '$want'"
}
check_completion "check" "$pcmc" ch
check_completion "--engine" "$pcmc" check --eng
check_completion "auto interp native" "$pcmc" check --engine ""
check_completion "properties switches" "$pcmc" list ""
switches=$(run "$pcmc" list switches "$share/examples/seed/c-r2.pcm" | awk '{print $1}' | sort | tr '\n' ' ')
[ -n "$switches" ] || fail "c-r2.pcm declares no switch"
check_completion "${switches% }" "$pcmc" check "$share/examples/seed/c-r2.pcm" -D ""
check_completion "${switches% }" "$pcmc" check -j 2 "$share/examples/seed/c-r2.pcm" --define ""
(cd "$share/examples/seed" && check_completion "c-r1.pcm" "$pcmc" check -j 2 c-r1) || exit 1
if [ -n "$skipped" ]; then echo "skipped (tool missing):$skipped"; exit 77; fi
echo "ok: the install at $prefix works on its own (source tree $hidden)"
