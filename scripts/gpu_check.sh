#!/usr/bin/env bash
# gpu_check.sh: the GPU checks of internal/cuda, run on a GPU host from
# prebuilt x86-64 binaries (no Go toolchain there). Build the folder here
# with `make gpu_check_bundle` (gpubin/: bunka built with -tags cuda, the
# tagged test binaries of every package with GPU tests, vecgen, the Debian
# corpora and this script), copy it to the GPU host and run
#
#   gpubin/gpu_check.sh            (or: scripts/gpu_check.sh gpubin)
#
# The host needs the NVIDIA driver (libcuda.so.1, 520 or later), glibc 2.34
# or later, and about 4 GB of free disk for the generated vectors.
#
# It prints one JSON line per figure on stdout, everything else goes to
# gpu_check.log in the folder:
#   {"figure":"gpu",...}            the device, driver and memory (nvidia-smi;
#                                   null where it fails)
#   {"figure":"test",...}           each test whose name holds GPU, in every
#                                   test binary, run alone: pass, fail,
#                                   timeout, error (crash, exit code) or skip
#                                   (also: not run, time budget spent), seconds
#   lines that tests log as "FIGURE {json}" (parity, recall, trustworthiness,
#   NMI, repeatability...), as they are
#   {"figure":"project",...}        bunka project --device cuda on 10,000,
#                                   100,000 and 1,000,000 generated vectors
#                                   of 384 dimensions: k-NN, layout and
#                                   total seconds, peak GPU memory (sampled
#                                   by nvidia-smi every 100 ms, the whole
#                                   device's use, context included)
#   {"figure":"repeatable",...}     the 10,000-point map twice with one seed:
#                                   the same coordinates? (exit code of the
#                                   second run)
#   {"figure":"bench",...}          each benchmark whose name holds GPU, run
#                                   once (-test.benchtime 1x), while the time
#                                   budget lasts
#   {"figure":"gpu_check","failed":N,"skipped":M,...}   last: the number of
#                                   failed steps (test failures, timeouts,
#                                   crashes, project or bench errors) and of
#                                   skipped ones; the script exits 1 when N > 0
#
# Order: the quick GPU checks (TestGPUOpen, TestGPULaunch, the conformance
# suites), then the project timings, the repeatability, the other GPU tests
# (parity, quality) and the benchmarks. Each test and benchmark runs as its
# own process (-test.run '^TestX$') under a timeout taken from what is left
# of one global deadline, so a test that is killed loses only itself; a step
# left without time prints a JSON line saying so and counts as skipped.
# BUNKA_REQUIRE_GPU=1 is exported: a GPU test whose cuda.Open fails (no
# device, context or PTX JIT error) fails instead of skipping.
# Tests join in by their names alone: a Test or Benchmark with GPU in its
# name in a package built by make gpu_check_bundle is run; a test that wants
# a figure printed logs it with t.Logf("FIGURE %s", json).
#
# Environment: BUDGET (seconds from the start to the global deadline,
# default 290), SIZES (default "10000 100000 1000000"), TEST_TIMEOUT (the
# most one test, benchmark or project run may take, default 120).
set -uo pipefail

dir=${1:-$(dirname "$0")}
cd "$dir" || exit 1
log=$PWD/gpu_check.log
: >"$log"
start=$(date +%s)
budget=${BUDGET:-290}
cap=${TEST_TIMEOUT:-120}
sizes=${SIZES:-"10000 100000 1000000"}
export BUNKA_DATA=$PWD/data
export BUNKA_REQUIRE_GPU=1
failed=0
skipped=0

