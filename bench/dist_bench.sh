#!/bin/sh
# Distributed training on this machine: one process of 2 threads (`train -j2`), 1 worker of 2
# threads and 2 workers of 1 thread through XGBoost's collective (tracker on 127.0.0.1), on the
# same store and flags. Prints wall time and peak RSS of each worker (GNU time), what each worker
# sent (its own log line: malscope's exchanges and all bytes it wrote, /proc/self/io), and
# whether the bundles predict alike (max |p - p'| over the store).
# Usage: bench/dist_bench.sh STORE [BIN] [-- train flags]   (default BIN build/malscope)
set -eu
STORE=$1; shift
BIN=${1:-build/malscope}; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
FLAGS=${*:-"--models xgb --xgb.early_stop 0 --xgb.rounds 100 --xgb.subsample 1 --xgb.class_cap 0"}
export OMP_WAIT_POLICY=PASSIVE
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
echo "store: $STORE ($(du -h "$STORE" | cut -f1)); flags: $FLAGS"
/usr/bin/time -f "one process -j2: %e s, peak RSS %M KB" "$BIN" -q -j2 train "$STORE" $FLAGS -o "$T/one.bin"

job() {  # job N THREADS: N workers of THREADS threads, each under GNU time
  n=$1; j=$2
  "$BIN" -q shard "$STORE" -n "$n" -o "$T/s$n"
  /usr/bin/python3 -m xgboost.tracker --num-workers "$n" --host-ip 127.0.0.1 > "$T/tr$n" 2>/dev/null &
  tp=$!
  for _ in $(seq 1 100); do grep -q DMLC_TRACKER_PORT "$T/tr$n" && break; sleep 0.1; done
  port=$(sed -n 's/^DMLC_TRACKER_PORT=//p' "$T/tr$n")
  start=$(date +%s.%N)
  pids=""
  for i in $(seq 0 $((n - 1))); do
    /usr/bin/time -f "  worker $i: %e s, peak RSS %M KB" -o "$T/time$n.$i" \
      "$BIN" -j"$j" train --distributed "$T/s$n/shard-00$i.store" --tracker "127.0.0.1:$port" \
      --rank "$i" --world "$n" $FLAGS -o "$T/d$n.bin" > "$T/log$n.$i" 2>&1 &
    pids="$pids $!"
  done
  for p in $pids; do wait "$p"; done
  end=$(date +%s.%N)
  kill "$tp" 2>/dev/null || true
  echo "$n worker(s) x $j thread(s): $(echo "$end - $start" | bc) s wall"
  for i in $(seq 0 $((n - 1))); do
    cat "$T/time$n.$i"; grep -h "worker .* of" "$T/log$n.$i" | sed 's/^/    /'
  done
}
job 1 2
job 2 1

"$BIN" -q predict "$T/one.bin" "$STORE" -o "$T/one.csv"
for n in 1 2; do
  "$BIN" -q predict "$T/d$n.bin" "$STORE" -o "$T/d$n.csv"
  paste -d, "$T/one.csv" "$T/d$n.csv" | awk -F, -v n="$n" 'NR > 1 { k = NF / 2
    for (i = 2; i <= k; i++) { d = $i - $(i + k); if (d < 0) d = -d; if (d > m) m = d } }
    END { printf "%d worker(s) against one process: max |p - p'"'"'| = %.3g\n", n, m }'
done
