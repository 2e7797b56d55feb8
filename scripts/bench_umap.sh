#!/bin/bash
# UMAP benchmark: our "bunka project" against umap-learn on the same vectors,
# scored by the same script, in one run.
#
# Usage:
#   scripts/bench_umap.sh [DATA.csv]     (default ../shared/data/debian_en_10k.csv)
#
# Steps:
#   1. go build ./cmd/bunka.
#   2. ../shared/anchors/embed_tfidf_svd.py: TF-IDF + SVD to 128 dims, once
#      (cached in $WORK), with the CSV's labels.
#   3. umap-learn: umap_ref.py --seed S --threads $THREADS for each S in
#      $REF_SEEDS (warm: numba compiled before the timed fit); its
#      seconds_fit is the time compared. Peak RSS by /usr/bin/time -v
#      (includes the warm-up fits and the Python interpreter).
#   4. Ours: GOMAXPROCS=$THREADS bunka project --seed S for each S in $SEEDS,
#      $REPEAT times each (the output is identical every time); the median
#      "seconds" (k-NN + graph + layout, as umap-learn's fit) and the peak
#      RSS of the whole process.
#   5. quality.py --clusters $CLUSTERS on every layout: trustworthiness
#      (k=15, 5,000-point subsample), k-NN recall, NMI of KMeans on the
#      layout against the labels.
#   6. NN-descent recall@15 against exact search on the same vectors
#      (go test -run TestRecallNPY ./internal/knn).
#   7. With SCALE=1: the same CSV embedded to 384 dims and made into
#      100,000 x 384 float32: 10 copies of every vector x_i, each copy
#      x_i + 0.5 x_j + N(0, 0.01²) with j a random document of the same
#      label (a new permutation per copy, numpy seed 0), L2-normalised.
#      (Plain noisy copies form cliques of 10 that the fuzzy graph leaves
#      disconnected, ~10,000 components, which does not exercise the
#      spectral initialisation.) Projected by bunka project; seconds and
#      peak RSS.
# Prints a TSV (header first) on stdout; progress and JSON lines on stderr.
# Other processes on the machine slow the wall clock: the 1-minute load
# average is printed beside each run.
#
# Environment: PY=/usr/bin/python3 WORK=/tmp/bench_umap THREADS=2
#   CLUSTERS=20 SEEDS="42 1 2" REF_SEEDS="42" REPEAT=3 SCALE=0
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV=${1:-$ROOT/../shared/data/debian_en_10k.csv}
PY=${PY:-/usr/bin/python3}
WORK=${WORK:-/tmp/bench_umap}
THREADS=${THREADS:-2}
CLUSTERS=${CLUSTERS:-20}
SEEDS=${SEEDS:-42 1 2}
REF_SEEDS=${REF_SEEDS:-42}
SCALE=${SCALE:-0}
REPEAT=${REPEAT:-3}
ANCHORS=$ROOT/../shared/anchors
mkdir -p "$WORK"
DATASET=$(basename "$CSV" .csv)
EMB=$WORK/$DATASET.npy
LABELS=$WORK/$DATASET.labels.txt

echo "== build" >&2
(cd "$ROOT" && go build -o "$WORK/bunka" ./cmd/bunka)

if [ ! -s "$EMB" ]; then
  echo "== embed $DATASET (128 dims)" >&2
  "$PY" "$ANCHORS/embed_tfidf_svd.py" --csv "$CSV" --dims 128 --out "$EMB" >&2
fi

