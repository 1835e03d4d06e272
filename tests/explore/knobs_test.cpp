#include "ridgeline/explore/knobs.hpp"

#include <string>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/workload/model_config.hpp"

namespace ridgeline::explore {
namespace {

const hw::SpecLibrary& test_library() {
  static const hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return library;
}

// test-gpu: 5 stacks of test-hbm (1024 bit, rated 6.4 Gb/s, 16 GB) at 6.4 Gb/s, 80 GB, 4 TB/s;
// bf16 peak 1000 TFLOP/s on 100 SMs; L1 256 KiB per SM at 20 TB/s; L2 50 MiB; 18 × 25 GB/s links.
Design test_design() {
  Design design;
  design.accelerator = test_library().accelerator("test-gpu");
  design.model = workload::load_model_config("llama-3-8b");
  design.workload.phase = workload::Phase::decode;
  design.workload.batch = 1;
  design.workload.context = 4096;
  return design;
}

// H200: 6 stacks of hbm3e-8hi (rated 9.2 Gb/s, 24 GiB) at 6.25 Gb/s, 4.8 TB/s, 141 GB.
Design h200_design() {
  Design design = test_design();
  design.accelerator = hw::SpecLibrary::default_library().accelerator("h200");
  return design;
}

// The InputError's `where` (the knob or flag it names) for a failing call.
template <typename F>
std::string error_where(F&& call) {
  try {
    call();
  } catch (const InputError& error) {
    return error.problems().front().where;
  }
  return "no error";
}

TEST(Knobs, RegistryHasTheIssueKnobsInDisplayOrder) {
  std::vector<std::string> names;
  for (const auto& knob : knob_registry()) names.push_back(knob.name);
  for (const char* name : {"hbm.device", "hbm.stacks", "hbm.pin_rate", "hbm.capacity",
                           "compute.scale", "compute.units", "sram.capacity", "l2.capacity",
                           "link.bandwidth", "batch", "context", "prompt", "weights", "kv"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  // A device swap applies before the stack count, which applies before an explicit capacity.
  const auto at = [&](const char* name) { return std::find(names.begin(), names.end(), name); };
  EXPECT_LT(at("hbm.device"), at("hbm.stacks"));
  EXPECT_LT(at("hbm.stacks"), at("hbm.capacity"));
  EXPECT_TRUE(find_knob("hbm.stacks").integer);
  EXPECT_FALSE(find_knob("hbm.device").numeric);
  EXPECT_EQ(find_knob("hbm.pin_rate").dimension, Dimension::bit_rate);
  EXPECT_EQ(find_knob("hbm.pin_rate").target, KnobTarget::hardware);
  EXPECT_EQ(find_knob("batch").target, KnobTarget::workload);
}

TEST(Knobs, UnknownKnobIsNamedAndTheKnownOnesListed) {
  try {
    find_knob("hbm.stack");
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().where, "hbm.stack");
    EXPECT_NE(std::string(error.what()).find("hbm.stacks"), std::string::npos);
  }
}

TEST(Knobs, MoreStacksScaleBandwidthAndCapacity) {
  // H200 6 → 8 stacks: 4.8 TB/s × 8/6 = 6.4 TB/s; 141 GB × 8/6 = 188 GB.
  auto design = h200_design();
  EXPECT_EQ(knob_value(design, "hbm.stacks"), 6);
  set_knob(design, "hbm.stacks", 8);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 6.4e12, 1e3);
  EXPECT_NEAR(design.accelerator.off_chip().capacity.value, 188e9, 1e3);
  EXPECT_EQ(design.accelerator.off_chip().off_chip->stacks.value, 8);
  EXPECT_EQ(knob_text(design, "hbm.stacks"), "8");
}

TEST(Knobs, PinRateScalesBandwidth) {
  // 6.4 → 9.6 Gb/s is × 1.5: at 6.4 Gb/s the H200 has 4.8 × 6.4/6.25 = 4.9152 TB/s, at 9.6 Gb/s
  // 7.3728 TB/s (= 6 × 1024 bit × 9.6 Gb/s / 8).
  auto design = h200_design();
  apply_setting(design, "hbm.pin_rate=6.4Gb/s", test_library());
  const double at_6_4 = design.accelerator.off_chip().bandwidth.value;
  EXPECT_NEAR(at_6_4, 4.9152e12, 1e3);
  apply_setting(design, "hbm.pin_rate=9.6 Gb/s", test_library());
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value / at_6_4, 1.5, 1e-12);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 7.3728e12, 1e3);
  EXPECT_EQ(knob_text(design, "hbm.pin_rate"), "9.6 Gb/s");
}

