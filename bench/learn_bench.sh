#!/usr/bin/env bash
# Learning benchmark: malscope (ingest -> cv -> train -> predict -> evaluate) side by side with the
# Python pipeline shared/baselines/py_baseline.py (pandas + TF-IDF + XGBoost, 5-fold CV) on
#   1. MalbehavD-V1 (real, 2 classes): shared/data/malbehavd
#   2. simulated season-1-like data: `malscope simulate --train-files 2000 --test-files 1000`
# and prints one table: seconds per stage, CV logloss, test logloss and accuracy.
#
# usage: bench/learn_bench.sh [WORKDIR]     (default /tmp/malscope_learn_bench)
#   MALSCOPE=path/to/malscope   the CLI (default build/malscope)
#   SIMULATE=path/to/malscope   the CLI that runs `simulate` (default MALSCOPE)
#   PY=0                        skip the Python runs (they take ~15 min on the simulated data)
#   SIM_TRAIN=2000 SIM_TEST=1000 SIM_SEED=1
#   ONLY=malbehavd | ONLY=sim    run one of the two data sets
#   SEED=1                      cv/train seed (the commands' default; builds before the seams
#                               change defaulted to 0: give SEED=0 to compare with one)
# The test labels are read only by `evaluate`, after the model is fixed. Model choices for
# MalbehavD come from grouped CV on its training file (groups: files with an identical call
# sequence), see docs/learning.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MALSCOPE=${MALSCOPE:-$ROOT/build/malscope}
SHARED=${SHARED:-$ROOT/../shared}
WORK=${1:-/tmp/malscope_learn_bench}
PY=${PY:-1}
PYTHON=/usr/bin/python3  # Debian's python sees python3-pandas/-sklearn/-xgboost
export OMP_WAIT_POLICY=PASSIVE
export MALSCOPE_NO_PROGRESS=1
mkdir -p "$WORK"
ROWS=()

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# metric NAME FILE: the value after "NAME " on the first line holding it
metric() { grep -o "$1 [0-9.]*" "$2" | head -1 | awk '{print $2}'; }

# ours NAME TRAIN_CSV TEST_CSV LABELS [cv/train flags...]
ours() {
  local name=$1 train=$2 test=$3 labels=$4
  shift 4
  local d="$WORK/$name"
  mkdir -p "$d"
  local t0 t1 t2 t3 t4 t5
  t0=$(now)
  "$MALSCOPE" ingest -q "$train" -o "$d/train.store"
  "$MALSCOPE" ingest -q "$test" -o "$d/test.store"
  t1=$(now)
  "$MALSCOPE" cv "$d/train.store" -q --seed "${SEED:-1}" "$@" --json-out "$d/cv.json" >"$d/cv.txt"
  t2=$(now)
  "$MALSCOPE" train "$d/train.store" -q --seed "${SEED:-1}" "$@" --cv "$d/cv.json" -o "$d/model.bundle"
  t3=$(now)
  "$MALSCOPE" predict -q "$d/model.bundle" "$d/test.store" -o "$d/submission.csv"
  t4=$(now)
  "$MALSCOPE" evaluate "$d/submission.csv" "$labels" >"$d/test.txt"
  t5=$(now)
  local cv_ll test_ll acc
  # The row of the combination cv chose (blend.combine): blend, temperature or stack.
  cv_ll=$(awk '$1 == "blend" || $1 == "temperature" || $1 == "stack" { print $2; exit }' "$d/cv.txt")
  test_ll=$(metric logloss "$d/test.txt" | head -1)
  acc=$(metric accuracy "$d/test.txt")
  local total
  total=$(secs "$t0" "$t4")
  ROWS+=("$(printf '%-10s %-9s %8s %8s %8s %8s %9s %9s %9s %8s' "$name" malscope \
    "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$(secs "$t3" "$t4")" \
    "$total" "$cv_ll" "$test_ll" "$acc")")
  echo "$name malscope: $total s (details in $d)" >&2
}

# python NAME TRAIN_CSV TEST_CSV LABELS
python() {
  local name=$1 d="$WORK/$1"
  mkdir -p "$d"
  [ "$PY" = 1 ] || return 0
  local t0 t1
  t0=$(now)
  "$PYTHON" "$SHARED/baselines/py_baseline.py" "$2" "$3" "$4" >"$d/py.txt" 2>&1
  t1=$(now)
  local read cv_ll test_ll acc
  read=$(grep -m1 "read" "$d/py.txt" | sed 's/^\[ *\([0-9.]*\)s\].*/\1/')
  cv_ll=$(grep -o "CV logloss [0-9.]*" "$d/py.txt" | awk '{print $3}')
  test_ll=$(grep -o "TEST logloss [0-9.]*" "$d/py.txt" | awk '{print $3}')
  acc=$(grep -o "acc [0-9.]*" "$d/py.txt" | awk '{print $2}')
  ROWS+=("$(printf '%-10s %-9s %8s %8s %8s %8s %9s %9s %9s %8s' "$name" python "$read" \
    "$(awk -v a="$read" -v b="$(secs "$t0" "$t1")" 'BEGIN { printf "%.1f", b - a }')" "-" "-" \
    "$(secs "$t0" "$t1")" "$cv_ll" "$test_ll" "$acc")")
  echo "$name python: $(secs "$t0" "$t1") s" >&2
}

# Groups of MalbehavD files with an identical call sequence, so CV never scores a copy of a
# training file (the test split keeps copies on one side).
mb_groups() {
  {
    echo "file_id,group"
    awk -F, 'NR > 1 { seq[$1] = seq[$1] " " $3 } END { n = 0
      for (f in seq) { if (!(seq[f] in id)) id[seq[f]] = n++; print f "," id[seq[f]] } }' \
      "$SHARED/data/malbehavd/train.csv" | sort -t, -k1,1n
  } >"$WORK/mb_groups.csv"
}

MB=$SHARED/data/malbehavd
if [ -d "$MB" ] && [ "${ONLY:-malbehavd}" = malbehavd ]; then
  mb_groups
  ours malbehavd "$MB/train.csv" "$MB/test.csv" "$MB/test_labels.csv" \
    --groups "$WORK/mb_groups.csv" --config "$ROOT/bench/malbehavd_config.json"
  python malbehavd "$MB/train.csv" "$MB/test.csv" "$MB/test_labels.csv"
fi

SIM=$WORK/sim
if [ "${ONLY:-sim}" = sim ] && [ ! -f "$SIM/test_labels.csv" ]; then
  # --text-returns 0: the Python pipeline cannot read non-numeric return values.
  "${SIMULATE:-$MALSCOPE}" simulate -q -o "$SIM" --train-files "${SIM_TRAIN:-2000}" \
    --test-files "${SIM_TEST:-1000}" --seed "${SIM_SEED:-1}" --text-returns 0
fi
if [ "${ONLY:-sim}" = sim ]; then
  ours sim "$SIM/train.csv" "$SIM/test.csv" "$SIM/test_labels.csv"
  python sim "$SIM/train.csv" "$SIM/test.csv" "$SIM/test_labels.csv"
fi

echo
echo "seconds per stage (malscope: ingest both CSVs / cv 5 folds / train / predict;"
echo "python: read CSVs / features + 5-fold CV + fold-averaged test prediction); total excludes evaluate"
printf '%-10s %-9s %8s %8s %8s %8s %9s %9s %9s %8s\n' data pipeline ingest cv train predict total \
  cv_logl test_logl test_acc
for r in "${ROWS[@]}"; do echo "$r"; done
