#pragma once
// Streaming operators: one pass over their tensors, little arithmetic per byte (softmax, norms,
// elementwise activations, residual add, RoPE, decode attention over a KV cache).
//
//   bytes      = inputs read + outputs written, at the off-chip level, and at every on-chip level
//   they
//                stream through; with a warm cache and a working set that fits an on-chip cache,
//                at that cache instead (and nothing off-chip)
//   bandwidth  = achievable bandwidth × row wave efficiency, where a row-wise kernel runs one row
//   per
//                block: rows / (⌈rows/units⌉ · units) of the units are busy (small m); off-chip
//                also × the access pattern's efficiency (a paged KV cache's gathers, memsim)
//   time       = max(compute, bytes / bandwidth) + latency of the level + kernel overhead
//
// The latency term is the Hockney model (T = λ + bytes/bandwidth; R. Hockney, Parallel Computing
// 20(3), 1994): by Little's law a stream reaches its bandwidth B only with B·λ bytes in flight
// (H100 HBM3: 2.97 TB/s × 373 ns ≈ 1.1 MB), so a tensor much smaller than B·λ moves in about one
// latency, and one much larger at about B.
//
// Compute: FLOPs on the vector units at one op per lane per clock (vector_op_rate), plus any matrix
// FLOPs at the tensor rate of a dtype.

#include <cstdint>
#include <string>
#include <vector>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"
#include "ridgeline/ops/op_cost.hpp"

namespace ridgeline::ops {

// Ops/s of the vector (non-matrix) units: the achievable FP32 rate / 2, since FP32 FLOP/s count a
// fused multiply-add as two and a vector lane issues one op (exp, max, add, convert) per clock.
// 0 when the spec has no FP32 rate (some NPUs): such vector work is then not costed.
double vector_op_rate(const hw::Accelerator& accelerator);

struct StreamingKernel {
  std::string kind;
  double flops = 0;         // FLOPs reported (the formula of the operator)
  double vector_ops = 0;    // of which run on the vector units
  double tensor_flops = 0;  // of which run on the matrix units, at tensor_dtype's rate
  DType tensor_dtype = DType::bf16;
  double tensor_efficiency = 1;  // useful fraction of the MMA shape (e.g. 8 heads of a 64-row MMA)
  double read_bytes = 0;
  double write_bytes = 0;
  double rows = 0;  // independent rows, one per block; 0 for fine-grained elementwise work
  // Fraction of the off-chip level's achievable bandwidth that the kernel's access pattern gets
  // (1: a stream; a gather of small pages less, as memsim measures: paged_kv_efficiency).
  double offchip_efficiency = 1;
  std::vector<std::string> formula;  // derivation lines describing flops and bytes
};

// A paged KV cache read page by page: contiguous runs of `run_bytes` (one page of one K or V
// head) at random places. The fraction of a stream's off-chip bandwidth such a gather gets on the
// accelerator's memory device (memsim::gather_efficiency); 1 without a memory device.
double paged_kv_efficiency(const hw::Accelerator& accelerator, double run_bytes);

OpCost streaming_cost(const hw::Accelerator& accelerator, const StreamingKernel& kernel,
                      const Conditions& conditions = {});

// m rows of n elements (tokens × hidden).
struct RowShape {
  std::int64_t m = 0;
  std::int64_t n = 0;
  DType dtype = DType::bf16;
};

// softmax over rows: read m·n, write m·n; 5 FLOP/element (max, subtract, exp, sum, scale).
OpCost softmax_cost(const hw::Accelerator& accelerator, const RowShape& shape,
                    const Conditions& conditions = {});
// LayerNorm over rows: read m·n (+ γ, β: 2·n if affine), write m·n; 8 FLOP/element (mean: add;
// variance: subtract, square, add; normalize: subtract, multiply; affine: multiply, add), 6 without
// affine.
OpCost layernorm_cost(const hw::Accelerator& accelerator, const RowShape& shape, bool affine,
                      const Conditions& conditions = {});
// RMSNorm over rows: read m·n + weight n, write m·n; 4 FLOP/element (square, add, scale, weight).
OpCost rmsnorm_cost(const hw::Accelerator& accelerator, const RowShape& shape,
                    const Conditions& conditions = {});

enum class Elementwise {
  gelu,          // tanh GELU: read 1, write 1; 9 FLOP/element
  silu_gate,     // silu(gate) · up: read 2, write 1; 5 FLOP/element
  residual_add,  // x + y: read 2, write 1; 1 FLOP/element
  rope,          // rotary embedding: read x and the cos/sin tables, write 1; 3 FLOP/element
};

// m·n elements (for rope: m tokens, n = heads · head_dim).
OpCost elementwise_cost(const hw::Accelerator& accelerator, Elementwise op, const RowShape& shape,
                        const Conditions& conditions = {}, std::int64_t rope_head_dim = 128);

// A pointwise kernel of any kind (casts, copies, fills, arithmetic with broadcast operands, as a
// profiler trace shows them): `elements` written in `out_dtype`, `read_elements` read in `dtype`
// (the sum over its inputs of each one's own element count, so a broadcast operand counts once),
// `flops_per_element` vector ops per element written.
struct PointwiseShape {
  double elements = 0;
  double read_elements = 0;
  DType dtype = DType::bf16;
  DType out_dtype = DType::bf16;
  double flops_per_element = 1;
};
OpCost pointwise_cost(const hw::Accelerator& accelerator, const PointwiseShape& shape,
                      const Conditions& conditions = {});

}  // namespace ridgeline::ops