TEST(Knobs, DeviceSwapKeepsPinRateAndScalesCapacity) {
  // test-hbm (16 GB/stack) → hbm3e-12hi (36 GiB/stack, rated 9.6 Gb/s): the 6.4 Gb/s pin rate is
  // kept, bandwidth unchanged (same 1024-bit width); capacity 80 GB × 36 GiB / 16 GB
  // = 5 × 36 × 2^30 B = 193.27 GB.
  auto design = test_design();
  apply_setting(design, "hbm.device=hbm3e-12hi", hw::SpecLibrary::default_library());
  EXPECT_EQ(knob_text(design, "hbm.device"), "hbm3e-12hi");
  EXPECT_DOUBLE_EQ(knob_value(design, "hbm.pin_rate"), 6.4e9);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 4e12, 1e3);
  EXPECT_NEAR(design.accelerator.off_chip().capacity.value, 5.0 * 36 * 1073741824.0, 1e3);
}

TEST(Knobs, DeviceSwapCapsThePinRateAtTheNewRating) {
  // H200 at 9.6 Gb/s, then hbm3 (rated 6.4 Gb/s): the pin rate drops to 6.4 Gb/s and bandwidth
  // to 4.8 TB/s × 6.4/6.25 = 4.9152 TB/s; capacity 141 GB × 16 GiB / 24 GiB = 94 GB.
  auto design = h200_design();
  const auto& library = hw::SpecLibrary::default_library();
  apply_setting(design, "hbm.pin_rate=9.6Gb/s", library);
  apply_setting(design, "hbm.device=hbm3", library);
  EXPECT_DOUBLE_EQ(knob_value(design, "hbm.pin_rate"), 6.4e9);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 4.9152e12, 1e3);
  EXPECT_NEAR(design.accelerator.off_chip().capacity.value, 94e9, 1e3);
}

TEST(Knobs, SettingsApplyInRegistryOrder) {
  // Capacity given before stacks still wins: stacks (5 → 10: 160 GB) apply first, then 150 GB.
  auto design = test_design();
  apply_settings(design, {"hbm.capacity=150GB", "hbm.stacks=10"}, test_library());
  EXPECT_NEAR(design.accelerator.off_chip().capacity.value, 150e9, 1);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 8e12, 1e3);
}

TEST(Knobs, ComputeKnobs) {
  auto design = test_design();
  set_knob(design, "compute.scale", 2);
  EXPECT_DOUBLE_EQ(design.accelerator.compute.peak.at(DType::bf16).value, 2000e12);
  EXPECT_DOUBLE_EQ(design.accelerator.compute.sparse_peak.at(DType::bf16).value, 4000e12);
  EXPECT_EQ(knob_value(design, "compute.scale"), 1);  // relative: a factor on the design as it is
  // 100 → 50 SMs: the bf16 peak halves again (1000 TFLOP/s), and so does the per-SM L1's chip-wide
  // bandwidth (20 → 10 TB/s); the per-chip L2 keeps 10 TB/s.
  set_knob(design, "compute.units", 50);
  EXPECT_DOUBLE_EQ(design.accelerator.compute.peak.at(DType::bf16).value, 1000e12);
  EXPECT_DOUBLE_EQ(design.accelerator.memory[0].bandwidth.value, 10e12);
  EXPECT_DOUBLE_EQ(design.accelerator.memory[1].bandwidth.value, 10e12);
}

