#include "ridgeline/explore/sensitivity.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "run_cli.hpp"

namespace ridgeline::explore {
namespace {

// test-gpu running llama-3-8b decode at batch 1: every operator is bound by HBM or by its fixed
// kernel overhead (no compute-bound time).
Design test_design() {
  Design design;
  design.accelerator =
      hw::SpecLibrary(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs").accelerator("test-gpu");
  design.model = workload::load_model_config("llama-3-8b");
  design.workload.batch = 1;
  design.workload.context = 4096;
  return design;
}

const Elasticity& find(const Sensitivity& result, const std::string& knob) {
  const auto it = std::find_if(result.knobs.begin(), result.knobs.end(),
                               [&](const auto& entry) { return entry.knob == knob; });
  if (it == result.knobs.end()) throw std::runtime_error("no " + knob);
  return *it;
}

TEST(Sensitivity, StepTimeToHbmBandwidthIsMinusTheHbmTimeShare) {
  // Each operator takes max(compute, every level) + fixed overhead (ops/op_cost.hpp). Where HBM is
  // the max, its time is bytes / bandwidth, so d(op time) / d ln(bandwidth) = −HBM time, and
  //   d ln(step) / d ln(bandwidth) = −Σ (HBM time × count) / step,
  // the HBM-bound share less the fixed overheads inside it. Bandwidth ∝ pin rate (6.4 → ±1 %).
  const auto design = test_design();
  const auto analysis = workload::analyze(design.accelerator,
                                          workload::build_workload(design.model, design.workload));
  ASSERT_EQ(analysis.bound_share.count("compute"), 0u);
  double hbm_time = 0;
  for (const auto& op : analysis.ops) {
    const auto& levels = op.cost.level_time;
    const double largest =
        std::max(op.cost.compute_time, *std::max_element(levels.begin(), levels.end()));
    if (levels.back() == largest) hbm_time += levels.back() * op.count;
  }
  const double expected = -hbm_time / analysis.step_time;
  const auto result = sensitivity(design, "step_time");
  const auto& pin_rate = find(result, "hbm.pin_rate");
  EXPECT_NEAR(pin_rate.elasticity, expected, 2e-3);
  // Between −(HBM-bound share) and 0: the overheads do not scale.
  EXPECT_GT(pin_rate.elasticity, -analysis.bound_share.at("HBM3"));
  EXPECT_LT(pin_rate.elasticity, -0.3);
  // Nothing is compute-bound: compute.scale changes nothing.
  EXPECT_NEAR(find(result, "compute.scale").elasticity, 0.0, 1e-9);
  // Ranked by magnitude, and the explanation names the bound.
  EXPECT_TRUE(result.knobs.front().knob == "hbm.pin_rate" ||
              result.knobs.front().knob == "hbm.stacks");
  EXPECT_NE(pin_rate.explanation.find("bound by HBM3"), std::string::npos) << pin_rate.explanation;
  // tokens/s = batch / step: the elasticity flips sign.
  const auto tokens = sensitivity(design, "tokens_per_s");
  EXPECT_NEAR(find(tokens, "hbm.pin_rate").elasticity, -pin_rate.elasticity, 1e-9);
}

TEST(Sensitivity, IntegerKnobsMoveByOne) {
  // 5 stacks → 4 and 6: the log difference over ln(6/4).
  const auto result = sensitivity(test_design(), "step_time");
  const auto& stacks = find(result, "hbm.stacks");
  EXPECT_EQ(stacks.low, 4);
  EXPECT_EQ(stacks.high, 6);
  // Batch 1 cannot go to 0: one-sided 1 → 2.
  const auto& batch = find(result, "batch");
  EXPECT_TRUE(batch.one_sided);
  EXPECT_EQ(batch.low, 1);
  EXPECT_EQ(batch.high, 2);
}

TEST(Sensitivity, LongLengthsMoveByAboutTheRelativeStep) {
  // context 4096 × (1 ± 1 %) = 4096 ± 41.
  const auto result = sensitivity(test_design(), "step_time");
  EXPECT_EQ(find(result, "context").low, 4055);
  EXPECT_EQ(find(result, "context").high, 4137);
}

TEST(Sensitivity, MetricThatDoesNotApplyIsAnError) {
  try {
    sensitivity(test_design(), "ttft");  // decode has no TTFT
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().where, "--metric");
  }
  EXPECT_THROW(sensitivity(test_design(), "speed"), InputError);
}

TEST(SensitivityCli, TextJsonAndBadMetric) {
  const std::string base =
      "sensitivity --hw h200 --model llama-3-8b --phase decode --batch 1 --context 4096";
  const auto text = testing::run_cli(base);
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("hbm.pin_rate"), std::string::npos);
  const auto json = testing::run_cli(base + " --metric tokens_per_s --json");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_NE(json.out.find("\"ridgeline.sensitivity/1\""), std::string::npos);
  const auto bad = testing::run_cli(base + " --metric ttft");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--metric"), std::string::npos);
  EXPECT_TRUE(bad.out.empty());
}

}  // namespace
}  // namespace ridgeline::explore
