#!/bin/bash
# End-to-end benchmark of the topic pipeline ("bunka topics") on the Debian
# corpus, and the quality anchor it is compared with.
#
# Usage:
#   scripts/bench_pipeline.sh [DATA.csv] [CLUSTERS]
#       (defaults: ../shared/data/debian_en_10k.csv, 20)
#
# Steps:
#   1. go build ./cmd/bunka, then /usr/bin/time -v bunka topics on the CSV
#      (builtin embedder, --n-clusters CLUSTERS): wall seconds and peak RSS.
#   2. NMI between the result's topic ids and the CSV's label column
#      (sklearn normalized_mutual_info_score).
#   3. The anchor: ../shared/anchors embed_tfidf_svd.py (TF-IDF + SVD 128)
#      -> umap_ref.py --seed 42 (umap-learn) -> quality.py --clusters CLUSTERS
#      (scikit-learn KMeans on the 2-D layout vs the labels): nmi_2d. Cached
#      in $WORK (the anchor takes about a minute).
#   4. quality.py on our own layout (with the anchor's vectors for the
#      neighbourhood metrics), for trustworthiness and k-NN recall.
# Prints a TSV header and one line (wall clock, user+system CPU seconds, the
# 1-minute load average when it ended: other processes on the machine slow
# the wall clock); work files go to $WORK
# (default /tmp/bench_pipeline).
#
# Environment: PY=/usr/bin/python3  WORK=/tmp/bench_pipeline  GOMAXPROCS
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV=${1:-$ROOT/../shared/data/debian_en_10k.csv}
CLUSTERS=${2:-20}
PY=${PY:-/usr/bin/python3}
WORK=${WORK:-/tmp/bench_pipeline}
ANCHORS=$ROOT/../shared/anchors
mkdir -p "$WORK"
DATASET=$(basename "$CSV" .csv)

echo "== build" >&2
(cd "$ROOT" && go build -o "$WORK/bunka" ./cmd/bunka)

echo "== bunka topics ($DATASET, $CLUSTERS clusters)" >&2
/usr/bin/time -v "$WORK/bunka" topics --csv "$CSV" --column text --id-column doc_id \
  --n-clusters "$CLUSTERS" --out "$WORK/$DATASET.k$CLUSTERS.json" -v \
  2> "$WORK/$DATASET.k$CLUSTERS.err"
grep -E "^time=.*(done|detected)|documents, " "$WORK/$DATASET.k$CLUSTERS.err" >&2 || true
WALL=$(grep "Elapsed (wall clock)" "$WORK/$DATASET.k$CLUSTERS.err" | awk '{print $NF}')
RSS=$(grep "Maximum resident set size" "$WORK/$DATASET.k$CLUSTERS.err" | awk '{print $NF}')
CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/$DATASET.k$CLUSTERS.err")
LOAD=$(cut -d' ' -f1 /proc/loadavg)

echo "== NMI of topic ids vs labels" >&2
NMI=$("$PY" - "$CSV" "$WORK/$DATASET.k$CLUSTERS.json" <<'PYEOF'
import csv, json, sys
from sklearn.metrics import normalized_mutual_info_score
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    label = {r["doc_id"]: r["label"] for r in csv.DictReader(f)}
docs = json.load(open(sys.argv[2]))["docs"]
y = [label[d["doc_id"]] for d in docs]
p = [d["topic_id"] for d in docs]
print(round(normalized_mutual_info_score(y, p), 5))
PYEOF
)

echo "== anchor (umap-learn + scikit-learn on TF-IDF+SVD)" >&2
A=$WORK/anchor_$DATASET
mkdir -p "$A"
if [ ! -s "$A/emb.npy" ]; then
  "$PY" "$ANCHORS/embed_tfidf_svd.py" --csv "$CSV" --out "$A/emb.npy" --dims 128 > "$A/embed.json"
fi
if [ ! -s "$A/coords_seed42.csv" ]; then
  "$PY" "$ANCHORS/umap_ref.py" --in "$A/emb.npy" --out "$A/coords_seed42.csv" --seed 42 > "$A/umap.json"
fi
"$PY" "$ANCHORS/quality.py" --x "$A/emb.npy" --coords "$A/coords_seed42.csv" \
  --labels "$A/emb.labels.txt" --clusters "$CLUSTERS" > "$A/quality_k$CLUSTERS.json"
ANCHOR=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["nmi_2d"])' "$A/quality_k$CLUSTERS.json")

echo "== quality of our layout" >&2
"$PY" "$ANCHORS/quality.py" --x "$A/emb.npy" --coords "$WORK/$DATASET.k$CLUSTERS.json" \
  --labels "$A/emb.labels.txt" --clusters "$CLUSTERS" > "$WORK/quality_ours_k$CLUSTERS.json"

printf 'dataset\tclusters\twall\tcpu_s\tload1\tpeak_rss_kb\tnmi_topics\tnmi_anchor_2d\ttarget_nmi\tpass\n'
"$PY" -c '
import sys
ds, k, wall, cpu, load, rss, nmi, anchor = sys.argv[1:9]
target = round(float(anchor) - 0.02, 5)
print("\t".join([ds, k, wall, cpu, load, rss, nmi, anchor, str(target), "yes" if float(nmi) >= target else "no"]))
' "$DATASET" "$CLUSTERS" "$WALL" "$CPU" "$LOAD" "$RSS" "$NMI" "$ANCHOR"
echo "anchor quality: $(cat "$A/quality_k$CLUSTERS.json")"
echo "our layout quality: $(cat "$WORK/quality_ours_k$CLUSTERS.json")"
