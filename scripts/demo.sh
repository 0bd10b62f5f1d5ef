#!/usr/bin/env bash
# The main job end to end on data malscope makes itself: set-up, build, simulate a season-1-like
# log, ingest it into a trace store, describe it and write the analysts' call-count summary.
# Usage: scripts/demo.sh [OUT_DIR]   (default: demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-demo}
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
export OMP_WAIT_POLICY=PASSIVE
M=build/malscope
mkdir -p "$OUT"
step() { printf '\n== %s\n' "$*"; }
step "simulate: 2,000 train + 1,000 test files, six classes"
$M simulate -o "$OUT/data" --train-files 2000 --test-files 1000 --seed 1
step "ingest"
$M ingest "$OUT/data/train.csv" -o "$OUT/train.store"
$M ingest "$OUT/data/test.csv" -o "$OUT/test.store"
step "info"
$M info "$OUT/train.store"
step "summary (sort | uniq -c per file and per class)"
$M summary "$OUT/train.store" -o "$OUT/summary"
head -5 "$OUT/summary/classes.csv"
