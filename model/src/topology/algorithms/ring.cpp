// Ring: the group passes chunks around one or more rings (NCCL/RCCL "Ring"). All-reduce is a
// reduce-scatter then an all-gather, n−1 steps each, every rank sending S/n per step:
//     t = 2(n−1) · α + 2(n−1)/n · S / B
// (Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
// JPDC 69(2), 2009), with B the per-rank rate the rings get from the most loaded link of the graph.
// Broadcast pipelines the message down the ring as a chain.

#include <algorithm>

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

class RingAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "ring"; }
  std::string_view description() const override {
    return "rings through every rank; all-reduce = reduce-scatter + all-gather, 2(n-1) steps of "
           "S/n (bandwidth-optimal, latency grows with n)";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context,
                                std::string& why_not) const override {
    const auto& nodes = context.nodes;
    const std::size_t n = nodes.size();
    const auto op = context.op;
    if (op != CollectiveOp::all_reduce && op != CollectiveOp::reduce_scatter &&
        op != CollectiveOp::all_gather && op != CollectiveOp::broadcast) {
      why_not = "ring implements all-reduce, reduce-scatter, all-gather and broadcast";
      return {};
    }
    auto channels = ring_channels(context.topology, nodes);
    CostShape shape;
    shape.algorithm = "ring";
    std::vector<Flow> flows;
    if (op == CollectiveOp::broadcast) {
      // Every channel is a chain that starts at the root.
      for (auto& order : channels) {
        std::rotate(order.begin(), std::find(order.begin(), order.end(), nodes.front()),
                    order.end());
      }
      add_ring_step(channels, 1.0, false, flows);
      const auto time = context.topology.transfer_time(flows);
      shape.seconds_per_byte = time.seconds;
      shape.bottleneck = time.bottleneck;
      shape.pipeline_stages = n - 1;
      shape.steps =
          ring_step_latency(context.topology, channels.front(), static_cast<double>(n - 1), false);
      shape.detail = plural(channels.size(), "chain") + " of " + std::to_string(n) +
                     " from the root, pipelined";
      return {shape};
    }
    add_ring_step(channels, 1.0 / static_cast<double>(n), true, flows);
    const auto step = context.topology.transfer_time(flows);
    const double steps = static_cast<double>(op == CollectiveOp::all_reduce ? 2 * (n - 1) : n - 1);
    shape.seconds_per_byte = steps * step.seconds;
    shape.bottleneck = step.bottleneck;
    shape.steps = ring_step_latency(context.topology, channels.front(), steps, true);
    shape.detail = plural(channels.size(), "ring") + " of " + std::to_string(n);
    return {shape};
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(RingAlgorithm)

}  // namespace ridgeline::topology::detail
