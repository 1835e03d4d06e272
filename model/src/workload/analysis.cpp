#include "ridgeline/workload/analysis.hpp"

#include <boost/graph/topological_sort.hpp>

#include "ridgeline/base/error.hpp"

namespace ridgeline::workload {

EnergyBreakdown step_energy(const hw::Accelerator& accelerator, const std::vector<OpResult>& ops,
                            DType dtype, double step_time, double tokens_per_step) {
  EnergyBreakdown energy;
  const double per_flop = hw::compute_energy_per_flop(accelerator, dtype);
  std::vector<double> per_bit(accelerator.memory.size());
  for (std::size_t level = 0; level < per_bit.size(); ++level) {
    per_bit[level] = hw::level_energy_per_bit(accelerator, level);
  }
  energy.memory.assign(per_bit.size(), 0.0);
  for (const auto& op : ops) {
    energy.compute += op.cost.flops * op.count * per_flop;
    for (std::size_t level = 0; level < op.cost.bytes.size() && level < per_bit.size(); ++level) {
      energy.memory[level] += op.cost.bytes[level] * op.count * 8.0 * per_bit[level];
    }
  }
  energy.static_energy = accelerator.energy->static_power.value * step_time;
  energy.step = energy.compute + energy.static_energy;
  for (const double joules : energy.memory) energy.step += joules;
  energy.per_token = energy.step / tokens_per_step;
  energy.average_power = energy.step / step_time;
  if (accelerator.energy->price) energy.price = accelerator.energy->price->value;
  return energy;
}

Analysis analyze(const hw::Accelerator& accelerator, const Workload& workload,
                 const AnalysisOptions& options) {
  const double peak =
      hw::peak_rate(accelerator, workload.spec.activations);  // throws if unsupported
  Analysis analysis;
  analysis.hw_id = accelerator.id;
  analysis.model_id = workload.model.id;
  analysis.spec = workload.spec;
  for (const auto& level : accelerator.memory) analysis.level_names.push_back(level.name);
  analysis.tokens_per_step = workload.tokens_per_step;
  analysis.memory = memory_footprint(workload.model, workload.spec, accelerator);

  std::vector<OperatorGraph::vertex_descriptor> order;
  boost::topological_sort(workload.graph, std::back_inserter(order));
  std::reverse(order.begin(), order.end());

  ops::Conditions conditions;
  conditions.derivation = options.derivation;
  conditions.host_timed = options.host_timed;
  conditions.profiled = options.profiled;
  // Kernels of one step run back to back on one stream; each operator's own time already holds its
  // fixed kernel cost, so the critical path of a single-stream schedule is the sum.
  for (const auto vertex : order) {
    const OpNode& node = workload.graph[vertex];
    OpResult result;
    result.name = node.name;
    result.kind = node.kind;
    result.group = node.group;
    result.count = node.count;
    result.cost = node.evaluate(accelerator, conditions);
    result.cost.name = node.name;
    result.bound = ops::bound_name(result.cost, accelerator);
    analysis.step_time += result.exposed_time();
    if (node.model_flops) analysis.model_flops += result.cost.flops * node.count;
    analysis.essential_bytes += node.essential_bytes * node.count;
    analysis.bound_share[result.bound] += result.exposed_time();
    analysis.ops.push_back(std::move(result));
  }
  for (auto& [resource, time] : analysis.bound_share) time /= analysis.step_time;
  analysis.tokens_per_s = analysis.tokens_per_step / analysis.step_time;
  if (workload.spec.phase == Phase::prefill)
    analysis.ttft = analysis.step_time + workload.spec.request_overhead;
  if (workload.spec.phase == Phase::decode) analysis.tpot = analysis.step_time;
  analysis.mfu = analysis.model_flops / (analysis.step_time * peak);
  analysis.mbu =
      analysis.essential_bytes / (analysis.step_time * accelerator.off_chip().bandwidth.value);
  if (accelerator.energy) {
    analysis.energy = step_energy(accelerator, analysis.ops, workload.spec.activations,
                                  analysis.step_time, analysis.tokens_per_step);
  }
  return analysis;
}

std::string dominant_bound(const Analysis& analysis) {
  std::string bound;
  double largest = -1;
  for (const auto& [resource, share] : analysis.bound_share) {
    if (share > largest) {
      largest = share;
      bound = resource;
    }
  }
  return bound;
}

}  // namespace ridgeline::workload
