#!/usr/bin/env bash
# Installs everything malscope needs to build, test and benchmark, with apt-get (and npm for the
# report's charting library). Idempotent: re-running it installs only what is missing.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git
  libxgboost-dev liblinear-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libzstd-dev
  libsimdjson-dev libdeflate-dev
  libcpp-httplib-dev libssl-dev
  libtorch-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  wrk curl
  chromium
  gawk time
  python3-pandas python3-sklearn python3-xgboost python3-scipy
)

missing=()
# Node.js may come from another source (with npm bundled); Debian's npm conflicts with that.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present" >&2
fi

# The HTML report inlines plotly.js (pinned in third_party/package.json); CMake embeds it into the
# binary and stops with a message if it is missing.
THIRD_PARTY="$(cd "$(dirname "$0")/.." && pwd)/third_party"
PLOTLY_WANT=$(node -p "require('$THIRD_PARTY/package.json').dependencies['plotly.js-dist-min']")
PLOTLY_HAVE=$(node -p "try { require('$THIRD_PARTY/node_modules/plotly.js-dist-min/package.json').version } catch (e) { '' }")
if [ "$PLOTLY_HAVE" != "$PLOTLY_WANT" ]; then
  echo "setup: installing plotly.js-dist-min $PLOTLY_WANT into third_party/node_modules" >&2
  npm ci --prefix "$THIRD_PARTY" --no-audit --no-fund --loglevel=error
else
  echo "setup: plotly.js $PLOTLY_HAVE present" >&2
fi
