#include "ridgeline/roofline/roofline.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::roofline {
namespace {

// The fixture tests/data/specs/accelerators/test-gpu.json: bf16 1000 TFLOP/s (achievable 0.8),
// L1 20 TB/s (0.8), L2 10 TB/s (0.7), HBM 4 TB/s (0.9).
Roofline fixture_roofline() {
  hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return build_roofline(library.accelerator("test-gpu"), DType::bf16);
}

TEST(Roofline, RidgePointsOfTheFixture) {
  const auto roofline = fixture_roofline();
  ASSERT_EQ(roofline.levels.size(), 3u);
  EXPECT_DOUBLE_EQ(roofline.peak_flops, 1000e12);
  EXPECT_DOUBLE_EQ(roofline.achievable_flops, 800e12);  // 0.8 × 1000 TFLOP/s
  // HBM ridge: 1000e12 / 4e12 = 250 FLOP/B; achievable 800e12 / (0.9 × 4e12) = 222.2 FLOP/B
  EXPECT_DOUBLE_EQ(roofline.off_chip().ridge_intensity, 250.0);
  EXPECT_NEAR(roofline.off_chip().achievable_ridge_intensity, 222.222, 1e-3);
  // L2 ridge: 1000e12 / 10e12 = 100 FLOP/B; L1: 1000e12 / 20e12 = 50 FLOP/B
  EXPECT_DOUBLE_EQ(roofline.levels[1].ridge_intensity, 100.0);
  EXPECT_DOUBLE_EQ(roofline.levels[0].ridge_intensity, 50.0);
  EXPECT_TRUE(roofline.off_chip().off_chip);
  EXPECT_FALSE(roofline.levels[0].off_chip);
}

TEST(Roofline, ClassicAttainable) {
  const auto roofline = fixture_roofline();
  // At I = 10 FLOP/B on HBM: 10 × 4e12 = 40 TFLOP/s < 1000: memory bound.
  const auto low = attainable_at(roofline, 10.0, 2, Ceiling::theoretical);
  EXPECT_DOUBLE_EQ(low.attainable_flops, 40e12);
  EXPECT_FALSE(low.compute_bound);
  // Achievable: 10 × 3.6e12 = 36 TFLOP/s.
  EXPECT_DOUBLE_EQ(attainable_at(roofline, 10.0, 2, Ceiling::achievable).attainable_flops, 36e12);
  // At I = 1000 FLOP/B: compute bound at the peak.
  const auto high = attainable_at(roofline, 1000.0, 2, Ceiling::theoretical);
  EXPECT_TRUE(high.compute_bound);
  EXPECT_DOUBLE_EQ(high.attainable_flops, 1000e12);
  EXPECT_THROW(attainable_at(roofline, -1.0, 2, Ceiling::theoretical), ModelError);
  EXPECT_THROW(attainable_at(roofline, 1.0, 7, Ceiling::theoretical), ModelError);
}

TEST(Roofline, HierarchicalPicksTheBindingLevel) {
  const auto roofline = fixture_roofline();
  // A kernel with intensities 200 (L1), 60 (L2), 400 (HBM) FLOP/B: ceilings 4000, 600, 1600 TFLOP/s
  // and compute 1000: L2 binds at 60 × 10e12 = 600 TFLOP/s.
  const std::array<double, 3> intensities{200.0, 60.0, 400.0};
  const auto binding = hierarchical_attainable(roofline, intensities, Ceiling::theoretical);
  EXPECT_FALSE(binding.compute_bound);
  EXPECT_EQ(binding.level, 1u);
  EXPECT_DOUBLE_EQ(binding.attainable_flops, 600e12);
  // No traffic at L1/L2 (infinite intensity): HBM at 100 FLOP/B gives 400 TFLOP/s.
  const double none = std::numeric_limits<double>::infinity();
  const std::array<double, 3> hbm_only{none, none, 100.0};
  EXPECT_EQ(hierarchical_attainable(roofline, hbm_only, Ceiling::theoretical).level, 2u);
  const std::array<double, 2> wrong_size{1.0, 2.0};
  EXPECT_THROW(hierarchical_attainable(roofline, wrong_size, Ceiling::theoretical), ModelError);
}

TEST(Roofline, UnsupportedDtypeIsAModelError) {
  hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  EXPECT_THROW(build_roofline(library.accelerator("test-gpu"), DType::fp8), ModelError);
}

}  // namespace
}  // namespace ridgeline::roofline
