#include "ridgeline/explore/design.hpp"

#include "ridgeline/topology/collective.hpp"
#include "ridgeline/workload/parallel.hpp"

namespace ridgeline::explore {

workload::Analysis evaluate(const Design& design, const workload::Workload& workload) {
  if (!design.system) return workload::analyze(design.accelerator, workload);
  topology::System system = *design.system;
  for (auto& [id, accelerator] : system.accelerator_specs) {
    if (id == design.accelerator.id) accelerator = design.accelerator;
  }
  const topology::CollectiveModel collectives(std::move(system));
  return workload::analyze(collectives, design.parallelism, workload);
}

workload::Analysis evaluate(const Design& design) {
  return evaluate(design, workload::build_workload(design.model, design.workload));
}

}  // namespace ridgeline::explore
