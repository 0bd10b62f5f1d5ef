#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang-14 (ASan + UBSan, in build-fuzz/), seeds their
# corpora from the test data and runs each target in turn, one process on one core, then prints
# executions and crashes per target. Exits 1 when any target crashed (inputs kept in
# build-fuzz/crashes/<target>/; each becomes a regression test).
#
# Usage: scripts/fuzz.sh [-t SECONDS] [-r RUNS] [-l MAX_LEN] [TARGET...]
#   -t SECONDS   stop each target after this long (default 60)
#   -r RUNS      stop each target after this many executions (whichever comes first with -t)
#   -l MAX_LEN   longest input tried (default per target: 4096; the bundle loader 16384)
#   TARGET       csv_parser store bundle report_json http (default: all)
# Environment: BUILD_DIR (build-fuzz), NICE (10), CXX (clang++-14).
# The corpora grow across runs in build-fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
TIME=60
RUNS=""
MAX_LEN=""
while getopts "t:r:l:h" opt; do
  case $opt in
    t) TIME=$OPTARG ;;
    r) RUNS=$OPTARG ;;
    l) MAX_LEN=$OPTARG ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(csv_parser store bundle report_json http)
for t in "${TARGETS[@]}"; do
  [ -f "fuzz/${t}_fuzz.cc" ] || { echo "fuzz.sh: no target '$t' (fuzz/${t}_fuzz.cc)" >&2; exit 2; }
done

# The same configuration as scripts/sanitize.sh: one instrumented build serves both.
source scripts/fuzz_build.sh
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]/%/_fuzz}"

SEEDS="$BUILD/seeds"
rm -rf "$SEEDS"
python3 fuzz/make_seeds.py "$REPO" "$SEEDS"

# Leaks end the run as a crash would; UBSan already aborts (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=0
summary=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD/${t}_fuzz"
  corpus="$BUILD/corpus/${t}_fuzz"
  crashes="$BUILD/crashes/${t}_fuzz"
  log="$BUILD/${t}_fuzz.log"
  mkdir -p "$corpus" "$crashes"
  len=${MAX_LEN:-$([ "$t" = bundle ] && echo 16384 || echo 4096)}
  args=(-max_len="$len" -max_total_time="$TIME" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
    -artifact_prefix="$crashes/")
  [ -n "$RUNS" ] && args+=(-runs="$RUNS")
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz.sh: $t for ${RUNS:+$RUNS runs or }${TIME} s (max_len $len), log $log" >&2
  start=$(date +%s)
  rc=0
  nice -n "${NICE:-10}" "$bin" "${args[@]}" "$corpus" "$SEEDS/${t}_fuzz" >"$log" 2>&1 || rc=$?
  secs=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then  # a crash ends the run before the final stats: the last status line
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  new=$(($(find "$crashes" -type f | wc -l) - before))
  ((rc == 0 && new == 0)) || failed=1
  summary+=("$(printf '%-12s %12s execs %6s s %8s exec/s %6s corpus  %s crashes (exit %s)' \
    "$t" "${execs:-0}" "$secs" "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" \
    "$(find "$corpus" -type f | wc -l)" "$new" "$rc")")
done
printf '%s\n' "${summary[@]}"
if ((failed)); then
  echo "fuzz.sh: crashes: see $BUILD/crashes/ and the logs; make each a regression test" >&2
  exit 1
fi
