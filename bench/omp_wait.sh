#!/usr/bin/env bash
# Why malscope re-executes itself with OMP_WAIT_POLICY=PASSIVE: XGBoost's OpenMP threads spin
# while they wait, and with another process busy on the second core two spinning threads run many
# times slower. Runs one `malscope cv --models xgb` with a busy loop on the other core under
#   default   OMP_WAIT_POLICY set to "" (libgomp's default policy; malscope sees it set, no re-exec)
#   active    OMP_WAIT_POLICY=ACTIVE
#   passive   OMP_WAIT_POLICY=PASSIVE
#   unset     not in the environment: malscope re-executes itself with PASSIVE
# usage: bench/omp_wait.sh STORE [extra cv flags]
set -euo pipefail
cd "$(dirname "$0")/.."
MALSCOPE=${MALSCOPE:-build/malscope}
STORE=$1
shift
busy() { sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!; }
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -f /tmp/omp_wait.$$' EXIT
printf '%-8s %10s %10s\n' policy wall_s user_s
for policy in default active passive unset; do
  pid=$(busy)
  case $policy in
    default) env=(env OMP_WAIT_POLICY=) ;;
    active) env=(env OMP_WAIT_POLICY=ACTIVE) ;;
    passive) env=(env OMP_WAIT_POLICY=PASSIVE) ;;
    unset) env=(env -u OMP_WAIT_POLICY) ;;
  esac
  /usr/bin/time -o /tmp/omp_wait.$$ -f "%e %U" "${env[@]}" "$MALSCOPE" -j 2 cv "$STORE" -q \
    --models xgb --fold-jobs 1 "$@" >/dev/null 2>&1
  kill "$pid"
  pid=
  read -r wall user </tmp/omp_wait.$$
  printf '%-8s %10s %10s\n' "$policy" "$wall" "$user"
done
