#!/usr/bin/env bash
# Exactness check for memsim speed work: runs `ridgeline memsim --json --channels` on 27
# configurations (both schedulers, open/closed page, all-bank/per-bank/no refresh, read/write
# mixes, strides, kv-gather, gemm-tile, a cache, issue width, xor mapping, eight devices), plus 160
# runs on device variants (tests/data/memsim-variants/) and the 27 again with --threads 3 (new
# binary only), with an
# old and a new binary and requires byte-identical output and exit codes.
#   scripts/memsim_compare.sh OLD_RIDGELINE NEW_RIDGELINE [REQUESTS]
set -uo pipefail
old="$1"
new="$2"
n="${3:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cfgs=(
"--mem hbm3 --pattern random"
"--mem hbm3 --pattern sequential"
"--mem hbm3 --pattern random --page-policy closed"
"--mem hbm3 --pattern random --refresh per-bank"
"--mem hbm3 --pattern random --refresh none --read-fraction 0.5"
"--mem hbm3 --pattern strided --stride 4KiB --read-fraction 0.667"
"--mem hbm3 --pattern kv-gather --page-size 2KiB"
"--mem hbm3 --pattern gemm-tile --read-fraction 0.75"
"--mem hbm3 --pattern random --cache 1MiB:16:128B:32B --footprint 4MiB --read-fraction 0.7"
"--mem hbm3 --pattern random --scheduler bank-round-robin"
"--mem ramulator2-hbm3-8hi --pattern random --request-size 32B"
"--mem ramulator2-hbm3-8hi --pattern sequential --read-fraction 0.5"
"--mem ramulator2-hbm3-8hi --pattern random --issue-width 2 --footprint 1MiB"
"--mem dramsim3-hbm2-1ch --pattern random"
"--mem dramsim3-hbm2-1ch --pattern sequential --read-fraction 0.5"
"--mem dramsim3-hbm2-1ch --pattern random --page-policy closed --refresh per-bank"
"--mem dramsim3-hbm2-1ch --pattern random --scheduler frfcfs --read-fraction 0.6"
"--mem dramsim3-hbm2-1ch --pattern kv-gather --refresh none"
"--mem hbm3e-8hi --pattern random --stacks 2 --read-fraction 0.8"
"--mem hbm3e-8hi --pattern gemm-tile --pin-rate 9.6Gb/s"
"--mem hbm2e --pattern random --mapping RoCoBaBgPcCh+xor"
"--mem hbm4 --pattern strided --stride 256B --page-policy closed"
"--mem ddr5 --pattern random --read-fraction 0.5"
"--mem gddr6 --pattern sequential --refresh per-bank"
"--mem hbm3-12hi --pattern random --footprint 64KiB --refresh per-bank --read-fraction 0.5"
"--mem dramsim3-hbm2-1ch --pattern strided --stride 4KiB --read-fraction 0.5 --issue-width 1"
"--mem hbm2 --pattern kv-gather --scheduler frfcfs --page-policy closed"
)
fail=0
i=0
for c in "${cfgs[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$old" memsim $c --requests "$n" --json --channels --no-progress >"$work/old" 2>&1
  ro=$?
  # shellcheck disable=SC2086
  "$new" memsim $c --requests "$n" --json --channels --no-progress >"$work/new" 2>&1
  rn=$?
  if [ "$ro" != "$rn" ] || ! cmp -s "$work/old" "$work/new"; then
    echo "DIFF [$i] $c (exit $ro / $rn)"
    fail=1
  fi
done
# Device variants (tests/data/memsim-variants/: more pseudo-channels per controller, two stack IDs, no
# dual issue, no row-hit cap, 128 bank queues, the Ramulator stack on bank-round-robin) under both
# schedulers' paths that depend on the bank count.
here="$(cd "$(dirname "$0")" && pwd)"
pats=(
"--pattern random"
"--pattern random --read-fraction 0.5"
"--pattern sequential --read-fraction 0.667"
"--pattern random --page-policy closed --refresh per-bank --read-fraction 0.7"
"--pattern strided --stride 4KiB --read-fraction 0.5"
"--pattern kv-gather --refresh per-bank"
"--pattern random --footprint 64KiB --read-fraction 0.5"
"--pattern gemm-tile --read-fraction 0.75"
"--pattern random --issue-width 0 --read-fraction 0.9"
"--pattern sequential --issue-width 4"
)
for dev in "$here"/../tests/data/memsim-variants/*.json; do
  for p in "${pats[@]}"; do
    for sched in "" "--scheduler frfcfs"; do
      i=$((i + 1))
      # shellcheck disable=SC2086
      "$old" memsim --mem "$dev" $p $sched --requests "$n" --json --channels --no-progress >"$work/old" 2>&1
      ro=$?
      # shellcheck disable=SC2086
      "$new" memsim --mem "$dev" $p $sched --requests "$n" --json --channels --no-progress >"$work/new" 2>&1
      rn=$?
      if [ "$ro" != "$rn" ] || ! cmp -s "$work/old" "$work/new"; then
        echo "DIFF [$i] $(basename "$dev") $p $sched (exit $ro / $rn)"
        fail=1
      fi
    done
  done
done
# Controllers on worker threads (the new binary, --threads 3) against the old binary's serial run.
for c in "${cfgs[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$old" memsim $c --requests "$n" --json --channels --no-progress >"$work/old" 2>&1
  ro=$?
  # shellcheck disable=SC2086
  "$new" memsim $c --requests "$n" --json --channels --no-progress --threads 3 >"$work/new" 2>&1
  rn=$?
  if [ "$ro" != "$rn" ] || ! cmp -s "$work/old" "$work/new"; then
    echo "DIFF [$i] $c --threads 3 (exit $ro / $rn)"
    fail=1
  fi
done
echo "compared $i configurations: $([ $fail = 0 ] && echo identical || echo DIFFERENT)"
exit $fail
