// Tree: NCCL's double binary tree. Scale-up domains are joined by two binary trees over their
// first members (the second mirrored, so a rank that is interior in one is a leaf in the other);
// inside a domain the members form a chain below its first member. All-reduce reduces up and
// broadcasts down both trees at once, half the message each, in pipelined chunks:
//     t = (2d + k − 1) · (α + b / k)
// for depth d, k chunks and b the bandwidth time of the whole message (Sanders, Speck & Träff,
// "Two-tree algorithms for full bandwidth broadcast, reduction and scan", Parallel Computing
// 35(12), 2009). Its latency grows with log2(domains), a ring's with the number of ranks.

#include <algorithm>
#include <map>

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

// parent[node] for one tree; the root maps to itself.
std::map<std::size_t, std::size_t> build_tree(const std::vector<std::vector<std::size_t>>& domains,
                                              bool mirrored) {
  std::map<std::size_t, std::size_t> parent;
  std::vector<std::size_t> heads;
  for (const auto& domain : domains) heads.push_back(domain.front());
  if (mirrored) std::reverse(heads.begin(), heads.end());
  for (std::size_t i = 0; i < heads.size(); ++i) parent[heads[i]] = heads[i == 0 ? 0 : (i - 1) / 2];
  for (const auto& domain : domains) {
    for (std::size_t k = 1; k < domain.size(); ++k) parent[domain[k]] = domain[k - 1];
  }
  return parent;
}

std::size_t depth_of(const std::map<std::size_t, std::size_t>& parent, std::size_t node) {
  std::size_t depth = 0;
  while (parent.at(node) != node) {
    node = parent.at(node);
    ++depth;
  }
  return depth;
}

class TreeAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "tree"; }
  std::string_view description() const override {
    return "double binary tree across scale-up domains, chains inside them; pipelined reduce + "
           "broadcast (latency grows with log2 of the domains)";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context,
                                std::string& why_not) const override {
    const auto op = context.op;
    if (op != CollectiveOp::all_reduce && op != CollectiveOp::broadcast) {
      why_not = "tree implements all-reduce and broadcast";
      return {};
    }
    const auto domains = by_domain(context.topology, context.nodes);
    const bool two_trees = domains.size() > 1 && op == CollectiveOp::all_reduce;
    // As NCCL's channels: one pair of trees per member position, each entering the domains at a
    // different member (so through a different NIC); the first is rooted at the group's first rank.
    std::size_t positions = op == CollectiveOp::all_reduce ? context.nodes.size() : 1;
    for (const auto& domain : domains) positions = std::min(positions, domain.size());
    std::vector<std::map<std::size_t, std::size_t>> trees;
    for (std::size_t c = 0; c < positions; ++c) {
      auto rotated = domains;
      for (auto& domain : rotated) {
        std::rotate(domain.begin(), domain.begin() + static_cast<std::ptrdiff_t>(c), domain.end());
      }
      trees.push_back(build_tree(rotated, false));
      if (two_trees) trees.push_back(build_tree(rotated, true));
    }
    const double share = 1.0 / static_cast<double>(trees.size());
    std::vector<Flow> flows;
    for (const auto& tree : trees) {
      for (const auto& [node, up] : tree) {
        if (node == up) continue;
        if (op == CollectiveOp::all_reduce) flows.push_back({node, up, share});
        flows.push_back({up, node, share});
      }
    }
    // The deepest member of the first tree sets the pipeline's length and its hops' latencies.
    const auto& tree = trees.front();
    std::size_t deepest = tree.begin()->first;
    for (const auto& [node, up] : tree) {
      if (depth_of(tree, node) > depth_of(tree, deepest)) deepest = node;
    }
    const std::size_t depth = depth_of(tree, deepest);
    const double passes = op == CollectiveOp::all_reduce ? 2.0 : 1.0;
    CostShape shape;
    shape.algorithm = "tree";
    for (std::size_t node = deepest; tree.at(node) != node; node = tree.at(node)) {
      shape.steps.push_back(step_over(context.topology, {{node, tree.at(node)}}, passes));
    }
    const auto time = context.topology.transfer_time(flows);
    shape.seconds_per_byte = time.seconds;
    shape.bottleneck = time.bottleneck;
    shape.pipeline_stages = static_cast<std::size_t>(passes) * depth;
    shape.detail = plural(trees.size(), two_trees ? "binary tree" : "tree") + " over " +
                   plural(domains.size(), "domain") + ", depth " + std::to_string(depth);
    return {shape};
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(TreeAlgorithm)

}  // namespace ridgeline::topology::detail
