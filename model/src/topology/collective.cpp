#include "ridgeline/topology/collective.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::topology {
namespace {

// Chunk a pipelined algorithm (tree, chain) cuts a message into: NCCL's 4 MiB channel buffer over
// its 8 pipeline slots (NCCL_BUFFSIZE / NCCL_STEPS, src/include/device.h).
constexpr double kPipelineChunk = 512.0 * 1024.0;

struct Priced {
  double time = 0;
  double latency = 0;
  double bandwidth = 0;
  double steps = 0;
};

// The time of one shape with one protocol for `bytes` (docs/model.md, "Interconnect and
// collectives"):
//   α_steps   = Σ steps × (protocol step latency of the tier + hardware latency of the route)
//   b         = bytes × seconds_per_byte / bandwidth_fraction, and at least
//               bytes × busbw factor / max_bus_bandwidth (the protocol's cap on busbw)
//   plain:      t = launch + extra + α_steps + b
//   pipelined:  t = launch + extra + α_steps + b + (d − 1) · b / k through d stages in
//               k = ceil(bytes / 512 KiB) chunks: the first chunk fills the pipeline, the others
//               follow one chunk time apart; a stage's latency overlaps the chunks behind it, as
//               NCCL keeps 8 chunks in flight per channel.
Priced price(const CostShape& shape, const Protocol& protocol, CollectiveOp op, std::size_t ranks,
             double bytes) {
  double steps_latency = 0;
  double steps = 0;
  for (const auto& step : shape.steps) {
    steps_latency +=
        step.steps * (protocol.step_latency.at(step.tier).value + step.hardware_latency);
    steps += step.steps;
  }
  double b = bytes * shape.seconds_per_byte / protocol.bandwidth_fraction.value;
  if (protocol.max_bus_bandwidth) {
    b = std::max(b, bytes * bus_bandwidth_factor(op, ranks) / protocol.max_bus_bandwidth->value);
  }
  const double fixed = protocol.launch_latency.value + shape.extra_latency;
  Priced priced;
  priced.steps = steps;
  priced.bandwidth = b;
  if (shape.pipeline_stages == 0 || steps_latency <= 0) {
    priced.time = fixed + steps_latency + b;
  } else {
    const double d = static_cast<double>(shape.pipeline_stages);
    const double chunks = std::max(1.0, std::ceil(bytes / kPipelineChunk));
    priced.time = fixed + steps_latency + b + (d - 1) * b / chunks;
  }
  priced.latency = priced.time - b;
  return priced;
}

std::string key_of(CollectiveOp op, const std::vector<std::size_t>& nodes,
                   std::string_view algorithm) {
  std::string key(op_name(op));
  key += '|';
  key += algorithm;
  for (const auto node : nodes) key += "|" + std::to_string(node);
  return key;
}

void check_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes <= 0) {
    throw InputError(
        "", "", "message size must be a positive number of bytes, got " + format_number(bytes));
  }
}

}  // namespace

std::string_view op_name(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::all_reduce:
      return "all-reduce";
    case CollectiveOp::all_gather:
      return "all-gather";
    case CollectiveOp::reduce_scatter:
      return "reduce-scatter";
    case CollectiveOp::all_to_all:
      return "all-to-all";
    case CollectiveOp::broadcast:
      return "broadcast";
    case CollectiveOp::send_recv:
      return "send-recv";
  }
  return "";
}

std::optional<CollectiveOp> parse_op(std::string_view text) {
  for (const auto op :
       {CollectiveOp::all_reduce, CollectiveOp::all_gather, CollectiveOp::reduce_scatter,
        CollectiveOp::all_to_all, CollectiveOp::broadcast, CollectiveOp::send_recv}) {
    if (op_name(op) == text) return op;
  }
  return std::nullopt;
}

std::string op_list() {
  return "all-reduce, all-gather, reduce-scatter, all-to-all, broadcast, send-recv";
}

double bus_bandwidth_factor(CollectiveOp op, std::size_t ranks) {
  if (ranks < 2) return 0.0;
  const double n = static_cast<double>(ranks);
  switch (op) {
    case CollectiveOp::all_reduce:
      return 2.0 * (n - 1) / n;
    case CollectiveOp::all_gather:
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::all_to_all:
      return (n - 1) / n;
    case CollectiveOp::broadcast:
    case CollectiveOp::send_recv:
      return 1.0;
  }
  return 1.0;
}

Group whole_system(const System& system) {
  return contiguous_ranks(system, 0, system.size());
}

Group contiguous_ranks(const System& system, std::size_t first, std::size_t count) {
  if (count == 0) {
    throw InputError("", "", "a group needs at least one accelerator (0 requested)");
  }
  if (first + count > system.size()) {
    throw InputError("", "",
                     std::to_string(first + count) + " accelerators requested, but system '" +
                         system.id + "' has " + std::to_string(system.size()));
  }
  Group group;
  for (std::size_t i = 0; i < count; ++i) group.ranks.push_back(first + i);
  return group;
}

