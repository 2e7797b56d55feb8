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
#   {"figure":"gpu",...}            the device, driver and memory (nvidia-smi)
#   {"figure":"test",...}           each test whose name holds GPU, in every
#                                   test binary: pass, fail or skip, seconds
#   lines that tests log as "FIGURE {json}" (parity, recall, trustworthiness,
#   NMI, repeatability...), as they are
#   {"figure":"project",...}        bunka project --device cuda on 10,000,
#                                   100,000 and 1,000,000 generated vectors
#                                   of 384 dimensions: k-NN, layout and
#                                   total seconds, peak GPU memory (sampled
#                                   by nvidia-smi every 100 ms, the whole
#                                   device's use, context included)
#   {"figure":"repeatable",...}     the 10,000-point map twice with one seed:
#                                   the same coordinates?
#   {"figure":"bench",...}          each benchmark whose name holds GPU, run
#                                   once (-test.benchtime 1x), while the time
#                                   budget lasts
# Tests join in by their names alone: a Test or Benchmark with GPU in its
# name in a package built by make gpu_check_bundle is run; a test that wants
# a figure printed logs it with t.Logf("FIGURE %s", json).
#
# Environment: BUDGET (seconds, default 280: the benchmarks are skipped
# once it is spent), SIZES (default "10000 100000 1000000"), TEST_TIMEOUT
# (per test binary, default 150s).
set -uo pipefail

dir=${1:-$(dirname "$0")}
cd "$dir" || exit 1
log=$PWD/gpu_check.log
: >"$log"
start=$(date +%s)
budget=${BUDGET:-280}
sizes=${SIZES:-"10000 100000 1000000"}
export BUNKA_DATA=$PWD/data

elapsed() { echo $(($(date +%s) - start)); }
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# The device.
if command -v nvidia-smi >/dev/null 2>&1; then
  IFS=, read -r name driver mem < <(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader,nounits | head -1)
  printf '{"figure":"gpu","name":%s,"driver":%s,"memory_mib":%s}\n' "$(jstr "$(echo $name)")" "$(jstr "$(echo $driver)")" "$(echo $mem)"
else
  printf '{"figure":"gpu","error":"nvidia-smi not found"}\n'
fi

# peak_start starts sampling the device's used memory; peak_stop prints the
# largest sample in MiB (or null).
peak_start() {
  peakfile=$(mktemp)
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 >"$peakfile" 2>/dev/null &
    peakpid=$!
  else
    peakpid=
  fi
}
peak_stop() {
  if [[ -n "$peakpid" ]]; then kill "$peakpid" 2>/dev/null; wait "$peakpid" 2>/dev/null; fi
  local p
  p=$(sort -n "$peakfile" | tail -1 | tr -d ' ')
  rm -f "$peakfile"
  echo "${p:-null}"
}

# 1. Tests: every test binary, every test with GPU in its name.
for tb in tests/*.test; do
  [[ -x "$tb" ]] || continue
  pkg=$(basename "$tb" .test)
  out=$(mktemp)
  echo "== $tb -test.run GPU" >>"$log"
  timeout "${TEST_TIMEOUT:-150}" "$tb" -test.run 'GPU' -test.v -test.count=1 >"$out" 2>&1
  rc=$?
  cat "$out" >>"$log"
  # --- PASS: TestGPUFoo (1.23s)   (subtests are indented: top level only)
  sed -n 's/^--- \(PASS\|FAIL\|SKIP\): \([^ ]*\) (\([0-9.]*\)s)$/\1 \2 \3/p' "$out" | while read -r res name secs; do
    printf '{"figure":"test","package":%s,"test":%s,"result":"%s","seconds":%s}\n' "$(jstr "$pkg")" "$(jstr "$name")" "$(echo "$res" | tr A-Z a-z)" "$secs"
  done
  sed -n 's/^.*FIGURE \({.*}\)$/\1/p' "$out"
  if ((rc != 0)) && ! grep -q '^--- FAIL' "$out"; then
    printf '{"figure":"test","package":%s,"test":null,"result":"error","exit":%d,"last":%s}\n' "$(jstr "$pkg")" "$rc" "$(jstr "$(tail -1 "$out")")"
  fi
  rm -f "$out"
done

# 2. Timings: bunka project on generated vectors.
devflag=()
if ./bunka project -h 2>&1 | grep -q -- '-device'; then devflag=(--device cuda); fi
mkdir -p gen
for n in $sizes; do
  npyf=gen/v$n.npy
  [[ -s "$npyf" ]] || ./vecgen -n "$n" -dim 384 -out "$npyf" >>"$log" 2>&1
  peak_start
  echo "== bunka project $n" >>"$log"
  line=$(timeout 240 ./bunka project --in "$npyf" --out "gen/xy$n.csv" --metric cosine "${devflag[@]}" 2>>"$log" | tail -1)
  rc=$?
  peak=$(peak_stop)
  echo "$line" >>"$log"
  if [[ $rc -eq 0 && "$line" == "{"* ]]; then
    # bunka project's own line, with the figure's name, the device flag and the peak added.
    printf '{"figure":"project","device_flag":%s,"gpu_peak_mib":%s,%s\n' "$([[ ${#devflag[@]} -gt 0 ]] && echo true || echo false)" "$peak" "${line#\{}"
  else
    printf '{"figure":"project","n":%d,"error":"exit %d (see gpu_check.log)"}\n' "$n" "$rc"
  fi
done

# 3. The same seed twice gives the same coordinates.
first=$(echo $sizes | cut -d' ' -f1)
if [[ -s "gen/xy$first.csv" ]]; then
  ./bunka project --in "gen/v$first.npy" --out "gen/xy${first}b.csv" --metric cosine "${devflag[@]}" >>"$log" 2>&1
  same=false
  cmp -s "gen/xy$first.csv" "gen/xy${first}b.csv" && same=true
  printf '{"figure":"repeatable","n":%d,"same_coordinates":%s}\n' "$first" "$same"
fi

# 4. Benchmarks, once each, while the budget lasts.
for tb in tests/*.test; do
  [[ -x "$tb" ]] || continue
  if (($(elapsed) > budget)); then
    printf '{"figure":"bench","package":%s,"skipped":"time budget of %ds spent"}\n' "$(jstr "$(basename "$tb" .test)")" "$budget"
    continue
  fi
  pkg=$(basename "$tb" .test)
  out=$(mktemp)
  echo "== $tb -test.bench GPU" >>"$log"
  timeout $((budget - $(elapsed) + 20)) "$tb" -test.run '^$' -test.bench 'GPU' -test.benchtime 1x >"$out" 2>&1
  rc=$?
  cat "$out" >>"$log"
  # BenchmarkGPUKNN/n=10000-16   1   123456 ns/op   12.3 peak-MiB
  awk -v pkg="$pkg" '/^Benchmark/ {
      printf "{\"figure\":\"bench\",\"package\":\"%s\",\"name\":\"%s\"", pkg, $1
      for (i = 3; i + 1 <= NF; i += 2) { u = $(i+1); gsub(/[^A-Za-z0-9_]/, "_", u); printf ",\"%s\":%s", u, $i }
      print "}"
    }' "$out"
  if ((rc != 0)); then
    printf '{"figure":"bench","package":%s,"result":"error","exit":%d,"last":%s}\n' "$(jstr "$pkg")" "$rc" "$(jstr "$(tail -1 "$out")")"
  fi
  rm -f "$out"
done
printf '{"figure":"gpu_check","seconds":%d}\n' "$(elapsed)"
