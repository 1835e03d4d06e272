// `compare` on the test-gpu fixture against copies with more HBM bandwidth, on an HBM-bound decode
// (Llama-3-8B, batch 1): the GEMV groups' memory time shrinks by the bandwidth ratio, their fixed
// kernel cost does not, until L2 becomes the bound.

#include "ridgeline/explore/compare.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::explore {
namespace {

const hw::Accelerator& test_gpu() {
  static const hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  static const hw::Accelerator accelerator = library.accelerator("test-gpu");
  return accelerator;
}

ComparedDesign design(const std::string& label, const hw::Accelerator& accelerator) {
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::decode;
  spec.batch = 1;
  spec.context = 1024;
  const auto built = workload::build_workload(workload::load_model_config("llama-3-8b"), spec);
  return {label, accelerator, workload::analyze(accelerator, built)};
}

const GroupRow& group(const Comparison& comparison, const std::string& name) {
  for (const auto& row : comparison.groups) {
    if (row.group == name) return row;
  }
  throw std::runtime_error("no group " + name);
}

hw::Accelerator scaled_hbm(double factor) {
  hw::Accelerator faster = test_gpu();
  faster.memory.back().bandwidth.value *= factor;
  faster.memory.back().off_chip->pin_rate.value *= factor;
  return faster;
}

TEST(Compare, MoreHbmBandwidthCutsTheGemvTimeMinusFixedCosts) {
  // 1.5× the HBM bandwidth: 6 TB/s × 0.9 = 5.4 TB/s achievable, still below L2's 10 × 0.7 = 7 TB/s,
  // so the GEMVs stay HBM-bound.
  const std::vector<ComparedDesign> designs{design("test-gpu", test_gpu()),
                                            design("1.5x-hbm", scaled_hbm(1.5))};
  const auto comparison = compare_designs(designs);
  const auto& mlp = group(comparison, "mlp");
  ASSERT_EQ(mlp.bound[0], "HBM3");
  ASSERT_EQ(mlp.bound[1], "HBM3");
  // The memory-bound part shrinks by 1.5, the fixed cost (4 us per kernel) stays:
  //   t_B = (t_A − fixed_A) / 1.5 + fixed_A.
  const double expected = (mlp.time[0] - mlp.overhead_time[0]) / 1.5 + mlp.overhead_time[0];
  EXPECT_NEAR(mlp.time[1], expected, 0.01 * mlp.time[0]);
  EXPECT_GT(mlp.time[1], mlp.time[0] / 1.5);  // less than the bandwidth ratio
  // The fixed part holds latency terms too (docs/model.md), which barely move.
  EXPECT_NEAR(mlp.overhead_time[1], mlp.overhead_time[0], 0.01 * mlp.overhead_time[0]);
  ASSERT_EQ(mlp.why.size(), 1U);
  EXPECT_NE(mlp.why[0].find("mlp: HBM3-bound on both; 1.5× the HBM3 bandwidth cuts it"),
            std::string::npos)
      << mlp.why[0];
  // Whole step: faster, by less than 1.5×; energy per token falls by the static energy of the
  // shorter step (the bytes, and so the memory and compute energy, barely change: a GEMM's tile
  // choice may move a few bytes).
  EXPECT_LT(designs[1].analysis.step_time, designs[0].analysis.step_time);
  EXPECT_GT(designs[1].analysis.step_time, designs[0].analysis.step_time / 1.5);
  const double saved_static =
      100.0 * (designs[0].analysis.step_time - designs[1].analysis.step_time);  // 100 W static
  EXPECT_NEAR(designs[0].analysis.energy->per_token - designs[1].analysis.energy->per_token,
              saved_static, 0.01 * saved_static);
}

TEST(Compare, TwiceTheHbmBandwidthMovesTheGemvsToL2) {
  // 2× the HBM bandwidth: 8.19 TB/s × 0.9 = 7.37 TB/s achievable, above L2's 7 TB/s, which every
  // byte from HBM also crosses: the GEMVs become L2-bound and their memory time shrinks at best
  // to 3.6/7 of what it was, not 1/2 (fixture HBM: 4 TB/s stated × 0.9 = 3.6 TB/s).
  const std::vector<ComparedDesign> designs{design("test-gpu", test_gpu()),
                                            design("2x-hbm", scaled_hbm(2))};
  const auto comparison = compare_designs(designs);
  const auto& mlp = group(comparison, "mlp");
  ASSERT_EQ(mlp.bound[0], "HBM3");
  ASSERT_EQ(mlp.bound[1], "L2");
  const double expected = (mlp.time[0] - mlp.overhead_time[0]) * 3.6 / 7.0 + mlp.overhead_time[0];
  EXPECT_GE(mlp.time[1], 0.99 * expected);
  EXPECT_LT(mlp.time[1], mlp.time[0]);
  bool changed = false;
  for (const auto& row : comparison.operators) {
    if (row.group == "mlp") changed = changed || row.bound_changed;
  }
  EXPECT_TRUE(changed);
  EXPECT_NE(mlp.why[0].find("mlp: HBM3-bound on test-gpu, L2-bound on 2x-hbm"), std::string::npos)
      << mlp.why[0];
}

TEST(Compare, SameDesignChangesNothing) {
  const std::vector<ComparedDesign> designs{design("a", test_gpu()), design("b", test_gpu())};
  const auto comparison = compare_designs(designs);
  for (const auto& row : comparison.operators) {
    EXPECT_FALSE(row.bound_changed) << row.name;
    EXPECT_EQ(row.time[0], row.time[1]);
  }
  for (const auto& row : comparison.groups) {
    EXPECT_NE(row.why[0].find("leaves it unchanged"), std::string::npos) << row.why[0];
  }
  const auto json = compare_json(designs, comparison);
  EXPECT_EQ(json.at("designs").size(), 2U);
  EXPECT_EQ(json.at("designs")[1].at("label"), "b");
  const auto totals = compare_totals_table(designs);
  EXPECT_EQ(totals.headers, (std::vector<std::string>{"metric", "a", "b", "vs a"}));
  EXPECT_EQ(totals.rows[0][3], "1×");  // step time ratio
}

TEST(Compare, ComputeBoundPrefillChangesBoundWhenComputeIsCut) {
  // Prefill of 8 × 512 tokens is compute-bound in the GEMMs; at a tenth of the compute they stay
  // compute-bound and take about 10× as long; at 100× the compute the mlp becomes memory- or
  // overhead-bound.
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::prefill;
  spec.batch = 8;
  spec.prompt = 512;
  const auto built = workload::build_workload(workload::load_model_config("llama-3-8b"), spec);
  hw::Accelerator fast = test_gpu();
  for (auto& [dtype, peak] : fast.compute.peak) peak.value *= 100;
  const std::vector<ComparedDesign> designs{
      {"base", test_gpu(), workload::analyze(test_gpu(), built)},
      {"100x", fast, workload::analyze(fast, built)}};
  const auto comparison = compare_designs(designs);
  const auto& mlp = group(comparison, "mlp");
  EXPECT_EQ(mlp.bound[0], "compute");
  EXPECT_NE(mlp.bound[1], "compute");
  bool changed = false;
  for (const auto& row : comparison.operators) changed = changed || row.bound_changed;
  EXPECT_TRUE(changed);
  EXPECT_NE(mlp.why[0].find("compute-bound on base"), std::string::npos) << mlp.why[0];
}

TEST(Compare, NeedsTwoDesigns) {
  EXPECT_THROW(compare_designs({design("a", test_gpu())}), ModelError);
}

}  // namespace
}  // namespace ridgeline::explore
