#!/usr/bin/env bash
# Regenerates the GUI screenshots in docs/images/ (offscreen, no display needed):
#   scripts/gui-screenshots.sh [build-dir]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
gui="${1:-build/release}/gui/ridgeline-gui"
export QT_QPA_PLATFORM=offscreen
shot() { "$gui" --screenshot "docs/images/$1" "${@:2}"; }
shot gui-roofline.png --hw h100-sxm --model llama-3-70b --phase decode --batch 16 --context 4096 \
  --weights fp8 --select attn.decode
shot gui-compare.png --hw h100-sxm --hw2 mi300x --model llama-3-70b --phase prefill --batch 4 \
  --prompt 2048 --weights fp8 --select mlp.gate_up
shot gui-whatif.png --hw h100-sxm --model llama-3-70b --phase decode --batch 16 --context 4096 \
  --weights fp8 --knob hbm.stacks=6 --knob hbm.pin_rate=6.4Gb/s
shot gui-hbm.png --tab hbm
shot gui-system.png --tab system
shot gui-trace.png \
  --trace traces/ops/trace-NVIDIA-H100-80GB-HBM3-llama-3-8b-decode-b8-ctx4096.json.gz