TEST(Knobs, OnChipCapacitiesAndLinks) {
  auto design = test_design();
  apply_settings(design, {"l2.capacity=96MiB", "sram.capacity=512KiB", "link.bandwidth=900GB/s"},
                 test_library());
  EXPECT_DOUBLE_EQ(design.accelerator.memory[1].capacity.value, 96.0 * 1048576);
  EXPECT_DOUBLE_EQ(design.accelerator.memory[0].capacity.value, 512.0 * 1024);
  // 18 links × 25 GB/s = 450 GB/s → 900 GB/s: every link doubles to 50 GB/s.
  EXPECT_DOUBLE_EQ(design.accelerator.interconnect[0].bandwidth_per_direction.value, 50e9);
  EXPECT_EQ(knob_text(design, "l2.capacity"), "96 MiB");
}

TEST(Knobs, WorkloadKnobs) {
  auto design = test_design();
  apply_settings(design, {"batch=64", "context=6000", "weights=int4", "kv=fp8"}, test_library());
  EXPECT_EQ(design.workload.batch, 64);
  EXPECT_EQ(design.workload.context, 6000);
  EXPECT_EQ(design.workload.weights, DType::int4);
  EXPECT_EQ(design.workload.kv, DType::fp8);
  EXPECT_EQ(knob_text(design, "weights"), "int4");
  EXPECT_EQ(knob_text(design, "batch"), "64");
  // The paged KV cache: tokens per page, or 'contiguous' (0), so a sweep can set both side by side.
  EXPECT_EQ(knob_text(design, "kv_page"), "contiguous");
  apply_setting(design, "kv_page=16", test_library());
  EXPECT_EQ(design.workload.kv_page, 16);
  EXPECT_EQ(knob_text(design, "kv_page"), "16");
  apply_setting(design, "kv_page=contiguous", test_library());
  EXPECT_EQ(design.workload.kv_page, 0);
  EXPECT_FALSE(find_knob("kv_page").numeric);  // names and counts: not an elasticity
}

TEST(Knobs, JsonPointerReachesAnySpecFieldThroughTheLoader) {
  auto design = test_design();
  apply_settings(design, {"batch=2", "/memory/0/bandwidth=40TB/s", "hbm.stacks=10"},
                 test_library());
  EXPECT_DOUBLE_EQ(design.accelerator.memory[0].bandwidth.value, 40e12);
  EXPECT_NEAR(design.accelerator.off_chip().bandwidth.value, 8e12, 1e3);  // knob after pointer
  EXPECT_EQ(design.workload.batch, 2);
  // A number field: /compute/units/value holds a JSON number.
  apply_setting(design, "/compute/units=132", test_library());
  EXPECT_EQ(design.accelerator.compute.units.value, 132);
}

TEST(Knobs, ImpossibleDesignsNameTheKnob) {
  const auto& library = test_library();
  const auto with = [&](const std::string& assignment) {
    return error_where([&] {
      auto design = test_design();
      apply_setting(design, assignment, library);
    });
  };
  EXPECT_EQ(with("hbm.stacks=0"), "hbm.stacks");
  EXPECT_EQ(with("hbm.stacks=6.5"), "hbm.stacks");
  EXPECT_EQ(with("batch=-1"), "batch");
  EXPECT_EQ(with("batch=0"), "batch");
  EXPECT_EQ(with("hbm.pin_rate=20Gb/s"), "hbm.pin_rate");  // test-hbm is rated 6.4 Gb/s
  EXPECT_EQ(with("hbm.pin_rate=6.4GB"), "hbm.pin_rate");   // wrong unit
  EXPECT_EQ(with("hbm.device=nonesuch"), "hbm.device");
  EXPECT_EQ(with("hbm.capacity=200GB"), "hbm.capacity");     // over 5 × 16 GB physical
  EXPECT_EQ(with("sram.capacity=100MiB"), "sram.capacity");  // over the 50 MiB L2
  EXPECT_EQ(with("context=1000000"), "context");             // beyond llama-3-8b's 8192 positions
  EXPECT_EQ(with("weights=int3"), "weights");
  EXPECT_EQ(with("kv_page=0"), "kv_page");        // contiguous is 'contiguous', not 0
  EXPECT_EQ(with("kv_page=1.5"), "kv_page");      // whole tokens
  EXPECT_EQ(with("kv_page=2000000"), "kv_page");  // over check_spec's 2^20 tokens
  EXPECT_EQ(with("hbm.stackz=4"), "hbm.stackz");
  EXPECT_EQ(with("/memory/9/bandwidth=1TB/s"), "/memory/9/bandwidth");
  EXPECT_EQ(with("/memory/0/bandwidth=1TB"), "/memory/0/bandwidth");
  EXPECT_EQ(with("batch"), "--set");
  EXPECT_EQ(error_where([] {
              auto design = test_design();
              set_knob(design, "hbm.stacks", 0);
            }),
            "hbm.stacks");
  EXPECT_EQ(error_where([] {
              auto design = test_design();
              knob_value(design, "weights");
            }),
            "weights");
}

