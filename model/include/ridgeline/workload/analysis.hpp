#pragma once
// Evaluating a workload on an accelerator: per-operator costs, the schedule of the DAG, and the
// totals a user asks for (step time, TTFT, TPOT, tokens/s, MFU, MBU, where the time goes).

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
  std::string bound;  // "compute", a memory level's name, or "overhead"
  double total_time() const { return cost.time * count; }
};

// Energy of one step (docs/model.md, "Energy"):
//   E_step = Σ_ops count × (FLOPs × e_FLOP(dtype) + Σ_levels bytes × 8 × e_bit(level))
//            + P_static × step time
struct EnergyBreakdown {
  double compute = 0;           // J per step
  std::vector<double> memory;   // J per step, per memory level (innermost first)
  double static_energy = 0;     // J per step
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
  MemoryFootprint memory;
  std::optional<EnergyBreakdown> energy;  // absent when the spec has no energy figures
};

// The energy of the operators of an analysis (their FLOPs in `dtype`) over `step_time`.
// Throws ModelError when the accelerator has no energy figures.
EnergyBreakdown step_energy(const hw::Accelerator& accelerator, const std::vector<OpResult>& ops,
                            DType dtype, double step_time, double tokens_per_step);

struct AnalysisOptions {
  bool derivation = false;  // fill each operator's derivation (explain); slower
};

// Throws ModelError when the accelerator cannot run the activation dtype.
Analysis analyze(const hw::Accelerator& accelerator, const Workload& workload,
                 const AnalysisOptions& options = {});

}  // namespace ridgeline::workload
