#pragma once
// A design point for exploration: an accelerator and the workload run on it. Knobs
// (explore/knobs.hpp) change one; sweeps and sensitivity analyses evaluate many.

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/model_config.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::explore {

// One point of a design space: the hardware and the workload run on it.
struct Design {
  hw::Accelerator accelerator;
  workload::ModelConfig model;
  workload::WorkloadSpec workload;
};

}  // namespace ridgeline::explore