Group parallel_group(const System& system, const ParallelLayout& layout, ParallelAxis axis,
                     std::size_t member) {
  const auto [tp, dp, pp, ep] = layout;
  if (tp == 0 || dp == 0 || pp == 0 || ep == 0) {
    throw InputError("", "", "parallel degrees must be at least 1");
  }
  const std::size_t world = tp * dp * pp;
  if (world > system.size()) {
    throw InputError("", "",
                     "tp × dp × pp = " + std::to_string(tp) + " × " + std::to_string(dp) + " × " +
                         std::to_string(pp) + " = " + std::to_string(world) +
                         " accelerators, but system '" + system.id + "' has " +
                         std::to_string(system.size()));
  }
  if (dp % ep != 0) {
    throw InputError("", "",
                     "expert parallelism " + std::to_string(ep) + " must divide data parallelism " +
                         std::to_string(dp));
  }
  if (member >= world) {
    throw InputError("", "",
                     "rank " + std::to_string(member) + " is outside the " + std::to_string(world) +
                         " ranks of the layout");
  }
  const std::size_t t = member % tp;
  const std::size_t d = (member / tp) % dp;
  const std::size_t p = member / (tp * dp);
  auto rank = [&](std::size_t ti, std::size_t di, std::size_t pi) {
    return ti + tp * (di + dp * pi);
  };
  Group group;
  switch (axis) {
    case ParallelAxis::tensor:
      for (std::size_t i = 0; i < tp; ++i) group.ranks.push_back(rank(i, d, p));
      break;
    case ParallelAxis::data:
      for (std::size_t i = 0; i < dp; ++i) group.ranks.push_back(rank(t, i, p));
      break;
    case ParallelAxis::pipeline:
      for (std::size_t i = 0; i < pp; ++i) group.ranks.push_back(rank(t, d, i));
      break;
    case ParallelAxis::expert: {
      const std::size_t first = d - d % ep;
      for (std::size_t i = 0; i < ep; ++i) group.ranks.push_back(rank(t, first + i, p));
      break;
    }
  }
  return group;
}

CollectiveModel::CollectiveModel(System system)
    : system_(std::make_unique<System>(std::move(system))),
      topology_(std::make_unique<Topology>(*system_)) {}

const std::vector<CostShape>& CollectiveModel::shapes(CollectiveOp op,
                                                      const std::vector<std::size_t>& nodes,
                                                      const CollectiveAlgorithm& algorithm,
                                                      std::string& why_not) const {
  const std::string key = key_of(op, nodes, algorithm.name());
  {
    std::lock_guard lock(mutex_);
    if (const auto it = cache_.find(key); it != cache_.end()) {
      why_not = it->second->why_not;
      return it->second->shapes;
    }
  }
  auto entry = std::make_unique<CacheEntry>();
  entry->shapes = algorithm.shapes({*topology_, op, nodes}, entry->why_not);
  std::lock_guard lock(mutex_);
  const auto [it, added] = cache_.emplace(key, std::move(entry));
  why_not = it->second->why_not;
  return it->second->shapes;
}

CollectiveCost CollectiveModel::best_of(CollectiveOp op, double bytes, std::size_t ranks,
                                        const std::vector<CostShape>& shapes) const {
  CollectiveCost best;
  best.time_s = std::numeric_limits<double>::infinity();
  for (const auto& shape : shapes) {
    for (const auto& protocol : system_->library.protocols) {
      if (!shape.protocol.empty() && shape.protocol != protocol.name) continue;
      const Priced priced = price(shape, protocol, op, ranks, bytes);
      if (priced.time >= best.time_s) continue;
      best.time_s = priced.time;
      best.latency_s = priced.latency;
      best.bandwidth_s = priced.bandwidth;
      best.steps = priced.steps;
      best.algorithm = shape.algorithm;
      best.protocol = protocol.name;
      best.detail = shape.detail;
      best.bound = "latency";
      best.bottleneck.clear();
      if (priced.bandwidth > priced.latency && shape.bottleneck) {
        best.bound = topology_->link_of(*shape.bottleneck).kind;
        best.bottleneck = topology_->describe(*shape.bottleneck);
      }
    }
  }
  best.op = op;
  best.bytes = bytes;
  best.ranks = ranks;
  if (std::isfinite(best.time_s) && best.time_s > 0) {
    best.algbw = bytes / best.time_s;
    best.busbw = best.algbw * bus_bandwidth_factor(op, ranks);
  }
  return best;
}

