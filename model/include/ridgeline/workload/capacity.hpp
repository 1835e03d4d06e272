#pragma once
// Does a workload fit in an accelerator's memory? Weights + KV cache + activations (+ gradients and
// optimizer state when training) against the off-chip capacity; "does not fit" is an answer, with
// the shortfall, and the largest batch and context that would fit.

#include <cstdint>
#include <functional>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/model_config.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::workload {

struct MemoryFootprint {
  double weights = 0;      // parameters × bytes of the weight dtype
  double kv_cache = 0;     // batch × tokens in cache × KV bytes per token
  double activations = 0;  // live activations (inference: one layer's working set + logits;
                           // training: what the backward pass keeps)
  double gradients = 0;    // training only
  double optimizer = 0;    // training only: Adam moments + fp32 master weights
  double capacity = 0;     // off-chip capacity of the accelerator
  double total() const { return weights + kv_cache + activations + gradients + optimizer; }
  bool fits() const { return total() <= capacity; }
  double shortfall() const { return fits() ? 0.0 : total() - capacity; }
  // Largest batch at this context/prompt, and largest context/prompt at this batch, that fit
  // (0 when even 1 does not fit: the weights alone exceed the memory).
  std::int64_t max_batch = 0;
  std::int64_t max_tokens = 0;
};

MemoryFootprint memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                 double capacity_bytes);
MemoryFootprint memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                 const hw::Accelerator& accelerator);

// Building blocks (the parallel footprint, workload/parallel.hpp, uses them on a model shard):
// tokens per sequence in the KV cache during the step (decode: context + 1; else the prompt);
// the parts for `batch` sequences of `tokens` tokens, without the max_batch/max_tokens search;
// and the largest n in [1, limit] with fits(n) (footprints grow with n), or 0.
std::int64_t cached_tokens(const WorkloadSpec& spec);
MemoryFootprint memory_parts(const ModelConfig& model, const WorkloadSpec& spec, std::int64_t batch,
                             std::int64_t tokens, double capacity_bytes);
std::int64_t largest_fitting(std::int64_t limit, const std::function<bool(std::int64_t)>& fits);

}  // namespace ridgeline::workload
