#include "ridgeline/topology/topology.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>

#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::topology {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
// Routing weight of a link: latency + the time to move this many bytes over it, so that routes
// take wide links first and latency decides between equally wide ones.
constexpr double kRoutingReferenceBytes = 1024.0 * 1024.0;
constexpr std::size_t kExactBisectionLimit = 16;
constexpr std::size_t kRandomBisections = 64;

int tier_rank(Tier tier) {
  switch (tier) {
    case Tier::scale_up:
      return 0;
    case Tier::host:
      return 1;
    case Tier::scale_out:
      return 2;
  }
  return 0;
}

double transit_latency(const Node& node) {
  return node.kind == NodeKind::switch_chip || node.kind == NodeKind::nic ? node.latency.value
                                                                          : 0.0;
}

struct ScaleUpOnly {
  const System* system = nullptr;
  const Graph* graph = nullptr;
  bool operator()(const Graph::edge_descriptor& edge) const {
    return system->links[boost::get(boost::edge_index, *graph, edge)].tier == Tier::scale_up;
  }
};

}  // namespace

Topology::Topology(const System& system) : system_(system), graph_(system.nodes.size()) {
  for (std::size_t i = 0; i < system.links.size(); ++i) {
    boost::add_edge(system.links[i].a, system.links[i].b, i, graph_);
  }
  // Scale-up domains.
  const boost::filtered_graph<Graph, ScaleUpOnly> scale_up(graph_, ScaleUpOnly{&system_, &graph_});
  domain_.assign(system.nodes.size(), 0);
  boost::connected_components(scale_up, domain_.data());

  // All-pairs routes, as one Dijkstra predecessor tree per source node.
  std::vector<double> weights(system.links.size());
  for (std::size_t i = 0; i < system.links.size(); ++i) {
    const auto& link = system.links[i];
    weights[i] =
        link.latency.value + kRoutingReferenceBytes / link.achievable_bandwidth() +
        0.5 * (transit_latency(system.nodes[link.a]) + transit_latency(system.nodes[link.b]));
  }
  const auto weight_map =
      boost::make_iterator_property_map(weights.begin(), boost::get(boost::edge_index, graph_));
  const std::size_t n = system.nodes.size();
  predecessor_.assign(n, std::vector<std::size_t>(n, kNone));
  std::vector<Graph::vertex_descriptor> parent(n);
  std::vector<double> distance(n);
  for (std::size_t source = 0; source < n; ++source) {
    boost::dijkstra_shortest_paths(
        graph_, source,
        boost::predecessor_map(parent.data()).distance_map(distance.data()).weight_map(weight_map));
    for (std::size_t v = 0; v < n; ++v) {
      if (v == source || parent[v] == v) continue;
      // The cheapest link between parent[v] and v (parallel entries are rejected by the loader).
      double best = std::numeric_limits<double>::infinity();
      for (const auto edge : boost::make_iterator_range(boost::out_edges(parent[v], graph_))) {
        if (boost::target(edge, graph_) != v) continue;
        const auto index = boost::get(boost::edge_index, graph_, edge);
        if (weights[index] < best) {
          best = weights[index];
          predecessor_[source][v] = index;
        }
      }
    }
  }
}

std::size_t Topology::arc_source(Arc arc) const {
  const auto& link = link_of(arc);
  return arc % 2 == 0 ? link.a : link.b;
}
std::size_t Topology::arc_target(Arc arc) const {
  const auto& link = link_of(arc);
  return arc % 2 == 0 ? link.b : link.a;
}

std::string Topology::describe(Arc arc) const {
  return system_.nodes[arc_source(arc)].id + " -> " + system_.nodes[arc_target(arc)].id + " (" +
         link_of(arc).kind + ")";
}

Route Topology::route(std::size_t from, std::size_t to) const {
  Route route;
  route.from = from;
  route.to = to;
  if (from == to) return route;
  std::vector<Arc> reversed;
  std::size_t node = to;
  while (node != from) {
    const std::size_t link_index = predecessor_.at(from).at(node);
    if (link_index == kNone) {
      throw ModelError("no route from " + system_.nodes[from].id + " to " + system_.nodes[to].id +
                       " in system " + system_.id);
    }
    const auto& link = system_.links[link_index];
    const std::size_t previous = link.a == node ? link.b : link.a;
    reversed.push_back(2 * link_index + (link.a == previous ? 0 : 1));
    node = previous;
  }
  route.arcs.assign(reversed.rbegin(), reversed.rend());
  route.bandwidth = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < route.arcs.size(); ++i) {
    const auto& link = link_of(route.arcs[i]);
    route.latency += link.latency.value;
    if (i > 0) route.latency += transit_latency(system_.nodes[arc_source(route.arcs[i])]);
    if (tier_rank(link.tier) > tier_rank(route.tier)) route.tier = link.tier;
    route.bandwidth = std::min(route.bandwidth, link.achievable_bandwidth());
  }
  return route;
}

