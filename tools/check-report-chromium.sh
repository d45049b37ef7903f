#!/usr/bin/env bash
# Issue 18 item 9: `semiseg report` as a browser shows it, in Debian's headless Chromium.
#   tools/check-report-chromium.sh OUT_DIR RUN_DIR...     (SEMISEG_CLI=path/to/SemiSeg.Cli.dll to test another build)
# Writes OUT_DIR/report.html over the runs, then has Chromium (apt-get install chromium) load a copy
# of the page with tools/report-check.js appended: every <img> (the ScottPlot charts as SVG, the scene
# pictures as PNG) must have loaded, be laid out with a non-zero size, and show at least two colours
# when drawn onto a canvas (a blank or broken figure shows one). Also saves a full-page screenshot,
# OUT_DIR/report-screenshot.png. Prints one line per figure; exits 1 when a figure fails or none is
# found. Not part of ./test.sh: Chromium and its ~150 MB of dependencies are too much for every CI run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,3p' "$0"; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd); shift
dll=${SEMISEG_CLI:-$root/src/SemiSeg.Cli/bin/Release/net10.0/SemiSeg.Cli.dll}
browser=$(command -v chromium || command -v chromium-browser) || { echo "chromium is not installed (apt-get install chromium)"; exit 2; }
dotnet "$dll" report "$@" --out "$out/report.html" || exit 1

# The checking copy: the report page with tools/report-check.js before </body>.
{ sed '/<\/body>/,$d' "$out/report.html"; echo "<script>"; cat "$root/tools/report-check.js"; echo "</script>"; echo "</body></html>"; } > "$out/report-check.html"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files --virtual-time-budget=20000)
"$browser" "${flags[@]}" --dump-dom "file://$out/report-check.html" 2>/dev/null > "$out/report-check.dom" || { echo "chromium failed"; exit 1; }
"$browser" "${flags[@]}" --window-size=1280,6000 --screenshot="$out/report-screenshot.png" "file://$out/report.html" >/dev/null 2>&1
results=$(sed -n '/<pre id="semiseg-check">/,/<\/pre>/p' "$out/report-check.dom" | sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g' | grep -v '^$')
echo "$results"
figures=$(printf '%s\n' "$results" | grep -c '^ok\|^FAIL')
failures=$(printf '%s\n' "$results" | grep -c '^FAIL')
charts=$(printf '%s\n' "$results" | grep -c '^ok .*(svg)')
echo "$figures figures ($charts charts as SVG), $failures failed; screenshot: $out/report-screenshot.png ($(stat -c %s "$out/report-screenshot.png" 2>/dev/null || echo 0) bytes)"
[ "$figures" -gt 0 ] && [ "$failures" -eq 0 ] && [ -s "$out/report-screenshot.png" ]