// The tp knob splits the design over its system: Llama-3-70B's bf16 weights (70 553 706 496
// parameters × 2 B = 141.1 GB) are 70.55 GB per device at tp 2 and 35.28 GB at tp 4 (the vocabulary
// rows divide the same way: 128 256 / 2 and / 4 are whole). Without a system, or with a degree that
// does not divide the 64 attention heads, the knob is named in the error.
TEST(Knobs, TensorParallelDegreeNeedsASystem) {
  Design design;
  design.model = workload::load_model_config("llama-3-70b");
  design.workload.phase = workload::Phase::decode;
  design.workload.batch = 1;
  design.workload.context = 4096;
  const hw::SpecLibrary& shipped = hw::SpecLibrary::default_library();
  design.accelerator = shipped.accelerator("h100-sxm");
  EXPECT_EQ(error_where([&] { set_knob(design, "tp", 2); }), "tp");

  const topology::SystemLibrary systems(shipped);
  design.system = std::make_shared<const topology::System>(systems.system("dgx-h100"));
  set_knob(design, "tp", 2);
  EXPECT_DOUBLE_EQ(knob_value(design, "tp"), 2);
  EXPECT_NEAR(evaluate(design).memory.weights, 141.107e9 / 2, 0.01e9);
  apply_setting(design, "tp=4", shipped);
  EXPECT_NEAR(evaluate(design).memory.weights, 141.107e9 / 4, 0.01e9);
  EXPECT_EQ(error_where([&] { set_knob(design, "tp", 3); }), "tp");
  EXPECT_EQ(error_where([&] { set_knob(design, "tp", 16); }), "tp");  // dgx-h100 has 8 GPUs
}

// On a --system design, link.bandwidth scales the system file's scale-up links (where the
// collectives run) by the same factor: twice the bandwidth prices the tensor-parallel all-reduces
// exactly as a dgx-h100 file whose NVLink links run twice as fast, and below the original.
TEST(Knobs, LinkBandwidthScalesASystemsScaleUpLinks) {
  const hw::SpecLibrary& shipped = hw::SpecLibrary::default_library();
  const topology::SystemLibrary systems(shipped);
  Design design;
  design.model = workload::load_model_config("llama-3-70b");
  design.workload.phase = workload::Phase::prefill;
  design.workload.batch = 1;
  design.workload.prompt = 2048;
  design.accelerator = shipped.accelerator("h100-sxm");
  design.system = std::make_shared<const topology::System>(systems.system("dgx-h100"));
  design.parallelism.tp = 8;
  const double base = evaluate(design).parallel->comm_by_kind.at("all-reduce");

  Design faster = design;
  set_knob(faster, "link.bandwidth", 2 * knob_value(design, "link.bandwidth"));
  const double knob = evaluate(faster).parallel->comm_by_kind.at("all-reduce");

  topology::System doubled = systems.system("dgx-h100");
  for (auto& link : doubled.links) {
    if (link.tier == topology::Tier::scale_up) link.bandwidth_per_direction.value *= 2;
  }
  Design by_hand = design;
  by_hand.system = std::make_shared<const topology::System>(std::move(doubled));
  const double file = evaluate(by_hand).parallel->comm_by_kind.at("all-reduce");

  EXPECT_DOUBLE_EQ(knob, file);
  EXPECT_LT(knob, 0.8 * base);  // 32 MiB messages (2048 tokens × 8192 × 2 B): mostly bandwidth
}

}  // namespace
}  // namespace ridgeline::explore
