# Sourced by scripts/fuzz.sh and scripts/sanitize.sh: configures the instrumented build in
# $BUILD (default build-fuzz) with clang-14, AddressSanitizer + UndefinedBehaviorSanitizer
# (MALSCOPE_FUZZ implies MALSCOPE_SANITIZE) and libFuzzer coverage. The fuzz targets and the test
# suite share it, so the instrumented library is compiled once.
BUILD=${BUILD_DIR:-build-fuzz}
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# RelWithDebInfo: optimised, with line numbers in the sanitizers' stack traces. No TextCNN module:
# libtorch is not instrumented, so the sanitizers would watch only its thin caller (the TextCNN
# tests skip here, saying so; the release suite runs them).
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMALSCOPE_TORCH=OFF \
  -DCMAKE_CXX_COMPILER="${CXX:-clang++-14}" -DMALSCOPE_FUZZ=ON -DMALSCOPE_WERROR=ON \
  -DMALSCOPE_BUILD_TESTS=ON -DMALSCOPE_BUILD_BENCH=OFF "${LAUNCHER[@]}" >/dev/null
