#!/bin/bash
# How often the default Bourdieu axes can be drawn with the builtin embedder:
# a topics job (bunka topics --bourdieu, as the API's worker runs it) on each
# shared corpus with the original frontend's defaults (past/future,
# positive/negative, 15 clusters, radius 0.5, name length 3) and with the
# README's (war/peace, men/women, 10 clusters, radius 0.5). Prints one line
# per run: the Bourdieu map's documents and topics (0 documents: not drawn).
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
for corpus in tweets_463 debian_en_2k debian_en_10k; do
	for axes in "frontend past future positive negative 15" "README war peace men women 10"; do
		set -- $axes
		"$BUNKA" topics --csv "$DATA/$corpus.csv" --column text --language english \
			--n-clusters "$6" --name-length 3 --min-count-terms 1 \
			--bourdieu --x-left "$2" --x-right "$3" --y-top "$4" --y-bottom "$5" --radius 0.5 \
			--out "$out" 2>/dev/null
		python3 - "$out" "$corpus" "$1 $2/$3 $4/$5" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r.get("bourdieu_response")
docs = "null" if b is None else len(b["docs"])
topics = "null" if b is None else len(b["topics"])
print(f"{sys.argv[2]:14s} {sys.argv[3]:40s} bourdieu docs {docs:>5}  topics {topics:>3}  ({len(r['docs'])} docs, {len(r['topics'])} topics on the map)")
PY
	done
done
