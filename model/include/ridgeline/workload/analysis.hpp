#pragma once
// Evaluating a workload on an accelerator: per-operator costs, the schedule of the DAG, and the
// totals a user asks for (step time, TTFT, TPOT, tokens/s, MFU, MBU, where the time goes).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/capacity.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::workload {

struct OpResult {
  std::string name;
  std::string kind;
  OpGroup group = OpGroup::attention;
  double count = 1;
  ops::OpCost cost;   // one instance
  std::string bound;  // "compute", a memory level's name, "overhead", or for communication rows
                      // "latency" or the link kind that binds ("nvlink4")
  // Communication overlapped with compute (data-parallel gradient all-reduce behind the backward
  // pass, pipeline sends off the critical path): the fraction of total_time() that is hidden.
  double hidden_fraction = 0;
  double total_time() const { return cost.time * count; }
  double exposed_time() const { return total_time() * (1.0 - hidden_fraction); }
  double hidden_time() const { return total_time() * hidden_fraction; }
};

// How a step is split over accelerators (workload/parallel.hpp evaluates it). Megatron-LM's
// degrees: tensor (tp), pipeline (pp), data (dp) and expert (ep, dividing dp) parallelism;
// `microbatches` per pipeline flush; sequence parallelism replaces each tensor-parallel all-reduce
// by a reduce-scatter + all-gather pair.
struct Parallelism {
  std::int64_t tp = 1;
  std::int64_t pp = 1;
  std::int64_t dp = 1;
  std::int64_t ep = 1;
  std::int64_t microbatches = 1;
  bool sequence_parallel = false;
  // ZeRO stage 1 (Rajbhandari et al., SC'20) / Megatron's distributed optimizer: the fp32 master
  // weights and Adam moments are sharded over the dp replicas (memory only: the gradient
  // reduce-scatter + parameter all-gather move what the all-reduce moves).
  bool zero1 = false;
  std::int64_t devices() const { return tp * pp * dp; }
};

// What a parallel analysis adds to the single-accelerator one.
struct ParallelSummary {
  std::string system_id;
  Parallelism parallelism;
  std::int64_t replica_batch = 0;  // sequences per data-parallel replica (batch / dp)
  std::int64_t microbatch = 0;     // sequences per micro-batch (replica_batch / microbatches)
  double comm_exposed = 0;         // s per step on the critical path
  double comm_hidden = 0;          // s per step overlapped with compute
  double bubble_time = 0;          // s per step a device idles in the pipeline fill and drain
  double bubble_fraction = 0;      // (pp − 1) / (microbatches + pp − 1)
  std::map<std::string, double> comm_by_kind;  // "all-reduce" → s per step (exposed + hidden)
};

// Energy of one step (docs/model.md, "Energy"):
//   E_step = Σ_ops count × (FLOPs × e_FLOP(dtype) + Σ_levels bytes × 8 × e_bit(level))
//            + P_static × step time
struct EnergyBreakdown {
  double compute = 0;           // J per step
  std::vector<double> memory;   // J per step, per memory level (innermost first)
  double static_energy = 0;     // J per step
  double links = 0;             // J per step: bits sent over scale-up links (multi-device)
  std::int64_t devices = 1;     // devices whose energy the figures add up (a --system design)
  double step = 0;              // J per step, the sum
  double per_token = 0;         // J per token: step / tokens per step
  double average_power = 0;     // W: step / step time
  std::optional<double> price;  // USD of the accelerator, when its spec gives one
};

struct Analysis {
  std::string hw_id;
  std::string model_id;
  std::vector<std::string> level_names;  // the accelerator's memory levels, innermost first
  WorkloadSpec spec;
  std::vector<OpResult> ops;  // in schedule (topological) order
  double step_time = 0;       // s: the critical path of the DAG (one stream: the sum)
  double tokens_per_step = 0;
  double tokens_per_s = 0;
  double ttft = 0;             // prefill: time to first token = step time
  double tpot = 0;             // decode: time per output token = step time
  double model_flops = 0;      // per step
  double mfu = 0;              // model FLOPs / (step time × dense peak of the activation dtype)
  double essential_bytes = 0;  // weights + KV cache read per step
  double mbu = 0;              // essential bytes / (step time × off-chip peak bandwidth)
  std::map<std::string, double> bound_share;  // resource → fraction of step time
  MemoryFootprint memory;                     // per accelerator
  std::optional<ParallelSummary> parallel;    // set by the parallel analyze (parallel.hpp)
  std::optional<EnergyBreakdown> energy;      // absent when the spec has no energy figures
};

// The energy of the operators of an analysis (their FLOPs in `dtype`) over `step_time`.
// Throws ModelError when the accelerator has no energy figures.
EnergyBreakdown step_energy(const hw::Accelerator& accelerator, const std::vector<OpResult>& ops,
                            DType dtype, double step_time, double tokens_per_step);

struct AnalysisOptions {
  bool derivation = false;  // fill each operator's derivation (explain); slower
  // Each operator timed alone on the host (launch + synchronize around it), as validation records
  // of separately timed operators were; a real step runs its kernels back to back.
  bool host_timed = false;
  // Kernel durations as a profiler records them (no launch latency): the GPU's busy time.
  bool profiled = false;
};

// The resource with the largest share of the step time (Analysis::bound_share): "compute", a memory
// level's name, "overhead", or a link kind.
std::string dominant_bound(const Analysis& analysis);

// Throws ModelError when the accelerator cannot run the activation dtype.
Analysis analyze(const hw::Accelerator& accelerator, const Workload& workload,
                 const AnalysisOptions& options = {});

}  // namespace ridgeline::workload
