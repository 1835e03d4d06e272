// Direct: every rank exchanges with every other rank at once over the routes between them
// (all-to-all, fully connected meshes; one step per phase). All-reduce is a direct reduce-scatter
// then a direct all-gather ("two-shot"): 2 steps, each rank sending (n−1)/n · S per phase spread
// over its links. Send/recv follows nccl-tests' sendrecv: rank i sends S to rank i+1 (mod n).

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

class DirectAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "direct"; }
  std::string_view description() const override {
    return "every rank sends to every other rank at once (all-to-all, meshes); all-reduce as "
           "direct reduce-scatter + all-gather, 2 steps";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context, std::string&) const override {
    const auto& nodes = context.nodes;
    const std::size_t n = nodes.size();
    const double share = 1.0 / static_cast<double>(n);
    std::vector<Flow> flows;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    double phases = 1;
    std::string what;
    switch (context.op) {
      case CollectiveOp::send_recv:
        for (std::size_t i = 0; i < n; ++i) {
          flows.push_back({nodes[i], nodes[(i + 1) % n], 1.0});
          pairs.emplace_back(nodes[i], nodes[(i + 1) % n]);
        }
        what = "each rank sends S to the next";
        break;
      case CollectiveOp::broadcast:
        for (std::size_t i = 1; i < n; ++i) {
          flows.push_back({nodes[0], nodes[i], 1.0});
          pairs.emplace_back(nodes[0], nodes[i]);
        }
        what = "the root sends S to every rank";
        break;
      default:
        for (std::size_t i = 0; i < n; ++i) {
          for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            flows.push_back({nodes[i], nodes[j], share});
            pairs.emplace_back(nodes[i], nodes[j]);
          }
        }
        phases = context.op == CollectiveOp::all_reduce ? 2 : 1;
        what = context.op == CollectiveOp::all_reduce
                   ? "reduce-scatter + all-gather, each rank to every other"
                   : "each rank to every other";
        break;
    }
    const auto time = context.topology.transfer_time(flows);
    CostShape shape;
    shape.algorithm = "direct";
    shape.seconds_per_byte = phases * time.seconds;
    shape.bottleneck = time.bottleneck;
    shape.steps = {step_over(context.topology, pairs, phases)};
    shape.detail = what;
    return {shape};
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(DirectAlgorithm)

}  // namespace ridgeline::topology::detail
