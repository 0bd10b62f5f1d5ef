#!/usr/bin/env bash
# The scoring service's figures, in one run, on loopback: latency of POST /v1/score for one trace
# of about 6,500 calls (season 2's mean; as a CAPE report and as a Tianchi CSV) with and without
# reasons at 1 client; throughput with wrk
# at 1, 8 and 64 connections; beside them what the Python pipeline pays per trace (TF-IDF
# transform + XGBoost predict, bench/py_per_trace.py after shared/baselines/py_baseline.py);
# `score` on 10,000 reports against ingest + predict of the same; resident memory after 1,000 and
# 100,000 requests; a soak of good and bad requests. Every loop is bounded in count and time.
#
#   bench/serve_bench.sh [--dir DIR] [--reports N] [--soak SECONDS] [--requests N] [--quick]
#     --dir D        working folder (default build/bench-serve)
#     --reports N    reports for the score throughput (default 10000)
#     --soak S       soak seconds (default 120)
#     --requests N   requests for the second memory reading (default 100000)
#     --quick        small everything (a check that the script works)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=build/bench-serve N=10000 SOAK=120 REQS=100000 WRK_S=10 LAT_N=1000 MEM_MIN=10
while (($#)); do
  case "$1" in
    --dir) DIR=$2; shift 2 ;;
    --reports) N=$2; shift 2 ;;
    --soak) SOAK=$2; shift 2 ;;
    --requests) REQS=$2; shift 2 ;;
    --quick) N=300 SOAK=10 REQS=3000 WRK_S=3 LAT_N=200 MEM_MIN=1; shift ;;
    *) echo "usage: $0 [--dir DIR] [--reports N] [--soak S] [--requests N] [--quick]" >&2; exit 2 ;;
  esac
done
BIN=${MALSCOPE:-build/malscope}
PY=/usr/bin/python3
[ -x "$BIN" ] || { echo "build first: cmake --build build (or set MALSCOPE=path)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (scripts/setup.sh installs it)" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$DIR"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$1/status"; }
say() { printf '%s\n' "$*"; }

# A model trained on simulated CAPE reports of ~6,500 calls (the requests are reports of the
# same simulation's test half), with the default parameters.
if [ ! -f "$DIR/model.msm" ]; then
  say "simulating 300 + 60 CAPE reports of ~6,500 calls and training the model ..." >&2
  rm -rf "$DIR/sim"
  "$BIN" simulate -q --format cape -o "$DIR/sim" --train-files 300 --test-files 60 \
    --mean-calls 6500 --text-returns 0 --seed 3
  "$BIN" ingest -q "$DIR/sim/train" --labels "$DIR/sim/labels.csv" -o "$DIR/train.store"
  "$BIN" train -q "$DIR/train.store" -o "$DIR/model.msm"
fi
# The test report whose call count is nearest 6,500, as plain JSON.
if [ ! -f "$DIR/trace.json" ]; then
  "$BIN" score -q --reasons 0 "$DIR/model.msm" "$DIR/sim/test" -o "$DIR/test_verdicts.jsonl"
  ID=$($PY -c '
import json, sys
best = min((json.loads(l) for l in open(sys.argv[1])), key=lambda v: abs(v["calls"] - 6500))
print(best["file_id"])' "$DIR/test_verdicts.jsonl")
  cp "$DIR/sim/test/$ID.json" "$DIR/trace.json"  # the simulator names reports by sha256
fi
CALLS=$("$BIN" score -q --reasons 0 "$DIR/model.msm" "$DIR/trace.json" | $PY -c 'import json,sys; print(json.load(sys.stdin)["calls"])')
say "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates every figure below)"
say "== model: $(du -h "$DIR/model.msm" | cut -f1) bundle (xgb + linear, defaults); request: one CAPE report of $CALLS calls ($(du -h "$DIR/trace.json" | cut -f1) of JSON)"

"$BIN" serve "$DIR/model.msm" --port 0 -q >"$DIR/serve.out" 2>"$DIR/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$DIR/serve.out")
[ -n "$URL" ] || { cat "$DIR/serve.log"; exit 1; }
say "serving on $URL with $(nproc) workers (pid $PID); RSS at start $(rss $PID)"

# The same trace as a Tianchi CSV (what an Alibaba-style sandbox writes): the calls without the
# report's JSON around them. The store of one report has no labels, so no label column.
if [ ! -f "$DIR/trace.csv" ]; then
  "$BIN" ingest -q "$DIR/trace.json" -o "$DIR/trace.store"
  "$BIN" export "$DIR/trace.store" --format csv -o "$DIR/trace.csv" >/dev/null
