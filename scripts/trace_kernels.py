#!/usr/bin/env python3
"""Per-operator kernel times from PyTorch profiler (Kineto) traces, as validation records.

Reads Chrome-trace JSON (optionally gzipped) written by torch.profiler with record_shapes=True,
links each GPU kernel to the CPU operator that launched it (the kernel's "External id" is the
operator's), and keeps the operators the analytic model expresses one to one:

  aten::mm                         -> gemm            (m, k from input 0, n from input 1)
  aten::_cudnn_attention_forward / aten::_flash_attention_forward / aten::_efficient_attention_forward
                                   -> attention (prefill, causal flag from the SDPA call) or
                                      decode_attention (GQA query packed as [b, kv_heads, q_per_kv, d])
  aten::_fused_rms_norm            -> ops/rmsnorm     (m = rows, n = last dim)
  aten::add of two equal shapes    -> ops/add (the model's residual add: read 2, write 1)

An operator call's time is the sum of its kernels' durations (a split-K GEMM's reduce kernel
included; memsets not). Calls of the same shape are one record: the median over the calls, with
the count, min and max kept. Usage:

  scripts/trace_kernels.py OUT.json TRACE.json[.gz] ...

Each trace also gives one step record (arrays `decode` and `prefill`, from its attention shapes):
`step_s` / `ttft_s` = the GPU's busy time (every kernel and memset duration summed), with the
step's wall time and kernel count beside it; the model is taken from the trace's file name.

The output is deterministic for the same traces (records sorted, no time stamps).
"""
import gzip
import hashlib
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ATTENTION_OPS = ("aten::_cudnn_attention_forward", "aten::_flash_attention_forward",
                 "aten::_efficient_attention_forward")
DTYPES = {"c10::BFloat16": "bf16", "c10::Half": "fp16", "float": "fp32"}


