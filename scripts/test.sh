#!/usr/bin/env bash
# Set up, build and run the whole test suite (GoogleTest via ctest) for a preset (default release).
#   scripts/test.sh [release|asan]
set -euo pipefail
preset="${1:-release}"
cd "$(dirname "$0")/.."
scripts/setup.sh "$preset"
export QT_QPA_PLATFORM=offscreen
ctest --preset "$preset"