namespace {

std::vector<std::size_t> group_nodes(const System& system, const Group& group) {
  if (group.ranks.empty()) throw InputError("", "", "a group needs at least one accelerator");
  std::set<std::size_t> seen;
  std::vector<std::size_t> nodes;
  for (const auto rank : group.ranks) {
    if (rank >= system.size()) {
      throw InputError("", "",
                       "rank " + std::to_string(rank) + " is not in system '" + system.id +
                           "', which has " + std::to_string(system.size()) + " accelerators");
    }
    if (!seen.insert(rank).second) {
      throw InputError("", "", "rank " + std::to_string(rank) + " appears twice in the group");
    }
    nodes.push_back(system.accelerators[rank]);
  }
  return nodes;
}

CollectiveCost local_cost(CollectiveOp op, double bytes) {
  CollectiveCost cost;
  cost.op = op;
  cost.bytes = bytes;
  cost.ranks = 1;
  cost.algorithm = "local";
  cost.bound = "none";
  cost.detail = "a group of one moves nothing";
  return cost;
}

}  // namespace

CollectiveCost CollectiveModel::cost(CollectiveOp op, double bytes, const Group& group,
                                     std::string_view algorithm) const {
  check_bytes(bytes);
  const auto nodes = group_nodes(*system_, group);
  if (nodes.size() == 1) return local_cost(op, bytes);
  const auto& registry = AlgorithmRegistry::instance();
  if (algorithm != "auto") {
    const auto* chosen = registry.find(algorithm);
    if (chosen == nullptr) {
      std::string names;
      for (const auto& name : registry.names()) names += ", " + name;
      throw ModelError("unknown collective algorithm '" + std::string(algorithm) +
                       "'; expected auto" + names);
    }
    std::string why_not;
    const auto& found = shapes(op, nodes, *chosen, why_not);
    if (found.empty()) {
      throw ModelError("algorithm '" + std::string(algorithm) + "' cannot run " +
                       std::string(op_name(op)) + " on this group of " + system_->id + ": " +
                       why_not);
    }
    auto cost = best_of(op, bytes, nodes.size(), found);
    cost.in_library = system_->library.implements(op, algorithm);
    return cost;
  }
  CollectiveCost best;
  best.time_s = std::numeric_limits<double>::infinity();
  std::string reasons;
  for (const auto& name : system_->library.algorithms_for(op)) {
    std::string why_not;
    const auto& found = shapes(op, nodes, *registry.find(name), why_not);
    if (found.empty()) {
      reasons += "; " + name + ": " + why_not;
      continue;
    }
    auto cost = best_of(op, bytes, nodes.size(), found);
    if (cost.time_s < best.time_s) best = std::move(cost);
  }
  if (!std::isfinite(best.time_s)) {
    throw ModelError("no algorithm of " + system_->library.name + " on " + system_->id + " runs " +
                     std::string(op_name(op)) + " on this group" + reasons);
  }
  return best;
}

std::vector<CollectiveCost> CollectiveModel::candidates(CollectiveOp op, double bytes,
                                                        const Group& group) const {
  check_bytes(bytes);
  const auto nodes = group_nodes(*system_, group);
  std::vector<CollectiveCost> result;
  if (nodes.size() == 1) return {local_cost(op, bytes)};
  for (const auto& algorithm : AlgorithmRegistry::instance().algorithms()) {
    std::string why_not;
    const auto& found = shapes(op, nodes, *algorithm, why_not);
    if (found.empty()) continue;
    auto cost = best_of(op, bytes, nodes.size(), found);
    cost.in_library = system_->library.implements(op, algorithm->name());
    result.push_back(std::move(cost));
  }
  std::sort(result.begin(), result.end(),
            [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  return result;
}

CollectiveCost CollectiveModel::point_to_point(std::size_t from_rank, std::size_t to_rank,
                                               double bytes) const {
  check_bytes(bytes);
  const auto nodes = group_nodes(*system_, Group{{from_rank, to_rank}});
  const auto route = topology_->route(nodes[0], nodes[1]);
  const auto time = topology_->transfer_time({{nodes[0], nodes[1], 1.0}});
  CostShape shape;
  shape.algorithm = "p2p";
  shape.detail = "one message along the route " + system_->nodes[nodes[0]].id + " -> " +
                 system_->nodes[nodes[1]].id;
  shape.seconds_per_byte = time.seconds;
  shape.bottleneck = time.bottleneck;
  shape.steps = {{route.tier, 1.0, route.latency}};
  return best_of(CollectiveOp::send_recv, bytes, 2, {shape});
}

CollectiveCost collective_time(const System& system, CollectiveOp op, double bytes,
                               const Group& group, std::string_view algorithm) {
  return CollectiveModel(system).cost(op, bytes, group, algorithm);
}

}  // namespace ridgeline::topology
