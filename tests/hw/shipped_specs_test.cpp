// The shipped spec library (hwspecs/): every file loads, and the numbers that matter most agree
// with the datasheets (hardware-facts.md) they come from.

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace ridgeline::hw {
namespace {

const SpecLibrary& shipped() {
  static const SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

TEST(ShippedSpecs, EveryRequiredIdIsShippedAndLoads) {
  const std::set<std::string> required{
      "a100-sxm", "h100-sxm", "h100-pcie", "h200",   "b200",      "gb200",
      "mi300x",   "mi325x",   "mi355x",    "gaudi2", "gaudi3",    "tpu-v5e",
      "tpu-v5p",  "tpu-v6e",  "trainium2", "rngd",   "atom",      "rtx-4090",
      "l40s",     "gh200",    "mi210",     "mi250x", "xeon-8480", "xeon-max-9480"};
  const auto ids = shipped().accelerator_ids();
  for (const auto& id : required) {
    EXPECT_TRUE(std::find(ids.begin(), ids.end(), id) != ids.end()) << "missing " << id;
  }
  EXPECT_NO_THROW(shipped().all_accelerators());
  const std::set<std::string> devices{"hbm2", "hbm2e", "hbm3", "hbm3e-8hi", "hbm3e-12hi", "hbm4"};
  const auto device_ids = shipped().memory_device_ids();
  for (const auto& id : devices) {
    EXPECT_TRUE(std::find(device_ids.begin(), device_ids.end(), id) != device_ids.end())
        << "missing " << id;
    EXPECT_NO_THROW(shipped().memory_device(id)) << id;
  }
}

// Datasheet off-chip bandwidth (hardware-facts.md §2.2) vs stacks × width × pin rate / 8.
TEST(ShippedSpecs, DerivedOffChipBandwidthMatchesDatasheet) {
  const std::map<std::string, double> datasheet{
      {"a100-sxm", 2.039e12}, {"h100-sxm", 3.35e12},   {"h100-pcie", 2.0e12},
      {"h200", 4.8e12},       {"b200", 8.0e12},        {"gb200", 8.0e12},
      {"mi300x", 5.3e12},     {"mi325x", 6.0e12},      {"mi355x", 8.0e12},
      {"mi250x", 3.2768e12},  {"gaudi2", 2.46e12},     {"gaudi3", 3.67e12},
      {"rngd", 1.5e12},       {"rtx-4090", 1.008e12},  {"trainium2", 2.9e12},
      {"tpu-v5p", 2.765e12},  {"tpu-v5e", 819e9},      {"tpu-v6e", 1638e9},
      {"xeon-8480", 307.2e9}, {"a100-pcie", 1.935e12}, {"mi250x-1gcd", 1.6384e12}};
  for (const auto& [id, bandwidth] : datasheet) {
    const auto accelerator = shipped().accelerator(id);
    const auto& level = accelerator.off_chip();
    ASSERT_TRUE(level.off_chip) << id;
    EXPECT_NEAR(level.bandwidth.value, bandwidth, bandwidth * 0.005) << id << ": stated bandwidth";
    const double derived = derived_off_chip_bandwidth(*level.off_chip);
    EXPECT_LE(std::fabs(derived - bandwidth) / bandwidth, 0.03)
        << id << ": derived " << derived << " vs datasheet " << bandwidth;
  }
}

TEST(ShippedSpecs, HandDerivedRidgePoints) {
  // H100 SXM bf16: 989.4e12 FLOP/s / 3.35e12 B/s = 295.3 FLOP/B
  auto h100 = roofline::build_roofline(shipped().accelerator("h100-sxm"), DType::bf16);
  EXPECT_NEAR(h100.peak_flops, 989.4e12, 1e9);
  EXPECT_NEAR(h100.off_chip().bandwidth, 3.35e12, 1e9);
  EXPECT_NEAR(h100.off_chip().ridge_intensity, 295.34, 0.01);
  // H200 bf16: 989.4e12 / 4.8e12 = 206.1 FLOP/B (same compute, more bandwidth: the ridge moves
  // left)
  auto h200 = roofline::build_roofline(shipped().accelerator("h200"), DType::bf16);
  EXPECT_NEAR(h200.off_chip().ridge_intensity, 206.125, 0.01);
  // A100 bf16: 312e12 / 2.039e12 = 153.0 FLOP/B
  auto a100 = roofline::build_roofline(shipped().accelerator("a100-sxm"), DType::bf16);
  EXPECT_NEAR(a100.off_chip().ridge_intensity, 153.02, 0.01);
  // MI300X bf16: 1307.4e12 / 5.3e12 = 246.7 FLOP/B
  auto mi300x = roofline::build_roofline(shipped().accelerator("mi300x"), DType::bf16);
  EXPECT_NEAR(mi300x.off_chip().ridge_intensity, 246.68, 0.01);
  // RTX 4090 bf16 (FP32 accumulate): 165.2e12 / 1.008e12 = 163.9 FLOP/B
  auto rtx = roofline::build_roofline(shipped().accelerator("rtx-4090"), DType::bf16);
  EXPECT_NEAR(rtx.off_chip().ridge_intensity, 163.89, 0.01);
  // H100 SXM fp8: 1978.9e12 / 3.35e12 = 590.7 FLOP/B (twice bf16: fp8 needs twice the reuse)
  auto h100_fp8 = roofline::build_roofline(shipped().accelerator("h100-sxm"), DType::fp8);
  EXPECT_NEAR(h100_fp8.off_chip().ridge_intensity, 590.72, 0.05);
}

TEST(ShippedSpecs, OffChipLevelsAreNamedForTheirTechnology) {
  for (const auto& accelerator : shipped().all_accelerators()) {
    const auto& name = accelerator.off_chip().name;
    EXPECT_TRUE(name.find("HBM") != std::string::npos || name.find("DDR") != std::string::npos)
        << accelerator.id << ": " << name;
  }
}

}  // namespace
}  // namespace ridgeline::hw
