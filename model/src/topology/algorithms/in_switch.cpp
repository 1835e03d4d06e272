// In-switch reduction (NVLink SHARP "NVLS" in NVSwitch gen 3+, SHARP in InfiniBand switches):
// every rank sends its whole buffer to a switch that adds the contributions and multicasts the sum
// back. Each rank's link carries S in each direction, instead of 2(n−1)/n · S for a ring, so
//     t = 2 · α + latency_reduction + S / (B · efficiency)
// and busbw = 2(n−1)/n · algbw can exceed the link rate (NVIDIA, "NVIDIA NVLink and NVSwitch",
// NVSwitch gen 3 SHARP; nccl-tests issue #212 for the measured 8×H100 figures). Applies when every
// rank has a direct link to one switch that reduces.

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

class InSwitchAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "in-switch"; }
  std::string_view description() const override {
    return "in-switch reduction (NVLS / SHARP): each rank sends S up, the switch reduces and "
           "multicasts S down; 2 steps";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context,
                                std::string& why_not) const override {
    if (context.op != CollectiveOp::all_reduce) {
      why_not = "in-switch reduction is modelled for all-reduce only";
      return {};
    }
    const auto& topology = context.topology;
    const auto& system = topology.system();
    for (std::size_t s = 0; s < system.nodes.size(); ++s) {
      const auto& node = system.nodes[s];
      if (node.kind != NodeKind::switch_chip || !node.reduction) continue;
      std::vector<Flow> flows;
      std::vector<std::pair<std::size_t, std::size_t>> round_trips;
      bool all_attached = true;
      for (const auto member : context.nodes) {
        if (topology.route(member, s).arcs.size() != 1) {
          all_attached = false;
          break;
        }
        flows.push_back({member, s, 1.0});
        flows.push_back({s, member, 1.0});
        round_trips.emplace_back(member, s);
      }
      if (!all_attached) continue;
      const auto& reduction = *node.reduction;
      const auto time = topology.transfer_time(flows);
      CostShape shape;
      shape.algorithm = "in-switch";
      shape.seconds_per_byte = time.seconds / reduction.efficiency.value;
      shape.bottleneck = time.bottleneck;
      auto step = step_over(topology, round_trips, 2.0);
      step.hardware_latency += node.latency.value;
      shape.steps = {step};
      shape.extra_latency = reduction.latency.value;
      shape.protocol = reduction.protocol;
      shape.detail = reduction.name + " in " + node.id;
      return {shape};
    }
    why_not = "no switch with in-network reduction is linked directly to every rank";
    return {};
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(InSwitchAlgorithm)

}  // namespace ridgeline::topology::detail
