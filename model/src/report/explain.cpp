#include "ridgeline/report/explain.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <boost/range/iterator_range.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace ridgeline::report {
namespace {

std::string time_text(double seconds) {
  return format_quantity(seconds, Dimension::time);
}
std::string percent(double fraction) {
  return format_number(100.0 * fraction, 3) + "%";
}

// Which resource binds an operator, in words.
std::string bound_words(const ops::OpCost& cost, const hw::Accelerator& accelerator) {
  switch (cost.bound.kind) {
    case ops::BoundKind::compute:
      return "compute";
    case ops::BoundKind::memory:
      return accelerator.memory[cost.bound.level].name + " bandwidth";
    case ops::BoundKind::overhead:
      return "fixed kernel overhead";
  }
  return "?";
}

// "Doubling X cuts this operator by N%": re-evaluates on a design with the binding resource
// doubled.
std::string what_if(const hw::Accelerator& accelerator, const ops::OpCost& cost,
                    const std::function<ops::OpCost(const hw::Accelerator&)>& reevaluate) {
  std::ostringstream out;
  auto line = [&](const std::string& change, const hw::Accelerator& design) {
    const double time = reevaluate(design).time;
    const double cut = 1.0 - time / cost.time;
    out << "  - " << change << ": " << time_text(time) << " ("
        << (cut >= 0.005    ? "cuts it by " + percent(cut)
            : cut <= -0.005 ? "slower by " + percent(-cut)
                            : "no change")
        << ")\n";
  };
  out << "What would change it (the model re-run on a modified design):\n";
  line("doubling compute", scaled_design(accelerator, 2.0, 1.0));
  const std::size_t off_chip = accelerator.memory.size() - 1;
  line("doubling " + accelerator.memory[off_chip].name + " bandwidth",
       scaled_design(accelerator, 1.0, 2.0, off_chip));
  if (cost.bound.kind == ops::BoundKind::memory && cost.bound.level != off_chip) {
    line("doubling " + accelerator.memory[cost.bound.level].name + " bandwidth",
         scaled_design(accelerator, 1.0, 2.0, cost.bound.level));
  }
  if (cost.bound.kind == ops::BoundKind::overhead || cost.overhead_time > 0.2 * cost.time) {
    out << "  - the fixed cost (" << time_text(cost.overhead_time)
        << ") shrinks only by doing more work per kernel: fusing kernels, larger batches, CUDA "
           "graphs\n";
  }
  return out.str();
}

}  // namespace

hw::Accelerator scaled_design(const hw::Accelerator& accelerator, double compute, double bandwidth,
                              std::size_t level) {
  hw::Accelerator design = accelerator;
  hw::scale_compute(design, compute);  // the compute.scale knob's formula (explore/knobs.hpp)
  for (std::size_t i = 0; i < design.memory.size(); ++i) {
    if (level == static_cast<std::size_t>(-1) || i == level)
      design.memory[i].bandwidth.value *= bandwidth;
  }
  return design;
}

std::string explain_cost(const hw::Accelerator& accelerator, const ops::OpCost& cost,
                         const std::function<ops::OpCost(const hw::Accelerator&)>& reevaluate) {
  std::ostringstream out;
  out << "Derivation:\n";
  for (const auto& step : cost.derivation) out << "  " << step << "\n";
  out << "\nEach resource's time (work / achievable rate):\n";
  const double compute_rate = cost.compute_time > 0 ? cost.flops / cost.compute_time : 0.0;
  out << "  compute   " << format_number(cost.flops, 4) << " FLOP";
  if (compute_rate > 0) out << " / " << format_quantity(compute_rate, Dimension::compute);
  out << " = " << time_text(cost.compute_time) << "\n";
  for (std::size_t i = 0; i < accelerator.memory.size() && i < cost.bytes.size(); ++i) {
    const auto& level = accelerator.memory[i];
    const double level_time = i < cost.level_time.size() ? cost.level_time[i] : 0.0;
    // The rate the operator reaches there: the spec's achievable bandwidth, less what its waves
    // or access pattern lose (the derivation says why).
    const double rate =
        level_time > 0 ? cost.bytes[i] / level_time : hw::achievable_bandwidth(level);
    out << "  " << level.name << std::string(std::max<std::size_t>(1, 10 - level.name.size()), ' ')
        << format_traffic(cost.bytes[i]) << " / " << format_quantity(rate, Dimension::bandwidth)
        << " = " << time_text(level_time) << "\n";
  }
  out << "  fixed     " << time_text(cost.overhead_time) << " (kernel launch, ramp-up and tail)\n";
  out << "\ntime = max(compute, every level) + fixed = " << time_text(cost.time) << ", bound by "
      << bound_words(cost, accelerator) << "\n";
  const double off_chip_bytes = cost.bytes.empty() ? 0.0 : cost.bytes.back();
  if (off_chip_bytes > 0 && cost.flops > 0) {
    const auto& level = accelerator.off_chip();
    const double intensity = cost.flops / off_chip_bytes;
    out << "\nOn the roofline: intensity " << format_number(intensity, 3) << " FLOP per "
        << level.name << " byte; ";
    std::string dtype_note;
    for (const auto& [dtype, peak] : accelerator.compute.peak) {
      if (dtype == DType::bf16 ||
          (dtype_note.empty() && &peak == &accelerator.compute.peak.begin()->second)) {
        const double ridge = roofline::ridge_intensity(peak.value, level.bandwidth.value);
        dtype_note = "the " + std::string(dtype_name(dtype)) + " ridge point is " +
                     format_number(ridge, 3) + " FLOP/B, so it sits " +
                     (intensity < ridge ? "left of the ridge (memory side)"
                                        : "right of the ridge (compute side)");
      }
    }
    out << dtype_note << "\n";
  }
  out << "\n" << what_if(accelerator, cost, reevaluate);
  return out.str();
}

