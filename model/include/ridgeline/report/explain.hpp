#pragma once
// `explain`: the derivation of a workload's (or one operator's) cost as a teacher would walk
// through it — formulas, the numbers substituted, which ceiling binds, and what would change it,
// measured by re-running the model on a modified design (not by a rule of thumb).

#include <functional>
#include <string>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::report {

// One operator of a workload by name ("mlp.gate_up"); throws InputError listing the names if
// unknown.
std::string explain_operator(const hw::Accelerator& accelerator, const workload::Workload& workload,
                             const std::string& op_name);
// The whole step: totals, the operators that take most of it, and the what-ifs.
std::string explain_workload(const hw::Accelerator& accelerator,
                             const workload::Workload& workload);
// One operator cost on its own (from `ridgeline explain op ...`).
std::string explain_cost(const hw::Accelerator& accelerator, const ops::OpCost& cost,
                         const std::function<ops::OpCost(const hw::Accelerator&)>& reevaluate);

// The accelerator with every compute peak × `compute`, and memory level `level`'s bandwidth ×
// `bandwidth` (all levels when level is npos). For what-if questions.
hw::Accelerator scaled_design(const hw::Accelerator& accelerator, double compute, double bandwidth,
                              std::size_t level = static_cast<std::size_t>(-1));

}  // namespace ridgeline::report
