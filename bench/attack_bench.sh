#!/usr/bin/env bash
# Evasion benchmark: a plain and a hardened (`train --harden`) model on the same training data,
# both attacked (`malscope attack`) on the held-out test files with benign behaviour injected
# into their malware files: 1/2/4 extra benign threads, 10/50/100% benign calls interleaved, 10/
# 50/100% no-op padding. Prints, per attack and amount, the detection rate (malware predicted as
# any malware class) and logloss of both, and the clean test logloss of both, on
#   1. simulated season-1-like data: `malscope simulate --train-files 2000 --test-files 1000`
#   2. MalbehavD-V1 (real, 2 classes): shared/data/malbehavd (settings of
#      bench/malbehavd_config.json, CV grouped by identical call sequence)
# Donors are the test store's own class-0 files (the attack's default); the hardened model's
# training copies take theirs from the training store's class 0 only, with other seeds.
#
# usage: bench/attack_bench.sh [WORKDIR]    (default /tmp/malscope_attack_bench)
#   MALSCOPE=path/to/malscope   the CLI (default build/malscope)
#   ONLY=sim | ONLY=malbehavd    run one data set
#   SIM_TRAIN=2000 SIM_TEST=1000 SIM_SEED=1 SEED=1 ATTACK_SEED=7 COPIES=1 HARDEN_WEIGHT=1
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MALSCOPE=${MALSCOPE:-$ROOT/build/malscope}
SHARED=${SHARED:-$ROOT/../shared}
WORK=${1:-/tmp/malscope_attack_bench}
export OMP_WAIT_POLICY=PASSIVE
export MALSCOPE_NO_PROGRESS=1
mkdir -p "$WORK"

# labelled TEST_CSV LABELS OUT: the test CSV with its label column joined back in.
labelled() {
  awk -F, -v OFS=, 'NR == FNR { if (FNR > 1) y[$1] = $2; next }
    FNR == 1 { $1 = $1 ",label"; print; next } { $1 = $1 "," y[$1]; print }' "$2" "$1" >"$3"
}

# run NAME TRAIN_CSV TEST_CSV [train flags...]
run() {
  local name=$1 train=$2 test=$3
  shift 3
  local d="$WORK/$name"
  mkdir -p "$d"
  "$MALSCOPE" ingest -q "$train" -o "$d/train.store"
  "$MALSCOPE" ingest -q "$test" -o "$d/test.store"
  local t0 t1 t2
  t0=$(date +%s.%N)
  "$MALSCOPE" train "$d/train.store" -q --seed "${SEED:-1}" "$@" -o "$d/plain.bundle"
  t1=$(date +%s.%N)
  "$MALSCOPE" train "$d/train.store" -q --seed "${SEED:-1}" "$@" --harden \
    --harden-copies "${COPIES:-1}" --harden-weight "${HARDEN_WEIGHT:-1}" -o "$d/hard.bundle"
  t2=$(date +%s.%N)
  for m in plain hard; do
    "$MALSCOPE" attack "$d/$m.bundle" "$d/test.store" --seed "${ATTACK_SEED:-7}" --json \
      -o "$d/$m.attack.json" >/dev/null
  done
  /usr/bin/python3 - "$name" "$d" "$t0" "$t1" "$t2" <<'EOF'
import json, sys
name, d, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
p = json.load(open(f"{d}/plain.attack.json"))
h = json.load(open(f"{d}/hard.attack.json"))
print(f"\n== {name}: {p['malware_files']} malware files of {p['files']} test files attacked; "
      f"{p['donor_files']} donors; padding with {','.join(p['noop_apis'])}")
print(f"train: plain {t1 - t0:.1f}s, hardened {t2 - t1:.1f}s")
print(f"{'attack':<11} {'amount':>10} {'plain det':>10} {'hard det':>10} {'plain ll':>9} "
      f"{'hard ll':>9} {'plain FA':>9} {'hard FA':>9}   (FA: class-0 files attacked alike, "
      "predicted malware)")
def line(a, amt, fp, fh):
    print(f"{a:<11} {amt:>10} {100*fp['detection']:>9.2f}% {100*fh['detection']:>9.2f}% "
          f"{fp['logloss']:>9.4f} {fh['logloss']:>9.4f} {100*fp['false_alarms']:>8.2f}% "
          f"{100*fh['false_alarms']:>8.2f}%")
line("clean", "-", p["clean"], h["clean"])
for rp, rh in zip(p["attacks"], h["attacks"]):
    line(rp["attack"], rp["label"], rp, rh)
lp, lh = p["clean"]["logloss_all_files"], h["clean"]["logloss_all_files"]
print(f"clean test logloss (all files): plain {lp:.4f}, hardened {lh:.4f} "
      f"({100 * (lh / lp - 1):+.1f}%; aim: no more than +2%)")
one = next(r for r in h["attacks"] if r["attack"] == "threads" and r["amount"] == 1)
c = h["clean"]["detection"]
print(f"hardened detection under 1 benign thread: {100*one['detection']:.2f}% against "
      f"{100*c:.2f}% clean ({100 * (one['detection'] / c - 1):+.1f}% relative; aim: within 5%); "
      f"plain: {100*p['attacks'][0]['detection']:.2f}% against {100*p['clean']['detection']:.2f}%")
EOF
}

SIM=$WORK/sim_data
if [ "${ONLY:-sim}" = sim ]; then
  if [ ! -f "$SIM/test_labels.csv" ]; then
    "$MALSCOPE" simulate -q -o "$SIM" --train-files "${SIM_TRAIN:-2000}" \
      --test-files "${SIM_TEST:-1000}" --seed "${SIM_SEED:-1}"
  fi
  labelled "$SIM/test.csv" "$SIM/test_labels.csv" "$SIM/test_labelled.csv"
  run sim "$SIM/train.csv" "$SIM/test_labelled.csv"
fi

MB=$SHARED/data/malbehavd
if [ -d "$MB" ] && [ "${ONLY:-malbehavd}" = malbehavd ]; then
  # Groups of files with an identical call sequence (as bench/learn_bench.sh).
  {
    echo "file_id,group"
    awk -F, 'NR > 1 { seq[$1] = seq[$1] " " $3 } END { n = 0
      for (f in seq) { if (!(seq[f] in id)) id[seq[f]] = n++; print f "," id[seq[f]] } }' \
      "$MB/train.csv" | sort -t, -k1,1n
  } >"$WORK/mb_groups.csv"
  labelled "$MB/test.csv" "$MB/test_labels.csv" "$WORK/mb_test_labelled.csv"
  run malbehavd "$MB/train.csv" "$WORK/mb_test_labelled.csv" --groups "$WORK/mb_groups.csv" \
    --config "$ROOT/bench/malbehavd_config.json"
fi
