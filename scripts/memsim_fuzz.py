#!/usr/bin/env python3
"""Exactness fuzz for memsim speed work: random option combinations (device, pattern, read fraction,
page policy, refresh, scheduler, issue width, footprint, stride) run with an old and a new binary;
`--json --channels` output, stderr and exit code must be identical. Complements
scripts/memsim_compare.sh (fixed configurations).
  scripts/memsim_fuzz.py OLD_RIDGELINE NEW_RIDGELINE [SEED] [RUNS]   (binaries: absolute paths or
  relative to the repository root)
"""
import os
import random
import subprocess
import sys

old, new = sys.argv[1], sys.argv[2]
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 40
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
devs=['hbm3','hbm3e-8hi','hbm2e','hbm4','ramulator2-hbm3-8hi','dramsim3-hbm2-1ch','tests/data/memsim-variants/pc2.json','tests/data/memsim-variants/ram.json','tests/data/memsim-variants/sid2.json','tests/data/memsim-variants/big.json','hbm3-12hi','gddr6','ddr5']
pats=['random','sequential','strided','kv-gather','gemm-tile']
bad=0
for i in range(runs):
    d=random.choice(devs); p=random.choice(pats)
    args=['--mem',d,'--pattern',p,'--requests',str(random.choice([20000,50000]))]
    if random.random()<0.5: args+=['--read-fraction',str(random.choice([0.3,0.5,0.7,0.9]))]
    if random.random()<0.3: args+=['--page-policy','closed']
    if random.random()<0.4: args+=['--refresh',random.choice(['per-bank','none','all-bank'])]
    if d.startswith('dramsim3') or 'variants' in d:
        if random.random()<0.5: args+=['--scheduler',random.choice(['frfcfs','bank-round-robin'])]
    if random.random()<0.3: args+=['--issue-width',str(random.choice([1,2,4,8]))]
    if p=='random' and random.random()<0.5: args+=['--footprint',random.choice(['64KiB','1MiB','16MiB'])]
    if p=='strided': args+=['--stride',random.choice(['256B','2KiB','4KiB','64KiB'])]
    outs=[]
    for b in [old, new]:
        r=subprocess.run([b,'memsim']+args+['--json','--channels','--no-progress'],capture_output=True)
        outs.append((r.returncode,r.stdout,r.stderr))
    if outs[0]!=outs[1]:
        bad+=1; print('DIFF',' '.join(args))
print(f'{runs} runs, {bad} differing')
sys.exit(1 if bad else 0)
