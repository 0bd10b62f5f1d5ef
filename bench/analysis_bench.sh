#!/usr/bin/env bash
# Analysis benchmark: wall time and peak memory of `profile`, `audit` and `report` on one store,
# and the size of the report's HTML, side by side with the 2-minute / 50 MB targets for a
# season-1-sized store (116k files, ~409 M calls). Prints what it measured.
#
#   bench/analysis_bench.sh [--store STORE] [--size 14G] [--dir DIR]
#     --store S  use an existing trace store
#     --size S   otherwise simulate a season-1-like train.csv of about S bytes (default 1G) and
#                ingest it; --size 14G is season 1 (several minutes, ~14.5 GB of disk)
#     --dir D    working folder (default build/bench-analysis)
set -euo pipefail
cd "$(dirname "$0")/.."
STORE="" SIZE=1G DIR=build/bench-analysis
while (($#)); do
  case "$1" in
    --store) STORE=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) echo "usage: $0 [--store STORE] [--size S] [--dir DIR]" >&2; exit 2 ;;
  esac
done
BIN=${MALSCOPE:-build/malscope}
[ -x "$BIN" ] || { echo "build first: cmake --build build (or set MALSCOPE=path)" >&2; exit 1; }
mkdir -p "$DIR"
if [ -z "$STORE" ]; then
  STORE=$DIR/train.store
  if [ ! -f "$STORE" ] || [ "$(cat "$DIR/.size" 2>/dev/null)" != "$SIZE" ]; then
    echo "simulating about $SIZE of season-1-like CSV into $DIR and ingesting it ..." >&2
    "$BIN" simulate -o "$DIR" --size "$SIZE" --imbalance season1 --test-files 100 >/dev/null
    "$BIN" ingest -q "$DIR/train.csv" -o "$STORE"
    rm -f "$DIR/train.csv" "$DIR/test.csv"
    echo "$SIZE" > "$DIR/.size"
  fi
fi
export MALSCOPE_NO_PROGRESS=1
cat "$STORE" > /dev/null  # into the page cache, as for every later run
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# run NAME CMD...: times CMD, keeps its peak RSS (kB) in $DIR/NAME.rss
run() {
  local name=$1; shift
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%M" -o "$DIR/$name.rss" "$@" > "$DIR/$name.out"
  t1=$(now)
  secs "$t0" "$t1"
}
P=$(run profile "$BIN" profile "$STORE")
A=$(run audit "$BIN" audit "$STORE" --groups-out "$DIR/groups.csv")
R=$(run report "$BIN" report "$STORE" -o "$DIR/report.html")
mb() { awk -v k="$(tail -1 "$DIR/$1.rss")" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
HTML=$(stat -c %s "$DIR/report.html")
ok() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim ? "yes" : "NO") }'; }

echo
"$BIN" info "$STORE" | grep -E "^(store|files|rows)"
echo "cores          $(nproc)"
printf "%-10s %9s %10s %14s %7s\n" "command" "seconds" "peak RSS" "target" "met"
printf "%-10s %9s %10s %14s %7s\n" "profile" "$P" "$(mb profile)" "< 120 s" "$(ok "$P" 120)"
printf "%-10s %9s %10s %14s %7s\n" "audit" "$A" "$(mb audit)" "< 120 s" "$(ok "$A" 120)"
printf "%-10s %9s %10s %14s %7s\n" "report" "$R" "$(mb report)" "< 120 s" "$(ok "$R" 120)"
printf "%-10s %9s %10s %14s %7s\n" "HTML" "$(awk -v b="$HTML" 'BEGIN { printf "%.1f MB", b / 1e6 }')" "" "< 50 MB" "$(ok "$HTML" 50000000)"
echo
echo "audit findings:"
sed -n '/^duplicates/,/^  CV groups/p;/LEAK\|no leakage/p;/with a cluster member/p' "$DIR/audit.out"
