#!/usr/bin/env bash
# Ingest benchmark: malscope ingest against the analysts' awk split and `wc -l` (the scan limit),
# on the same file from the page cache, in one run. Prints what it measured.
#
#   bench/ingest_bench.sh [--size 1G] [--csv FILE] [--dir DIR] [--no-awk]
#     --size S   simulate a season-1-like train.csv of about S bytes (default 1G) unless --csv
#     --csv F    use an existing Tianchi CSV instead
#     --dir D    working folder (default build/bench-ingest); needs ~1.5x the CSV size free
#     --no-awk   skip the awk splits (gawk and mawk, each when installed; slow, one file per file_id)
#     --against BIN  also time another malscope binary's ingest, runs alternating with this one's
#                (e.g. /work/base/build/malscope: a change must not slow the CSV path)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=1G CSV="" DIR=build/bench-ingest AWK=1 AGAINST=""
while (($#)); do
  case "$1" in
    --size) SIZE=$2; shift 2 ;;
    --csv) CSV=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --no-awk) AWK=0; shift ;;
    --against) AGAINST=$2; shift 2 ;;
    *) echo "usage: $0 [--size S] [--csv FILE] [--dir DIR] [--no-awk] [--against BIN]" >&2; exit 2 ;;
  esac
done
BIN=${MALSCOPE:-build/malscope}
[ -x "$BIN" ] || { echo "build first: cmake --build build (or set MALSCOPE=path)" >&2; exit 1; }
mkdir -p "$DIR"
if [ -z "$CSV" ]; then
  CSV=$DIR/train.csv
  if [ ! -f "$CSV" ] || [ "$(cat "$DIR/.size" 2>/dev/null)" != "$SIZE" ]; then
    echo "simulating about $SIZE of season-1-like CSV into $DIR ..." >&2
    "$BIN" simulate -o "$DIR" --size "$SIZE" --imbalance season1 --test-files 100 >/dev/null
    echo "$SIZE" > "$DIR/.size"
  fi
fi
BYTES=$(stat -c %s "$CSV")
now() { date +%s.%N; }
rate() { awk -v b="$BYTES" -v t="$1" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cat "$CSV" > /dev/null  # into the page cache
t0=$(now); LINES=$(wc -l < "$CSV"); t1=$(now); WC=$(secs "$t0" "$t1")
# Three runs (the machine is a VM: single runs vary by ±5%); the last under /usr/bin/time for the
# peak memory. The best and all three are printed.
RUNS=() OTHER=()
for i in 1 2 3; do
  if [ -n "$AGAINST" ]; then
    t0=$(now); "$AGAINST" ingest -q "$CSV" -o "$DIR/against.store"; t1=$(now)
    OTHER+=("$(secs "$t0" "$t1")")
  fi
  if ((i < 3)); then
    t0=$(now); "$BIN" ingest -q "$CSV" -o "$DIR/bench.store"; t1=$(now)
  else
    t0=$(now); /usr/bin/time -f "%M" -o "$DIR/time.txt" "$BIN" ingest -q "$CSV" -o "$DIR/bench.store"; t1=$(now)
  fi
  RUNS+=("$(secs "$t0" "$t1")")
done
RSS_KB=$(tail -1 "$DIR/time.txt")
BEST=$(printf '%s\n' "${RUNS[@]}" | sort -n | head -1)
STORE=$(stat -c %s "$DIR/bench.store")
t0=$(now); "$BIN" info "$DIR/bench.store" > /dev/null; t1=$(now); INFO=$(secs "$t0" "$t1")
rm -rf "$DIR/export"; t0=$(now); "$BIN" export "$DIR/bench.store" -o "$DIR/export" > /dev/null; t1=$(now)
EXP=$(secs "$t0" "$t1"); rm -rf "$DIR/export"
# The analysts' split with each awk present: gawk (Debian's awk once gawk is installed) and mawk
# (Debian's default awk, faster). The ratio is against the fastest.
AWKS=() AWKTS=()
if ((AWK)); then
  for a in gawk mawk; do
    command -v "$a" > /dev/null || continue
    rm -rf "$DIR/awk"; mkdir -p "$DIR/awk"
    t0=$(now); "$a" -F, -v d="$DIR/awk" 'NR > 1 { print > (d "/" $1) }' "$CSV"; t1=$(now)
    AWKS+=("$a") AWKTS+=("$(secs "$t0" "$t1")")
    rm -rf "$DIR/awk"
  done
fi

echo
echo "input          $CSV: $(awk -v b="$BYTES" 'BEGIN { printf "%.2f GB", b / 1e9 }'), $LINES lines, $(nproc) cores"
printf "%-34s %8s %12s\n" "step" "seconds" "throughput"
printf "%-34s %8s %12s\n" "wc -l (scan limit)" "$WC" "$(rate "$WC")"
printf "%-34s %8s %12s   (runs: %s s)\n" "malscope ingest (best of 3)" "$BEST" "$(rate "$BEST")" "${RUNS[*]}"
if [ -n "$AGAINST" ]; then
  OBEST=$(printf '%s\n' "${OTHER[@]}" | sort -n | head -1)
  printf "%-34s %8s %12s   (runs: %s s)\n" "$AGAINST (best of 3)" "$OBEST" "$(rate "$OBEST")" "${OTHER[*]}"
  awk -v a="$OBEST" -v m="$BEST" 'BEGIN { printf "this ingest against it              %+.1f%% time\n", 100 * (m - a) / a }'
  rm -f "$DIR/against.store"
fi
FASTEST=""
for i in "${!AWKS[@]}"; do
  printf "%-34s %8s %12s\n" "${AWKS[$i]} split, one file per file_id" "${AWKTS[$i]}" "$(rate "${AWKTS[$i]}")"
  if [ -z "$FASTEST" ] || awk -v a="${AWKTS[$i]}" -v b="$FASTEST" 'BEGIN { exit !(a < b) }'; then
    FASTEST=${AWKTS[$i]}
  fi
done
if [ -n "$FASTEST" ]; then
  awk -v a="$FASTEST" -v m="$BEST" 'BEGIN { printf "ingest vs the fastest awk split     %.1fx\n", a / m }'
fi
printf "%-34s %8s %12s\n" "malscope export (split from store)" "$EXP" "$(rate "$EXP")"
printf "%-34s %8s\n" "malscope info" "$INFO"
awk -v s="$STORE" -v b="$BYTES" 'BEGIN { printf "store size                         %.1f MB = %.1f%% of the CSV\n", s / 1e6, 100 * s / b }'
echo "ingest peak resident memory        $((RSS_KB / 1024)) MB"