# field FILE KEY: a key of the one-line JSON in FILE
field() { "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("NA" if v is None else v)' "$1" "$2"; }
# rss FILE: peak RSS in MB from /usr/bin/time -v output
rss() { awk '/Maximum resident set size/ {printf "%.0f", $NF/1024}' "$1"; }

printf 'tool\tseed\tn\tdim\tseconds\tpeak_rss_mb\ttrustworthiness\tnmi_2d\tari_2d\tknn_recall\tload1\n'

score() { # tag coords seconds rss seed
  "$PY" "$ANCHORS/quality.py" --x "$EMB" --coords "$2" --labels "$LABELS" \
    --clusters "$CLUSTERS" > "$WORK/q_$1.json"
  cat "$WORK/q_$1.json" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${1%%_*}" "$5" \
    "$(field "$WORK/q_$1.json" n)" "$(field "$WORK/q_$1.json" dim)" "$3" "$4" \
    "$(field "$WORK/q_$1.json" trustworthiness)" "$(field "$WORK/q_$1.json" nmi_2d)" \
    "$(field "$WORK/q_$1.json" ari_2d)" "$(field "$WORK/q_$1.json" knn_recall)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
}

for s in $REF_SEEDS; do
  echo "== umap-learn seed $s, $THREADS threads, warm" >&2
  /usr/bin/time -v "$PY" "$ANCHORS/umap_ref.py" --in "$EMB" --out "$WORK/ref_$s.csv" \
    --seed "$s" --threads "$THREADS" > "$WORK/ref_$s.json" 2> "$WORK/ref_$s.time"
  cat "$WORK/ref_$s.json" >&2
  score "umap-learn_$s" "$WORK/ref_$s.csv" "$(field "$WORK/ref_$s.json" seconds_fit)" "$(rss "$WORK/ref_$s.time")" "$s"
done

for s in $SEEDS; do
  echo "== bunka project seed $s, GOMAXPROCS=$THREADS, $REPEAT runs (median seconds)" >&2
  secs=()
  for r in $(seq "$REPEAT"); do
    GOMAXPROCS=$THREADS /usr/bin/time -v "$WORK/bunka" project --in "$EMB" --out "$WORK/go_$s.csv" \
      --seed "$s" > "$WORK/go_$s.json" 2> "$WORK/go_$s.time"
    cat "$WORK/go_$s.json" >&2
    secs+=("$(field "$WORK/go_$s.json" seconds)")
  done
  med=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  score "bunka_$s" "$WORK/go_$s.csv" "$med" "$(rss "$WORK/go_$s.time")" "$s"
done

echo "== NN-descent recall@15 against exact search" >&2
(cd "$ROOT" && GOMAXPROCS=$THREADS BUNKA_RECALL_NPY=$EMB go test -count=1 -run TestRecallNPY -v ./internal/knn/) \
  | grep -E "RECALL|^(ok|FAIL|---)" >&2

if [ "$SCALE" = "1" ]; then
  BIG=$WORK/$DATASET.mix10_384.npy
  if [ ! -s "$BIG" ]; then
    echo "== scale input: 384 dims, 10 mixed copies" >&2
    "$PY" "$ANCHORS/embed_tfidf_svd.py" --csv "$CSV" --dims 384 --out "$WORK/$DATASET.384.npy" >&2
    "$PY" - "$WORK/$DATASET.384.npy" "$BIG" "$WORK/$DATASET.384.labels.txt" <<'PYEOF'
import sys, numpy as np
X = np.load(sys.argv[1]).astype(np.float64)
labels = np.array(open(sys.argv[3], encoding="utf-8").read().split("\n")[:len(X)])
rng = np.random.default_rng(0)
parts = []
for r in range(10):
    # each document plus half of another document of the same label, plus
    # noise: copies of one document do not form cliques apart from the rest
    perm = np.arange(len(X))
    for l in np.unique(labels):
        idx = np.where(labels == l)[0]
        perm[idx] = rng.permutation(idx)
    Y = X + 0.5 * X[perm] + rng.normal(0, 0.01, X.shape)
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    parts.append(Y)
Y = np.concatenate(parts).astype(np.float32)
np.save(sys.argv[2], Y)
print(Y.shape, file=sys.stderr)
PYEOF
  fi
  echo "== bunka project at scale, GOMAXPROCS=$THREADS" >&2
  GOMAXPROCS=$THREADS /usr/bin/time -v "$WORK/bunka" project --in "$BIG" --out "$WORK/go_scale.csv" \
    > "$WORK/go_scale.json" 2> "$WORK/go_scale.time"
  cat "$WORK/go_scale.json" >&2
  printf 'bunka-scale\t42\t%s\t%s\t%s\t%s\tNA\tNA\tNA\tNA\t%s\n' \
    "$(field "$WORK/go_scale.json" n)" "$(field "$WORK/go_scale.json" dim)" \
    "$(field "$WORK/go_scale.json" seconds)" "$(rss "$WORK/go_scale.time")" \
    "$(cut -d' ' -f1 /proc/loadavg)"
fi
