#!/usr/bin/env bash
# Installs the build dependencies from Debian 12's packages (only those missing), then configures
# and builds a preset (default: release). Idempotent: a second run installs nothing and rebuilds
# only what changed (ccache keeps recompiles fast).
#   scripts/setup.sh [release|asan]
set -euo pipefail
preset="${1:-release}"
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build ccache pkg-config
          libboost-graph-dev libeigen3-dev nlohmann-json3-dev libcli11-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          qt6-base-dev qt6-svg-dev libgl-dev
          zlib1g-dev librsvg2-bin clang-format)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
