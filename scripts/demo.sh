#!/usr/bin/env bash
# The main job: set up, build, and run a demo analysis with the shipped specs — the roofline of an
# H100 SXM and an H200 side by side, as a table and as an SVG chart (out/roofline-h100-h200.svg).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
mkdir -p out
ridgeline=build/release/cli/ridgeline
"$ridgeline" hw list
echo
"$ridgeline" roofline --hw h100-sxm --hw h200 --dtype bf16 --svg out/roofline-h100-h200.svg
