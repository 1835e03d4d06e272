// Energy per step and per token (docs/model.md, "Energy"), derived by hand on the test-gpu fixture:
// bf16 1 pJ/FLOP; L1 0.1, L2 0.5 pJ/bit; HBM read 3.9 + activate 0.3 = 4.2 pJ/bit; static 100 W.

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/report/workload_report.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::workload {
namespace {

const hw::Accelerator& test_gpu() {
  static const hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  static const hw::Accelerator accelerator = library.accelerator("test-gpu");
  return accelerator;
}

TEST(Energy, HandDerivedStepEnergy) {
  OpResult op;
  op.count = 2;
  op.cost.flops = 1e12;
  op.cost.bytes = {1e9, 1e9, 1e9};  // L1, L2, HBM
  // Per instance: 1e12 FLOP × 1 pJ = 1 J; 8e9 bit × (0.1 + 0.5 + 4.2) pJ = 0.0384 J.
  // Two instances: compute 2 J, L1 0.0016 J, L2 0.008 J, HBM 0.0672 J; static 100 W × 1 ms =
  // 0.1 J; step 2.1768 J; 10 tokens → 0.21768 J/token; power 2.1768 J / 1 ms = 2176.8 W.
  const auto energy = step_energy(test_gpu(), {op}, DType::bf16, 1e-3, 10);
  EXPECT_NEAR(energy.compute, 2.0, 1e-12);
  ASSERT_EQ(energy.memory.size(), 3U);
  EXPECT_NEAR(energy.memory[0], 0.0016, 1e-12);
  EXPECT_NEAR(energy.memory[1], 0.008, 1e-12);
  EXPECT_NEAR(energy.memory[2], 0.0672, 1e-12);
  EXPECT_NEAR(energy.static_energy, 0.1, 1e-12);
  EXPECT_NEAR(energy.step, 2.1768, 1e-9);
  EXPECT_NEAR(energy.per_token, 0.21768, 1e-10);
  EXPECT_NEAR(energy.average_power, 2176.8, 1e-6);
  ASSERT_TRUE(energy.price.has_value());
  EXPECT_DOUBLE_EQ(*energy.price, 20000.0);
  // fp32 FLOPs cost 2 pJ: compute doubles, nothing else changes.
  EXPECT_NEAR(step_energy(test_gpu(), {op}, DType::fp32, 1e-3, 10).compute, 4.0, 1e-12);
}

TEST(Energy, Batch1DecodeIsDominatedByReadingTheWeightsFromHbm) {
  WorkloadSpec spec;
  spec.phase = Phase::decode;
  spec.batch = 1;
  spec.context = 1024;
  const auto analysis = analyze(test_gpu(), build_workload(load_model_config("llama-3-8b"), spec));
  ASSERT_TRUE(analysis.energy.has_value());
  const auto& energy = *analysis.energy;
  // Every weight and the KV cache cross the HBM interface once: at least essential bytes × 8 bit
  // × 4.2 pJ (16 GB × 8 × 4.2 pJ ≈ 0.54 J); the model moves a little more (activations).
  const double essential = analysis.essential_bytes * 8 * 4.2e-12;
  EXPECT_GE(energy.memory[2], essential * 0.999);
  EXPECT_LE(energy.memory[2], essential * 1.1);
  // Static energy is 100 W × the step time; compute is ~2 FLOP per weight × 1 pJ, tiny.
  EXPECT_NEAR(energy.static_energy, 100.0 * analysis.step_time, 1e-12);
  EXPECT_LT(energy.compute, 0.1 * energy.memory[2]);
  // One token per step at batch 1.
  EXPECT_DOUBLE_EQ(energy.per_token, energy.step);
  const auto json = report::analysis_json(analysis);
  EXPECT_DOUBLE_EQ(json.at("energy_per_token_j").get<double>(), energy.per_token);
}

TEST(Energy, UnknownWithoutFigures) {
  hw::Accelerator accelerator = test_gpu();
  accelerator.energy.reset();
  WorkloadSpec spec;
  spec.phase = Phase::decode;
  spec.context = 128;
  const auto analysis = analyze(accelerator, build_workload(load_model_config("llama-3-8b"), spec));
  EXPECT_FALSE(analysis.energy.has_value());
  EXPECT_TRUE(report::analysis_json(analysis).at("energy_per_token_j").is_null());
  EXPECT_THROW(step_energy(accelerator, analysis.ops, DType::bf16, 1, 1), ModelError);
}

}  // namespace
}  // namespace ridgeline::workload
