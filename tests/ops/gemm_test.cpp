// GEMM cost model: hand-derived values, with the derivation beside each expectation.
//
// The fixture tests/data/specs/accelerators/test-gpu.json: 100 SMs; bf16 peak 1000 TFLOP/s,
// achievable 0.8 → 800 TFLOP/s = 8 TFLOP/s per SM; fp32 60 TFLOP/s (achievable 0.9); L1 256 KiB per
// SM, 20 TB/s × 0.8; L2 50 MiB, 10 TB/s × 0.7 = 7 TB/s, 150 ns; HBM3 4 TB/s × 0.9 = 3.6 TB/s,
// 400 ns; overheads: kernel 4 µs, host launch 9 µs.

#include "ridgeline/ops/gemm.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::ops {
namespace {

hw::Accelerator fixture() {
  hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return library.accelerator("test-gpu");
}

hw::Accelerator shipped(const std::string& id) {
  return hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator(id);
}

GemmShape shape(std::int64_t m, std::int64_t n, std::int64_t k) {
  GemmShape s;
  s.m = m;
  s.n = n;
  s.k = k;
  return s;
}

constexpr std::size_t kL1 = 0, kL2 = 1, kHbm = 2;

TEST(GemmModel, FlopsAreTwoMnkPerBatch) {
  GemmShape s = shape(4096, 4096, 4096);
  EXPECT_DOUBLE_EQ(gemm_flops(s), 1.37438953472e11);  // 2 · 4096³
  s.batch = 3;
  EXPECT_DOUBLE_EQ(gemm_flops(s), 3 * 1.37438953472e11);
}

TEST(GemmModel, Square4096OnFixtureIsComputeBoundWith256x256Tiles) {
  const auto gpu = fixture();
  const auto result = gemm_evaluate(gpu, shape(4096, 4096, 4096));
  // Candidates (K-slice 64 bf16 = 128 B): 256×256 → 16·16 = 256 tiles → ⌈2.56⌉ = 3 waves; a tile
  // runs 64 K-steps + 1 fill step: 2·256·256·64·65 / 8e12 = 68.157 µs → compute 204.47 µs.
  // 256×128 gives the same compute (6 waves × 34.08 µs) but its L2 traffic A·32 + B·16 = 1.61 GB
  // takes 235 µs at 7 TB/s; 128×128 (11 waves, 187.4 µs) moves 2.15 GB through L2 (307 µs); the
  // smaller tiles are L1-bound. So 256×256 wins.
  EXPECT_EQ(result.plan.tile_m, 256);
  EXPECT_EQ(result.plan.tile_n, 256);
  EXPECT_EQ(result.plan.tile_k, 64);
  EXPECT_EQ(result.plan.split_k, 1);
  EXPECT_EQ(result.plan.tiles, 256);
  EXPECT_EQ(result.plan.waves, 3);
  EXPECT_NEAR(result.plan.wave_efficiency, 256.0 / 300.0, 1e-12);
  EXPECT_NEAR(result.plan.fill_efficiency, 64.0 / 65.0, 1e-12);
  const double tile_time = 2.0 * 256 * 256 * 64 * 65 / 8e12;
  EXPECT_NEAR(result.cost.compute_time, 3 * tile_time, 1e-12);
  EXPECT_EQ(result.cost.bound.kind, BoundKind::compute);

  // Traffic. A = B = C = 4096² · 2 B = 33.554 MB. L1: panel loads A·16 + B·16 = 1.0737 GB, written
  // and read (×2), + C. L2: the panel loads + C. HBM: the smaller operand (33.6 MB) and the wave's
  // slices (100 × 2·512·64·2 B = 13.1 MB) fit in 50 MiB, so A and B are read once: A + B + C.
  const double matrix = 4096.0 * 4096.0 * 2.0;
  EXPECT_DOUBLE_EQ(result.cost.bytes[kL1], 2 * 32 * matrix + matrix);
  EXPECT_DOUBLE_EQ(result.cost.bytes[kL2], 32 * matrix + matrix);
  EXPECT_DOUBLE_EQ(result.cost.bytes[kHbm], 3 * matrix);

  // Overhead: kernel 4 µs + prologue (HBM latency) 0.4 µs + epilogue of the last wave: 56 of 256
  // tiles write their share of C at 3.6 TB/s: 33.554 MB · 56/256 / 3.6e12 = 2.039 µs.
  const double epilogue = matrix * 56.0 / 256.0 / 3.6e12;
  EXPECT_NEAR(result.cost.overhead_time, 4e-6 + 400e-9 + epilogue, 1e-12);
  // time = 204.47 + 4 + 0.4 + 2.039 = 210.91 µs
  EXPECT_NEAR(result.cost.time, 3 * tile_time + 4e-6 + 400e-9 + epilogue, 1e-12);
  EXPECT_NEAR(result.cost.time, 210.91e-6, 0.01e-6);
}

TEST(GemmModel, Square4096BF16OnH100IsComputeBound) {
  const auto h100 = shipped("h100-sxm");
  const auto result = gemm_evaluate(h100, shape(4096, 4096, 4096));
  // 989.4 TFLOP/s × 0.803 = 794.5 TFLOP/s over 132 SMs = 6.019 TFLOP/s per SM.
  // 256×128 tiles: 16·32 = 512 tiles → ⌈3.88⌉ = 4 waves; tile = 2·256·128·64·65 / 6.019e12 =
  // 45.29 µs → compute 181.2 µs (L2: 1.644 GB at 9.696 TB/s = 169.6 µs, below it).
  // Overhead: 4 µs + 373 ns + last wave (116 of 512 tiles) writing 33.55 MB·116/512 at
  // 2.971 TB/s = 2.558 µs. time = 181.2 + 6.93 = 188.1 µs (measured with cold L2: 201.4 µs).
  EXPECT_EQ(result.plan.tile_m, 256);
  EXPECT_EQ(result.plan.tile_n, 128);
  EXPECT_EQ(result.plan.waves, 4);
  EXPECT_EQ(result.cost.bound.kind, BoundKind::compute);
  const double per_sm = 989.4e12 * 0.803 / 132.0;
  EXPECT_NEAR(result.cost.compute_time, 4 * 2.0 * 256 * 128 * 64 * 65 / per_sm, 1e-9);
  EXPECT_NEAR(result.cost.time, 188.1e-6, 0.1e-6);
  // Achieved: 1.374e11 / 188.1 µs = 730.6 TFLOP/s.
  EXPECT_NEAR(achieved_flops(result.cost), 730.6e12, 0.5e12);
}

TEST(GemmModel, GemvIsHbmBoundAndReadsTheWeightsOnce) {
  const auto h100 = shipped("h100-sxm");
  const auto cost = gemm_cost(h100, shape(1, 4096, 4096));
  // 1×4096×4096 bf16: B = 4096·4096·2 = 33.554 MB dominates; A and C are 8 kB each.
  // HBM time 33.57 MB / 2.971 TB/s = 11.3 µs, far above compute.
  const double weights = 4096.0 * 4096.0 * 2.0;
  EXPECT_EQ(cost.bound.kind, BoundKind::memory);
  EXPECT_EQ(h100.memory[cost.bound.level].name, "HBM3");
  EXPECT_GE(cost.bytes.back(), weights);
  EXPECT_LE(cost.bytes.back(), weights * 1.01);
  EXPECT_NEAR(cost.level_time.back(), cost.bytes.back() / (3.35e12 * 0.887), 1e-12);
}

TEST(GemmModel, OneTileMoreThanTheUnitsCostsAWholeWave) {
  const auto gpu = fixture();
  // 128×128 tiles over 100 SMs: m = 128·100 gives 100 tiles (1 wave), m = 128·101 gives 101 tiles,
  // ⌈101/100⌉ = 2 waves: compute doubles for 1 % more work (k = 4096: 64 steps + 1 fill,
  // 2·128·128·64·65 / 8e12 = 17.04 µs per wave).
  const GemmTiling tiling{128, 128, 1};
  const auto full = gemm_evaluate_tiling(gpu, shape(128 * 100, 128, 4096), tiling);
  const auto spill = gemm_evaluate_tiling(gpu, shape(128 * 101, 128, 4096), tiling);
  EXPECT_EQ(full.plan.waves, 1);
  EXPECT_EQ(spill.plan.waves, 2);
  const double wave = 2.0 * 128 * 128 * 64 * 65 / 8e12;
  EXPECT_NEAR(full.cost.compute_time, wave, 1e-12);
  EXPECT_NEAR(spill.cost.compute_time, 2 * wave, 1e-12);
  EXPECT_NEAR(spill.plan.wave_efficiency, 101.0 / 200.0, 1e-12);
}

TEST(GemmModel, SplitKTriggersForASkinnyTallShape) {
  const auto gpu = fixture();
  // 128×128 output, k = 65536: one 128×128 tile would leave 99 of 100 SMs idle for 1025 K-steps
  // (2·128·128·64·1025 / 8e12 = 268.7 µs). Splitting K fills the units.
  const auto chosen = gemm_evaluate(gpu, shape(128, 128, 65536));
  const auto unsplit = gemm_evaluate_tiling(gpu, shape(128, 128, 65536), {128, 128, 1});
  EXPECT_GT(chosen.plan.split_k, 1);
  EXPECT_LT(chosen.cost.time, unsplit.cost.time / 5);
  EXPECT_NEAR(unsplit.cost.compute_time, 2.0 * 128 * 128 * 64 * 1025 / 8e12, 1e-12);
  // Split-K writes fp32 partials: 128·128·4 B per split, written and read back.
  EXPECT_GT(chosen.cost.bytes[kL2], unsplit.cost.bytes[kL2] - 1.0);
}

TEST(GemmModel, Int4WeightsMoveAQuarterOfTheBf16WeightBytesAndPayDequantization) {
  const auto gpu = fixture();
  GemmShape bf16 = shape(16, 8192, 8192);
  GemmShape int4 = bf16;
  int4.weight = DType::int4;
  const auto dense = gemm_evaluate(gpu, bf16);
  const auto quantized = gemm_evaluate(gpu, int4);
  // m = 16 fits one tile row, so B is read once from HBM: bf16 8192² · 2 = 134.2 MB, int4
  // 8192² · 0.5 = 33.55 MB. A (16·8192·2) and C (16·8192·2) are the same in both.
  const double a_and_c = 2.0 * 16 * 8192 * 2;
  EXPECT_NEAR(dense.cost.bytes[kHbm] - a_and_c, 8192.0 * 8192.0 * 2.0, 8192.0 * 8192.0 * 0.01);
  EXPECT_NEAR(quantized.cost.bytes[kHbm] - a_and_c, 8192.0 * 8192.0 * 0.5, 8192.0 * 8192.0 * 0.01);
  EXPECT_NEAR((quantized.cost.bytes[kHbm] - a_and_c) / (dense.cost.bytes[kHbm] - a_and_c), 0.25,
              0.01);
  // Dequantization: 2 vector ops per weight element per tile that loads it, at 60e12 · 0.9 / 2 =
  // 27e12 ops/s: at least 8192² · 2 / 27e12 = 4.97 µs of extra compute.
  EXPECT_EQ(dense.plan.dequant_time, 0.0);
  EXPECT_GE(quantized.plan.dequant_time, 8192.0 * 8192.0 * 2 / 27e12 * 0.999);
  EXPECT_LT(quantized.cost.time, dense.cost.time);  // still memory bound: 4× fewer bytes wins
}

TEST(GemmModel, WarmCacheKeepsASmallWorkingSetOnChip) {
  const auto gpu = fixture();
  Conditions warm;
  warm.cache = CacheState::warm;
  // 1024×1024×1024 bf16: A + B + C = 6.29 MB fits the 50 MiB L2: no HBM traffic when warm.
  const auto cold = gemm_cost(gpu, shape(1024, 1024, 1024));
  const auto hot = gemm_cost(gpu, shape(1024, 1024, 1024), warm);
  EXPECT_DOUBLE_EQ(cold.bytes[kHbm], 3 * 1024.0 * 1024.0 * 2.0);
  EXPECT_EQ(hot.bytes[kHbm], 0.0);
  EXPECT_GT(hot.bytes[kL2], 0.0);
}

TEST(GemmModel, HostTimingAddsTheHostLaunchOverhead) {
  const auto gpu = fixture();
  Conditions host;
  host.host_timed = true;
  const auto device = gemm_cost(gpu, shape(512, 512, 512));
  const auto timed = gemm_cost(gpu, shape(512, 512, 512), host);
  EXPECT_NEAR(timed.time - device.time, 9e-6, 1e-12);  // overheads.host_launch of the fixture
}

TEST(GemmModel, BadShapesAndDtypesAreErrors) {
  const auto gpu = fixture();
  EXPECT_THROW(gemm_cost(gpu, shape(0, 16, 16)), InputError);
  EXPECT_THROW(gemm_cost(gpu, shape(16, -4, 16)), InputError);
  EXPECT_THROW(gemm_cost(gpu, shape(16, 16, 0)), InputError);
  GemmShape fp8 = shape(16, 16, 16);
  fp8.activation = DType::fp8;  // the fixture has bf16 and fp32 peaks only
  EXPECT_THROW(gemm_cost(gpu, fp8), ModelError);
  try {
    gemm_cost(gpu, shape(16, 0, 16));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems().at(0).where, "--n");
  }
}