std::string explain_operator(const hw::Accelerator& accelerator, const workload::Workload& workload,
                             const std::string& op_name) {
  std::vector<std::string> names;
  for (auto vertex : boost::make_iterator_range(boost::vertices(workload.graph))) {
    const auto& node = workload.graph[vertex];
    names.push_back(node.name);
    if (node.name != op_name) continue;
    ops::Conditions conditions;
    conditions.derivation = true;
    const auto cost = node.evaluate(accelerator, conditions);
    std::ostringstream out;
    out << node.name << " (" << node.kind << ") of " << workload.model.id << " "
        << workload::phase_name(workload.spec.phase) << " on " << accelerator.name << ", runs "
        << format_number(node.count, 6) << "× per step\n\n";
    out << explain_cost(accelerator, cost, [&node, &conditions](const hw::Accelerator& design) {
      return node.evaluate(design, conditions);
    });
    out << "\nPer step: " << format_number(node.count, 6) << " × " << time_text(cost.time) << " = "
        << time_text(cost.time * node.count) << "\n";
    return out.str();
  }
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  throw InputError("", "--op",
                   "no operator '" + op_name + "' in this workload; its operators: " + list);
}

std::string explain_workload(const hw::Accelerator& accelerator,
                             const workload::Workload& workload) {
  const auto analysis = workload::analyze(accelerator, workload);
  std::ostringstream out;
  out << workload.model.id << " " << workload::phase_name(workload.spec.phase) << " on "
      << accelerator.name << "\n\n";
  out << "A step runs " << analysis.ops.size()
      << " distinct operators (identical layers counted once and "
      << "multiplied) one after another, so the step time is their sum: "
      << time_text(analysis.step_time) << ".\n";
  out << "Model FLOPs per step " << format_number(analysis.model_flops, 4) << "; at the "
      << dtype_name(workload.spec.activations) << " peak of "
      << format_quantity(hw::peak_rate(accelerator, workload.spec.activations), Dimension::compute)
      << " that would take "
      << time_text(analysis.model_flops / hw::peak_rate(accelerator, workload.spec.activations))
      << " (MFU " << percent(analysis.mfu) << ").\n";
  out << "Weights and KV cache read per step "
      << format_quantity(analysis.essential_bytes, Dimension::bytes) << "; at the "
      << accelerator.off_chip().name << " peak of "
      << format_quantity(accelerator.off_chip().bandwidth.value, Dimension::bandwidth)
      << " that would take "
      << time_text(analysis.essential_bytes / accelerator.off_chip().bandwidth.value) << " (MBU "
      << percent(analysis.mbu) << ").\n\nWhere the time goes:\n";
  for (const auto& [resource, share] : analysis.bound_share)
    out << "  " << resource << ": " << percent(share) << "\n";
  auto ops = analysis.ops;
  std::sort(ops.begin(), ops.end(),
            [](const auto& a, const auto& b) { return a.total_time() > b.total_time(); });
  out << "\nThe largest operators:\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(3, ops.size()); ++i) {
    out << "  " << ops[i].name << ": " << time_text(ops[i].total_time()) << " ("
        << percent(ops[i].total_time() / analysis.step_time) << "), bound by " << ops[i].bound
        << "\n";
  }
  out << "\nWhat would change the step (the model re-run on a modified design):\n";
  const auto step = [&](const hw::Accelerator& design) {
    return workload::analyze(design, workload).step_time;
  };
  const std::size_t off_chip = accelerator.memory.size() - 1;
  for (const auto& [label, design] : {std::pair<std::string, hw::Accelerator>{
                                          "doubling compute", scaled_design(accelerator, 2.0, 1.0)},
                                      {"doubling " + accelerator.off_chip().name + " bandwidth",
                                       scaled_design(accelerator, 1.0, 2.0, off_chip)}}) {
    const double time = step(design);
    out << "  - " << label << ": " << time_text(time) << " ("
        << percent(1.0 - time / analysis.step_time) << " less)\n";
  }
  out << "\nUse --op NAME for one operator's derivation (" << ops.front().name
      << " is the largest).\n";
  return out.str();
}

}  // namespace ridgeline::report
