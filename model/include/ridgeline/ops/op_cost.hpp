#pragma once
// The cost of one operator on one accelerator: FLOPs, bytes moved at every memory level, the time
// each resource needs, and which one binds. Every operator kind produces this record; workloads sum
// them, and front ends print them.
//
//   time = max(compute_time, level_time[0], ..., level_time[n-1]) + overhead_time
//   compute_time   = flops / achievable compute rate (after wave quantization and tile efficiency)
//   level_time[i]  = bytes[i] / bandwidth the operator reaches at level i
//   bound          = the arg-max resource, or "overhead" when the fixed cost exceeds it

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"

namespace ridgeline::ops {

enum class BoundKind { compute, memory, overhead };

struct Bound {
  BoundKind kind = BoundKind::compute;
  std::size_t level = 0;  // memory level index when kind == memory
};

struct OpCost {
  std::string name;  // instance name ("layer.attn.qkv")
  std::string kind;  // registry name ("gemm")
  double flops = 0;
  std::vector<double> bytes;       // per memory level of the accelerator, innermost first
  double compute_time = 0;         // s
  std::vector<double> level_time;  // s, per memory level
  double overhead_time = 0;        // s, fixed and latency costs that overlap with nothing
  double time = 0;                 // s
  Bound bound;
  // The derivation in words and numbers, for `explain` (tile shape, waves, efficiency, ...).
  std::vector<std::string> derivation;
};

// How the operator runs: the state of the caches and how it is timed. Measurements state these
// conditions, and a workload knows them (a weight streamed once per step is cold; an activation
// written by the previous kernel is warm).
enum class CacheState {
  cold,  // every input comes from off-chip memory (caches flushed, or evicted since last use)
  warm,  // a working set that fits in an on-chip cache is there from a previous call
};

struct Conditions {
  CacheState cache = CacheState::cold;
  // Timed on the host around one call with a synchronize: adds the accelerator's host launch +
  // synchronize overhead (overheads.host_launch) to the kernel's own fixed cost.
  bool host_timed = false;
  // The kernel's own duration as a profiler (CUPTI / Kineto) records it: no launch latency, so the
  // fixed cost is overheads.profiled_kernel instead of overheads.kernel (a spec without it cannot
  // be compared this way: ModelError).
  bool profiled = false;
  // Fill OpCost::derivation. Workload sweeps that evaluate millions of operators switch it off.
  bool derivation = true;
};

// Fills compute/level times from flops/bytes, sets time and bound. `compute_rate` is the rate the
// operator can reach (FLOP/s) after its own efficiency losses; level bandwidths are the spec's
// achievable ones. `overhead_time` must be set before.
void finish_cost(OpCost& cost, const hw::Accelerator& accelerator, double compute_rate);
// Same with the bandwidth the operator reaches at each level (B/s), when it cannot keep enough
// bytes in flight to reach the spec's achievable bandwidth.
void finish_cost(OpCost& cost, const hw::Accelerator& accelerator, double compute_rate,
                 std::span<const double> level_bandwidth);

// "compute", "HBM3" (the level's name), or "overhead".
std::string bound_name(const OpCost& cost, const hw::Accelerator& accelerator);

// FLOP/s the operator achieves over its whole time (flops / time); 0 for a zero-time operator.
double achieved_flops(const OpCost& cost);

// The fixed cost of one kernel: overheads.kernel, plus overheads.host_launch when host-timed;
// overheads.profiled_kernel when profiled. Zero-valued overheads (a spec without them) count as
// zero.
double kernel_overhead(const hw::Accelerator& accelerator, const Conditions& conditions);

// Operators that run one after the other (e.g. naive attention: QKᵀ, softmax, PV): FLOPs, bytes and
// every time add up; the bound is the bound of the part that takes the longest.
OpCost sequence_cost(std::string kind, std::span<const OpCost> parts);

// The JSON record of docs/cli.md (`ridgeline op ... --json`): kind, hw, time_s, flops,
// achieved_flops, bytes {level: B}, bound, compute_time_s, level_time_s {level: s},
// overhead_time_s, derivation [..].
nlohmann::json cost_json(const OpCost& cost, const hw::Accelerator& accelerator);

}  // namespace ridgeline::ops
