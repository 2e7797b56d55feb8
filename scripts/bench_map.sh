#!/usr/bin/env bash
# bench_map.sh measures the map renderings (issue 11's targets):
#   - SVG, PNG and HTML of 1,000 / 10,000 / 100,000 synthetic documents
#     (go test -bench in internal/render; the MB column is the file size);
#   - the HTML file of the 10,000 Debian descriptions (its size);
#   - an HTML map of 100,000 documents opened and drawn in headless chromium
#     (scripts/browser/bench.mjs: navigation to first frame, then frame
#     times while zooming), RUNS times.
# Needs scripts/get_browser.sh to have run. Environment: N (100000), RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${N:-100000}"
runs="${RUNS:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== go test -bench (GOMAXPROCS=$(nproc))"
go test -run '^$' -bench 'SVG|PNG|HTML' -benchtime 3x ./internal/render | grep -E '^Benchmark'

go build -o "$tmp/bunka" ./cmd/bunka
if [[ -f ../shared/data/debian_en_10k.csv ]]; then
  echo "== debian_en_10k.csv, builtin embedder, 20 topics"
  "$tmp/bunka" topics --csv ../shared/data/debian_en_10k.csv --n-clusters 20 --out "$tmp/debian.json" 2>/dev/null
  for f in svg png html; do
    start=$(date +%s.%N)
    "$tmp/bunka" render "$tmp/debian.json" --$f "$tmp/debian.$f" 2>/dev/null
    end=$(date +%s.%N)
    printf '%s: %s bytes, bunka render %.2f s (reading the JSON included)\n' "$f" "$(stat -c %s "$tmp/debian.$f")" "$(echo "$end - $start" | bc)"
  done
fi

echo "== HTML map of $n synthetic documents in headless chromium"
go run ./scripts/synthmap -n "$n" -k 20 >"$tmp/synth.json"
"$tmp/bunka" render "$tmp/synth.json" --html "$tmp/synth.html" 2>/dev/null
node scripts/browser/bench.mjs "$tmp/synth.html" "$runs"
