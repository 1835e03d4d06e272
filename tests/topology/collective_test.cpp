// Collective costs against hand derivations (formulas in the comments) and the published figures
// they were calibrated on; the algorithm registry; groups for parallel layouts.

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/collective_report.hpp"

namespace ridgeline::topology {
namespace {

const hw::SpecLibrary& specs() {
  static const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

const CollectiveModel& shipped(const std::string& id) {
  static std::map<std::string, std::unique_ptr<CollectiveModel>> models;
  static const SystemLibrary library(specs());
  auto& model = models[id];
  if (!model) model = std::make_unique<CollectiveModel>(library.system(id));
  return *model;
}

// 8 H100s in a physical ring (each linked to its two neighbours by one link of 25 GB/s per
// direction, achievable 100 %, 1 us of wire latency), one protocol: launch 5 us, 2 us per step.
System uniform_ring(std::size_t n) {
  const auto value = [](const std::string& v) {
    return nlohmann::json{{"value", v}, {"source", "estimate"}};
  };
  const nlohmann::json document{
      {"schema", "ridgeline.system/1"},
      {"id", "ring"},
      {"name", "uniform ring"},
      {"sources", {{{"key", "T"}, {"url", "https://example.org"}}}},
      {"nodes",
       {{{"id", "gpu"}, {"kind", "accelerator"}, {"accelerator", "h100-sxm"}, {"count", n}}}},
      {"links",
       {{{"from", "gpu"},
         {"to", "gpu"},
         {"pattern", "ring"},
         {"kind", "nvlink4"},
         {"tier", "scale-up"},
         {"count", {{"value", 1}, {"source", "T"}}},
         {"bandwidth_per_direction", value("25 GB/s")},
         {"latency", value("1 us")},
         {"achievable_fraction", {{"value", 1}, {"source", "estimate"}}}}}},
      {"collective_library",
       {{"name", "test"},
        {"algorithms", {{"default", {"ring", "tree", "direct"}}}},
        {"protocols",
         {{{"name", "Simple"},
           {"launch_latency", value("5 us")},
           {"step_latency", {{"scale-up", value("2 us")}}},
           {"bandwidth_fraction", {{"value", 1}, {"source", "estimate"}}}}}}}}};
  return system_from_json(document, "ring.json", specs());
}

TEST(CollectiveRing, AllReduceOnAUniformRingMatchesTheFormula) {
  const CollectiveModel model(uniform_ring(8));
  const double bytes = 1e9;
  const auto cost =
      model.cost(CollectiveOp::all_reduce, bytes, whole_system(model.system()), "ring");
  // Ring all-reduce (Patarasuk & Yuan 2009): t = launch + 2(n−1)·α + 2(n−1)/n · S / B.
  // n = 8; α = 2 us (protocol step) + 1 us (one link of wire latency) = 3 us; the rings run in
  // both directions of the physical ring, so each rank sends over its two links:
  // B = 2 × 25 GB/s = 50 GB/s.
  //   t = 5 us + 14 × 3 us + 14/8 × 1e9 / 50e9 s = 5 + 42 us + 35 ms = 35.047 ms.
  EXPECT_NEAR(cost.time_s, 5e-6 + 14 * 3e-6 + 14.0 / 8.0 * bytes / 50e9, 1e-9);
  EXPECT_EQ(cost.algorithm, "ring");
  EXPECT_EQ(cost.steps, 14);
  // nccl-tests: algbw = S / t, busbw = algbw × 2(n−1)/n → 50 GB/s less the latency share.
  EXPECT_NEAR(cost.algbw, bytes / cost.time_s, 1);
  EXPECT_NEAR(cost.busbw, cost.algbw * 14.0 / 8.0, 1);
  EXPECT_EQ(cost.bound, "nvlink4");
  // Small messages: the 47 us of latency dominate a 1 KiB message (0.036 us of transfer).
  const auto small =
      model.cost(CollectiveOp::all_reduce, 1024, whole_system(model.system()), "ring");
  EXPECT_NEAR(small.time_s, 47e-6 + 14.0 / 8.0 * 1024 / 50e9, 1e-12);
  EXPECT_EQ(small.bound, "latency");
}

TEST(CollectiveRing, AllGatherAndReduceScatterTakeHalfTheSteps) {
  const CollectiveModel model(uniform_ring(8));
  const auto group = whole_system(model.system());
  const double bytes = 8e8;
  for (const auto op : {CollectiveOp::all_gather, CollectiveOp::reduce_scatter}) {
    const auto cost = model.cost(op, bytes, group, "ring");
    // n−1 = 7 steps of (2 + 1) us; (n−1)/n · S / (2 × 25 GB/s).
    EXPECT_NEAR(cost.time_s, 5e-6 + 7 * 3e-6 + 7.0 / 8.0 * bytes / 50e9, 1e-9) << op_name(op);
    EXPECT_NEAR(cost.busbw, cost.algbw * 7.0 / 8.0, 1);
  }
}

TEST(CollectiveDirect, AllToAllOnTheSwitchIsBoundByTheUplink) {
  const auto& model = shipped("dgx-h100");
  const double bytes = 4.0 * (1 << 30);
  const auto cost = model.cost(CollectiveOp::all_to_all, bytes, whole_system(model.system()));
  EXPECT_EQ(cost.algorithm, "direct");
  // Each rank sends (n−1)/n · S through its 18 × 25 GB/s × 0.8192 = 368.6 GB/s uplink; Simple:
  // launch 16.8 us + one step of 6.8 us + 0.3 us of route.
  const double uplink = 450e9 * 0.8192;
  EXPECT_NEAR(cost.time_s, 16.8e-6 + 7.1e-6 + 7.0 / 8.0 * bytes / uplink, 1e-7);
  EXPECT_NEAR(cost.busbw, uplink, uplink * 0.01);  // busbw = algbw × (n−1)/n ≈ the uplink
}

TEST(CollectiveInSwitch, DgxH100AllReduceMatchesThePublishedNvlsFigure) {
  const auto& model = shipped("dgx-h100");
  const auto group = whole_system(model.system());
  const auto cost = model.cost(CollectiveOp::all_reduce, 8.0 * (1 << 30), group);
  // AZB: 478.87 GB/s busbw at 8 GiB with NVLS (NCCL 2.18.5); acceptance: within 5 %.
  EXPECT_NEAR(cost.busbw, 478.87e9, 0.05 * 478.87e9);
  EXPECT_EQ(cost.algorithm, "in-switch");
  // The NVLS algbw ≈ 275 GB/s of nccl-tests issue #212.
  EXPECT_NEAR(cost.algbw, 275e9, 0.02 * 275e9);
  // Each GPU moves S each way: S / (450 GB/s × 0.8192 × 0.7435) = S / 274.1 GB/s.
  EXPECT_NEAR(cost.bandwidth_s, 8.0 * (1 << 30) / (450e9 * 0.8192 * 0.7435), 1e-6);
  const auto small = model.cost(CollectiveOp::all_reduce, 32 * 1024, group);
  EXPECT_EQ(small.bound, "latency");
  // Without NVLS the ring gets 450 GB/s × 0.8192 ≈ 368 GB/s (STAS-AR: 367.61 on 8×H200).
  const auto ring = model.cost(CollectiveOp::all_reduce, 8.0 * (1 << 30), group, "ring");
  EXPECT_NEAR(ring.busbw, 367.61e9, 0.01 * 367.61e9);
  // NVLS does not apply where no switch reduces.
  EXPECT_THROW(shipped("mi300x-8")
                   .cost(CollectiveOp::all_reduce, 1e9, whole_system(shipped("mi300x-8").system()),
                         "in-switch"),
               ModelError);
}

TEST(CollectiveTorus, AllReduceUsesEverySixLinksOfTheCube) {
  const auto& model = shipped("tpu-v5p-64");
  const double bytes = 8.0 * (1 << 30);
  const auto cost = model.cost(CollectiveOp::all_reduce, bytes, whole_system(model.system()));
  EXPECT_EQ(cost.algorithm, "torus");
  // 3 parts of S/3, each reduce-scattering along the dimensions in a rotated order with
  // bidirectional rings of 4: a link carries (e−1)·f/(2e) per level, f = 1/3, 1/12, 1/48:
  //   3/8 · (1/3 + 1/12 + 1/48) = 21/128 of S per level sequence; all-reduce = twice = 21/64 S
  // over 100 GB/s × 0.927 per link. busbw = S/t · 2·63/64 → 6 links × 92.7 GB/s = 556 GB/s.
  EXPECT_NEAR(cost.bandwidth_s, 21.0 / 64.0 * bytes / 92.7e9, 1e-6);
  EXPECT_NEAR(cost.busbw, 6 * 92.7e9, 0.01 * 6 * 92.7e9);
  // A 4-chip line along one dimension (ranks 0..3 differ in the last coordinate) is a box too,
  // where the torus algorithm is one bidirectional ring: the same as the ring algorithm,
  // 2·3/4 · S / (2 × 92.7 GB/s).
  const auto first4 = first_ranks(model.system(), 4);
  const auto line = model.cost(CollectiveOp::all_reduce, bytes, first4, "torus");
  EXPECT_NEAR(line.bandwidth_s, 1.5 * bytes / (2 * 92.7e9), 1e-6);
  EXPECT_NEAR(line.time_s, model.cost(CollectiveOp::all_reduce, bytes, first4, "ring").time_s,
              1e-9);
}

TEST(CollectiveRing, RingsOverAFullMeshUseEveryLink) {
  const auto& model = shipped("mi300x-8");
  const auto cost =
      model.cost(CollectiveOp::all_reduce, 8.0 * (1 << 30), whole_system(model.system()));
  EXPECT_EQ(cost.algorithm, "ring");
  // 7 arc-disjoint Hamiltonian rings (Tillson 1980) over the 7 xGMI links of each GPU:
  // busbw ≈ 7 × 64 GB/s × 0.7089 = 317.6 GB/s (AZB: 316.82).
  EXPECT_NE(cost.detail.find("7 rings"), std::string::npos) << cost.detail;
  EXPECT_NEAR(cost.busbw, 316.82e9, 0.01 * 316.82e9);
}

TEST(CollectiveHierarchical, MultiNodeAllReduceIsHierarchicalAndNetworkAware) {
  const auto& model = shipped("dgx-h100-x4");
  const auto group = whole_system(model.system());
  const auto big = model.cost(CollectiveOp::all_reduce, 8.0 * (1 << 30), group);
  EXPECT_EQ(big.algorithm, "hierarchical");
  // Across nodes each of the 8 rails carries the all-reduce of S/8 over 4 nodes:
  //   2·3/4 · S/8 / 42.5 GB/s (the NDR port at 85 %) = 4.41e-12 s/B.
  // Inside, NVLS reduce-scatter + all-gather overlap: S + S/8 per direction over
  //   450 GB/s × 0.8192 × 0.7435 NVLS efficiency = 4.10e-12 s/B; with rings instead,
  //   2 · 7/8 · S / 368.6 GB/s = 4.75e-12 s/B. Pipelined, the slower part binds: the network.
  const double network = 2 * 0.75 / 8 / 42.5e9;
  EXPECT_NEAR(big.bandwidth_s, 8.0 * (1 << 30) * network, 1e-5);
  EXPECT_EQ(big.bound, "ib-ndr");
  EXPECT_NE(big.detail.find("in-switch inside"), std::string::npos) << big.detail;
  // Within one node, the same system behaves as a DGX H100.
  const auto node =
      model.cost(CollectiveOp::all_reduce, 8.0 * (1 << 30), first_ranks(model.system(), 8));
  EXPECT_EQ(node.algorithm, "in-switch");
  // A pipeline-parallel hop between nodes is bound by the NIC's port: 42.5 GB/s.
  const auto hop = model.point_to_point(0, 8, 1e9);
  EXPECT_EQ(hop.bound, "ib-ndr");
  EXPECT_NEAR(hop.bandwidth_s, 1e9 / 42.5e9, 1e-6);
}

TEST(CollectiveModelTest, LatencyBoundAtSmallSizesBandwidthBoundAtLarge) {
  for (const auto* id : {"dgx-a100", "dgx-h100", "hgx-h200", "mi300x-8", "dgx-b200"}) {
    const auto& model = shipped(id);
    const auto group = whole_system(model.system());
    const auto small = model.cost(CollectiveOp::all_reduce, 32 * 1024, group);
    EXPECT_EQ(small.bound, "latency") << id;
    EXPECT_GT(small.latency_s, 10 * small.bandwidth_s) << id;
    const auto large = model.cost(CollectiveOp::all_reduce, 4.0 * (1 << 30), group);
    EXPECT_NE(large.bound, "latency") << id;
    // busbw rises monotonically with size (nccl-tests curves do).
    double previous = 0;
    for (const double size : sweep_sizes(32 * 1024, 4.0 * (1 << 30))) {
      const auto cost = model.cost(CollectiveOp::all_reduce, size, group);
      EXPECT_GE(cost.busbw, previous * 0.999) << id << " at " << size;
      previous = cost.busbw;
    }
  }
}

TEST(CollectiveModelTest, BusBandwidthFactorsFollowNcclTests) {
  // nccl-tests doc/PERFORMANCE.md.
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::all_reduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::all_gather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::reduce_scatter, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::all_to_all, 2), 0.5);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::broadcast, 8), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::send_recv, 8), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::all_reduce, 1), 0.0);
}

