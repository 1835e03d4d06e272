#pragma once
// The topology of a system as a Boost.Graph graph: vertices are the system's nodes, edges its
// links. Routes, scale-up domains, link loads and bisection bandwidth are all computed from the
// graph, never from per-system constants.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "ridgeline/topology/system.hpp"

namespace ridgeline::topology {

// Undirected graph; each edge's index is the index of its SystemLink.
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_index_t, std::size_t>>;

// A link used in one direction: arc = 2 × link + 0 for a → b, 2 × link + 1 for b → a. Links are
// full duplex: the two arcs of a link have their own bandwidth.
using Arc = std::size_t;

struct Route {
  std::size_t from = 0;  // node indices
  std::size_t to = 0;
  std::vector<Arc> arcs;
  double latency = 0;          // Σ link latencies + latencies of the switches/NICs passed
  Tier tier = Tier::scale_up;  // slowest tier on the route (scale-up < host < scale-out)
  double bandwidth = 0;        // achievable bandwidth of the narrowest arc, bytes/s
};

// Bytes to move from one node to another (accelerators, or a switch for in-network reduction).
struct Flow {
  std::size_t from = 0;
  std::size_t to = 0;
  double bytes = 0;
};

// Time to move a set of flows that run at once: every flow takes its route, and each arc carries
// the sum of the flows crossing it; the most loaded arc (load / achievable bandwidth) binds.
struct TransferTime {
  double seconds = 0;
  std::optional<Arc> bottleneck;
};

struct Bisection {
  double bandwidth = 0;           // bytes/s per direction across the cut
  bool exact = false;             // every balanced partition evaluated (n <= 16)
  std::size_t partitions = 0;     // partitions evaluated
  std::vector<std::size_t> side;  // accelerator nodes on one side of the minimum cut
};

class Topology {
 public:
  // Keeps a reference to `system`, which must outlive the topology.
  explicit Topology(const System& system);

  const System& system() const { return system_; }
  const Graph& graph() const { return graph_; }

  // The route between two nodes that minimises latency + 1 MiB / achievable bandwidth over its
  // links (Dijkstra): wide links first, latency breaks ties. Throws ModelError if unreachable.
  Route route(std::size_t from, std::size_t to) const;

  // Scale-up domains: connected components of the graph restricted to scale-up links.
  std::size_t domain_of(std::size_t node) const { return domain_.at(node); }

  TransferTime transfer_time(const std::vector<Flow>& flows) const;

  // Minimum over balanced bipartitions of `accelerators` (node indices) of the max-flow between
  // the two halves (Boost push-relabel) over the collective fabric (scale-up and scale-out links;
  // host links left out), with line rates (or achievable rates). Exact for up to 16
  // accelerators; above, the minimum over structured cuts (halves in rank order — whole scale-up
  // domains when they are contiguous —, interleaved, along each torus dimension) and 64 seeded
  // random ones.
  Bisection bisection(const std::vector<std::size_t>& accelerators, bool achievable = false) const;

  const SystemLink& link_of(Arc arc) const { return system_.links.at(arc / 2); }
  std::size_t arc_source(Arc arc) const;
  std::size_t arc_target(Arc arc) const;
  double arc_bandwidth(Arc arc) const { return link_of(arc).achievable_bandwidth(); }
  std::string describe(Arc arc) const;  // "gpu0 -> nvswitch (nvlink4)"

 private:
  double max_flow(const std::vector<std::size_t>& side_a, const std::vector<std::size_t>& side_b,
                  bool achievable) const;

  const System& system_;
  Graph graph_;
  std::vector<std::size_t> domain_;
  // predecessor_[s][v]: the link by which the route from s reaches v (npos at s / unreachable).
  std::vector<std::vector<std::size_t>> predecessor_;
};

}  // namespace ridgeline::topology
