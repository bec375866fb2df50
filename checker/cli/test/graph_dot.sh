#!/usr/bin/env bash
# graph_dot.sh PCMC SCENARIO NODES EDGES PATH_EDGES [pcmc options...]
# Runs `pcmc graph SCENARIO -o OUT.dot` and checks the DOT file: NODES node lines, EDGES edge
# lines, PATH_EDGES of them highlighted (color=red, penwidth=2), the first violation's node or
# edge marked "!!". When Graphviz's dot is installed, also renders --svg and checks the SVG.
set -u
pcmc=$1; scenario=$2; nodes=$3; edges=$4; path=$5; shift 5
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; [ -f "$work/g.dot" ] && cat "$work/g.dot"; exit 1; }
"$pcmc" graph "$scenario" -o "$work/g.dot" "$@" >"$work/out" 2>&1 || fail "pcmc graph exited $?: $(cat "$work/out")"
n=$(grep -cE '^[0-9]+\[label=' "$work/g.dot")
e=$(grep -cE '^[0-9]+->[0-9]+ ' "$work/g.dot")
p=$(grep -E '^[0-9]+->[0-9]+ ' "$work/g.dot" | grep -c 'color=red, fontcolor=red, penwidth=2')
[ "$n" -eq "$nodes" ] || fail "$n nodes, expected $nodes"
[ "$e" -eq "$edges" ] || fail "$e edges, expected $edges"
[ "$p" -eq "$path" ] || fail "$p highlighted edges, expected $path"
if [ "$path" -gt 0 ]; then
  grep -q '!! ' "$work/g.dot" || fail "no violation marked"
  grep -q "highlighted (red): the shortest path to .*, $path steps" "$work/out" || fail "summary: $(cat "$work/out")"
fi
grep -q "render it with: dot -Tsvg" "$work/out" || fail "no rendering hint: $(cat "$work/out")"
if command -v dot >/dev/null; then
  "$pcmc" graph "$scenario" -o "$work/h.svg" "$@" >"$work/out" 2>&1 || fail "pcmc graph -o h.svg: $(cat "$work/out")"
  grep -q '<svg' "$work/h.svg" || fail "h.svg is not an SVG"
  [ -f "$work/h.dot" ] || fail "h.dot not kept next to h.svg"
  echo "ok: $n nodes, $e edges, $p highlighted; SVG rendered"
else
  echo "ok: $n nodes, $e edges, $p highlighted (Graphviz not installed: SVG not tried)"
fi
