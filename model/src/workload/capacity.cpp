#include "ridgeline/workload/capacity.hpp"

#include <algorithm>
#include <cmath>

namespace ridgeline::workload {
namespace {

struct Parts {
  double weights, kv, activations, gradients, optimizer;
};

Parts parts(const ModelConfig& model, const WorkloadSpec& spec, std::int64_t batch,
            std::int64_t tokens) {
  const double parameters = count_parameters(model).total();
  const double act_bytes = dtype_bytes(spec.activations);
  const auto b = static_cast<double>(batch);
  const auto s = static_cast<double>(tokens);
  const auto h = static_cast<double>(model.hidden);
  Parts p{};
  p.weights = parameters * dtype_bytes(spec.weights);
  if (spec.phase == Phase::train) {
    // Activations kept for the backward pass, per layer, with FlashAttention (no s² scores):
    // 34·s·b·h bytes in 16-bit (Korthikanti et al., "Reducing Activation Recomputation in Large
    // Transformer Models", MLSys 2023, eq. 1 without the 5·a·s/h attention-score term).
    p.activations = 34.0 * s * b * h * static_cast<double>(model.layers) * act_bytes / 2.0;
    // Mixed-precision Adam (Rajbhandari et al., ZeRO, SC'20 §3.1): 16-bit gradients, and fp32
    // master weights + two fp32 moments = 12 bytes per parameter.
    p.gradients = parameters * act_bytes;
    p.optimizer = parameters * 12.0;
    p.kv = 0;
  } else {
    p.kv = b * s * kv_cache_bytes_per_token(model, spec.kv);
    // Inference keeps one layer's activations live: the residual stream and the widest
    // intermediate (MLP up/gate) for the tokens of this step, plus fp32 logits for the last token
    // of each sequence.
    const double step_tokens = spec.phase == Phase::decode ? b : b * s;
    const double widest = std::max<double>(
        static_cast<double>(model.intermediate),
        static_cast<double>(model.moe.expert_intermediate *
                            std::max<std::int64_t>(1, model.moe.experts_per_token)));
    const double mlp_width = (model.mlp == MlpKind::gated_silu ? 2.0 : 1.0) * widest;
    p.activations = step_tokens * (4.0 * h + mlp_width) * act_bytes +
                    b * static_cast<double>(model.vocab) * 4.0;
  }
  return p;
}

double total(const Parts& p) {
  return p.weights + p.kv + p.activations + p.gradients + p.optimizer;
}

}  // namespace

std::int64_t cached_tokens(const WorkloadSpec& spec) {
  return spec.phase == Phase::decode ? spec.context + 1 : spec.prompt;
}

std::int64_t largest_fitting(std::int64_t limit, const std::function<bool(std::int64_t)>& fits) {
  if (limit < 1 || !fits(1)) return 0;
  std::int64_t low = 1;
  std::int64_t high = limit;
  while (low < high) {
    const std::int64_t middle = low + (high - low + 1) / 2;
    if (fits(middle)) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

MemoryFootprint memory_parts(const ModelConfig& model, const WorkloadSpec& spec, std::int64_t batch,
                             std::int64_t tokens, double capacity_bytes) {
  const Parts p = parts(model, spec, batch, tokens);
  MemoryFootprint footprint;
  footprint.weights = p.weights;
  footprint.kv_cache = p.kv;
  footprint.activations = p.activations;
  footprint.gradients = p.gradients;
  footprint.optimizer = p.optimizer;
  footprint.capacity = capacity_bytes;
  return footprint;
}

MemoryFootprint memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                 double capacity_bytes) {
  const std::int64_t tokens = cached_tokens(spec);
  MemoryFootprint footprint = memory_parts(model, spec, spec.batch, tokens, capacity_bytes);
  constexpr std::int64_t kBatchLimit = 1 << 20;
  footprint.max_batch = largest_fitting(kBatchLimit, [&](std::int64_t batch) {
    return total(parts(model, spec, batch, tokens)) <= capacity_bytes;
  });
  footprint.max_tokens = largest_fitting(model.max_positions, [&](std::int64_t length) {
    return total(parts(model, spec, spec.batch, length)) <= capacity_bytes;
  });
  return footprint;
}

MemoryFootprint memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                 const hw::Accelerator& accelerator) {
  return memory_footprint(model, spec, accelerator.off_chip().capacity.value);
}

}  // namespace ridgeline::workload
