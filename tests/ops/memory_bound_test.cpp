// Streaming operators (softmax, norms, elementwise): bytes, FLOPs and time derived by hand on the
// fixture test-gpu (100 SMs; HBM 4 TB/s × 0.9 = 3.6 TB/s, 400 ns; L2 50 MiB, 7 TB/s, 150 ns; fp32
// 60 TFLOP/s × 0.9 → 27e12 vector ops/s; kernel overhead 4 µs, host launch 9 µs).

#include "ridgeline/ops/memory_bound.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::ops {
namespace {

hw::Accelerator fixture() {
  hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return library.accelerator("test-gpu");
}

constexpr std::size_t kL2 = 1, kHbm = 2;

TEST(OpMemoryBound, SoftmaxMovesTwoMnTimesTheElementSize) {
  const auto gpu = fixture();
  const auto cost = softmax_cost(gpu, {8192, 4096, DType::fp16});
  // bytes = 2 · m · n · 2 = 2 · 8192 · 4096 · 2 = 134.2 MB at HBM (cold), streaming through L2.
  const double bytes = 2.0 * 8192 * 4096 * 2;
  EXPECT_DOUBLE_EQ(cost.bytes[kHbm], bytes);
  EXPECT_DOUBLE_EQ(cost.bytes[kL2], bytes);
  // FLOPs = 5 · m · n = 167.8 M.
  EXPECT_DOUBLE_EQ(cost.flops, 5.0 * 8192 * 4096);
  // 8192 rows over 100 SMs: ⌈81.92⌉ = 82 waves, busy 8192/8200. HBM time = 134.2 MB /
  // (3.6e12 · 0.99902) = 37.32 µs; compute 167.8e6 / 27e12 / 0.99902 = 6.22 µs.
  const double busy = 8192.0 / 8200.0;
  EXPECT_NEAR(cost.level_time[kHbm], bytes / (3.6e12 * busy), 1e-12);
  EXPECT_NEAR(cost.compute_time, 5.0 * 8192 * 4096 / 27e12 / busy, 1e-12);
  // time = 37.32 µs + kernel 4 µs + HBM latency 0.4 µs = 41.72 µs.
  EXPECT_NEAR(cost.time, bytes / (3.6e12 * busy) + 4e-6 + 400e-9, 1e-12);
  EXPECT_EQ(cost.bound.kind, BoundKind::memory);
}

TEST(OpMemoryBound, FewRowsLeaveUnitsIdle) {
  const auto gpu = fixture();
  // 50 rows on 100 SMs: one wave, half the units busy → half the bandwidth.
  const auto half = softmax_cost(gpu, {50, 65536, DType::bf16});
  const double bytes = 2.0 * 50 * 65536 * 2;
  EXPECT_NEAR(half.level_time[kHbm], bytes / (3.6e12 * 0.5), 1e-12);
}

TEST(OpMemoryBound, TinyTensorsCostAboutOneLatencyPlusTheKernel) {
  const auto gpu = fixture();
  // 4096 elements of bf16 GELU: 16 kB moved in 4.6 ns at 3.6 TB/s; the 400 ns latency and the
  // 4 µs kernel overhead dominate (bandwidth × latency = 1.44 MB must be in flight to stream).
  const auto cost = elementwise_cost(gpu, Elementwise::gelu, {1, 4096, DType::bf16});
  EXPECT_EQ(cost.bound.kind, BoundKind::overhead);
  EXPECT_NEAR(cost.overhead_time, 4e-6 + 400e-9, 1e-15);
  EXPECT_NEAR(cost.time, 4.4e-6 + 2.0 * 4096 * 2 / 3.6e12, 1e-10);
}

TEST(OpMemoryBound, ProfilerTimingTakesTheFixedCostInsideTheKernel) {
  const auto gpu = fixture();
  Conditions profiled;
  profiled.profiled = true;
  // The same 4096-element GELU as a profiler records it: overheads.profiled_kernel 1 µs instead of
  // the 4 µs kernel overhead (no launch latency), plus the 400 ns HBM latency and 4.6 ns of data.
  const auto cost = elementwise_cost(gpu, Elementwise::gelu, {1, 4096, DType::bf16}, profiled);
  EXPECT_NEAR(cost.overhead_time, 1e-6 + 400e-9, 1e-15);
  EXPECT_NEAR(cost.time, 1.4e-6 + 2.0 * 4096 * 2 / 3.6e12, 1e-10);
  // A spec that does not say what a profiled kernel costs cannot be compared that way.
  auto without = gpu;
  without.overheads.profiled_kernel.reset();
  EXPECT_THROW(elementwise_cost(without, Elementwise::gelu, {1, 4096, DType::bf16}, profiled),
               ModelError);
}

TEST(OpMemoryBound, WarmWorkingSetStreamsFromL2) {
  const auto gpu = fixture();
  Conditions warm;
  warm.cache = CacheState::warm;
  // 1024 × 4096 fp16 softmax: 16.8 MB in + out fits the 50 MiB L2: bytes at L2, none at HBM, and
  // the latency term is L2's 150 ns.
  const auto cost = softmax_cost(gpu, {1024, 4096, DType::fp16}, warm);
  EXPECT_EQ(cost.bytes[kHbm], 0.0);
  EXPECT_DOUBLE_EQ(cost.bytes[kL2], 2.0 * 1024 * 4096 * 2);
  EXPECT_NEAR(cost.overhead_time, 4e-6 + 150e-9, 1e-15);
}

TEST(OpMemoryBound, NormsAndElementwiseByteCounts) {
  const auto gpu = fixture();
  const double mn = 4096.0 * 8192;
  // LayerNorm with γ, β: read m·n·2 + 2·n·2, write m·n·2; 8 FLOP per element; without: 6.
  const auto ln = layernorm_cost(gpu, {4096, 8192, DType::bf16}, true);
  EXPECT_DOUBLE_EQ(ln.bytes[kHbm], mn * 2 + 2.0 * 8192 * 2 + mn * 2);
  EXPECT_DOUBLE_EQ(ln.flops, 8 * mn);
  EXPECT_DOUBLE_EQ(layernorm_cost(gpu, {4096, 8192, DType::bf16}, false).flops, 6 * mn);
  // RMSNorm: read m·n·2 + weight n·2, write m·n·2; 4 FLOP per element.
  const auto rms = rmsnorm_cost(gpu, {4096, 8192, DType::bf16});
  EXPECT_DOUBLE_EQ(rms.bytes[kHbm], mn * 2 + 8192.0 * 2 + mn * 2);
  EXPECT_DOUBLE_EQ(rms.flops, 4 * mn);
  // SiLU gate and residual add read two tensors and write one.
  const auto gate = elementwise_cost(gpu, Elementwise::silu_gate, {4096, 8192, DType::bf16});
  EXPECT_DOUBLE_EQ(gate.bytes[kHbm], 3 * mn * 2);
  EXPECT_DOUBLE_EQ(gate.flops, 5 * mn);
  const auto add = elementwise_cost(gpu, Elementwise::residual_add, {4096, 8192, DType::bf16});
  EXPECT_DOUBLE_EQ(add.bytes[kHbm], 3 * mn * 2);
  EXPECT_DOUBLE_EQ(add.flops, mn);
  // RoPE on 4096 tokens × 64 heads × 128: x in and out + cos/sin tables 2 · 4096 · 128 · 2.
  const auto rope = elementwise_cost(gpu, Elementwise::rope, {4096, 8192, DType::bf16}, {}, 128);
  EXPECT_DOUBLE_EQ(rope.bytes[kHbm], 2 * mn * 2 + 2.0 * 4096 * 128 * 2);
  EXPECT_DOUBLE_EQ(rope.flops, 3 * mn);
  EXPECT_THROW(elementwise_cost(gpu, Elementwise::rope, {4096, 8192, DType::bf16}, {}, 100),
               InputError);
}

TEST(OpMemoryBound, PointwiseMovesWhatItReadsAndWrites) {
  const auto gpu = fixture();
  // A cast of 2^24 fp32 elements to bf16: read 2^24 · 4 B, write 2^24 · 2 B = 100.7 MB; 1 op per
  // element. HBM time = 100.7 MB / 3.6 TB/s = 27.96 µs, + kernel 4 µs + latency 0.4 µs.
  PointwiseShape cast;
  cast.elements = 16777216;
  cast.read_elements = 16777216;
  cast.dtype = DType::fp32;
  cast.out_dtype = DType::bf16;
  const auto cost = pointwise_cost(gpu, cast);
  const double bytes = 16777216.0 * 4 + 16777216.0 * 2;
  EXPECT_DOUBLE_EQ(cost.bytes[kHbm], bytes);
  EXPECT_DOUBLE_EQ(cost.flops, 16777216.0);
  EXPECT_NEAR(cost.time, bytes / 3.6e12 + 4e-6 + 400e-9, 1e-12);
  // A fill reads nothing: 2^20 bf16 elements written = 2 MiB.
  PointwiseShape fill;
  fill.elements = 1048576;
  EXPECT_DOUBLE_EQ(pointwise_cost(gpu, fill).bytes[kHbm], 1048576.0 * 2);
  fill.elements = 0;
  EXPECT_THROW(pointwise_cost(gpu, fill), InputError);
}

TEST(OpMemoryBound, BadShapesAreInputErrors) {
  const auto gpu = fixture();
  EXPECT_THROW(softmax_cost(gpu, {0, 4096, DType::bf16}), InputError);
  EXPECT_THROW(rmsnorm_cost(gpu, {16, -1, DType::bf16}), InputError);
  EXPECT_THROW(elementwise_cost(gpu, Elementwise::gelu, {0, 1, DType::bf16}), InputError);
}

}  // namespace
}  // namespace ridgeline::ops