def load(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def prod(values):
    return math.prod(values) if values else 1


def dtype_of(op):
    types = op["args"].get("Input type", [])
    return DTYPES.get(types[0]) if types else None


def records_of(path):
    trace = load(path)
    events = trace["traceEvents"]
    device = trace.get("deviceProperties", [{}])[0].get("name", "")
    ops = {}
    sdpa_causal = {}  # External id of the attention op -> causal flag of the SDPA call around it
    last_sdpa = None
    for e in sorted((e for e in events if e.get("cat") == "cpu_op"), key=lambda e: e["ts"]):
        ext = e["args"].get("External id")
        if e["name"] == "aten::scaled_dot_product_attention":
            last_sdpa = e
        if e["name"] in ATTENTION_OPS and last_sdpa is not None and \
                last_sdpa["ts"] <= e["ts"] <= last_sdpa["ts"] + last_sdpa["dur"]:
            sdpa_causal[ext] = last_sdpa["args"]["Concrete Inputs"][5] == "True"
        ops[ext] = e
    calls = defaultdict(list)  # External id -> kernel durations (us)
    for e in events:
        if e.get("cat") == "kernel":
            calls[e["args"]["External id"]].append((e["dur"], e["name"]))
    groups = defaultdict(list)
    for ext, kernels in calls.items():
        op = ops.get(ext)
        if op is None:
            continue
        dims = op["args"].get("Input Dims", [])
        dtype = dtype_of(op)
        name = op["name"]
        key = None
        if name == "aten::mm" and len(dims) >= 2 and len(dims[0]) == 2 and len(dims[1]) == 2:
            (m, k), (k2, n) = dims[0], dims[1]
            if k == k2:
                key = ("gemm", (("m", m), ("n", n), ("k", k)))
        elif name in ATTENTION_OPS and ext in sdpa_causal:
            q, kv = dims[0], dims[1]
            if q[2] == kv[2]:  # prefill: [b, heads, seq, d]
                key = ("attention", (("batch", q[0]), ("heads", q[1]), ("seq", q[2]),
                                     ("head_dim", q[3]), ("causal", sdpa_causal[ext])))
            elif not sdpa_causal[ext]:  # decode, GQA query packed as [b, kv_heads, q_per_kv, d]
                key = ("decode_attention", (("batch", q[0]), ("heads", q[1] * q[2]),
                                            ("kv_heads", kv[1]), ("context", kv[2]),
                                            ("head_dim", q[3])))
        elif name == "aten::_fused_rms_norm":
            key = ("ops", (("op", "rmsnorm"), ("m", prod(dims[0][:-1])), ("n", dims[0][-1])))
        elif name == "aten::add" and len(dims) >= 2 and dims[0] == dims[1] and len(dims[0]) >= 2:
            key = ("ops", (("op", "add"), ("m", prod(dims[0][:-1])), ("n", dims[0][-1])))
        if key is None or dtype is None:
            continue
        total = sum(d for d, _ in kernels)
        groups[(key, dtype)].append((total, [n for _, n in kernels]))
    out = defaultdict(list)
    trace_name = Path(path).name
    gpu = [e for e in events if e.get("cat") in ("kernel", "gpu_memset", "gpu_memcpy")]
    busy = sum(e["dur"] for e in gpu)
    wall = max(e["ts"] + e["dur"] for e in gpu) - min(e["ts"] for e in gpu)
    # The model: the longest shipped model id (traces/models/) that the trace's file name holds.
    shipped = sorted((f.stem for f in (Path(__file__).resolve().parent.parent / "traces" /
                                       "models").glob("*.json")), key=len, reverse=True)
    model = next((m for m in shipped if m in trace_name), None)
    attention = [(key, dtype) for (key, dtype) in groups if key[0] in ("attention", "decode_attention")]
    if model and len(attention) == 1:
        (kind, fields), dtype = attention[0]
        shape = dict(fields)
        step = {"hw": "h100-sxm" if "H100" in device else device, "model": model, "weights": dtype,
                "batch": shape["batch"]}
        if kind == "decode_attention":
            step.update({"context": shape["context"], "step_s": busy * 1e-6})
        else:
            step.update({"prompt": shape["seq"], "ttft_s": busy * 1e-6})
        step.update({
            "wall_s": wall * 1e-6,
            "kernels": sum(1 for e in gpu if e.get("cat") == "kernel"),
            "trace": trace_name,
            "method": ("plain PyTorch eager (an HF-style Llama), one step in the PyTorch profiler: "
                       "the GPU's busy time, every kernel duration summed (CUPTI: no launch "
                       "latency); wall_s is the step's span"),
        })
        out["decode" if kind == "decode_attention" else "prefill"].append(step)
    for ((array, fields), dtype), samples in groups.items():
        times = [t for t, _ in samples]
        record = {"hw": "h100-sxm" if "H100" in device else device, "dtype": dtype}
        record.update(dict(fields))
        record.update({
            "time_s": statistics.median(times) * 1e-6,
            "calls": len(times),
            "min_s": min(times) * 1e-6,
            "max_s": max(times) * 1e-6,
            "kernels": sorted(set(n[:80] for _, names in samples for n in names)),
            "trace": trace_name,
            "timing": "kernel duration recorded by the PyTorch profiler (CUPTI): no launch latency",
            # As `analyze` costs a step's operators: inputs from HBM. Weights and the KV cache are
            # read once per step; an activation the previous kernel just wrote may still be partly
            # in L2 (the docs' validation report discusses what that does to norms and adds).
            "cache": "cold",
        })
        out[array].append(record)
    return out, device


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    result = defaultdict(list)
    sources = {}  # trace file -> sha256
    devices = set()
    for path in sys.argv[2:]:
        records, device = records_of(path)
        devices.add(device)
        for array, items in records.items():
            result[array].extend(items)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        sources[Path(path).name] = digest
    for items in result.values():
        items.sort(key=lambda r: (r["trace"], json.dumps(r, sort_keys=True)))
    document = {
        "about": (
            "Per-operator GPU kernel times extracted by scripts/trace_kernels.py from PyTorch "
            "profiler traces (" + ", ".join(sorted(devices)) + "; PyTorch 2.11, CUDA 13.0, "
            "record_shapes=True): eager Llama-3-8B-shaped decode (batch 8, context 4096) and "
            "prefill (2048 tokens). time_s is the median over an operator's calls of the same "
            "shape of the sum of its kernels' durations as CUPTI records them (no launch gap)."),
        "trace_sha256": sources,
    }
    document.update({k: result[k] for k in sorted(result)})
    Path(sys.argv[1]).write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
