#!/usr/bin/env bash
# Sandbox-report ingest benchmark, in one run: malscope ingest of simulated CAPE reports (plain and
# gzipped, from the page cache) beside the loop a user writes first (Python's json.load per report,
# collecting the calls) and `zcat > /dev/null` (the decompression limit); peak memory on the 75 MB
# real fixture and on the folder; the exact counts on every fixture of ../shared; and cv on a
# report store beside cv on the CSV of the same simulation. Prints what it measured.
#
#   bench/report_ingest_bench.sh [--reports N] [--mean-calls M] [--dir DIR] [--no-cv]
#     --reports N     reports to simulate (default 10000)
#     --mean-calls M  mean calls per report (default 420: 10,000 reports are about 1 GB of JSON)
#     --dir D         working folder (default build/bench-reports); needs ~1.4 GB per 10,000
#     --no-cv         skip the cv comparison
set -euo pipefail
cd "$(dirname "$0")/.."
N=10000 MEAN=420 DIR=build/bench-reports CV=1
while (($#)); do
  case "$1" in
    --reports) N=$2; shift 2 ;;
    --mean-calls) MEAN=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --no-cv) CV=0; shift ;;
    *) echo "usage: $0 [--reports N] [--mean-calls M] [--dir DIR] [--no-cv]" >&2; exit 2 ;;
  esac
done
BIN=${MALSCOPE:-build/malscope}
PY=/usr/bin/python3  # Debian's: the python3 first on PATH may be another install
[ -x "$BIN" ] || { echo "build first: cmake --build build (or set MALSCOPE=path)" >&2; exit 1; }
SHARED=../shared/data/sandbox
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$DIR"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f reports/s", n / t }'; }
best() { printf '%s\n' "$@" | sort -n | head -1; }

# The same simulation twice: plain .json and .json.gz (the same JSON, compressed).
SIM=$DIR/sim GZ=$DIR/simgz
if [ "$(cat "$DIR/.params" 2>/dev/null)" != "$N $MEAN" ]; then
  echo "simulating $N CAPE reports, plain and gzipped, into $DIR ..." >&2
  rm -rf "$SIM" "$GZ"
  "$BIN" simulate -q --format cape -o "$SIM" --train-files "$N" --test-files 0 --mean-calls "$MEAN"
  "$BIN" simulate -q --format cape --gzip -o "$GZ" --train-files "$N" --test-files 0 --mean-calls "$MEAN"
  echo "$N $MEAN" > "$DIR/.params"
fi
REPORTS=$(find "$SIM/train" -name '*.json' | wc -l)
JSON_BYTES=$(find "$SIM/train" -name '*.json' -printf '%s\n' | awk '{ s += $1 } END { print s }')
GZ_BYTES=$(find "$GZ/train" -name '*.json.gz' -printf '%s\n' | awk '{ s += $1 } END { print s }')
find "$SIM/train" "$GZ/train" -type f -exec cat {} + > /dev/null  # into the page cache

ingest_runs() {  # folder, store: three runs, the last under /usr/bin/time for the peak memory
  local runs=() t0 t1
  for i in 1 2 3; do
    if ((i < 3)); then
      t0=$(now); "$BIN" ingest -q "$1" --labels "$SIM/labels.csv" -o "$2"; t1=$(now)
    else
      t0=$(now); /usr/bin/time -f "%M" -o "$DIR/time.txt" "$BIN" ingest -q "$1" --labels "$SIM/labels.csv" -o "$2"; t1=$(now)
    fi
    runs+=("$(secs "$t0" "$t1")")
  done
  echo "${runs[*]}"
}
PLAIN_RUNS=($(ingest_runs "$SIM/train" "$DIR/plain.store")); PLAIN_RSS=$(tail -1 "$DIR/time.txt")
GZ_RUNS=($(ingest_runs "$GZ/train" "$DIR/gz.store")); GZ_RSS=$(tail -1 "$DIR/time.txt")
PLAIN=$(best "${PLAIN_RUNS[@]}") GZB=$(best "${GZ_RUNS[@]}")

t0=$(now)
find "$GZ/train" -name '*.json.gz' -print0 | sort -z | xargs -0 cat | zcat > /dev/null
t1=$(now); ZCAT=$(secs "$t0" "$t1")

t0=$(now)
PYCALLS=$("$PY" - "$SIM/train" <<'EOF'
import json, os, sys
total = 0
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(folder, name)) as f:
        report = json.load(f)
    calls = []
    for proc in (report.get("behavior") or {}).get("processes", []):
        for c in proc.get("calls", []):
            calls.extend([(c["api"], c["thread_id"], c["return"])] * (c.get("repeated", 0) + 1))
    total += len(calls)
