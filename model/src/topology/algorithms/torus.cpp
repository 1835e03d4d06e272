// Torus: for groups that fill a box of a torus (TPU ICI slices), reduce-scatter along one
// dimension at a time with bidirectional rings on every line of that dimension, then all-gather
// back. The message is split into one part per dimension and the parts go through the dimensions
// in rotated orders at the same time, so every link of every dimension is busy (the multi-axis
// collectives of "How to Scale Your Model", jax-ml/scaling-book, tpus.md):
//     level q: part p reduce-scatters its (1/D) / Π(earlier extents) of S along dimension
//              order_p[q], e−1 steps of bidirectional rings
// and the level's time is the most loaded link under all parts at once.

#include <algorithm>
#include <map>
#include <numeric>

#include "builtin.hpp"
#include "common.hpp"

namespace ridgeline::topology::detail {
namespace {

struct Box {
  std::vector<std::size_t> used;              // dimensions with extent > 1
  std::map<std::size_t, std::size_t> extent;  // per used dimension
  // lines[d]: the members along dimension d, one vector per line, in coordinate order.
  std::map<std::size_t, std::vector<std::vector<std::size_t>>> lines;
};

std::optional<Box> find_box(const System& system, const std::vector<std::size_t>& nodes,
                            std::string& why_not) {
  for (const auto& torus : system.tori) {
    std::map<std::size_t, std::size_t> index;
    for (std::size_t i = 0; i < torus.members.size(); ++i) index[torus.members[i]] = i;
    if (!std::all_of(nodes.begin(), nodes.end(),
                     [&](std::size_t node) { return index.count(node) != 0; })) {
      continue;
    }
    const std::size_t dims = torus.dims.size();
    std::vector<std::size_t> strides(dims, 1);
    for (std::size_t d = dims - 1; d-- > 0;) strides[d] = strides[d + 1] * torus.dims[d + 1];
    auto coordinates = [&](std::size_t node) {
      std::vector<std::size_t> c(dims);
      for (std::size_t d = 0; d < dims; ++d) c[d] = (index[node] / strides[d]) % torus.dims[d];
      return c;
    };
    Box box;
    std::size_t volume = 1;
    for (std::size_t d = 0; d < dims; ++d) {
      std::vector<std::size_t> values;
      for (const auto node : nodes) values.push_back(coordinates(node)[d]);
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      const bool contiguous = values.back() - values.front() + 1 == values.size();
      if (!contiguous && values.size() != torus.dims[d]) {
        why_not = "the group does not fill a box of the torus";
        return std::nullopt;
      }
      volume *= values.size();
      if (values.size() > 1) {
        box.used.push_back(d);
        box.extent[d] = values.size();
      }
    }
    if (volume != nodes.size() || box.used.empty()) {
      why_not = "the group does not fill a box of the torus";
      return std::nullopt;
    }
    for (const auto d : box.used) {
      std::map<std::vector<std::size_t>, std::vector<std::pair<std::size_t, std::size_t>>> lines;
      for (const auto node : nodes) {
        auto key = coordinates(node);
        const std::size_t position = key[d];
        key[d] = 0;
        lines[key].emplace_back(position, node);
      }
      for (auto& [key, members] : lines) {
        std::sort(members.begin(), members.end());
        std::vector<std::size_t> line;
        for (const auto& member : members) line.push_back(member.second);
        box.lines[d].push_back(std::move(line));
      }
    }
    return box;
  }
  why_not = "the group is not inside one torus of the system";
  return std::nullopt;
}

class TorusAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "torus"; }
  std::string_view description() const override {
    return "per-dimension bidirectional rings on a torus box, the message split over the "
           "dimensions so that all links work at once";
  }

  std::vector<CostShape> shapes(const AlgorithmContext& context,
                                std::string& why_not) const override {
    const auto op = context.op;
    if (op != CollectiveOp::all_reduce && op != CollectiveOp::reduce_scatter &&
        op != CollectiveOp::all_gather) {
      why_not = "torus implements all-reduce, reduce-scatter and all-gather";
      return {};
    }
    const auto box = find_box(context.topology.system(), context.nodes, why_not);
    if (!box) return {};
    const std::size_t dims = box->used.size();
    double seconds = 0;
    double steps = 0;
    std::optional<Arc> bottleneck;
    double worst_level = -1;
    for (std::size_t q = 0; q < dims; ++q) {
      std::vector<Flow> flows;
      std::size_t level_steps = 0;
      for (std::size_t p = 0; p < dims; ++p) {
        double fraction = 1.0 / static_cast<double>(dims);
        for (std::size_t j = 0; j < q; ++j) {
          fraction /= static_cast<double>(box->extent.at(box->used[(p + j) % dims]));
        }
        const std::size_t d = box->used[(p + q) % dims];
        const std::size_t e = box->extent.at(d);
        level_steps = std::max(level_steps, e - 1);
        const double bytes = static_cast<double>(e - 1) * fraction / (2.0 * static_cast<double>(e));
        for (const auto& line : box->lines.at(d)) {
          for (std::size_t i = 0; i < e; ++i) {
            flows.push_back({line[i], line[(i + 1) % e], bytes});
            flows.push_back({line[i], line[(i + e - 1) % e], bytes});
          }
        }
      }
      const auto time = context.topology.transfer_time(flows);
      seconds += time.seconds;
      steps += static_cast<double>(level_steps);
      if (time.seconds > worst_level) {
        worst_level = time.seconds;
        bottleneck = time.bottleneck;
      }
    }
    const double phases = op == CollectiveOp::all_reduce ? 2.0 : 1.0;
    std::vector<std::pair<std::size_t, std::size_t>> neighbours;
    for (const auto d : box->used) {
      for (const auto& line : box->lines.at(d)) {
        for (std::size_t i = 0; i < line.size(); ++i) {
          neighbours.emplace_back(line[i], line[(i + 1) % line.size()]);
        }
      }
    }
    CostShape shape;
    shape.algorithm = "torus";
    shape.seconds_per_byte = phases * seconds;
    shape.bottleneck = bottleneck;
    shape.steps = {step_over(context.topology, neighbours, phases * steps)};
    std::string extents;
    for (const auto d : box->used) {
      extents += (extents.empty() ? "" : "x") + std::to_string(box->extent.at(d));
    }
    shape.detail = extents + " box, bidirectional rings per dimension, " + plural(dims, "part") +
                   " in rotated dimension order";
    return {shape};
  }
};

}  // namespace

RIDGELINE_COLLECTIVE_ALGORITHM(TorusAlgorithm)

}  // namespace ridgeline::topology::detail