elapsed() { echo $(($(date +%s) - start)); }
# jstr quotes its argument as a JSON string (one line, no control characters).
jstr() { printf '"%s"' "$(printf '%s' "$1" | tr '\n\t' '  ' | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
# limit prints the seconds a step may take: the cap, or what is left before
# the deadline less 5 s for the kill and the last lines; under 5, nothing is.
limit() {
  local left=$((budget - $(elapsed) - 5))
  ((left > cap)) && left=$cap
  ((left >= 5)) && echo "$left"
}
# not_run prints the JSON line of a step skipped for lack of time.
not_run() { # figure, then extra JSON fields (",\"n\":1")
  printf '{"figure":"%s"%s,"result":"skip","reason":"time budget of %ds spent","elapsed":%d}\n' "$1" "$2" "$budget" "$(elapsed)"
  skipped=$((skipped + 1))
}
# run_limited runs a command under timeout, killing it 3 s after the TERM.
run_limited() { timeout -k 3 "$@"; }

# The device.
name='' driver='' mem=''
trim() { sed 's/^ *//; s/ *$//' <<<"$1"; }
if command -v nvidia-smi >/dev/null 2>&1; then
  IFS=, read -r name driver mem < <(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader,nounits 2>>"$log" | head -1)
fi
mem=$(echo "$mem" | tr -d ' ')
[[ "$mem" =~ ^[0-9]+$ ]] || mem=null
if [[ -n "$name" ]]; then
  printf '{"figure":"gpu","name":%s,"driver":%s,"memory_mib":%s}\n' "$(jstr "$(trim "$name")")" "$(jstr "$(trim "$driver")")" "$mem"
else
  printf '{"figure":"gpu","name":null,"driver":null,"memory_mib":null,"error":"nvidia-smi missing or failed (see gpu_check.log)"}\n'
fi

# peak_start starts sampling the device's used memory; peak_stop prints the
# largest sample in MiB (or null).
peak_start() {
  peakfile=$(mktemp)
  peakpid=
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$peakfile" 2>/dev/null &
    peakpid=$!
  fi
}
peak_stop() {
  if [[ -n "$peakpid" ]]; then kill "$peakpid" 2>/dev/null; wait "$peakpid" 2>/dev/null; fi
  local p
  p=$(tr -d ' ' <"$peakfile" | grep -E '^[0-9]+$' | sort -n | tail -1)
  rm -f "$peakfile"
  echo "${p:-null}"
}

# The GPU tests and benchmarks of each test binary, by name. A binary that
# cannot even list its tests (it exits at start without a GPU) is a failure.
tests=() benches=()
shopt -s nullglob
tbs=(tests/*.test)
if ((${#tbs[@]} == 0)); then
  printf '{"figure":"test","package":null,"test":null,"result":"error","last":"no test binaries in %s/tests"}\n' "$PWD"
  failed=$((failed + 1))
fi
for tb in "${tbs[@]}"; do
  pkg=$(basename "$tb" .test)
  out=$(mktemp)
  echo "== $tb -test.list GPU" >>"$log"
  timeout -k 3 60 "$tb" -test.list 'GPU' >"$out" 2>&1
  rc=$?
  cat "$out" >>"$log"
  if ((rc != 0)); then
    printf '{"figure":"test","package":%s,"test":null,"result":"error","exit":%d,"last":%s}\n' "$(jstr "$pkg")" "$rc" "$(jstr "$(tail -1 "$out")")"
    failed=$((failed + 1))
  else
    while read -r t; do
      case $t in
        Test*GPU*) tests+=("$tb $t") ;;
        Benchmark*GPU*) benches+=("$tb $t") ;;
      esac
    done <"$out"
  fi
  rm -f "$out"
done

# run_test runs one test alone and prints its line and its FIGURE lines.
run_test() { # test binary, test name
  local tb=$1 t=$2 pkg out rc lim res secs
  pkg=$(basename "$tb" .test)
  if ! lim=$(limit); then
    not_run test ",\"package\":$(jstr "$pkg"),\"test\":$(jstr "$t")"
    return
  fi
  out=$(mktemp)
  echo "== $tb -test.run ^$t\$ (timeout ${lim}s)" >>"$log"
  run_limited "$lim" "$tb" -test.run "^$t\$" -test.v -test.count=1 >"$out" 2>&1
  rc=$?
  cat "$out" >>"$log"
  sed -n 's/^.*FIGURE \({.*}\)$/\1/p' "$out"
  # --- PASS: TestGPUFoo (1.23s)   (subtests are indented: top level only)
  read -r res secs < <(sed -n "s/^--- \(PASS\|FAIL\|SKIP\): $t (\([0-9.]*\)s)\$/\1 \2/p" "$out" | tail -1)
  res=$(echo "${res:-}" | tr '[:upper:]' '[:lower:]')
  if ((rc == 124 || rc == 137)); then
    printf '{"figure":"test","package":%s,"test":%s,"result":"timeout","limit_s":%d,"exit":%d}\n' "$(jstr "$pkg")" "$(jstr "$t")" "$lim" "$rc"
    failed=$((failed + 1))
  elif ((rc == 0)) && [[ $res == pass || $res == skip ]]; then
    printf '{"figure":"test","package":%s,"test":%s,"result":"%s","seconds":%s}\n' "$(jstr "$pkg")" "$(jstr "$t")" "$res" "$secs"
    [[ $res == skip ]] && skipped=$((skipped + 1))
  elif [[ $res == fail ]]; then
    printf '{"figure":"test","package":%s,"test":%s,"result":"fail","seconds":%s,"exit":%d}\n' "$(jstr "$pkg")" "$(jstr "$t")" "$secs" "$rc"
    failed=$((failed + 1))
  else
    # A crash (signal, os.Exit, panic outside the test) or no result line.
    printf '{"figure":"test","package":%s,"test":%s,"result":"error","exit":%d,"last":%s}\n' "$(jstr "$pkg")" "$(jstr "$t")" "$rc" "$(jstr "$(tail -1 "$out")")"
    failed=$((failed + 1))
  fi
  rm -f "$out"
}

# 1. The quick GPU checks: Open, a launch, the conformance suites.
rest=()
for e in "${tests[@]}"; do
  case ${e#* } in TestGPUOpen | TestGPULaunch) run_test "${e% *}" "${e#* }" ;; esac
done
for e in "${tests[@]}"; do
  case ${e#* } in
    TestGPUOpen | TestGPULaunch) ;;
    *Conformance*) run_test "${e% *}" "${e#* }" ;;
    *) rest+=("$e") ;;
  esac
done

# 2. Timings: bunka project on generated vectors.
devflag=()
if ./bunka project -h 2>&1 | grep -q -- '-device'; then devflag=(--device cuda); fi
mkdir -p gen
for n in $sizes; do
  npyf=gen/v$n.npy
  if ! lim=$(limit); then
    not_run project ",\"n\":$n"
    continue
  fi
  if [[ ! -s "$npyf" ]]; then
    echo "== vecgen $n (timeout ${lim}s)" >>"$log"
    if ! run_limited "$lim" ./vecgen -n "$n" -dim 384 -out "$npyf" >>"$log" 2>&1; then
      rm -f "$npyf"
      printf '{"figure":"project","n":%d,"error":"vecgen failed (see gpu_check.log)"}\n' "$n"
      failed=$((failed + 1))
      continue
    fi
    if ! lim=$(limit); then
      not_run project ",\"n\":$n"
      continue
    fi
  fi
  peak_start
  echo "== bunka project $n (timeout ${lim}s)" >>"$log"
  out=$(mktemp)
  run_limited "$lim" ./bunka project --in "$npyf" --out "gen/xy$n.csv" --metric cosine "${devflag[@]}" >"$out" 2>>"$log"
  rc=$?
  peak=$(peak_stop)
  cat "$out" >>"$log"
  line=$(tail -1 "$out")
  rm -f "$out"
  if ((rc == 0)) && [[ "$line" == "{"*"}" ]]; then
    # bunka project's own line, with the figure's name, the device flag and the peak added.
    printf '{"figure":"project","device_flag":%s,"gpu_peak_mib":%s,%s\n' "$([[ ${#devflag[@]} -gt 0 ]] && echo true || echo false)" "$peak" "${line#\{}"
  else
    rm -f "gen/xy$n.csv"
    printf '{"figure":"project","n":%d,"error":"exit %d (see gpu_check.log)","exit":%d}\n' "$n" "$rc" "$rc"
    failed=$((failed + 1))
  fi
done

# 3. The same seed twice gives the same coordinates.
first=$(echo "$sizes" | cut -d' ' -f1)
if [[ ! -s "gen/xy$first.csv" ]]; then
  printf '{"figure":"repeatable","n":%d,"result":"skip","reason":"no first map of %d points"}\n' "$first" "$first"
  skipped=$((skipped + 1))
elif ! lim=$(limit); then
  not_run repeatable ",\"n\":$first"
else
  echo "== bunka project $first again (timeout ${lim}s)" >>"$log"
  run_limited "$lim" ./bunka project --in "gen/v$first.npy" --out "gen/xy${first}b.csv" --metric cosine "${devflag[@]}" >>"$log" 2>&1
  rc=$?
  if ((rc != 0)); then
    printf '{"figure":"repeatable","n":%d,"same_coordinates":null,"exit":%d,"error":"second run failed (see gpu_check.log)"}\n' "$first" "$rc"
    failed=$((failed + 1))
  elif cmp -s "gen/xy$first.csv" "gen/xy${first}b.csv"; then
    printf '{"figure":"repeatable","n":%d,"same_coordinates":true,"exit":0}\n' "$first"
  else
    printf '{"figure":"repeatable","n":%d,"same_coordinates":false,"exit":0}\n' "$first"
    failed=$((failed + 1))
  fi
fi

# 4. The other GPU tests: parity and quality.
for e in "${rest[@]}"; do run_test "${e% *}" "${e#* }"; done

# 5. Benchmarks, once each, while the budget lasts.
for e in "${benches[@]}"; do
  tb=${e% *} b=${e#* }
  pkg=$(basename "$tb" .test)
  if ! lim=$(limit); then
    not_run bench ",\"package\":$(jstr "$pkg"),\"name\":$(jstr "$b")"
    continue
  fi
  out=$(mktemp)
  echo "== $tb -test.bench ^$b\$ (timeout ${lim}s)" >>"$log"
  run_limited "$lim" "$tb" -test.run '^$' -test.bench "^$b\$" -test.benchtime 1x >"$out" 2>&1
  rc=$?
  cat "$out" >>"$log"
  # BenchmarkGPUKNN/n=10000-16   1   123456 ns/op   12.3 peak-MiB
  awk -v pkg="$pkg" '/^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ {
      printf "{\"figure\":\"bench\",\"package\":\"%s\",\"name\":\"%s\"", pkg, $1
      for (i = 3; i + 1 <= NF; i += 2) { u = $(i+1); gsub(/[^A-Za-z0-9_]/, "_", u); printf ",\"%s\":%s", u, $i }
      print "}"
    }' "$out"
  if ((rc != 0)); then
    printf '{"figure":"bench","package":%s,"name":%s,"result":"error","exit":%d,"last":%s}\n' "$(jstr "$pkg")" "$(jstr "$b")" "$rc" "$(jstr "$(tail -1 "$out")")"
    failed=$((failed + 1))
  fi
  rm -f "$out"
done

printf '{"figure":"gpu_check","failed":%d,"skipped":%d,"seconds":%d}\n' "$failed" "$skipped" "$(elapsed)"
((failed == 0))
