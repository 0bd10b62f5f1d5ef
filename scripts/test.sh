#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), builds malscope and runs the whole test suite with
# ctest. Usage: scripts/test.sh [ctest args...]   (BUILD_DIR=build, MALSCOPE_WERROR=OFF by default)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMALSCOPE_WERROR="${MALSCOPE_WERROR:-OFF}" >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
# XGBoost's OpenMP threads spin-wait; passive waiting keeps a busy machine usable.
export OMP_WAIT_POLICY=PASSIVE
cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" "$@"
