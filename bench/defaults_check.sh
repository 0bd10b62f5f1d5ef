#!/usr/bin/env bash
# The defaults on several shapes of data, so a change to them is not fitted to one data set:
# plain `malscope train` + `predict` (no config, no flags) beside shared/baselines/py_baseline.py
# on each of
#   malbehavd  MalbehavD-V1 (real, 2 classes, 1,653 train / 917 test files)
#   s2c8       simulated season 2 (no return values: written as 0), 8 classes, 600 / 250 files
#   onethread  simulated, 8 classes, 600 / 250 files, every file one thread, every return value
#              0, long files (mean 8,000 calls): the shape of a Cuckoo API-sequence set
#   sim        the simulator's defaults, 2,000 / 1,000 files of about 3,400 calls, 6 classes
#   hard8      a hard multi-class set: 8 classes, 570 / 240 files, one thread a file, every
#              return value 0, about 3,000 calls a file, and 40% of the files (train and test)
#              relabelled to a class drawn at random, so accuracy stays near 0.6 and logloss
#              near 1.3 whatever the model: calibration and over-fitting decide the score there
# and prints per set: seconds (train includes the CV it runs), the CV's nested out-of-fold
# logloss (from train's log), test logloss and accuracy. The test labels are read only by
# `evaluate`, after the model is written.
#
# usage: bench/defaults_check.sh [WORKDIR]      (default /tmp/malscope_defaults_check)
#   MALSCOPE=path/to/malscope   (default build/malscope)
#   SETS="malbehavd s2c8 onethread sim hard8"   which sets, in this order
#   PY=0                        skip the Python runs
#   SEED=1                      train's seed;  SIM_SEED=7  the simulated sets' seed
#   TRAIN_FLAGS="..."           extra flags for train (A/B runs of a default)
#   TAG=name                    subdirectory per run, so A/B runs keep their outputs apart
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MALSCOPE=${MALSCOPE:-$ROOT/build/malscope}
SHARED=${SHARED:-$ROOT/../shared}
WORK=${1:-/tmp/malscope_defaults_check}
PY=${PY:-1}
SETS=${SETS:-malbehavd s2c8 onethread sim hard8}
SIM_SEED=${SIM_SEED:-7}
PYTHON=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE
export MALSCOPE_NO_PROGRESS=1
mkdir -p "$WORK"
ROWS=()

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Season-2 rows (file_id,label,api,tid,index) with a return_value column of 0, for the Python
# reader (it needs the column); malscope reads the same file.
add_zero_returns() {
  awk -F, -v OFS=, 'NR == 1 { if ($NF == "index") { $NF = "return_value,index" } print; next }
    { $NF = "0," $NF; print }' "$1" >"$2"
}

# Every file one thread (tid 1, calls in the file's order, index renumbered) and every return
# value 0.
one_thread() {
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; print; next }
    { if ($1 != last) { n = 0; last = $1 } $col["tid"] = 1; $col["return_value"] = 0;
      $col["index"] = n++; print }' "$1" >"$2"
}

# Relabels each file with probability RATE to a class drawn uniformly from 0..K-1 (seeded);
# $1 is train.csv (label column) or test_labels.csv.
noisy_labels() {
  awk -F, -v OFS=, -v seed="$3" -v rate=0.4 -v k=8 'BEGIN { srand(seed) }
    NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; print; next }
    { if ($1 != last) { last = $1; flip = (rand() < rate); pick = int(rand() * k) }
      if (flip) $col["label"] = pick; print }' "$1" >"$2"
}

make_set() {
  local name=$1 d="$WORK/data/$1"
  [ -f "$d/test_labels.csv" ] && return 0
  mkdir -p "$d"
  case $name in
    s2c8)
      "$MALSCOPE" simulate -q -o "$d/raw" --classes 8 --format season2 --train-files 600 \
        --test-files 250 --seed "$SIM_SEED"
      add_zero_returns "$d/raw/train.csv" "$d/train.csv"
      add_zero_returns "$d/raw/test.csv" "$d/test.csv"
      ;;
    onethread)
      "$MALSCOPE" simulate -q -o "$d/raw" --classes 8 --train-files 600 --test-files 250 \
        --mean-calls 8000 --seed "$SIM_SEED" --text-returns 0
      one_thread "$d/raw/train.csv" "$d/train.csv"
      one_thread "$d/raw/test.csv" "$d/test.csv"
      ;;
    hard8)
      "$MALSCOPE" simulate -q -o "$d/raw" --classes 8 --train-files 570 --test-files 240 \
        --mean-calls 3000 --seed "$SIM_SEED" --text-returns 0
      one_thread "$d/raw/train.csv" "$d/raw/train1.csv"
      noisy_labels "$d/raw/train1.csv" "$d/train.csv" "$SIM_SEED"
      one_thread "$d/raw/test.csv" "$d/test.csv"
      noisy_labels "$d/raw/test_labels.csv" "$d/raw/test_labels_noisy.csv" "$((SIM_SEED + 1))"
      mv "$d/raw/test_labels_noisy.csv" "$d/raw/test_labels.csv"
      ;;
    sim)
      "$MALSCOPE" simulate -q -o "$d/raw" --seed "$SIM_SEED" --text-returns 0
      mv "$d/raw/train.csv" "$d/raw/test.csv" "$d/"
      ;;
  esac
  cp "$d/raw/test_labels.csv" "$d/"
  rm -rf "$d/raw"
}

