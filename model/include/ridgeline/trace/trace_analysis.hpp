#pragma once
// What an operator trace says, against the model: each operator call priced on the hardware it ran
// on ("% of roofline" = the model's time / the measured time), grouped by operator and shape; the
// GPU's busy time against the span of the run (a GPU idle between kernels waits for the host); and
// the run re-projected onto other accelerators.
//
// Per group of calls of one operator shape:
//   measured         the calls' kernel times (a call's kernels summed: split-K reduce included)
//   model            ops cost of the call with profiler timing (overheads.profiled_kernel: a
//                    profiler's kernel durations hold no launch latency) and the given cache state
//   roofline share   model time / measured median: 1 = the kernel runs as fast as the model's
//                    achievable ceilings allow, 0.5 = it takes twice that
//   projected        measured total × model(target) / model(trace's hardware), both with device
//                    timing: the kernel keeps its measured distance from the model on the target.
//                    Unmodelled kernels keep their measured time (stated in the output).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/ops/op_cost.hpp"
#include "ridgeline/trace/op_trace.hpp"

namespace ridgeline::trace {

struct TraceAnalysisOptions {
  ops::CacheState cache = ops::CacheState::cold;
  // How the trace's durations were timed: "profiler" (a profiler's kernel durations: fixed cost
  // overheads.profiled_kernel) or "device" (CUDA events around the kernel: overheads.kernel, for
  // specs that have no profiled_kernel figure).
  std::string timing = "profiler";
  std::vector<hw::Accelerator> targets;  // accelerators to re-project the run onto
};

struct KernelGroup {
  std::string op;     // the launching operator ("aten::mm"), or the kernel name when none is known
  std::string kind;   // the model's operator kind; empty when unmodelled
  std::string shape;  // human form of the shape
  std::optional<OpCall> call;
  std::string why_unmodelled;
  std::uint64_t calls = 0;                // operator calls (a call's kernels count once)
  std::uint64_t kernels = 0;              // GPU activities
  double total = 0;                       // measured, s
  double median = 0, min = 0, max = 0;    // per call, s
  std::vector<std::string> kernel_names;  // distinct names, at most four
  std::optional<ops::OpCost> model;       // one call on the trace's accelerator
  std::string bound;                      // the model's bound ("compute", "HBM3", "overhead")
  double roofline_share = 0;              // model time / measured median
  double achieved_flops = 0;              // model FLOPs / measured median
  double achieved_bandwidth = 0;          // model off-chip bytes / measured median
  std::vector<double> projected;          // per target: this group's total time there, s
};

struct TraceTarget {
  std::string id, name;
  double busy = 0;        // projected kernel time, s (unmodelled kernels at their measured time)
  double unmodelled = 0;  // of which kept as measured
};

struct TraceAnalysis {
  std::string file, format, device_name;
  std::string hw_id, hw_name;
  std::uint64_t kernels = 0, calls = 0, cpu_ops = 0;
  double kernel_time = 0;                       // sum of GPU activity durations, s
  double gpu_busy = 0;                          // union of their intervals (streams may overlap), s
  double span = 0;                              // first GPU start to last GPU end, s
  double idle_fraction = 0;                     // 1 - busy / span
  double modelled_time = 0;                     // measured time of the kernels the model prices, s
  double coverage = 0;                          // modelled_time / kernel_time
  double model_time = 0;                        // the model's time for those calls, s
  std::map<std::string, double> time_by_bound;  // measured time per model bound
  std::vector<KernelGroup> groups;  // largest measured total first; unmodelled ones included
  // Per kernel of the trace (OperatorTrace::kernels, same order): the index of its call's group.
  std::vector<std::size_t> kernel_group;
  std::vector<TraceTarget> targets;
  std::vector<std::string> findings;  // plain-language readings (host-bound gaps, slow groups)
};

// Throws ModelError when the accelerator cannot price a call (e.g. a dtype it has no peak for, or
// no overheads.profiled_kernel): the message names the operator and shape.
TraceAnalysis analyze_trace(const OperatorTrace& trace, const hw::Accelerator& accelerator,
                            const TraceAnalysisOptions& options = {});

// The JSON record of `ridgeline trace --json` (docs/cli.md).
nlohmann::json trace_analysis_json(const TraceAnalysis& analysis);

}  // namespace ridgeline::trace
