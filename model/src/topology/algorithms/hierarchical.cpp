// Hierarchical: for groups spread over several scale-up domains with the same number L of ranks
// each (servers joined by a network). All-reduce = reduce-scatter inside every domain (ring, or
// in-switch reduction where the domain's switch reduces), then all-reduce of the 1/L shards across
// domains (one ring per local position, so each position's traffic takes its own NIC / rail), then
// all-gather inside the domains. The phases are pipelined chunk by chunk, so the bandwidth term is
// the slower of the scale-up part (reduce-scatter + all-gather) and the scale-out part, while the
// latencies add up (NCCL's NVLS-tree / CollNet structure; Jia et al., "Highly scalable deep
// learning training system with mixed-precision", arXiv:1807.11205, hierarchical all-reduce).

#include <algorithm>

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

struct Phase {
  double seconds_per_byte = 0;
  std::optional<Arc> bottleneck;
  std::vector<StepLatency> steps;
  double extra_latency = 0;
  std::string protocol;
};

// Reduce-scatter (or all-gather: the same traffic reversed; all-reduce: both, one after the other)
// inside every domain with rings.
Phase intra_ring(const Topology& topology, const std::vector<std::vector<std::size_t>>& domains,
                 CollectiveOp op) {
  const std::size_t local = domains.front().size();
  std::vector<Flow> flows;
  for (const auto& domain : domains) {
    add_ring_step(ring_channels(topology, domain), 1.0 / static_cast<double>(local), true, flows);
  }
  const auto step = topology.transfer_time(flows);
  const double steps = static_cast<double>(local - 1) * (op == CollectiveOp::all_reduce ? 2 : 1);
  return {
      steps * step.seconds, step.bottleneck,
      ring_step_latency(topology, ring_channels(topology, domains.front()).front(), steps, true),
      0.0, ""};
}

// The in-domain part through each domain's reducing switch (NVLS): reduce-scatter sends S up and
// S/L down, all-gather S/L up and S down; an all-reduce overlaps the two, so each link carries
// S + S/L per direction. nullopt when a domain has no switch that reduces linked to all members.
std::optional<Phase> intra_switch(const Topology& topology,
                                  const std::vector<std::vector<std::size_t>>& domains,
                                  CollectiveOp op) {
  const auto& system = topology.system();
  const double shard = 1.0 / static_cast<double>(domains.front().size());
  const double up = op == CollectiveOp::all_gather   ? shard
                    : op == CollectiveOp::all_reduce ? 1.0 + shard
                                                     : 1.0;
  const double down = op == CollectiveOp::reduce_scatter ? shard
                      : op == CollectiveOp::all_reduce   ? 1.0 + shard
                                                         : 1.0;
  std::vector<Flow> flows;
  Phase phase;
  double efficiency = 1;
  for (const auto& domain : domains) {
    bool found = false;
    for (std::size_t s = 0; s < system.nodes.size() && !found; ++s) {
      const auto& node = system.nodes[s];
      if (node.kind != NodeKind::switch_chip || !node.reduction) continue;
      if (!std::all_of(domain.begin(), domain.end(), [&](std::size_t member) {
            return topology.route(member, s).arcs.size() == 1;
          })) {
        continue;
      }
      found = true;
      std::vector<std::pair<std::size_t, std::size_t>> round_trips;
      for (const auto member : domain) {
        flows.push_back({member, s, up});
        flows.push_back({s, member, down});
        round_trips.emplace_back(member, s);
      }
      if (phase.steps.empty()) {
        auto step = step_over(topology, round_trips, op == CollectiveOp::all_reduce ? 2.0 : 1.0);
        step.hardware_latency += node.latency.value;
        phase.steps = {step};
        phase.extra_latency = node.reduction->latency.value;
        phase.protocol = node.reduction->protocol;
        efficiency = node.reduction->efficiency.value;
      }
    }
    if (!found) return std::nullopt;
  }
  const auto time = topology.transfer_time(flows);
  phase.seconds_per_byte = time.seconds / efficiency;
  phase.bottleneck = time.bottleneck;
  return phase;
}

// All-reduce (2(D−1) steps) or reduce-scatter / all-gather (D−1) of the 1/L shards across the D
// domains: one ring per local position, all at once.
Phase inter_ring(const Topology& topology, const std::vector<std::vector<std::size_t>>& domains,
                 double steps) {
  const std::size_t local = domains.front().size();
  const std::size_t count = domains.size();
  std::vector<Flow> flows;
  std::vector<std::size_t> first_ring;
  for (std::size_t j = 0; j < local; ++j) {
    std::vector<std::size_t> ring;
    for (const auto& domain : domains) ring.push_back(domain[j]);
    add_ring_step({ring}, 1.0 / static_cast<double>(local * count), true, flows);
    if (j == 0) first_ring = ring;
  }
  const auto step = topology.transfer_time(flows);
  return {steps * step.seconds, step.bottleneck,
          ring_step_latency(topology, first_ring, steps, true), 0.0, ""};
}

class HierarchicalAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "hierarchical"; }
  std::string_view description() const override {
    return "reduce-scatter inside each scale-up domain, all-reduce across domains per local rank, "
           "all-gather inside; phases pipelined";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context,
                                std::string& why_not) const override {
    const auto op = context.op;
    if (op != CollectiveOp::all_reduce && op != CollectiveOp::reduce_scatter &&
        op != CollectiveOp::all_gather) {
      why_not = "hierarchical implements all-reduce, reduce-scatter and all-gather";
      return {};
    }
    const auto& topology = context.topology;
    const auto domains = by_domain(topology, context.nodes);
    if (domains.size() < 2) {
      why_not = "the group is inside one scale-up domain";
      return {};
    }
    const std::size_t local = domains.front().size();
    if (!std::all_of(domains.begin(), domains.end(),
                     [&](const auto& domain) { return domain.size() == local; })) {
      why_not = "the group's scale-up domains hold different numbers of ranks";
      return {};
    }
    if (local < 2) {
      why_not = "one rank per scale-up domain: nothing to do inside the domains";
      return {};
    }
    const double inter_steps = static_cast<double>(
        op == CollectiveOp::all_reduce ? 2 * (domains.size() - 1) : domains.size() - 1);
    const Phase inter = inter_ring(topology, domains, inter_steps);
    std::vector<std::pair<std::string, Phase>> intra{{"ring", intra_ring(topology, domains, op)}};
    if (auto in_switch = intra_switch(topology, domains, op)) {
      intra.emplace_back("in-switch", *in_switch);
    }
    std::vector<CostShape> shapes;
    for (const auto& [intra_name, phase] : intra) {
      CostShape shape;
      shape.algorithm = "hierarchical";
      const double inside = phase.seconds_per_byte;
      shape.seconds_per_byte = std::max(inside, inter.seconds_per_byte);
      shape.bottleneck = inside >= inter.seconds_per_byte ? phase.bottleneck : inter.bottleneck;
      append_steps(shape.steps, phase.steps);
      append_steps(shape.steps, inter.steps);
      shape.extra_latency = phase.extra_latency;
      shape.protocol = phase.protocol;
      shape.detail = intra_name + " inside " + plural(domains.size(), "domain") + " of " +
                     std::to_string(local) + ", ring across them per local rank";
      shapes.push_back(std::move(shape));
    }
    return shapes;
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(HierarchicalAlgorithm)

}  // namespace ridgeline::topology::detail