# paths NAME -> TRAIN TEST LABELS
paths() {
  if [ "$1" = malbehavd ]; then
    echo "$SHARED/data/malbehavd/train.csv $SHARED/data/malbehavd/test.csv" \
      "$SHARED/data/malbehavd/test_labels.csv"
  else
    echo "$WORK/data/$1/train.csv $WORK/data/$1/test.csv $WORK/data/$1/test_labels.csv"
  fi
}

ours() {
  local name=$1 train=$2 test=$3 labels=$4 d="$WORK/${TAG:-run}/$1"
  mkdir -p "$d"
  local t0 t1 t2 t3
  t0=$(now)
  "$MALSCOPE" ingest -q "$train" -o "$d/train.store"
  "$MALSCOPE" ingest -q "$test" -o "$d/test.store"
  t1=$(now)
  # shellcheck disable=SC2086
  "$MALSCOPE" train "$d/train.store" --seed "${SEED:-1}" ${TRAIN_FLAGS:-} -o "$d/model.bundle" \
    >"$d/train.txt" 2>"$d/train.log"
  t2=$(now)
  "$MALSCOPE" predict -q "$d/model.bundle" "$d/test.store" -o "$d/submission.csv"
  t3=$(now)
  "$MALSCOPE" evaluate "$d/submission.csv" "$labels" >"$d/test.txt"
  local cv_ll test_ll acc kind
  kind=$(grep -o 'combine: [a-z]*' "$d/train.log" | tail -1 | awk '{print $2}')
  cv_ll=$(grep -o "nested out-of-fold logloss: .*" "$d/train.log" | tail -1 |
    grep -o "$kind [0-9.]*" | awk '{print $2}')
  test_ll=$(grep -o "logloss [0-9.]*" "$d/test.txt" | head -1 | awk '{print $2}')
  acc=$(grep -o "accuracy [0-9.]*" "$d/test.txt" | head -1 | awk '{print $2}')
  ROWS+=("$(printf '%-10s %-9s %8s %8s %8s %8s %-12s %9s %9s %8s' "$name" malscope \
    "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$(secs "$t0" "$t3")" \
    "${kind:--}" "${cv_ll:--}" "$test_ll" "$acc")")
  echo "$name malscope: $(secs "$t0" "$t3") s (details in $d)" >&2
}

python() {
  local name=$1 d="$WORK/py/$1"
  [ "$PY" = 1 ] || return 0
  mkdir -p "$d"
  if [ ! -f "$d/py.txt" ] || ! grep -q "TEST logloss" "$d/py.txt"; then
    local t0 t1
    t0=$(now)
    "$PYTHON" "$SHARED/baselines/py_baseline.py" "$2" "$3" "$4" >"$d/py.txt" 2>&1
    t1=$(now)
    secs "$t0" "$t1" >"$d/seconds"
  fi
  local cv_ll test_ll acc
  cv_ll=$(grep -o "CV logloss [0-9.]*" "$d/py.txt" | awk '{print $3}')
  test_ll=$(grep -o "TEST logloss [0-9.]*" "$d/py.txt" | awk '{print $3}')
  acc=$(grep -o "acc [0-9.]*" "$d/py.txt" | awk '{print $2}')
  ROWS+=("$(printf '%-10s %-9s %8s %8s %8s %8s %-12s %9s %9s %8s' "$name" python - - - \
    "$(cat "$d/seconds")" "-" "$cv_ll" "$test_ll" "$acc")")
  echo "$name python: $(cat "$d/seconds") s (kept in $d)" >&2
}

for name in $SETS; do
  if [ "$name" = malbehavd ] && [ ! -d "$SHARED/data/malbehavd" ]; then
    echo "skipping malbehavd: $SHARED/data/malbehavd is absent" >&2
    continue
  fi
  [ "$name" = malbehavd ] || make_set "$name"
  # shellcheck disable=SC2046
  set -- $(paths "$name")
  ours "$name" "$@"
  python "$name" "$@"
done

echo
echo "plain \`malscope train\` (its own CV inside) + \`predict\`; python: py_baseline.py, 5-fold"
echo "CV and fold-averaged test prediction (its CV logloss early-stops on the held-out fold);"
echo "total excludes evaluate; cv_logl: malscope's nested out-of-fold logloss of its combination"
printf '%-10s %-9s %8s %8s %8s %8s %-12s %9s %9s %8s\n' data pipeline ingest train predict \
  total combine cv_logl test_logl test_acc
for r in "${ROWS[@]}"; do echo "$r"; done
