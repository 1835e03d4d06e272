#include "ridgeline/ops/attention.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "derivation_format.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/ops/gemm.hpp"
#include "ridgeline/ops/memory_bound.hpp"

namespace ridgeline::ops {

using namespace derivation;

namespace {

// Rows of the MMA: a block's query rows below this height leave the tensor core partly idle (Hopper
// wgmma is m64; CUTLASS's smallest tensor-core tiles are 64 rows).
constexpr double kMmaRows = 64.0;
// Vector ops per attention score: scale, running max, subtract, exp, running sum.
constexpr double kSoftmaxOpsPerScore = 5.0;
// Vector ops per dequantized KV element (convert, scale).
constexpr double kDequantOpsPerElement = 2.0;

void require_at_least_one(std::vector<InputProblem>& problems, const std::string& kind,
                          const char* name, std::int64_t value) {
  if (value < 1) {
    problems.push_back({"", std::string("--") + name,
                        kind + ": " + name + " must be at least 1, got " + std::to_string(value)});
  }
}

// A KV-cache page size in tokens: 0 (contiguous) or positive.
void require_page(std::vector<InputProblem>& problems, const std::string& kind,
                  std::int64_t page_tokens) {
  if (page_tokens < 0) {
    problems.push_back({"", "--kv-page",
                        kind + ": kv-page must be 0 (a contiguous cache) or tokens per page, got " +
                            std::to_string(page_tokens)});
  }
}

// A paged cache of `page_tokens` tokens per page (0: contiguous), `token_bytes` per token of one
// K/V head (or of the latent): the kernel reads runs of page_tokens · token_bytes at random places.
void gather_pages(const hw::Accelerator& accelerator, std::int64_t page_tokens, double token_bytes,
                  const std::string& run_of, bool derivation, StreamingKernel& kernel) {
  if (page_tokens <= 0) return;
  const double run = static_cast<double>(page_tokens) * token_bytes;
  kernel.offchip_efficiency = paged_kv_efficiency(accelerator, run);
  if (derivation) {
    kernel.formula.push_back("paged cache: " + std::to_string(page_tokens) +
                             " tokens per page → contiguous runs of " + fmt_bytes(run) + " " +
                             run_of + ", gathered");
  }
}

void require_group(std::vector<InputProblem>& problems, const std::string& kind, std::int64_t heads,
                   std::int64_t kv_heads) {
  if (heads >= 1 && kv_heads >= 1 && (kv_heads > heads || heads % kv_heads != 0)) {
    problems.push_back({"", "--kv-heads",
                        kind + ": kv-heads (" + std::to_string(kv_heads) + ") must divide heads (" +
                            std::to_string(heads) + ")"});
  }
}

double visible_keys(const AttentionShape& s) {
  const double kv = static_cast<double>(s.kv_seq > 0 ? s.kv_seq : s.seq);
  if (!s.causal) return kv;
  const double seq = static_cast<double>(s.seq);
  // Query i (0-based, aligned to the last keys) sees kv − seq + i + 1 keys; mean over i.
  return std::max(1.0, kv - (seq - 1.0) / 2.0);
}

OpCost flash_attention(const hw::Accelerator& accelerator, const AttentionShape& s,
                       const Conditions& conditions) {
  const auto& memory = accelerator.memory;
  const std::size_t levels = memory.size();
  const std::size_t off = levels - 1;
  const double units =
      static_cast<double>(std::max<std::int64_t>(1, accelerator.compute.units.value));
  std::size_t stage = 0;
  bool stage_per_unit = false;
  for (std::size_t i = 0; i < levels; ++i) {
    if (memory[i].scope == hw::Scope::per_unit) {
      stage = i;
      stage_per_unit = true;
      break;
    }
  }
  const double stage_capacity = stage_per_unit
                                    ? memory[stage].capacity.value
                                    : hw::chip_capacity(accelerator, memory[stage]) / units;

  const double e = dtype_bytes(s.dtype);
  const double d = static_cast<double>(s.head_dim);
  const double batch = static_cast<double>(s.batch);
  const double heads = static_cast<double>(s.heads);
  const double kv_heads = static_cast<double>(s.kv_heads > 0 ? s.kv_heads : s.heads);
  const double seq = static_cast<double>(s.seq);
  const double kv_seq = static_cast<double>(s.kv_seq > 0 ? s.kv_seq : s.seq);
  const double group = heads / kv_heads;

  // Query/key tile: the largest whose Q tile and double-buffered K and V tiles fit the SRAM.
  double tile = 16;
  for (const double candidate : {128.0, 64.0, 32.0}) {
    if (candidate * d * e + 2.0 * 2.0 * candidate * d * e <= stage_capacity) {
      tile = candidate;
      break;
    }
  }
  const double q_tiles = std::ceil(seq / tile);
  const double blocks = batch * heads * q_tiles;
  const double waves = std::ceil(blocks / units);
  const double visible = visible_keys(s);
  const double kv_steps = std::ceil(visible / tile);

  const double rate_per_unit = hw::achievable_rate(accelerator, s.dtype) / units;
  const double vector_per_unit = vector_op_rate(accelerator) / units;
  const double row_efficiency = std::min(1.0, std::min(seq, tile) / kMmaRows);
  const double block_mma =
      4.0 * tile * tile * d * (kv_steps + 1.0) / (rate_per_unit * row_efficiency);
  const double block_softmax =
      vector_per_unit > 0 ? kSoftmaxOpsPerScore * tile * kv_steps * tile / vector_per_unit : 0.0;
  const double compute_time = waves * (block_mma + block_softmax);

  const double q = batch * heads * seq * d * e;
  const double o = q;
  const double kv = 2.0 * batch * kv_heads * kv_seq * d * e;
  const double kv_requests = blocks * visible * d * 2.0 * e;
  const double wave_blocks = std::min(units, blocks);
  const double in_flight_per_unit = 2.0 * 2.0 * tile * d * e;

  OpCost cost;
  cost.kind = "attention";
  cost.flops = attention_flops(s);
  cost.bytes.assign(levels, 0.0);
  std::size_t serving = off;
  bool kv_once = false;
  if (stage == off) {
    cost.bytes[off] = q + kv + o;
  } else {
    cost.bytes[stage] = 2.0 * (q + kv_requests) + o;
    double reads = q + kv_requests;
    double writes = o;
    const auto pass = [&](double capacity) {
      if (conditions.cache == CacheState::warm && q + kv + o <= capacity) {
        reads = 0;
        writes = 0;
        return true;
      }
      // The K/V of the (batch, kv-head) pairs whose query tiles are in flight together.
      const double pairs =
          std::max(1.0, std::min(batch * kv_heads, wave_blocks / (q_tiles * group)));
      const double per_pair = kv_seq * d * 2.0 * e;
      if (pairs * per_pair + wave_blocks * in_flight_per_unit <= capacity) {
        reads = std::min(reads, q + kv);
        kv_once = true;
      }
      writes = o;
      return false;
    };
    if (!stage_per_unit && pass(hw::chip_capacity(accelerator, memory[stage]))) serving = stage;
    for (std::size_t j = stage + 1; j <= off; ++j) {
      if (reads + writes <= 0) break;
      cost.bytes[j] = reads + writes;
      if (j == off) break;
      if (pass(hw::chip_capacity(accelerator, memory[j]))) serving = j;
    }
  }

  const double active = std::min(units, blocks);
  std::vector<double> bandwidth(levels, 0.0);
  for (std::size_t j = 0; j < levels; ++j) {
    bandwidth[j] = hw::achievable_bandwidth(memory[j]);
    if (j == stage && stage_per_unit) {
      bandwidth[j] *= active / units;
    } else if (j > stage && memory[j].latency.value > 0) {
      bandwidth[j] = std::min(bandwidth[j], active * in_flight_per_unit / memory[j].latency.value);
    }
  }
  const double prologue = std::max(0.0, memory[serving].latency.value);
  const double last_wave = (blocks - (waves - 1.0) * units) / blocks;
  const double epilogue = o * last_wave / bandwidth[serving];
  cost.overhead_time = kernel_overhead(accelerator, conditions) + prologue + epilogue;
  finish_cost(cost, accelerator, compute_time > 0 ? cost.flops / compute_time : 0.0, bandwidth);

  if (conditions.derivation) {
    auto& dv = cost.derivation;
    dv.push_back("flash attention: batch " + std::to_string(s.batch) + ", " +
                 std::to_string(s.heads) + " heads (" + fmt(kv_heads) + " K/V heads), " + fmt(seq) +
                 " queries × " + fmt(kv_seq) + " keys, head_dim " + fmt(d) + ", " +
                 std::string(dtype_name(s.dtype)) + (s.causal ? ", causal" : ""));
    dv.push_back("FLOPs = 4·batch·heads·seq·visible·head_dim, visible = " + fmt(visible) +
                 " keys per query on average = " + fmt(cost.flops));
    dv.push_back("tile " + fmt(tile) + " queries × " + fmt(tile) +
                 " keys (Q tile + double-buffered " + "K, V tiles " +
                 fmt_capacity(tile * d * e + 4.0 * tile * d * e) + " of " +
                 fmt_capacity(stage_capacity) + " " + memory[stage].name + ")");
    dv.push_back("blocks = batch·heads·⌈seq/" + fmt(tile) + "⌉ = " + fmt(blocks) + " → " +
                 fmt(waves) + " wave(s) over " + fmt(units) + " units, wave efficiency " +
                 fmt(blocks / (waves * units)));
    dv.push_back("per block: MMAs " + fmt_time(block_mma) + " (" + fmt(kv_steps) +
                 " K/V steps + 1 fill) + softmax " + fmt_time(block_softmax) + " (" +
                 fmt(kSoftmaxOpsPerScore) + " vector ops per score) → compute " +
                 fmt_time(compute_time) + " (" +
                 fmt_rate(compute_time > 0 ? cost.flops / compute_time : 0) + ")");
    for (std::size_t j = 0; j < levels; ++j) {
      if (cost.bytes[j] <= 0) continue;
      dv.push_back(memory[j].name + ": " + fmt_bytes(cost.bytes[j]) +
                   (j == off && kv_once ? " (Q, K, V read once, O written: K/V of the heads in "
                                          "flight fit in the cache)"
                                        : "") +
                   " at " + fmt_bw(bandwidth[j]) + " → " + fmt_time(cost.level_time[j]));
    }
    dv.push_back("overhead = kernel " + fmt_time(kernel_overhead(accelerator, conditions)) +
                 " + prologue " + fmt_time(prologue) + " + last-wave epilogue " +
                 fmt_time(epilogue));
    dv.push_back("time = " + fmt_time(cost.time) + " → " + fmt_rate(achieved_flops(cost)) +
                 "; bound: " + bound_name(cost, accelerator));
  }
  return cost;
}

OpCost naive_attention(const hw::Accelerator& accelerator, const AttentionShape& s,
                       const Conditions& conditions) {
  const std::int64_t kv_seq = s.kv_seq > 0 ? s.kv_seq : s.seq;
  const std::int64_t bh = s.batch * s.heads;
  GemmShape scores;
  scores.batch = bh;
  scores.m = s.seq;
  scores.n = kv_seq;
  scores.k = s.head_dim;
  scores.activation = s.dtype;
  GemmShape values;
  values.batch = bh;
  values.m = s.seq;
  values.n = s.head_dim;
  values.k = kv_seq;
  values.activation = s.dtype;
  const RowShape softmax_shape{bh * s.seq, kv_seq, s.dtype};
  const std::array<OpCost, 3> parts{gemm_cost(accelerator, scores, conditions),
                                    softmax_cost(accelerator, softmax_shape, conditions),
                                    gemm_cost(accelerator, values, conditions)};
  OpCost cost = sequence_cost("attention", parts);
  if (conditions.derivation) {
    const double score_bytes = static_cast<double>(bh) * static_cast<double>(s.seq) *
                               static_cast<double>(kv_seq) * dtype_bytes(s.dtype);
    cost.derivation.push_back(
        "naive attention: three kernels; the score matrix (" + fmt_bytes(score_bytes) +
        ") is written by Q·Kᵀ, read and written by softmax, read by P·V; the full matrix is "
        "computed even when causal (mask fused into the softmax)");
    const std::array<const char*, 3> names{"S = Q·Kᵀ", "P = softmax(S)", "O = P·V"};
    for (std::size_t i = 0; i < parts.size(); ++i) {
      cost.derivation.push_back(std::string(names[i]) + ": " + fmt_time(parts[i].time) +
                                " (bound: " + bound_name(parts[i], accelerator) + ")");
      for (const auto& line : parts[i].derivation) cost.derivation.push_back("  " + line);
    }
    cost.derivation.push_back("time = sum of the three = " + fmt_time(cost.time));
  }
  return cost;
}

}  // namespace

double attention_flops(const AttentionShape& shape) {
  return 4.0 * static_cast<double>(shape.batch) * static_cast<double>(shape.heads) *
         static_cast<double>(shape.seq) * visible_keys(shape) * static_cast<double>(shape.head_dim);
}

OpCost attention_cost(const hw::Accelerator& accelerator, const AttentionShape& shape,
                      AttentionImpl impl, const Conditions& conditions) {
  std::vector<InputProblem> problems;
  require_at_least_one(problems, "attention", "batch", shape.batch);
  require_at_least_one(problems, "attention", "heads", shape.heads);
  require_at_least_one(problems, "attention", "seq", shape.seq);
  require_at_least_one(problems, "attention", "head-dim", shape.head_dim);
  if (shape.kv_heads < 0) require_at_least_one(problems, "attention", "kv-heads", shape.kv_heads);
  if (shape.kv_seq < 0) require_at_least_one(problems, "attention", "kv-seq", shape.kv_seq);
  require_group(problems, "attention", shape.heads,
                shape.kv_heads > 0 ? shape.kv_heads : shape.heads);
  if (shape.causal && shape.kv_seq > 0 && shape.kv_seq < shape.seq) {
    problems.push_back({"", "--kv-seq",
                        "attention: a causal mask needs kv-seq >= seq (got " +
                            std::to_string(shape.kv_seq) + " < " + std::to_string(shape.seq) +
                            ")"});
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  hw::achievable_rate(accelerator, shape.dtype);  // ModelError for a dtype without a peak
  return impl == AttentionImpl::flash ? flash_attention(accelerator, shape, conditions)
                                      : naive_attention(accelerator, shape, conditions);
}

OpCost decode_attention_cost(const hw::Accelerator& accelerator, const DecodeAttentionShape& shape,
                             const Conditions& conditions) {
  const std::string kind = "decode-attention";
  std::vector<InputProblem> problems;
  require_at_least_one(problems, kind, "batch", shape.batch);
  require_at_least_one(problems, kind, "heads", shape.heads);
  require_at_least_one(problems, kind, "context", shape.context);
  require_at_least_one(problems, kind, "head-dim", shape.head_dim);
  if (shape.kv_heads < 0) require_at_least_one(problems, kind, "kv-heads", shape.kv_heads);
  require_page(problems, kind, shape.kv_page_tokens);
  const std::int64_t kv_heads_count = shape.kv_heads > 0 ? shape.kv_heads : shape.heads;
  require_group(problems, kind, shape.heads, kv_heads_count);
  if (!problems.empty()) throw InputError(std::move(problems));
  hw::achievable_rate(accelerator, shape.dtype);

  const DType kv_dtype = shape.kv_dtype.value_or(shape.dtype);
  const double e = dtype_bytes(shape.dtype);
  const double kv_e = dtype_bytes(kv_dtype);
  const double batch = static_cast<double>(shape.batch);
  const double heads = static_cast<double>(shape.heads);
  const double kv_heads = static_cast<double>(kv_heads_count);
  const double context = static_cast<double>(shape.context);
  const double d = static_cast<double>(shape.head_dim);
  const double group = heads / kv_heads;
  const double kv_elements = 2.0 * batch * kv_heads * context * d;

  StreamingKernel kernel;
  kernel.kind = kind;
  kernel.flops = 4.0 * batch * heads * context * d;
  kernel.tensor_flops = kernel.flops;
  kernel.tensor_dtype = shape.dtype;
  kernel.tensor_efficiency = std::min(1.0, group / kMmaRows);
  kernel.vector_ops = kSoftmaxOpsPerScore * batch * heads * context +
                      (kv_dtype != shape.dtype ? kDequantOpsPerElement * kv_elements : 0.0);
  kernel.read_bytes = kv_elements * kv_e + batch * heads * d * e;
  kernel.write_bytes = batch * heads * d * e;
  if (conditions.derivation) {
    const std::string variant = kv_heads_count == shape.heads ? "MHA"
                                : kv_heads_count == 1         ? "MQA"
                                                              : "GQA";
    kernel.formula = {kind + " (" + variant + "): batch " + std::to_string(shape.batch) + ", " +
                          std::to_string(shape.heads) + " query heads over " + fmt(kv_heads) +
                          " K/V heads, context " + fmt(context) + ", head_dim " + fmt(d) +
                          ", KV cache " + std::string(dtype_name(kv_dtype)),
                      "FLOPs = 4·batch·heads·context·head_dim = " + fmt(kernel.flops) +
                          " (at the " + std::string(dtype_name(shape.dtype)) + " tensor rate × " +
                          fmt(kernel.tensor_efficiency) + ": " + fmt(group) +
                          " query rows per K/V head of a " + fmt(kMmaRows) + "-row MMA)",
                      "bytes = KV cache 2·batch·kv_heads·context·head_dim·" + fmt(kv_e) + " = " +
                          fmt_bytes(kv_elements * kv_e) + " + Q and O",
                      "split over the context (flash-decoding) so that every unit streams"};
  }
  gather_pages(accelerator, shape.kv_page_tokens, d * kv_e, "per K/V head", conditions.derivation,
               kernel);
  return streaming_cost(accelerator, kernel, conditions);
}

OpCost mla_decode_cost(const hw::Accelerator& accelerator, const MlaDecodeShape& shape,
                       const Conditions& conditions) {
  const std::string kind = "mla-decode";
  std::vector<InputProblem> problems;
  require_at_least_one(problems, kind, "batch", shape.batch);
  require_at_least_one(problems, kind, "heads", shape.heads);
  require_at_least_one(problems, kind, "context", shape.context);
  require_at_least_one(problems, kind, "kv-lora-rank", shape.kv_lora_rank);
  require_at_least_one(problems, kind, "rope-dim", shape.rope_dim);
  require_page(problems, kind, shape.kv_page_tokens);
  if (!problems.empty()) throw InputError(std::move(problems));
  hw::achievable_rate(accelerator, shape.dtype);

  const DType kv_dtype = shape.kv_dtype.value_or(shape.dtype);
  const double e = dtype_bytes(shape.dtype);
  const double kv_e = dtype_bytes(kv_dtype);
  const double batch = static_cast<double>(shape.batch);
  const double heads = static_cast<double>(shape.heads);
  const double context = static_cast<double>(shape.context);
  const double rank = static_cast<double>(shape.kv_lora_rank);
  const double latent = rank + static_cast<double>(shape.rope_dim);
  const double latent_elements = batch * context * latent;

  StreamingKernel kernel;
  kernel.kind = kind;
  kernel.flops = 2.0 * batch * heads * context * latent + 2.0 * batch * heads * context * rank;
  kernel.tensor_flops = kernel.flops;
  kernel.tensor_dtype = shape.dtype;
  kernel.tensor_efficiency = std::min(1.0, heads / kMmaRows);
  kernel.vector_ops = kSoftmaxOpsPerScore * batch * heads * context +
                      (kv_dtype != shape.dtype ? kDequantOpsPerElement * latent_elements : 0.0);
  kernel.read_bytes = latent_elements * kv_e + batch * heads * latent * e;
  kernel.write_bytes = batch * heads * rank * e;
  if (conditions.derivation) {
    kernel.formula = {
        kind + ": batch " + std::to_string(shape.batch) + ", " + std::to_string(shape.heads) +
            " heads over a shared latent of " + fmt(rank) + " + " + std::to_string(shape.rope_dim) +
            " (rope) per token, context " + fmt(context),
        "FLOPs = 2·batch·heads·context·(rank + rope) + 2·batch·heads·context·rank = " +
            fmt(kernel.flops),
        "bytes = latent cache batch·context·(rank + rope)·" + fmt(kv_e) + " = " +
            fmt_bytes(latent_elements * kv_e) + " + absorbed Q and O"};
  }
  gather_pages(accelerator, shape.kv_page_tokens, latent * kv_e, "of the latent",
               conditions.derivation, kernel);
  return streaming_cost(accelerator, kernel, conditions);
}

}  // namespace ridgeline::ops
