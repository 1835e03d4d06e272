#pragma once
// A design point for exploration: an accelerator (or a multi-accelerator system and its split) and
// the workload run on it. Knobs (explore/knobs.hpp) change one; sweeps and sensitivity analyses
// evaluate many, all through evaluate() below.

#include <memory>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "ridgeline/workload/model_config.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::explore {

// One point of a design space: the hardware and the workload run on it.
struct Design {
  hw::Accelerator accelerator;
  workload::ModelConfig model;
  workload::WorkloadSpec workload;
  // Set for a workload split over a multi-accelerator system (`--system`): its devices of
  // `accelerator`'s id are `accelerator` (so hardware knobs change all of them), and `parallelism`
  // is the split (the `tp` knob changes it). Null: one accelerator.
  std::shared_ptr<const topology::System> system;
  workload::Parallelism parallelism;
};

// The analysis of a design: workload::analyze on the accelerator, or the parallel analysis over the
// system (workload/parallel.hpp) with the design's accelerator in place of the system's devices of
// that id. `workload` is build_workload(design.model, design.workload), passed in so that sweeps
// over hardware knobs build it once.
workload::Analysis evaluate(const Design& design, const workload::Workload& workload);
workload::Analysis evaluate(const Design& design);

}  // namespace ridgeline::explore
