#pragma once
// GEMM and batched GEMM, C[b] = A[b] · B[b] with A m×k (activations), B k×n (weights), C m×n, with
// a structural model of how a tiled BLAS kernel (CUTLASS, cuBLAS, rocBLAS) runs it:
//
//   * output tiles tile_m × tile_n from a small set of CUTLASS-like shapes, each with a K-slice
//     tile_k such that double-buffered A and B slices fit in one unit's SRAM;
//   * wave quantization: tiles are spread over the compute units in waves of `units` tiles, and the
//     last, partial wave costs a full wave (NVIDIA, "Matrix multiplication background user's
//     guide", §"Wave quantization"; CUTLASS docs);
//   * split-K when there are fewer tiles than units: each tile's K range is split, partial sums
//     (fp32) are written and reduced;
//   * tile fill: a tile with s K-steps needs one extra step before its first MMA (double buffer);
//     tiles pad m and n up to multiples of the tile (a 64-row tile computing m = 8 wastes 7/8);
//   * traffic per level: the staging SRAM sees every panel load twice (written, then read by the
//     MMA); the first cache outside it sees every tile's A and B panels (A·⌈n/tile_n⌉ +
//     B·⌈m/tile_m⌉); a cache passes outward the smaller operand once if it can hold it, else each
//     wave's super-tile re-reads its panels; C is written once (plus split-K partials);
//   * Little's law: a level is reached at min(achievable bandwidth, active units × bytes in flight
//     per unit / latency), so a GEMM with few tiles cannot saturate HBM;
//   * mixed precision: B stored in a narrower dtype (int4/int8/fp8 weights with bf16 activations)
//     moves fewer bytes, and is dequantized on the vector units (2 ops per element per tile that
//     loads it) before the MMA at the activation dtype's tensor rate.
//
//   time = max(compute, every level) + kernel overhead + pipeline prologue (first load's latency)
//          + epilogue of the last wave (its output written after its last MMA)
//
// The candidate with the least time is chosen, as a heuristic-driven BLAS library would.

#include <cstdint>
#include <optional>
#include <string>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"
#include "ridgeline/ops/op_cost.hpp"

namespace ridgeline::ops {

struct GemmShape {
  std::int64_t batch = 1;
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  DType activation = DType::bf16;  // A, and the dtype the MMA runs in
  std::optional<DType> weight;     // B; default: the activation dtype
  std::optional<DType> output;     // C; default: activation for 16/32/64-bit, bf16 below
};

// The tiling chosen for a GEMM, with the structural efficiencies it implies.
struct GemmPlan {
  std::int64_t tile_m = 0;
  std::int64_t tile_n = 0;
  std::int64_t tile_k = 0;
  std::int64_t split_k = 1;
  std::int64_t tiles = 0;         // batch × ⌈m/tile_m⌉ × ⌈n/tile_n⌉ × split_k
  std::int64_t waves = 0;         // ⌈tiles / units⌉
  std::int64_t k_steps = 0;       // per tile: ⌈⌈k/split_k⌉ / tile_k⌉
  double wave_efficiency = 0;     // tiles / (waves × units)
  double fill_efficiency = 0;     // k_steps / (k_steps + 1)
  double padding_efficiency = 0;  // useful fraction of the padded tile grid
  double dequant_time = 0;        // s, part of the compute time
  double prologue_time = 0;       // s
  double epilogue_time = 0;       // s
  std::size_t staging_level = 0;  // memory level the tiles are staged in
};

struct GemmEvaluation {
  GemmPlan plan;
  OpCost cost;
};

// Throws InputError for a zero or negative dimension, ModelError for a dtype without a compute peak
// on the accelerator.
GemmEvaluation gemm_evaluate(const hw::Accelerator& accelerator, const GemmShape& shape,
                             const Conditions& conditions = {});
OpCost gemm_cost(const hw::Accelerator& accelerator, const GemmShape& shape,
                 const Conditions& conditions = {});

// A given tiling instead of the fastest (what-if questions, tests). The K-slice is the deepest that
// fits the staging SRAM (the smallest if none does). Throws InputError for a tile dimension or
// split below 1.
struct GemmTiling {
  std::int64_t tile_m = 128;
  std::int64_t tile_n = 128;
  std::int64_t split_k = 1;
};
GemmEvaluation gemm_evaluate_tiling(const hw::Accelerator& accelerator, const GemmShape& shape,
                                    const GemmTiling& tiling, const Conditions& conditions = {});

// FLOPs of a GEMM: 2 · batch · m · n · k (one multiply and one add per term).
double gemm_flops(const GemmShape& shape);

// Default output dtype for an activation dtype (see GemmShape::output).
DType default_output_dtype(DType activation);

}  // namespace ridgeline::ops
