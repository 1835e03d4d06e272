#include "ridgeline/workload/analysis.hpp"

#include <boost/graph/topological_sort.hpp>

#include "ridgeline/base/error.hpp"

namespace ridgeline::workload {

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
  return analysis;
}

}  // namespace ridgeline::workload
