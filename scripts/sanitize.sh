#!/usr/bin/env bash
# Builds malscope and its tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
# ctest suite under them: any report fails the test that caused it (UBSan is built not to
# recover; LeakSanitizer checks every exit). The build is the fuzz build (scripts/fuzz_build.sh:
# clang-14, build-fuzz/), so CI compiles the instrumented library once for both.
# Usage: scripts/sanitize.sh [ctest args...]   e.g. -L quick
# Environment: BUILD_DIR (build-fuzz), CXX (clang++-14).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
source scripts/fuzz_build.sh
cmake --build "$BUILD" -j "$(nproc)" --target malscope malscope_tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ -f scripts/lsan.supp ] && export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$REPO/scripts/lsan.supp}
export OMP_WAIT_POLICY=PASSIVE
cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" "$@"