TEST(GemmModel, LargeBatchPrefillGemmIsComputeBoundOnEveryGpu) {
  hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  for (const auto* id : {"a100-sxm", "h100-sxm", "h200", "b200", "mi300x", "mi210"}) {
    const auto gpu = library.accelerator(id);
    GemmShape prefill = shape(8192, 8192, 8192);
    prefill.activation = DType::bf16;
    if (!hw::supports(gpu, DType::bf16)) prefill.activation = DType::fp16;
    const auto cost = gemm_cost(gpu, prefill);
    EXPECT_EQ(cost.bound.kind, BoundKind::compute) << id;
    EXPECT_TRUE(std::isfinite(cost.time) && cost.time > 0) << id;
    // Batch-1 decode GEMV of the same weights is memory bound.
    const auto decode = gemm_cost(gpu, shape(1, 8192, 8192));
    EXPECT_EQ(decode.bound.kind, BoundKind::memory) << id;
  }
}

TEST(GemmModel, DerivationNamesTheTileWavesAndBound) {
  const auto h100 = shipped("h100-sxm");
  const auto cost = gemm_cost(h100, shape(4096, 4096, 4096));
  std::string text;
  for (const auto& line : cost.derivation) text += line + "\n";
  EXPECT_NE(text.find("tile 256×128"), std::string::npos) << text;
  EXPECT_NE(text.find("4 wave(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("bound: compute"), std::string::npos) << text;
  Conditions quiet;
  quiet.derivation = false;
  EXPECT_TRUE(gemm_cost(h100, shape(64, 64, 64), quiet).derivation.empty());
}

}  // namespace
}  // namespace ridgeline::ops
