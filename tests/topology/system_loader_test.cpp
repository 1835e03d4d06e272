// The system loader (hwspecs/systems/*.json, ridgeline.system/1): the shipped systems load with
// the structure their datasheets give, and every class of bad input is an InputError naming the
// file and the JSON pointer.

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/topology/topology.hpp"

namespace ridgeline::topology {
namespace {

const hw::SpecLibrary& specs() {
  static const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

// A small valid system: 4 H100 on one switch with NVLS, one host.
nlohmann::json small_system() {
  return nlohmann::json::parse(R"({
    "schema": "ridgeline.system/1",
    "id": "test-4",
    "name": "four GPUs on a switch",
    "sources": [{"key": "T", "url": "https://example.org"}],
    "nodes": [
      {"id": "gpu", "kind": "accelerator", "accelerator": "h100-sxm", "count": 4},
      {"id": "sw", "kind": "switch", "latency": {"value": "0.1 us", "source": "estimate"},
       "in_network_reduction": {"name": "NVLS", "protocol": "Simple",
                                "efficiency": {"value": 0.75, "source": "estimate"},
                                "latency": {"value": "10 us", "source": "estimate"}}},
      {"id": "host", "kind": "host"}
    ],
    "links": [
      {"from": "gpu", "to": "sw", "pattern": "blocks", "kind": "nvlink4", "tier": "scale-up",
       "count": {"value": 18, "source": "T"},
       "bandwidth_per_direction": {"value": "25 GB/s", "source": "T"},
       "latency": {"value": "0.1 us", "source": "estimate"},
       "achievable_fraction": {"value": 0.8, "source": "estimate"}},
      {"from": "gpu", "to": "host", "pattern": "blocks", "kind": "pcie5-x16", "tier": "host",
       "count": {"value": 1, "source": "T"},
       "bandwidth_per_direction": {"value": "63 GB/s", "source": "T"},
       "latency": {"value": "0.5 us", "source": "estimate"},
       "achievable_fraction": {"value": 0.8, "source": "estimate"}}
    ],
    "collective_library": {
      "name": "test library",
      "algorithms": {"default": ["ring", "in-switch"], "all-to-all": ["direct"]},
      "protocols": [
        {"name": "Simple",
         "launch_latency": {"value": "5 us", "source": "estimate"},
         "step_latency": {"scale-up": {"value": "2 us", "source": "estimate"},
                          "host": {"value": "3 us", "source": "estimate"}},
         "bandwidth_fraction": {"value": 1, "source": "estimate"}}
      ]
    }
  })");
}

// The problems of loading `document`, or an empty list if it loads.
std::vector<InputProblem> problems_of(const nlohmann::json& document) {
  try {
    system_from_json(document, "bad.json", specs());
  } catch (const InputError& error) {
    return error.problems();
  }
  return {};
}

// Expects a problem at `pointer` whose message contains `text`, all in file bad.json.
void expect_problem(const nlohmann::json& document, const std::string& pointer,
                    const std::string& text) {
  const auto problems = problems_of(document);
  ASSERT_FALSE(problems.empty()) << "expected a problem at " << pointer;
  bool found = false;
  std::string all;
  for (const auto& problem : problems) {
    all += problem.to_string() + "\n";
    EXPECT_EQ(problem.file, "bad.json");
    if (problem.where == pointer && problem.message.find(text) != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "wanted '" << text << "' at " << pointer << "; got:\n" << all;
}

TEST(SystemLoader, SmallSystemLoadsAndExpandsCounts) {
  const auto system = system_from_json(small_system(), "test.json", specs());
  ASSERT_EQ(system.size(), 4u);
  EXPECT_EQ(system.rank_node(3).id, "gpu3");
  EXPECT_EQ(system.accelerator(0).id, "h100-sxm");
  // 4 gpu-sw links + 4 gpu-host links.
  EXPECT_EQ(system.links.size(), 8u);
  // 18 × 25 GB/s = 450 GB/s per direction; × 0.8 achievable = 360 GB/s.
  EXPECT_DOUBLE_EQ(system.links[0].bandwidth(), 450e9);
  EXPECT_DOUBLE_EQ(system.links[0].achievable_bandwidth(), 360e9);
  EXPECT_TRUE(system.library.implements(CollectiveOp::all_reduce, "in-switch"));
  EXPECT_FALSE(system.library.implements(CollectiveOp::all_to_all, "ring"));
  EXPECT_TRUE(system.library.implements(CollectiveOp::all_to_all, "direct"));
}

TEST(SystemLoader, EveryRequiredShippedSystemLoads) {
  const SystemLibrary library(specs());
  // id → accelerators, scale-up domains, accelerator id (hardware-facts.md §3, §5).
  const std::map<std::string, std::tuple<std::size_t, std::size_t, std::string>> expected{
      {"dgx-a100", {8, 1, "a100-sxm"}},  {"dgx-h100", {8, 1, "h100-sxm"}},
      {"hgx-h200", {8, 1, "h200"}},      {"dgx-b200", {8, 1, "b200"}},
      {"gb200-nvl72", {72, 1, "gb200"}}, {"mi300x-8", {8, 1, "mi300x"}},
      {"gaudi3-8", {8, 1, "gaudi3"}},    {"tpu-v5p-64", {64, 1, "tpu-v5p"}},
      {"h800-8", {8, 1, "h100-sxm"}},    {"dgx-h100-x4", {32, 4, "h100-sxm"}}};
  const auto ids = library.ids();
  for (const auto& [id, shape] : expected) {
    ASSERT_TRUE(std::find(ids.begin(), ids.end(), id) != ids.end()) << "missing " << id;
    const auto system = library.system(id);
    const auto& [accelerators, domains, accelerator] = shape;
    EXPECT_EQ(system.size(), accelerators) << id;
    EXPECT_EQ(system.accelerator(0).id, accelerator) << id;
    const Topology topology(system);
    std::set<std::size_t> seen;
    for (const auto node : system.accelerators) seen.insert(topology.domain_of(node));
    EXPECT_EQ(seen.size(), domains) << id;
  }
  // H800: NVLink cut to 8 links × 25 GB/s = 200 GB/s per direction (400 bidirectional).
  const auto h800 = library.system("h800-8");
  EXPECT_DOUBLE_EQ(h800.links[0].bandwidth(), 200e9);
}

TEST(SystemLoader, UnknownAcceleratorIdNamesPointerAndKnownIds) {
  auto document = small_system();
  document["nodes"][0]["accelerator"] = "h100-sxn";
  expect_problem(document, "/nodes/0/accelerator", "unknown accelerator 'h100-sxn'");
  expect_problem(document, "/nodes/0/accelerator", "h100-sxm");
}

TEST(SystemLoader, LinkToMissingNode) {
  auto document = small_system();
  document["links"][0]["to"] = "nvswitch";
  expect_problem(document, "/links/0/to", "link to a missing node 'nvswitch'");
}

TEST(SystemLoader, DuplicateNodeIds) {
  auto document = small_system();
  document["nodes"][2]["id"] = "sw";
  expect_problem(document, "/nodes/2/id", "duplicate node id 'sw'");
  // An expanded id colliding with a single node.
  document = small_system();
  document["nodes"][2]["id"] = "gpu2";
  expect_problem(document, "/nodes/2/id", "duplicate node id 'gpu2'");
}

TEST(SystemLoader, DisconnectedAccelerators) {
  auto document = small_system();
  // Only gpu0..gpu1 reach the switch (a separate node "gpu2"/"gpu3" cannot exist: drop the
  // pattern and link two single nodes instead).
  document["links"] = nlohmann::json::array({document["links"][0]});
  document["links"][0]["from"] = "gpu0";
  document["links"][0]["to"] = "sw";
  document["links"][0].erase("pattern");
  expect_problem(document, "/links", "disconnected accelerators: gpu1, gpu2, gpu3");
}

TEST(SystemLoader, MoreLinksThanTheAcceleratorHas) {
  auto document = small_system();
  document["links"][0]["count"]["value"] = 20;  // an H100 has 18 NVLink 4 links
  expect_problem(document, "/links/0/count",
                 "uses 20 nvlink4 links, but accelerator 'h100-sxm' has 18");
  document = small_system();
  document["links"][0]["bandwidth_per_direction"]["value"] = "50 GB/s";
  expect_problem(document, "/links/0/bandwidth_per_direction", "exceeds the 25 GB/s per link");
}

TEST(SystemLoader, FieldLevelProblemsAreAllReported) {
  auto document = small_system();
  document["links"][0]["bandwidth"] = "450 GB/s";                        // unknown field
  document["links"][0]["latency"]["value"] = "0.1 parsecs";              // unknown unit
  document["links"][0]["achievable_fraction"]["value"] = 1.2;            // not a fraction
  document["links"][0]["tier"] = "scale-sideways";                       // unknown tier
  document["nodes"][1]["kind"] = "router";                               // unknown kind
  document["collective_library"]["algorithms"]["default"][0] = "ringg";  // unknown algorithm
  const auto problems = problems_of(document);
  std::set<std::string> where;
  for (const auto& problem : problems) where.insert(problem.where);
  for (const auto* pointer :
       {"/links/0/bandwidth", "/links/0/latency/value", "/links/0/achievable_fraction/value",
        "/links/0/tier", "/nodes/1/kind", "/collective_library/algorithms/default/0"}) {
    EXPECT_TRUE(where.count(pointer)) << pointer;
  }
}

TEST(SystemLoader, PatternsAreChecked) {
  auto document = small_system();
  document["links"][0]["pattern"] = "pairs";  // 4 gpus vs 1 switch
  expect_problem(document, "/links/0/pattern", "equal size");
  document["links"][0]["pattern"] = "star";
  expect_problem(document, "/links/0/pattern", "unknown pattern 'star'");
  document = small_system();
  document["links"][0]["to"] = "gpu";
  document["links"][0]["pattern"] = "torus";
  document["links"][0]["dims"] = {3, 2};
  expect_problem(document, "/links/0/dims", "must equal the 4 nodes");
  document = small_system();
  document["links"][0].erase("pattern");
  expect_problem(document, "/links/0", "give a pattern");
}

TEST(SystemLoader, SelfLinksAndRepeatedLinks) {
  auto document = small_system();
  document["links"].push_back(document["links"][0]);
  expect_problem(document, "/links/2", "already linked by /links/0");
  document = small_system();
  document["links"][1]["from"] = "host";
  document["links"][1]["to"] = "host";
  document["links"][1].erase("pattern");
  expect_problem(document, "/links/1", "to itself");
}

TEST(SystemLoader, ProtocolsMustCoverTheTiersUsed) {
  auto document = small_system();
  document["collective_library"]["protocols"][0]["step_latency"].erase("host");
  expect_problem(document, "/links/1/tier", "no step_latency for tier 'host'");
  document = small_system();
  document["nodes"][1]["in_network_reduction"]["protocol"] = "LL";
  expect_problem(document, "/nodes/1/in_network_reduction/protocol", "not one of");
}

TEST(SystemLoader, UnknownSystemIdListsKnownOnes) {
  const SystemLibrary library(specs());
  try {
    library.system("dgx-h200");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("unknown system 'dgx-h200'"), std::string::npos) << message;
    EXPECT_NE(message.find("hgx-h200"), std::string::npos) << message;
  }
}

TEST(SystemLoader, ValidateReportsEveryFile) {
  const std::string good = std::string(RIDGELINE_HWSPECS_DIR) + "/systems/dgx-h100.json";
  const auto checks = validate_system_files({good, good, "/nonexistent/x.json"}, specs());
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_TRUE(checks[0].problems.empty());
  ASSERT_EQ(checks[1].problems.size(), 1u);  // the same id twice
  EXPECT_NE(checks[1].problems[0].message.find("duplicate id 'dgx-h100'"), std::string::npos);
  EXPECT_FALSE(checks[2].problems.empty());
}

}  // namespace
}  // namespace ridgeline::topology
