#include "ridgeline/explore/design.hpp"

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/workload/parallel.hpp"

namespace ridgeline::explore {

workload::Analysis evaluate(const Design& design, const workload::Workload& workload) {
  if (!design.system) return workload::analyze(design.accelerator, workload);
  topology::System system = *design.system;
  for (auto& [id, accelerator] : system.accelerator_specs) {
    if (id != design.accelerator.id) continue;
    // The collectives run on the system file's links, not on the accelerator's: a design whose
    // scale-up bandwidth was changed (the link.bandwidth knob, a spec edit) scales the system's
    // scale-up tier by the same factor.
    const double before = hw::scale_up_bandwidth(accelerator);
    const double after = hw::scale_up_bandwidth(design.accelerator);
    if (before > 0 && after > 0 && after != before) {
      for (auto& link : system.links) {
        if (link.tier == topology::Tier::scale_up)
          link.bandwidth_per_direction.value *= after / before;
      }
    }
    accelerator = design.accelerator;
  }
  const topology::CollectiveModel collectives(std::move(system));
  return workload::analyze(collectives, design.parallelism, workload);
}

workload::Analysis evaluate(const Design& design) {
  return evaluate(design, workload::build_workload(design.model, design.workload));
}

}  // namespace ridgeline::explore
