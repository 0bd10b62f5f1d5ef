#!/usr/bin/env bash
# Builds malscope and runs the whole test suite (ctest). Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMALSCOPE_WERROR="${MALSCOPE_WERROR:-OFF}" >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
export OMP_WAIT_POLICY=PASSIVE
cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" "$@"
