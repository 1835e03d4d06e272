// Workload analysis: capacity, phases and where the time goes, checked against hand derivations
// and against the physics every GPU shares (decode at batch 1 reads every weight once per token;
// a large prefill is a pile of big GEMMs).

#include "ridgeline/workload/analysis.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::workload {
namespace {

const hw::SpecLibrary& shipped() {
  static const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

Analysis run(const std::string& hw, const std::string& model, const WorkloadSpec& spec) {
  return analyze(shipped().accelerator(hw), build_workload(load_model_config(model), spec));
}

WorkloadSpec decode(std::int64_t batch, std::int64_t context, DType weights = DType::bf16) {
  WorkloadSpec spec;
  spec.phase = Phase::decode;
  spec.batch = batch;
  spec.context = context;
  spec.weights = weights;
  return spec;
}

WorkloadSpec prefill(std::int64_t batch, std::int64_t prompt) {
  WorkloadSpec spec;
  spec.phase = Phase::prefill;
  spec.batch = batch;
  spec.prompt = prompt;
  return spec;
}

TEST(Capacity, Llama3_70bBf16DoesNotFitOnOneH100) {
  const auto analysis = run("h100-sxm", "llama-3-70b", decode(1, 4096));
  // Weights: 70 553 706 496 parameters × 2 B = 141.1 GB against 80 GB.
  EXPECT_NEAR(analysis.memory.weights, 141.107e9, 0.01e9);
  EXPECT_DOUBLE_EQ(analysis.memory.capacity, 80e9);
  EXPECT_FALSE(analysis.memory.fits());
  // KV cache: 4097 tokens × 2 × 80 layers × 8 KV heads × 128 × 2 B = 1.342 GB; short by
  // 141.1 + 1.34 + activations − 80 ≈ 62.5 GB.
  EXPECT_NEAR(analysis.memory.kv_cache, 4097.0 * 327680.0, 1.0);
  EXPECT_NEAR(analysis.memory.shortfall(), 62.45e9, 0.1e9);
  EXPECT_EQ(analysis.memory.max_batch, 0);  // the weights alone exceed the memory
}

TEST(Capacity, Llama3_70bFp8FitsAndIsHbmBound) {
  const auto analysis = run("h100-sxm", "llama-3-70b", decode(1, 4096, DType::fp8));
  EXPECT_TRUE(analysis.memory.fits());
  EXPECT_NEAR(analysis.memory.weights, 70.554e9, 0.01e9);  // 1 byte per parameter
  EXPECT_EQ(dominant_bound(analysis), "HBM3");
  // Lower bound: 70.55 GB of weights + 1.34 GB of KV read at the achievable 2.97 TB/s = 24.2 ms.
  EXPECT_GT(analysis.step_time, 24.2e-3);
  EXPECT_LT(analysis.step_time, 24.2e-3 * 1.5);
}

TEST(Capacity, LargestBatchAndContext) {
  // llama-3-8b bf16 on an 80 GB H100 at context 4096: weights 16.06 GB; each sequence holds
  // 4097 × 131 072 B = 537 MB of KV cache, so about (80 − 16.06) / 0.537 ≈ 119 sequences.
  const auto analysis = run("h100-sxm", "llama-3-8b", decode(1, 4096));
  EXPECT_GE(analysis.memory.max_batch, 110);
  EXPECT_LE(analysis.memory.max_batch, 119);
  EXPECT_EQ(analysis.memory.max_tokens, 8192);  // the model's own limit binds first
}

TEST(Phases, Batch1DecodeIsMemoryBoundOnEveryGpu) {
  for (const auto& accelerator : shipped().all_accelerators()) {
    if (accelerator.kind != "gpu") continue;
    const auto analysis =
        analyze(accelerator, build_workload(load_model_config("llama-2-7b"), decode(1, 512)));
    const std::string bound = dominant_bound(analysis);
    EXPECT_TRUE(bound.find("HBM") != std::string::npos || bound.find("DDR") != std::string::npos)
        << accelerator.id << " decode bound by " << bound;
    // Every weight is read once per token: 13.48 GB / peak bandwidth is a hard floor.
    EXPECT_GT(analysis.step_time, 13.476e9 / accelerator.off_chip().bandwidth.value)
        << accelerator.id;
  }
}

TEST(Phases, LargeBatchPrefillIsComputeBoundOnEveryGpu) {
  for (const auto& accelerator : shipped().all_accelerators()) {
    if (accelerator.kind != "gpu" || !hw::supports(accelerator, DType::bf16)) continue;
    const auto analysis =
        analyze(accelerator, build_workload(load_model_config("llama-2-7b"), prefill(16, 2048)));
    EXPECT_EQ(dominant_bound(analysis), "compute") << accelerator.id;
    // FLOPs ≥ 2 × 6.74e9 parameters × 32 768 tokens: time ≥ that over the dense peak.
    const double floor = 2 * 6.74e9 * 32768 / hw::peak_rate(accelerator, DType::bf16);
    EXPECT_GT(analysis.step_time, floor) << accelerator.id;
    EXPECT_LT(analysis.mfu, 1.0) << accelerator.id;
    EXPECT_GT(analysis.mfu, 0.3) << accelerator.id;
  }
}

TEST(Phases, DecodeGrowsWithContextAndBatchAmortisesWeights) {
  const auto short_context = run("h100-sxm", "llama-3-8b", decode(8, 512));
  const auto long_context = run("h100-sxm", "llama-3-8b", decode(8, 8000));
  EXPECT_GT(long_context.step_time, short_context.step_time);
  const auto batch1 = run("h100-sxm", "llama-3-8b", decode(1, 512));
  const auto batch64 = run("h100-sxm", "llama-3-8b", decode(64, 512));
  // 64× the tokens for much less than 64× the time: the weights are read once per step.
  EXPECT_GT(batch64.tokens_per_s, 20 * batch1.tokens_per_s);
}

TEST(Phases, TrainingStepCountsBackwardAndOptimizer) {
  WorkloadSpec spec;
  spec.phase = Phase::train;
  spec.batch = 4;
  spec.prompt = 2048;
  const auto analysis = run("h100-sxm", "llama-3-8b", spec);
  // Model FLOPs = 6 × non-embedding parameters × tokens (forward 2N, backward 4N per token;
  // Kaplan et al. 2020): 6 × (8.03e9 − 128 256 × 4096 embedding) × 8192 = 3.690e14, plus causal
  // attention: forward 4·b·s²·h·d / 2 = 4 × 4 × 2048² × 4096 / 2 = 1.374e11 per layer × 32 layers
  // = 4.40e12, times 3.5 with its backward (2.5×) = 1.54e13. Total 3.844e14.
  EXPECT_NEAR(analysis.model_flops / 3.844e14, 1.0, 0.01);
  // Mixed-precision Adam: 16 B per parameter of weights, gradients and optimizer state.
  EXPECT_NEAR(analysis.memory.weights + analysis.memory.gradients + analysis.memory.optimizer,
              16 * 8.03e9, 0.01e12);
}

TEST(Phases, MoeTouchesOnlyRoutedExperts) {
  // Mixtral at batch 1: 2 of 8 experts per token, so about 12.9B of 46.7B parameters are read.
  const auto analysis = run("h100-sxm", "mixtral-8x7b", decode(1, 512, DType::int8));
  EXPECT_LT(analysis.essential_bytes, 15e9);
  EXPECT_GT(analysis.essential_bytes, 12e9);
}

TEST(WorkloadInput, BadSpecsNameTheOption) {
  const auto model = load_model_config("llama-2-7b");
  auto expect_problem = [&](const WorkloadSpec& spec, const std::string& option) {
    try {
      build_workload(model, spec);
      FAIL() << "accepted a spec with a bad " << option;
    } catch (const InputError& error) {
      EXPECT_EQ(error.problems().at(0).where, option) << error.what();
    }
  };
  expect_problem(decode(0, 512), "--batch");
  expect_problem(decode(1, 0), "--context");
  expect_problem(decode(1, 5000), "--context");  // llama-2-7b: 4096 positions
  expect_problem(prefill(1, 0), "--prompt");
  auto negative_page = decode(1, 512);
  negative_page.kv_page = -16;
  expect_problem(negative_page, "--kv-page");
  auto negative_overhead = prefill(1, 128);
  negative_overhead.request_overhead = -1e-3;
  expect_problem(negative_overhead, "--request-overhead");
  // A dtype the hardware has no peak for: fp8 activations on an A100.
  auto spec = decode(1, 512);
  spec.activations = DType::fp8;
  EXPECT_THROW(analyze(shipped().accelerator("a100-sxm"), build_workload(model, spec)), ModelError);
}

// A paged KV cache changes only the decode attention: its KV bytes are gathered (memsim's
// efficiency for runs of page · head_dim · 2 B); every other operator and the bytes stay as they
// are.
TEST(Analysis, PagedKvCacheSlowsOnlyDecodeAttention) {
  const auto contiguous = run("h100-sxm", "llama-3-8b", decode(32, 4096));
  auto spec = decode(32, 4096);
  spec.kv_page = 1;  // 256 B runs: random access on the HBM3 device
  const auto paged = run("h100-sxm", "llama-3-8b", spec);
  ASSERT_EQ(paged.ops.size(), contiguous.ops.size());
  for (std::size_t i = 0; i < paged.ops.size(); ++i) {
    const auto& before = contiguous.ops[i];
    const auto& after = paged.ops[i];
    EXPECT_DOUBLE_EQ(after.cost.bytes.back(), before.cost.bytes.back()) << after.name;
    if (after.kind == "decode-attention") {
      EXPECT_GT(after.cost.time, 1.5 * before.cost.time);  // a third of a stream's bandwidth
    } else {
      EXPECT_DOUBLE_EQ(after.cost.time, before.cost.time) << after.name;
    }
  }
  EXPECT_GT(paged.step_time, contiguous.step_time);
}

// TTFT as a serving runtime reports it = the prefill step + the runtime's per-request host cost;
// the step itself, TPOT and the per-operator table do not change.
TEST(Analysis, RequestOverheadAddsToTtftOnly) {
  const auto bare = run("h100-sxm", "llama-3-8b", prefill(1, 128));
  auto spec = prefill(1, 128);
  spec.request_overhead = 2e-3;
  const auto served = run("h100-sxm", "llama-3-8b", spec);
  EXPECT_DOUBLE_EQ(served.step_time, bare.step_time);
  EXPECT_DOUBLE_EQ(bare.ttft, bare.step_time);
  EXPECT_NEAR(served.ttft, bare.step_time + 2e-3, 1e-12);
}

}  // namespace
}  // namespace ridgeline::workload