TEST(CollectiveModelTest, EveryOpRunsOnEveryShippedSystem) {
  const SystemLibrary library(specs());
  for (const auto& id : library.ids()) {
    const auto& model = shipped(id);
    for (const auto op :
         {CollectiveOp::all_reduce, CollectiveOp::all_gather, CollectiveOp::reduce_scatter,
          CollectiveOp::all_to_all, CollectiveOp::broadcast, CollectiveOp::send_recv}) {
      const auto cost = model.cost(op, 1 << 20, whole_system(model.system()));
      EXPECT_GT(cost.time_s, 0) << id << " " << op_name(op);
      EXPECT_TRUE(std::isfinite(cost.busbw)) << id << " " << op_name(op);
    }
  }
}

TEST(CollectiveModelTest, BadRequestsAreErrors) {
  const auto& model = shipped("dgx-h100");
  const auto group = whole_system(model.system());
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, 0, group), InputError);
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, -8, group), InputError);
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, NAN, group), InputError);
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, 1e6, group, "butterfly"), ModelError);
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, 1e6, Group{{0, 8}}), InputError);
  EXPECT_THROW(model.cost(CollectiveOp::all_reduce, 1e6, Group{{1, 1}}), InputError);
  try {
    first_ranks(model.system(), 9);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(
        std::string(error.what()).find("9 accelerators requested, but system 'dgx-h100' has 8"),
        std::string::npos)
        << error.what();
  }
  // A group of one moves nothing.
  const auto alone = model.cost(CollectiveOp::all_reduce, 1e6, Group{{3}});
  EXPECT_EQ(alone.time_s, 0);
  EXPECT_EQ(alone.algorithm, "local");
}