print(total)
EOF
)
t1=$(now); PYT=$(secs "$t0" "$t1")
ROWS=$("$BIN" info --json "$DIR/plain.store" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rows"])')

echo
echo "input       $REPORTS simulated CAPE reports: $(awk -v b="$JSON_BYTES" 'BEGIN { printf "%.2f GB", b / 1e9 }') of JSON, $(awk -v b="$GZ_BYTES" 'BEGIN { printf "%.0f MB", b / 1e6 }') gzipped; $ROWS calls; $(nproc) cores"
printf "%-40s %8s %14s %16s\n" "step (from the page cache)" "seconds" "JSON" "reports"
printf "%-40s %8s %14s %16s   (runs: %s s)\n" "malscope ingest, .json (best of 3)" "$PLAIN" "$(mbs "$JSON_BYTES" "$PLAIN")" "$(per_s "$REPORTS" "$PLAIN")" "${PLAIN_RUNS[*]}"
printf "%-40s %8s %14s %16s   (runs: %s s; %s of gzip)\n" "malscope ingest, .json.gz (best of 3)" "$GZB" "$(mbs "$JSON_BYTES" "$GZB")" "$(per_s "$REPORTS" "$GZB")" "${GZ_RUNS[*]}" "$(mbs "$GZ_BYTES" "$GZB")"
printf "%-40s %8s %14s\n" "zcat > /dev/null (one core)" "$ZCAT" "$(mbs "$JSON_BYTES" "$ZCAT")"
printf "%-40s %8s %14s %16s   (%s calls)\n" "python3 json.load loop" "$PYT" "$(mbs "$JSON_BYTES" "$PYT")" "$(per_s "$REPORTS" "$PYT")" "$PYCALLS"
awk -v p="$PYT" -v m="$PLAIN" 'BEGIN { printf "ingest against the Python loop           %.1fx\n", p / m }'
echo "peak resident memory, ingest of the folder: $((PLAIN_RSS / 1024)) MB (.json), $((GZ_RSS / 1024)) MB (.json.gz)"
[ "$PYCALLS" = "$ROWS" ] || echo "WARNING: Python counted $PYCALLS calls, malscope stored $ROWS"

if [ -d "$SHARED" ]; then
  BIG=$SHARED/cape/capa-testfiles/v2.4/capesandbox_com/f5c93ac768c8206e87544ddd76b3277c.json.gz
  zcat "$BIG" > "$DIR/f5c93ac7.json"
  for f in "$BIG" "$DIR/f5c93ac7.json"; do
    /usr/bin/time -f "%M %e" -o "$DIR/time.txt" "$BIN" ingest -q "$f" -o "$DIR/big.store"
    read -r KB S < "$DIR/time.txt"
    echo "peak resident memory, ingest of the 75 MB fixture f5c93ac7 ($(basename "$f")): $((KB / 1024)) MB in $S s"
  done
  echo
  echo "fixtures of $SHARED (processes and call records as index.csv; calls = records + repeated):"
  "$PY" - "$SHARED" "$BIN" "$DIR" <<'EOF'
import csv, json, os, subprocess, sys
shared, binary, work = sys.argv[1:4]
ok = bad = 0
print("%-58s %5s %7s %7s %8s  %s" % ("report", "procs", "records", "index", "calls", ""))
for row in csv.DictReader(open(os.path.join(shared, "index.csv"))):
    path = os.path.join(shared, row["path"])
    store = os.path.join(work, "fixture.store")
    r = subprocess.run([binary, "ingest", "-q", path, "-o", store], capture_output=True, text=True)
    name = row["path"][-58:]
    if r.returncode != 0:
        print("%-58s error (exit %d): %s" % (name, r.returncode, r.stderr.strip()[len("malscope: error: "):][:150]))
        continue
    info = json.loads(subprocess.run([binary, "info", "--json", store], capture_output=True, text=True).stdout)
    procs, records = info["processes"], info["ingest"]["call_records"]
    want_p, want_c = int(row["processes"] or 0), int(row["calls"] or 0)
    same = procs == want_p and records == want_c
    ok += same
    bad += not same
    print("%-58s %5d %7d %7s %8d  %s" % (name, procs, records, row["calls"] or "-", info["rows"],
                                       "equal" if same else "DIFFERENT"))
print("%d reports equal index.csv, %d differ" % (ok, bad))
EOF
fi

if ((CV)); then
  echo
  echo "cv (5 folds, defaults) on the same simulation: 2,000 train files as CSV and as CAPE reports"
  C=$DIR/cv
  rm -rf "$C"
  "$BIN" simulate -q -o "$C/csv" --test-files 0
  "$BIN" simulate -q --format cape -o "$C/cape" --test-files 0
  "$BIN" ingest -q "$C/csv/train.csv" -o "$C/csv.store"
  "$BIN" ingest -q "$C/cape/train" --labels "$C/cape/labels.csv" -o "$C/cape.store"
  for s in csv cape; do
    t0=$(now)
    "$BIN" cv -q "$C/$s.store" --json-out "$C/$s.json" > /dev/null
    t1=$(now)
    "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]; print("  %-5s logloss %.4f  accuracy %.4f  macro-F1 %.4f  (%s files, %s s)" % (sys.argv[2], m["logloss"], m["accuracy"], m["macro_f1"], sys.argv[3], sys.argv[4]))' \
      "$C/$s.json" "$s" "$("$BIN" info --json "$C/$s.store" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["files"])')" "$(secs "$t0" "$t1")"
  done
fi
