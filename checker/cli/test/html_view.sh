#!/usr/bin/env bash
# html_view.sh PCMC BASICS_DIR
# The HTML trace viewer (`pcmc check --html`), in a real browser: headless Chromium loads the
# page with a URL fragment that selects a step and dumps the DOM after the page's script ran
# (--dump-dom with a virtual-time budget). Checks: every step is a swimlane row, the state
# panel shows the selected step's state, a click on a step (simulated by a small script appended
# to a copy of the page) selects it and updates location.hash, the page loads nothing from the
# network, and pool elements are shown by name.
# Exits 77 (ctest SKIP_RETURN_CODE) when Chromium is not installed (.ci/setup.sh installs it).
set -u
pcmc=$1; basics=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (Debian: apt-get install chromium; .ci/setup.sh does)"
  exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

dump() {  # dump URL -> the DOM after scripts ran, without the embedded data element
  "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$work/profile" --virtual-time-budget=3000 --dump-dom "$1" 2>/dev/null |
    sed 's|<script id="pcmc-data"[^>]*>.*</script>||'
}

"$pcmc" check "$basics/lost_update.pcm" --html "$work/lu.html" -q >/dev/null
[ $? -eq 10 ] || fail "pcmc check --html did not report the violation (exit 10)"
grep -qE '(src|href)="(https?:)?//' "$work/lu.html" && fail "the page refers to the network"

# Step 3 (P0 stores counter = 1) selected by the fragment.
dom=$(dump "file://$work/lu.html#step=3")
for s in 0 1 2 3 4; do
  grep -q "<tr class=\"step[^\"]*\" data-step=\"$s\"" <<<"$dom" || fail "no swimlane row for step $s"
done
grep -q '<th>P0</th><th>P1</th>' <<<"$dom" || fail "no lane per thread"
grep -q 'id="state" data-step="3"' <<<"$dom" || fail "step 3 not selected"
grep -q 'State after step 3: P0 inc lost_update.pcm:25' <<<"$dom" || fail "step 3 title missing"
grep -q 'class="value changed" data-field="counter">1<' <<<"$dom" || fail "counter=1 (changed) not shown at step 3"
grep -q '<td class="at">done</td>' <<<"$dom" || fail "P0 is not shown finished after step 3"

# The initial state.
dom=$(dump "file://$work/lu.html#step=0")
grep -q 'id="state" data-step="0"' <<<"$dom" || fail "step 0 not selected"
grep -q 'data-field="counter">0<' <<<"$dom" || fail "counter=0 not shown in the initial state"

# A click on step 4's row: render it and put it in the URL.
cp "$work/lu.html" "$work/click.html"
sed -i 's|</body>|<script>document.querySelector("tr[data-step=\\"4\\"] td").click();setTimeout(function(){document.body.setAttribute("data-hash",location.hash);},100);</script></body>|' "$work/click.html"
dom=$(dump "file://$work/click.html#step=1")
grep -q 'id="state" data-step="4"' <<<"$dom" || fail "a click on step 4 did not select it"
grep -q 'data-hash="#step=4"' <<<"$dom" || fail "a click on step 4 did not set location.hash"
grep -q 'class="step selected" data-step="4"' <<<"$dom" || fail "step 4's row is not highlighted"

# Pool elements by name (use_after_free's page pool).
"$pcmc" check "$basics/use_after_free.pcm" --html "$work/uaf.html" -q >/dev/null
dom=$(dump "file://$work/uaf.html#step=3")
grep -q 'data-field="pg.refcount"' <<<"$dom" || fail "pool element pg not shown"
echo "ok: swimlanes, selected step state, click, no network"
