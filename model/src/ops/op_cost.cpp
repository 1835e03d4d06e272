#include "ridgeline/ops/op_cost.hpp"

#include <algorithm>
#include <cmath>

#include "ridgeline/base/error.hpp"

namespace ridgeline::ops {

void finish_cost(OpCost& cost, const hw::Accelerator& accelerator, double compute_rate) {
  std::vector<double> bandwidth;
  bandwidth.reserve(accelerator.memory.size());
  for (const auto& level : accelerator.memory) bandwidth.push_back(hw::achievable_bandwidth(level));
  finish_cost(cost, accelerator, compute_rate, bandwidth);
}

void finish_cost(OpCost& cost, const hw::Accelerator& accelerator, double compute_rate,
                 std::span<const double> level_bandwidth) {
  const std::size_t levels = accelerator.memory.size();
  if (level_bandwidth.size() != levels) {
    throw ModelError("finish_cost: " + std::to_string(level_bandwidth.size()) + " bandwidths for " +
                     std::to_string(levels) + " memory levels of " + accelerator.id);
  }
  cost.bytes.resize(levels, 0.0);
  cost.level_time.assign(levels, 0.0);
  cost.compute_time = cost.flops > 0 && compute_rate > 0 ? cost.flops / compute_rate : 0.0;

  double busiest = cost.compute_time;
  cost.bound = Bound{BoundKind::compute, 0};
  for (std::size_t i = 0; i < levels; ++i) {
    if (cost.bytes[i] > 0 && level_bandwidth[i] > 0) {
      cost.level_time[i] = cost.bytes[i] / level_bandwidth[i];
    }
    if (cost.level_time[i] > busiest) {
      busiest = cost.level_time[i];
      cost.bound = Bound{BoundKind::memory, i};
    }
  }
  if (cost.overhead_time > busiest) cost.bound = Bound{BoundKind::overhead, 0};
  cost.time = busiest + cost.overhead_time;
}

std::string bound_name(const OpCost& cost, const hw::Accelerator& accelerator) {
  switch (cost.bound.kind) {
    case BoundKind::compute:
      return "compute";
    case BoundKind::overhead:
      return "overhead";
    case BoundKind::memory:
      if (cost.bound.level < accelerator.memory.size()) {
        return accelerator.memory[cost.bound.level].name;
      }
      return "memory";
  }
  return "compute";
}

double achieved_flops(const OpCost& cost) {
  return cost.time > 0 ? cost.flops / cost.time : 0.0;
}

double kernel_overhead(const hw::Accelerator& accelerator, const Conditions& conditions) {
  if (conditions.profiled) {
    if (!accelerator.overheads.profiled_kernel) {
      throw ModelError(accelerator.id +
                       " has no overheads.profiled_kernel: its fixed cost inside a kernel's "
                       "profiled duration is unknown, so profiler timing cannot be modelled; add "
                       "it to the spec (docs/hwspecs.md) or use device timing");
    }
    return std::max(0.0, accelerator.overheads.profiled_kernel->value);
  }
  const double kernel = std::max(0.0, accelerator.overheads.kernel.value);
  const double host =
      conditions.host_timed ? std::max(0.0, accelerator.overheads.host_launch.value) : 0.0;
  return kernel + host;
}

OpCost sequence_cost(std::string kind, std::span<const OpCost> parts) {
  OpCost total;
  total.kind = std::move(kind);
  double longest = -1.0;
  for (const auto& part : parts) {
    total.flops += part.flops;
    if (total.bytes.size() < part.bytes.size()) total.bytes.resize(part.bytes.size(), 0.0);
    if (total.level_time.size() < part.level_time.size()) {
      total.level_time.resize(part.level_time.size(), 0.0);
    }
    for (std::size_t i = 0; i < part.bytes.size(); ++i) total.bytes[i] += part.bytes[i];
    for (std::size_t i = 0; i < part.level_time.size(); ++i) {
      total.level_time[i] += part.level_time[i];
    }
    total.compute_time += part.compute_time;
    total.overhead_time += part.overhead_time;
    total.time += part.time;
    if (part.time > longest) {
      longest = part.time;
      total.bound = part.bound;
    }
  }
  return total;
}

nlohmann::json cost_json(const OpCost& cost, const hw::Accelerator& accelerator) {
  nlohmann::json bytes = nlohmann::json::object();
  nlohmann::json level_time = nlohmann::json::object();
  for (std::size_t i = 0; i < accelerator.memory.size(); ++i) {
    const auto& name = accelerator.memory[i].name;
    bytes[name] = i < cost.bytes.size() ? cost.bytes[i] : 0.0;
    level_time[name] = i < cost.level_time.size() ? cost.level_time[i] : 0.0;
  }
  nlohmann::json json;
  json["kind"] = cost.kind;
  if (!cost.name.empty()) json["name"] = cost.name;
  json["hw"] = accelerator.id;
  json["time_s"] = cost.time;
  json["flops"] = cost.flops;
  json["achieved_flops"] = achieved_flops(cost);
  json["bytes"] = std::move(bytes);
  json["bound"] = bound_name(cost, accelerator);
  json["compute_time_s"] = cost.compute_time;
  json["level_time_s"] = std::move(level_time);
  json["overhead_time_s"] = cost.overhead_time;
  json["derivation"] = cost.derivation;
  return json;
}

}  // namespace ridgeline::ops
