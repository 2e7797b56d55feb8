#!/bin/bash
# End-to-end benchmark of the service at scale: bunkaapi + bunkaworker on a
# Redis, one CSV uploaded with curl, followed to SUCCESS.
#
# Usage:
#   scripts/bench_service.sh [N] [CLUSTERS]
#       (defaults: 100000 documents, 20 clusters)
#
# Steps:
#   1. The input: N perturbed copies of ../shared/data/debian_en_10k.csv
#      (cached in $WORK/debian_perturbed_N.csv). Copy c of document i keeps
#      each word of i with probability 0.85 and appends a random run of 30%
#      of the words of a random document j with i's label (Python's random,
#      seed 0); doc_id is "i~c", the label i's. Rows cycle through the 10,000
#      documents, so N = 100000 makes 10 copies of each.
#   2. go build bunkaapi and bunkaworker; start the worker under
#      /usr/bin/time -v and the API, both with BUNKA_MAX_DOCS=N, on Redis
#      REDIS_URL (a key prefix of their own, so a shared Redis is fine).
#   3. curl uploads the CSV to /topics/csv/ (builtin embedder, english,
#      n_clusters CLUSTERS, process_bourdieu false), then follows
#      /tasks/topics/ID/progress until the stream ends with SUCCESS (the
#      final event carries the whole result JSON).
#   4. Stops the worker (SIGTERM) and prints one TSV line: seconds from the
#      upload to the SUCCESS event's last byte (wall), the worker's user+sys
#      CPU seconds and peak RSS, the stage times from the worker's log, the
#      result's size, the NMI of its topic ids against the labels, and the
#      1-minute load average (other processes on the machine slow the wall
#      clock; the CPU seconds less so).
#
# Environment: REDIS_URL=redis://127.0.0.1:6379/0  PORT=18480  PY=/usr/bin/python3
#   WORK=/tmp/bench_service  GOMAXPROCS  WORKER_ENV="" (extra VAR=value for the
#   worker, e.g. "BUNKA_DEVICE=cpu")
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
CLUSTERS=${2:-20}
PY=${PY:-/usr/bin/python3}
WORK=${WORK:-/tmp/bench_service}
PORT=${PORT:-18480}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
SRC=$ROOT/../shared/data/debian_en_10k.csv
CSV=$WORK/debian_perturbed_$N.csv
PREFIX="benchsvc-$$:"
mkdir -p "$WORK"

if [ ! -s "$CSV" ]; then
  echo "== make $CSV" >&2
  "$PY" - "$SRC" "$CSV" "$N" <<'PYEOF'
import csv, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
by_label = {}
for r in rows:
    by_label.setdefault(r["label"], []).append(r)
rnd = random.Random(0)
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["doc_id", "text", "label"])
    for k in range(n):
        r = rows[k % len(rows)]
        words = [x for x in r["text"].split() if rnd.random() < 0.85] or r["text"].split()
        other = rnd.choice(by_label[r["label"]])["text"].split()
        span = max(1, int(0.3 * len(other)))
        start = rnd.randrange(0, len(other) - span + 1)
        w.writerow([f'{r["doc_id"]}~{k // len(rows)}', " ".join(words + other[start:start + span]), r["label"]])
PYEOF
fi

echo "== build" >&2
(cd "$ROOT" && go build -o "$WORK/bunkaapi" ./cmd/bunkaapi && go build -o "$WORK/bunkaworker" ./cmd/bunkaworker)

export REDIS_URL BUNKA_KEY_PREFIX="$PREFIX" BUNKA_MAX_DOCS="$N" BUNKA_LOG_FORMAT=json
WPID="" APID=""
# stop_worker: SIGTERM to the worker itself (a child of /usr/bin/time, which
# would not pass the signal on), then wait for time to write its figures.
stop_worker() {
  pkill -TERM -P "$WPID" 2>/dev/null || true
  wait "$WPID" 2>/dev/null || true
  WPID=""
}
cleanup() {
  [ -n "$APID" ] && kill "$APID" 2>/dev/null || true
  [ -n "$WPID" ] && stop_worker
  wait 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "asynq:{${PREFIX%:}_*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null || true
}
trap cleanup EXIT

