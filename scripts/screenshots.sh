#!/usr/bin/env bash
# screenshots.sh makes the pictures of docs/maps from the shared corpora:
# for tweets_463.csv and debian_en_10k.csv (builtin embedder), the PNG that
# bunka render writes, the SVG and the interactive HTML as chromium shows
# them, and a Bourdieu map of the Debian corpus. Needs scripts/get_browser.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/maps
data=../shared/data
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/bunka" ./cmd/bunka

shoot() { # name csv query [topics flags...]
  local name=$1 csv=$2 query=$3
  shift 3
  "$tmp/bunka" topics --csv "$csv" "$@" --out "$tmp/$name.json" 2>/dev/null
  "$tmp/bunka" render "$tmp/$name.json" --png "$out/$name-png.png" --svg "$tmp/$name.svg" --html "$tmp/$name.html"
  node scripts/browser/screenshot.mjs "$tmp/$name.svg" "$out/$name-svg.png"
  node scripts/browser/screenshot.mjs "$tmp/$name.html" "$out/$name-html.png" "$query"
}
shoot tweets "$data/tweets_463.csv" "america"
shoot debian "$data/debian_en_10k.csv" "python" --n-clusters 20 \
  --bourdieu --x-left python,perl --x-right java,javascript --y-top graphics,image --y-bottom network,server
"$tmp/bunka" render "$tmp/debian.json" --view bourdieu --dark --png "$out/debian-bourdieu-dark.png"
ls -l "$out"
