#!/usr/bin/env bash
# The main job end to end on data malscope makes itself: set-up, build, simulate a season-1-like
# log (train + test + test labels), ingest it, describe it, summarise its calls, cross-validate,
# train, predict a Tianchi submission, score it, audit the data and write the HTML report. Then the
# report leg: simulate CAPEv2 sandbox reports, ingest them with their labels, train, and predict
# the real CAPE reports shipped in tests/data/cape. Last, a malware/benign model on the shipped
# MalbehavD-V1 data scores real CAPE reports with `score`, then through `serve` and curl.
# Usage: scripts/demo.sh [OUT_DIR]   (default: demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-demo}
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
export OMP_WAIT_POLICY=PASSIVE  # XGBoost's OpenMP threads otherwise spin on a busy machine
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
step "summary: per-file and per-class call counts (sort | uniq -c)"
$M summary "$OUT/train.store" -o "$OUT/summary"
step "audit: repeated runs, label conflicts, file_id leakage"
$M audit "$OUT/train.store" --groups-out "$OUT/groups.csv"
step "cv: 5 folds, repeated runs kept in one fold"
$M cv "$OUT/train.store" --folds 5 --groups "$OUT/groups.csv" --json-out "$OUT/cv.json" --oof-out "$OUT/oof.csv"
step "train, predict, evaluate on the held-out test set"
$M train "$OUT/train.store" -o "$OUT/model.msm"
$M predict "$OUT/model.msm" "$OUT/test.store" -o "$OUT/submission.csv"
$M evaluate "$OUT/submission.csv" "$OUT/data/test_labels.csv"
step "audit the test set against train: test files that are repeated runs of training files"
$M audit "$OUT/test.store" --against "$OUT/train.store" --matches-out "$OUT/test_copies.csv" | tail -8
step "report"
$M report "$OUT/train.store" --cv "$OUT/cv.json" --test "$OUT/test.store" -o "$OUT/report.html"
echo "report: $(cd "$OUT" && pwd)/report.html"

step "reports: simulate 2,000 CAPEv2 report.json files (and 500 test ones) with labels.csv"
$M simulate --format cape -o "$OUT/cape" --train-files 2000 --test-files 500 --seed 1
step "reports: ingest the folder with its labels (by class name), describe it"
$M ingest "$OUT/cape/train" --labels "$OUT/cape/labels.csv" -o "$OUT/cape_train.store"
$M ingest "$OUT/cape/test" -o "$OUT/cape_test.store"
$M info "$OUT/cape_train.store"
step "reports: train on the reports, predict and score the simulated test reports"
$M train "$OUT/cape_train.store" -o "$OUT/cape_model.msm"
$M predict "$OUT/cape_model.msm" "$OUT/cape_test.store" -o "$OUT/cape_submission.csv"
$M evaluate "$OUT/cape_submission.csv" "$OUT/cape/test_labels.csv" | head -3
step "reports: predict the real CAPEv2 reports of tests/data/cape (two of them have no behaviour)"
$M ingest tests/data/cape -o "$OUT/real_cape.store"
$M predict "$OUT/cape_model.msm" "$OUT/real_cape.store" -o "$OUT/real_cape.csv"
NAMES=$($M info --json "$OUT/cape_train.store" | python3 -c 'import json,sys; print(",".join(c["name"] for c in json.load(sys.stdin)["classes"]))')
python3 - "$OUT/real_cape.csv" "$NAMES" <<'PY'
import csv, sys
names = sys.argv[2].split(",")
for row in csv.DictReader(open(sys.argv[1])):
    probs = [float(row["prob%d" % k]) for k in range(len(names))]
    best = max(range(len(names)), key=probs.__getitem__)
    print("  %s...  %-16s %.3f" % (row["file_id"][:16], names[best], probs[best]))
PY
echo "the verdicts of a model trained on simulated reports: a check that the path works, not a finding"

step "score and serve: a malware/benign model trained on the shipped MalbehavD-V1 data (real, MIT)"
# Canonical API names fold A/W and Zw/Nt spellings, so Cuckoo-named training data meets CAPE's.
$M ingest data/malbehavd/train.csv --api-names canonical --class-names benign,malware \
  -o "$OUT/mb_train.store"
$M train "$OUT/mb_train.store" -o "$OUT/mb_model.msm"
REPORT=tests/data/cape/d46900384c78863420fb3e297d0a2f743cd2b6b3f7f82bf64059a168e07aceb7.json.gz
$M score "$OUT/mb_model.msm" tests/data/cape --reasons 3 -o "$OUT/real_cape_verdicts.jsonl"
step "serve: start it, score a real CAPE report with curl, print the verdict and its reasons, stop it"
$M serve "$OUT/mb_model.msm" --port 0 -q >"$OUT/serve.out" 2>"$OUT/serve.log" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$OUT/serve.out")
echo "serving on $URL"
curl -sS --max-time 30 -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' \
  --data-binary @"$REPORT" "$URL/v1/score" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print("  %s...  %s (p = %.3f), %d calls" % (v["file_id"][:16], v["class"], v["probs"][v["class"]], v["calls"]))
for r in v["reasons"]:
    print("    " + r["text"])'
kill -TERM $SERVE_PID
wait $SERVE_PID
trap - EXIT
echo "server stopped (exit 0)"