# shellcheck disable=SC2086
env BUNKA_WORKER_METRICS_ADDR=off ${WORKER_ENV:-} /usr/bin/time -v "$WORK/bunkaworker" \
  > "$WORK/worker.log" 2> "$WORK/worker.time" &
WPID=$!
BUNKA_API_ADDR="127.0.0.1:$PORT" "$WORK/bunkaapi" > "$WORK/api.log" 2>&1 &
APID=$!
ready=""
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && { ready=1; break; }
  sleep 0.1
done
[ -n "$ready" ] || { echo "bunkaapi not ready on port $PORT after 10 s: $(tail -3 "$WORK/api.log")" >&2; exit 1; }

echo "== upload $N documents ($(du -h "$CSV" | cut -f1))" >&2
T0=$(date +%s.%N)
ID=$(curl -sf "http://127.0.0.1:$PORT/topics/csv/" \
  -F file=@"$CSV" -F selected_column=text -F n_clusters="$CLUSTERS" -F name_length=3 \
  -F language=english -F clean_topics=false -F min_count_terms=1 -F process_bourdieu=false \
  -F x_left_words=war -F x_right_words=peace -F y_top_words=men -F y_bottom_words=women \
  -F radius_size=0.5 | sed -E 's/.*"task_id": *"([^"]+)".*/\1/')
T1=$(date +%s.%N)
curl -sN "http://127.0.0.1:$PORT/tasks/topics/$ID/progress" > "$WORK/progress.sse"
T2=$(date +%s.%N)
LOAD=$(cut -d' ' -f1 /proc/loadavg)
stop_worker
grep -q '"state":"SUCCESS"' "$WORK/progress.sse" || { echo "no SUCCESS: $(tail -c 500 "$WORK/progress.sse")" >&2; exit 1; }

RSS=$(awk '/Maximum resident set size/ {print $NF}' "$WORK/worker.time")
CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/worker.time")
"$PY" - "$CSV" "$WORK/progress.sse" "$WORK/worker.log" "$N" "$CLUSTERS" "$T0" "$T1" "$T2" "$CPU" "$RSS" "$LOAD" <<'PYEOF'
import csv, json, math, sys
from collections import Counter

def normalized_mutual_info_score(a, b):
    # scikit-learn's default: mutual information over the arithmetic mean
    # of the two entropies.
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b))
    h = lambda c: -sum(v / n * math.log(v / n) for v in c.values())
    mi = sum(v / n * math.log(v * n / (ca[x] * cb[y])) for (x, y), v in cab.items())
    ha, hb = h(ca), h(cb)
    return 1.0 if ha == hb == 0 else mi / ((ha + hb) / 2)

src, sse, wlog, n, k, t0, t1, t2, cpu, rss, load = sys.argv[1:]
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
last = None
for line in open(sse, encoding="utf-8"):
    if line.startswith("data: "):
        last = line[6:]
docs = json.loads(last)["result"]["docs"]
# The upload has no id column: the result's documents are the CSV's rows in
# their order (with generated ids).
assert len(docs) == len(rows) and all(r["text"] == d["content"] for r, d in zip(rows, docs))
nmi = normalized_mutual_info_score([r["label"] for r in rows], [d["topic_id"] for d in docs])
stages, dur = {}, ""
for line in open(wlog, encoding="utf-8"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("msg") == "job done":
        stages, dur = e.get("stages", {}), e.get("duration", "")
print("n\tclusters\tupload_s\twall_s\tworker_cpu_s\tworker_peak_rss_kb\tresult_mb\tnmi_topics\tload1\tstages")
print("\t".join([n, k, "%.2f" % (float(t1) - float(t0)), "%.2f" % (float(t2) - float(t0)), cpu, rss,
                 "%.1f" % (len(last) / 1e6), "%.4f" % nmi, load,
                 " ".join(["job=" + dur] + ["%s=%s" % kv for kv in stages.items()])]))
PYEOF