fi
say "== latency of POST /v1/score, 1 client, keep-alive (Python http.client)"
say "report, with 5 reasons:  $($PY bench/serve_client.py latency "$URL/v1/score" "$DIR/trace.json" $LAT_N)"
say "report, without reasons: $($PY bench/serve_client.py latency "$URL/v1/score?reasons=0" "$DIR/trace.json" $LAT_N)"
say "CSV ($(du -h "$DIR/trace.csv" | cut -f1)), with 5 reasons:  $($PY bench/serve_client.py latency "$URL/v1/score" "$DIR/trace.csv" $LAT_N text/csv)"
say "CSV, without reasons: $($PY bench/serve_client.py latency "$URL/v1/score?reasons=0" "$DIR/trace.csv" $LAT_N text/csv)"
say "== the Python pipeline, per trace, in the same run"
[ -f "$DIR/train.csv" ] || "$BIN" export "$DIR/train.store" --format csv -o "$DIR/train.csv" >/dev/null
$PY bench/py_per_trace.py "$DIR/train.csv" "$DIR/trace.csv" 100 100 120 || say "python: failed"

say "== throughput with wrk (2 threads, ${WRK_S} s a run)"
lua() {  # lua FILE TYPE BODY
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "$2"
local f = io.open("$3", "rb"); wrk.body = f:read("*a"); f:close()
LUA
}
lua "$DIR/post.lua" application/json "$DIR/trace.json"
lua "$DIR/post_csv.lua" text/csv "$DIR/trace.csv"
for form in report CSV; do
  script=$DIR/post.lua
  [ $form = CSV ] && script=$DIR/post_csv.lua
  for q in "reasons=0" "reasons=5"; do
    for c in 1 8 64; do
      t=$((c < 2 ? 1 : 2))
      out=$(wrk -t$t -c$c -d${WRK_S}s --timeout 10s -s "$script" "$URL/v1/score?$q")
      rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
      lat=$(awk '/Latency/ { print $2, "mean,", $3, "sd" }' <<<"$out")
      errs=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' || true)
      say "$form, $q, $c connections: $rps traces/s, latency $lat ${errs:+($errs)}"
    done
  done
done

say "== memory: RSS after 1,000 and after $REQS requests (POST /v1/score?reasons=0 of the trace; at most $MEM_MIN minutes)"
served() { curl -sS --max-time 5 "$URL/metrics" | awk '/^malscope_requests_total\{route="\/v1\/score",status="200"\}/ { n += $2 } END { print n + 0 }'; }
base=$(served)
$PY bench/serve_client.py count "$URL/v1/score?reasons=0" "$DIR/trace.json" 1000
R1=$(rss $PID)
# wrk at 8 connections, 10 s at a time, until REQS requests more were answered (bounded in time).
for _ in $(seq $((MEM_MIN * 6))); do
  [ $(( $(served) - base )) -ge "$REQS" ] && break
  wrk -t2 -c8 -d10s --timeout 10s -s "$DIR/post.lua" "$URL/v1/score?reasons=0" >/dev/null
done
R2=$(rss $PID)
say "after 1,000 requests: $R1; after $(( $(served) - base )): $R2"

say "== soak: ${SOAK} s of good (70%) and bad requests (cut-short, wrong-type, unknown content type, bad CSV, gzip bomb, junk)"
curl -sS --max-time 30 -H 'Content-Type: application/json' --data-binary @"$DIR/trace.json" \
  "$URL/v1/score?reasons=3" >"$DIR/expect.json"
$PY bench/serve_client.py soak "$URL" "$DIR/trace.json" "$DIR/expect.json" "$SOAK"
say "server still up: $(curl -sS --max-time 5 "$URL/healthz"); RSS $(rss $PID)"
kill -TERM $PID
wait $PID && say "SIGTERM: exit 0"
trap - EXIT

say "== score on $N reports (traces/s) against ingest + predict of the same"
if [ "$(cat "$DIR/.reports" 2>/dev/null)" != "$N" ]; then
  rm -rf "$DIR/many"
  "$BIN" simulate -q --format cape -o "$DIR/many" --train-files 1 --test-files "$N" --seed 5
  echo "$N" >"$DIR/.reports"
fi
REP=$(ls "$DIR/many/test" | wc -l)
cat "$DIR"/many/test/* >/dev/null  # into the page cache
t0=$(now); "$BIN" score -q --reasons 0 "$DIR/model.msm" "$DIR/many/test" -o "$DIR/many.jsonl"; t1=$(now)
"$BIN" score -q "$DIR/model.msm" "$DIR/many/test" -o "$DIR/many_r.jsonl"; t2=$(now)
rm -f "$DIR/many.store"
"$BIN" ingest -q "$DIR/many/test" -o "$DIR/many.store"; t3=$(now)
"$BIN" predict -q "$DIR/model.msm" "$DIR/many.store" -o "$DIR/many_sub.csv"; t4=$(now)
a=$(secs $t0 $t1) b=$(secs $t1 $t2) c=$(secs $t2 $t3) d=$(secs $t3 $t4)
say "load average now $(cut -d' ' -f1-3 /proc/loadavg)"
say "$REP reports: score $a s ($(awk -v n=$REP -v t=$a 'BEGIN{printf "%.0f", n/t}') traces/s), with 5 reasons $b s ($(awk -v n=$REP -v t=$b 'BEGIN{printf "%.0f", n/t}') traces/s); ingest $c s + predict $d s = $(awk -v a=$c -v b=$d 'BEGIN{printf "%.2f", a+b}') s ($(awk -v n=$REP -v a=$c -v b=$d 'BEGIN{printf "%.0f", n/(a+b)}') traces/s)"
