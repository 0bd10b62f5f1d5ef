#!/usr/bin/env bash
# Do two builds predict the same? For a refactor that must not change behaviour: trains with each
# build on the same data and seed, predicts, and compares the submissions byte for byte; then has
# the new build predict with the old build's bundle (old bundles must still load and agree).
#   usage: bench/same_predictions.sh OLD_MALSCOPE NEW_MALSCOPE [WORKDIR]
# Data: the simulator's (2,000 / 1,000 files, seed 1) and, when ../shared is there, MalbehavD
# with bench/malbehavd_config.json. The seed is given explicitly (the default seed changed once).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 WORK=${3:-/tmp/malscope_same_predictions}
SHARED=${SHARED:-../shared}
rm -rf "$WORK" && mkdir -p "$WORK"
export OMP_WAIT_POLICY=PASSIVE MALSCOPE_NO_PROGRESS=1
"$OLD" simulate -o "$WORK/sim" --train-files 2000 --test-files 1000 --seed 1 >/dev/null

# leg NAME TRAIN_CSV TEST_CSV [train flags...]
leg() {
  local name=$1 train=$2 test=$3
  shift 3
  local d="$WORK/$name"
  mkdir -p "$d"
  for b in old new; do
    local m=$OLD
    [ $b = new ] && m=$NEW
    "$m" ingest "$train" -o "$d/$b.train.store" >/dev/null 2>&1
    "$m" ingest "$test" -o "$d/$b.test.store" >/dev/null 2>&1
    "$m" train "$d/$b.train.store" -o "$d/$b.bundle" "$@" >/dev/null 2>&1
    "$m" predict "$d/$b.bundle" "$d/$b.test.store" -o "$d/$b.csv" >/dev/null 2>&1
  done
  "$NEW" predict "$d/old.bundle" "$d/new.test.store" -o "$d/old-bundle.csv" >/dev/null 2>&1
  local same=DIFFERENT bundle=DIFFERENT
  cmp -s "$d/old.csv" "$d/new.csv" && same=SAME
  cmp -s "$d/old.csv" "$d/old-bundle.csv" && bundle=SAME
  printf '%-10s predictions old vs new build: %-9s  old bundle through the new build: %s  (%s rows)\n' \
    "$name" "$same" "$bundle" "$(($(wc -l <"$d/new.csv") - 1))"
}
leg sim "$WORK/sim/train.csv" "$WORK/sim/test.csv" --models xgb,linear --seed 0
if [ -d "$SHARED/data/malbehavd" ]; then
  leg malbehavd "$SHARED/data/malbehavd/train.csv" "$SHARED/data/malbehavd/test.csv" \
    --config bench/malbehavd_config.json --seed 0
else
  echo "malbehavd  skipped: $SHARED/data/malbehavd is not there"
fi
