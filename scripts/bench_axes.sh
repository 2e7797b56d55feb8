#!/bin/bash
# How often the default Bourdieu axes can be drawn with the builtin embedder:
# a topics job (bunka topics --bourdieu, as the API's worker runs it) on each
# shared corpus with the original frontend's defaults (past/future,
# positive/negative, 15 clusters, radius 0.5, name length 3) and with the
# README's (war/peace, men/women, 10 clusters, radius 0.5), and on the French
# corpus of examples/ (debian_fr_1k.csv, language french; the frontend sends its
# English default axes whatever the language). Prints one line per run: the
# Bourdieu map's documents and topics (0 documents: not drawn) and the radius
# size used (smaller than 0.5 where the radius would keep fewer documents than
# the topics need).
# Usage: scripts/bench_axes.sh [path/to/bunka]   (default: go run ./cmd/bunka)
set -euo pipefail
cd "$(dirname "$0")/.."
BUNKA=${1:-}
if [ -z "$BUNKA" ]; then
	go build -o "${TMPDIR:-/tmp}/bench_axes_bunka" ./cmd/bunka
	BUNKA="${TMPDIR:-/tmp}/bench_axes_bunka"
fi
DATA=${BUNKA_DATA:-../shared/data}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for spec in "$DATA/tweets_463.csv english" "$DATA/debian_en_2k.csv english" \
	"$DATA/debian_en_10k.csv english" "examples/debian_fr_1k.csv french"; do
	read -r csv language <<<"$spec"
	corpus=$(basename "$csv" .csv)
	for axes in "frontend past future positive negative 15" "README war peace men women 10"; do
		set -- $axes
		"$BUNKA" topics --csv "$csv" --column text --language "$language" \
			--n-clusters "$6" --name-length 3 --min-count-terms 1 \
			--bourdieu --x-left "$2" --x-right "$3" --y-top "$4" --y-bottom "$5" --radius 0.5 \
			--out "$out" 2>/dev/null
		python3 - "$out" "$corpus" "$1 $2/$3 $4/$5" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r.get("bourdieu_response")
docs = "null" if b is None else len(b["docs"])
topics = "null" if b is None else len(b["topics"])
radius = "" if b is None else f"  radius {b['query']['radius_size']:.3f}"
print(f"{sys.argv[2]:14s} {sys.argv[3]:40s} bourdieu docs {docs:>5}  topics {topics:>3}{radius}  ({len(r['docs'])} docs, {len(r['topics'])} topics on the map)")
PY
	done
done
