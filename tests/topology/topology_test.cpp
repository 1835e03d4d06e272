// The Boost.Graph topology: routes, scale-up domains, link loads and bisection bandwidth on
// topologies whose answers are known by hand.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ridgeline/topology/system.hpp"
#include "ridgeline/topology/topology.hpp"

namespace ridgeline::topology {
namespace {

const hw::SpecLibrary& specs() {
  static const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

const SystemLibrary& systems() {
  static const SystemLibrary library(specs());
  return library;
}

// `n` H100s linked among themselves by `pattern` (ring, all-to-all, torus with `dims`), one
// NVLink 4 link of 25 GB/s (achievable 100 %) per connection.
System mesh_system(std::size_t n, const std::string& pattern, nlohmann::json dims = nullptr) {
  nlohmann::json link{{"from", "gpu"},
                      {"to", "gpu"},
                      {"pattern", pattern},
                      {"kind", "nvlink4"},
                      {"tier", "scale-up"},
                      {"count", {{"value", 1}, {"source", "estimate"}}},
                      {"bandwidth_per_direction", {{"value", "25 GB/s"}, {"source", "estimate"}}},
                      {"latency", {{"value", "1 us"}, {"source", "estimate"}}},
                      {"achievable_fraction", {{"value", 1}, {"source", "estimate"}}}};
  if (!dims.is_null()) link["dims"] = dims;
  const nlohmann::json protocol{
      {"name", "Simple"},
      {"launch_latency", {{"value", "5 us"}, {"source", "estimate"}}},
      {"step_latency", {{"scale-up", {{"value", "2 us"}, {"source", "estimate"}}}}},
      {"bandwidth_fraction", {{"value", 1}, {"source", "estimate"}}}};
  const nlohmann::json document{
      {"schema", "ridgeline.system/1"},
      {"id", "test-" + pattern},
      {"name", pattern},
      {"sources", {{{"key", "T"}, {"url", "https://example.org"}}}},
      {"nodes",
       {{{"id", "gpu"}, {"kind", "accelerator"}, {"accelerator", "h100-sxm"}, {"count", n}}}},
      {"links", {link}},
      {"collective_library",
       {{"name", "test"},
        {"algorithms", {{"default", {"ring", "torus", "direct"}}}},
        {"protocols", {protocol}}}}};
  return system_from_json(document, "test.json", specs());
}

TEST(TopologyGraph, RoutesThroughTheSwitch) {
  const auto system = systems().system("dgx-h100");
  const Topology topology(system);
  const auto route = topology.route(system.accelerators[0], system.accelerators[5]);
  ASSERT_EQ(route.arcs.size(), 2u);  // gpu0 -> nvswitch -> gpu5
  EXPECT_EQ(system.nodes[topology.arc_target(route.arcs[0])].id, "nvswitch");
  EXPECT_EQ(route.tier, Tier::scale_up);
  // 0.1 us per NVLink + 0.1 us through the NVSwitch.
  EXPECT_NEAR(route.latency, 0.3e-6, 1e-12);
  // 18 × 25 GB/s × 0.8192 achievable.
  EXPECT_NEAR(route.bandwidth, 450e9 * 0.8192, 1e6);
}

TEST(TopologyGraph, CrossNodeRouteTakesTheNetwork) {
  const auto system = systems().system("dgx-h100-x4");
  const Topology topology(system);
  // GPU 0 of node 0 to GPU 0 of node 1: through NIC 0, rail 0, NIC 8 (rail-aligned, no spine).
  const auto route = topology.route(system.accelerators[0], system.accelerators[8]);
  std::vector<std::string> path;
  for (const auto arc : route.arcs) path.push_back(system.nodes[topology.arc_target(arc)].id);
  EXPECT_EQ(path, (std::vector<std::string>{"nic0", "rail0", "nic8", "gpu8"}));
  EXPECT_EQ(route.tier, Tier::scale_out);
  // Narrowest: the 400 Gb/s NDR port at 85 % = 42.5 GB/s.
  EXPECT_NEAR(route.bandwidth, 42.5e9, 1e6);
  EXPECT_NE(topology.domain_of(system.accelerators[0]), topology.domain_of(system.accelerators[8]));
  EXPECT_EQ(topology.domain_of(system.accelerators[0]), topology.domain_of(system.accelerators[7]));
}

TEST(TopologyGraph, TorusRoutesAreShortestWithWrapAround) {
  const auto system = mesh_system(64, "torus", {4, 4, 4});
  const Topology topology(system);
  // (0,0,0) to (3,3,3): one hop per dimension thanks to the wrap-around.
  EXPECT_EQ(topology.route(system.accelerators[0], system.accelerators[63]).arcs.size(), 3u);
  // (0,0,0) to (2,2,2): two hops per dimension.
  EXPECT_EQ(topology.route(system.accelerators[0], system.accelerators[42]).arcs.size(), 6u);
}

TEST(TopologyGraph, LinkLoadsAddUp) {
  const auto system = mesh_system(4, "ring");
  const Topology topology(system);
  const auto& a = system.accelerators;
  // Two flows of 1 GB from gpu0 to gpu2 (two hops each way round; both take the same route):
  // 2 GB over one 25 GB/s arc = 80 ms.
  const auto time = topology.transfer_time({{a[0], a[2], 1e9}, {a[0], a[2], 1e9}});
  EXPECT_NEAR(time.seconds, 2e9 / 25e9, 1e-12);
  ASSERT_TRUE(time.bottleneck.has_value());
  EXPECT_EQ(topology.link_of(*time.bottleneck).kind, "nvlink4");
}

// Bisection bandwidth, per direction, from the max-flow of the graph.
TEST(TopologyGraph, BisectionOfKnownTopologies) {
  {
    // A ring of 8: any balanced cut crosses at least 2 links: 2 × 25 GB/s.
    const auto system = mesh_system(8, "ring");
    const auto bisection = Topology(system).bisection(system.accelerators);
    EXPECT_TRUE(bisection.exact);
    EXPECT_EQ(bisection.partitions, 35u);  // C(7,3): balanced partitions with gpu0 on side A
    EXPECT_NEAR(bisection.bandwidth, 50e9, 1);
  }
  {
    // A full mesh of 8: 4 × 4 links cross any balanced cut: 16 × 25 GB/s = 400 GB/s.
    const auto system = mesh_system(8, "all-to-all");
    EXPECT_NEAR(Topology(system).bisection(system.accelerators).bandwidth, 400e9, 1);
  }
  {
    // A 4×4×4 torus cut across one dimension: 16 lines × 2 links (the wrap-around doubles it)
    // × 25 GB/s = 800 GB/s; no balanced cut is narrower.
    const auto system = mesh_system(64, "torus", {4, 4, 4});
    const auto bisection = Topology(system).bisection(system.accelerators);
    EXPECT_FALSE(bisection.exact);
    EXPECT_NEAR(bisection.bandwidth, 800e9, 1);
  }
  {
    // DGX H100: 4 GPUs × 450 GB/s into the non-blocking switch; the host's PCIe is not part of
    // the collective fabric.
    const auto system = systems().system("dgx-h100");
    const Topology topology(system);
    EXPECT_NEAR(topology.bisection(system.accelerators).bandwidth, 4 * 450e9, 1);
    EXPECT_NEAR(topology.bisection(system.accelerators, true).bandwidth, 4 * 450e9 * 0.8192, 1e6);
  }
  {
    // 4 DGX H100 on a rail-optimised NDR fabric: halving the nodes cuts 2 nodes × 8 NICs ×
    // 50 GB/s = 800 GB/s (the spine has as many uplinks as downlinks).
    const auto system = systems().system("dgx-h100-x4");
    EXPECT_NEAR(Topology(system).bisection(system.accelerators).bandwidth, 800e9, 1);
  }
}

}  // namespace
}  // namespace ridgeline::topology