TEST(CollectiveModelTest, ParallelGroupsFollowMegatronOrder) {
  const auto& system = shipped("dgx-h100-x4").system();
  // rank = t + tp × (d + dp × p); tp 8, dp 2, pp 2 on 32 GPUs.
  const ParallelLayout layout{8, 2, 2, 2};
  EXPECT_EQ(parallel_group(system, layout, ParallelAxis::tensor, 10).ranks,
            (std::vector<std::size_t>{8, 9, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(parallel_group(system, layout, ParallelAxis::data, 10).ranks,
            (std::vector<std::size_t>{2, 10}));
  EXPECT_EQ(parallel_group(system, layout, ParallelAxis::pipeline, 10).ranks,
            (std::vector<std::size_t>{10, 26}));
  EXPECT_EQ(parallel_group(system, layout, ParallelAxis::expert, 10).ranks,
            (std::vector<std::size_t>{2, 10}));
  EXPECT_THROW(parallel_group(system, {8, 4, 2, 1}, ParallelAxis::tensor, 0), InputError);
  EXPECT_THROW(parallel_group(system, {8, 2, 1, 3}, ParallelAxis::expert, 0), InputError);
  // A TP group of 2 inside a node: in-switch reduction is available to it.
  const auto& model = shipped("dgx-h100");
  const auto tp2 = parallel_group(model.system(), {2, 4, 1, 1}, ParallelAxis::tensor, 5);
  EXPECT_EQ(tp2.ranks, (std::vector<std::size_t>{4, 5}));
  EXPECT_GT(model.cost(CollectiveOp::all_reduce, 16 * 1024, tp2).time_s, 0);
}

// A plug-in algorithm registers with one line and is priced like the built-in ones.
class NullAlgorithm final : public CollectiveAlgorithm {
 public:
  std::string_view name() const override { return "test-null"; }
  std::string_view description() const override { return "a test algorithm: one free step"; }
  std::vector<CostShape> shapes(const AlgorithmContext&, std::string&) const override {
    CostShape shape;
    shape.algorithm = "test-null";
    shape.steps = {{Tier::scale_up, 1, 0}};
    shape.seconds_per_byte = 1e-12;  // 1 TB/s
    return {shape};
  }
};

TEST(CollectiveRegistry, BuiltinsAndPlugins) {
  auto& registry = AlgorithmRegistry::instance();
  for (const auto* name : {"ring", "tree", "in-switch", "direct", "torus", "hierarchical"}) {
    ASSERT_NE(registry.find(name), nullptr) << name;
    EXPECT_FALSE(registry.find(name)->description().empty());
  }
  if (registry.find("test-null") == nullptr) registry.add(std::make_unique<NullAlgorithm>());
  EXPECT_THROW(registry.add(std::make_unique<NullAlgorithm>()), ModelError);
  const CollectiveModel model(uniform_ring(4));
  const auto cost =
      model.cost(CollectiveOp::all_reduce, 1e9, whole_system(model.system()), "test-null");
  // launch 5 us + one step of 2 us + 1e9 B × 1e-12 s/B.
  EXPECT_NEAR(cost.time_s, 7e-6 + 1e-3, 1e-12);
  EXPECT_FALSE(cost.in_library);
}

TEST(CollectiveReport, SizesAndSweeps) {
  EXPECT_DOUBLE_EQ(parse_message_size("8GiB", "--bytes"), 8.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(parse_message_size("32 KiB", "--bytes"), 32768);
  EXPECT_DOUBLE_EQ(parse_message_size("1048576", "--bytes"), 1048576);
  EXPECT_THROW(parse_message_size("0", "--bytes"), InputError);
  EXPECT_THROW(parse_message_size("-5", "--bytes"), InputError);
  EXPECT_THROW(parse_message_size("8 GiBs", "--bytes"), InputError);
  // 4 KiB .. 8 GiB doubling: 2^12 .. 2^33 = 22 sizes.
  EXPECT_EQ(parse_sweep("4KiB:8GiB").size(), 22u);
  EXPECT_THROW(parse_sweep("8GiB:4KiB"), InputError);
  EXPECT_THROW(parse_sweep("8GiB"), InputError);
}

}  // namespace
}  // namespace ridgeline::topology