TransferTime Topology::transfer_time(const std::vector<Flow>& flows) const {
  std::vector<double> load(2 * system_.links.size(), 0.0);
  for (const auto& flow : flows) {
    if (flow.from == flow.to || flow.bytes <= 0) continue;
    for (const Arc arc : route(flow.from, flow.to).arcs) load[arc] += flow.bytes;
  }
  TransferTime result;
  for (Arc arc = 0; arc < load.size(); ++arc) {
    if (load[arc] <= 0) continue;
    const double seconds = load[arc] / arc_bandwidth(arc);
    if (!result.bottleneck || seconds > result.seconds) {
      result.seconds = seconds;
      result.bottleneck = arc;
    }
  }
  return result;
}

double Topology::max_flow(const std::vector<std::size_t>& side_a,
                          const std::vector<std::size_t>& side_b, bool achievable) const {
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using FlowGraph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<
          boost::edge_capacity_t, std::int64_t,
          boost::property<boost::edge_residual_capacity_t, std::int64_t,
                          boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
  const std::size_t n = system_.nodes.size();
  FlowGraph flow_graph(n + 2);
  auto capacity = boost::get(boost::edge_capacity, flow_graph);
  auto reverse = boost::get(boost::edge_reverse, flow_graph);
  // Whole bytes/s: push-relabel checks flow conservation exactly, which doubles cannot promise.
  auto add_arc = [&](std::size_t u, std::size_t v, std::int64_t c) {
    const auto forward = boost::add_edge(u, v, flow_graph).first;
    const auto backward = boost::add_edge(v, u, flow_graph).first;
    capacity[forward] = c;
    capacity[backward] = 0;
    reverse[forward] = backward;
    reverse[backward] = forward;
  };
  std::int64_t total = 1;
  for (const auto& link : system_.links) {
    if (link.tier == Tier::host) continue;  // the collective fabric: scale-up and scale-out
    const auto c = std::llround(achievable ? link.achievable_bandwidth() : link.bandwidth());
    add_arc(link.a, link.b, c);
    add_arc(link.b, link.a, c);
    total += 2 * c;
  }
  const std::int64_t unbounded = total;  // more than any cut
  const std::size_t source = n;
  const std::size_t sink = n + 1;
  for (const auto node : side_a) add_arc(source, node, unbounded);
  for (const auto node : side_b) add_arc(node, sink, unbounded);
  return static_cast<double>(boost::push_relabel_max_flow(flow_graph, source, sink));
}

Bisection Topology::bisection(const std::vector<std::size_t>& accelerators, bool achievable) const {
  Bisection best;
  best.bandwidth = std::numeric_limits<double>::infinity();
  const std::size_t n = accelerators.size();
  if (n < 2) throw ModelError("bisection needs at least two accelerators");
  auto evaluate = [&](const std::vector<bool>& in_a) {
    std::vector<std::size_t> a;
    std::vector<std::size_t> b;
    for (std::size_t i = 0; i < n; ++i) (in_a[i] ? a : b).push_back(accelerators[i]);
    ++best.partitions;
    const double value = max_flow(a, b, achievable);
    if (value < best.bandwidth) {
      best.bandwidth = value;
      best.side = a;
    }
  };
  const std::size_t half = n / 2;
  if (n <= kExactBisectionLimit) {
    // Every balanced partition once: member 0 stays on side A.
    std::vector<bool> select(n - 1, false);
    std::fill(select.begin(), select.begin() + static_cast<std::ptrdiff_t>(half - 1), true);
    std::sort(select.begin(), select.end());
    do {
      std::vector<bool> in_a(n, false);
      in_a[0] = true;
      for (std::size_t i = 1; i < n; ++i) in_a[i] = select[i - 1];
      evaluate(in_a);
    } while (std::next_permutation(select.begin(), select.end()));
    best.exact = true;
    return best;
  }
  std::vector<bool> in_a(n, false);
  for (std::size_t i = 0; i < half; ++i) in_a[i] = true;  // halves in rank order
  evaluate(in_a);
  for (std::size_t i = 0; i < n; ++i) in_a[i] = i % 2 == 0;  // interleaved
  evaluate(in_a);
  // Along each dimension of a torus that holds these accelerators.
  for (const auto& torus : system_.tori) {
    std::size_t stride = 1;
    for (std::size_t d = torus.dims.size(); d-- > 0;) {
      std::fill(in_a.begin(), in_a.end(), false);
      for (std::size_t i = 0; i < n; ++i) {
        const auto it = std::find(torus.members.begin(), torus.members.end(), accelerators[i]);
        if (it == torus.members.end()) continue;
        const auto index = static_cast<std::size_t>(it - torus.members.begin());
        in_a[i] = (index / stride) % torus.dims[d] < torus.dims[d] / 2;
      }
      if (std::count(in_a.begin(), in_a.end(), true) == static_cast<std::ptrdiff_t>(half)) {
        evaluate(in_a);
      }
      stride *= torus.dims[d];
    }
  }
  std::mt19937 random(42);
  std::vector<std::size_t> order(n);
  for (std::size_t trial = 0; trial < kRandomBisections; ++trial) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), random);
    std::fill(in_a.begin(), in_a.end(), false);
    for (std::size_t i = 0; i < half; ++i) in_a[order[i]] = true;
    evaluate(in_a);
  }
  return best;
}

}  // namespace ridgeline::topology
