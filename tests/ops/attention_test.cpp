// Attention operators: FLOPs, bytes and bounds derived by hand.

#include "ridgeline/ops/attention.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/memsim/efficiency.hpp"

namespace ridgeline::ops {
namespace {

hw::Accelerator shipped(const std::string& id) {
  return hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator(id);
}

hw::Accelerator fixture() {
  hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return library.accelerator("test-gpu");
}

AttentionShape prefill(std::int64_t seq, bool causal) {
  AttentionShape s;
  s.batch = 2;
  s.heads = 16;
  s.seq = seq;
  s.head_dim = 128;
  s.causal = causal;
  return s;
}

TEST(OpAttention, FlopsCountBothProductsAndHalveWithACausalMask) {
  // 4 · b · h · s² · d = 4 · 2 · 16 · 8192² · 128 = 1.0995e12 without a mask.
  EXPECT_DOUBLE_EQ(attention_flops(prefill(8192, false)), 4.0 * 2 * 16 * 8192.0 * 8192.0 * 128);
  // Causal: query i sees i + 1 keys; mean (s + 1)/2 = 4096.5.
  EXPECT_DOUBLE_EQ(attention_flops(prefill(8192, true)), 4.0 * 2 * 16 * 8192.0 * 4096.5 * 128);
}

TEST(OpAttention, FlashKeepsScoresOnChipNaiveMovesThem) {
  const auto h100 = shipped("h100-sxm");
  const auto shape = prefill(8192, false);
  const auto flash = attention_cost(h100, shape, AttentionImpl::flash);
  const auto naive = attention_cost(h100, shape, AttentionImpl::naive);
  // Flash: Q, K, V, O of 2·16·8192·128·2 B = 67.1 MB each; the K/V of the heads in flight (a few
  // heads × 4.2 MB) fit in the 50 MiB L2, so HBM moves Q + K + V + O = 268.4 MB.
  const double tensor = 2.0 * 16 * 8192 * 128 * 2;
  EXPECT_DOUBLE_EQ(flash.bytes.back(), 4 * tensor);
  EXPECT_EQ(flash.bound.kind, BoundKind::compute);
  // Naive: the 2·16·8192² score matrix (4.29 GB in bf16) is written, read and written by softmax,
  // read again: at least 4 × 4.29 GB at HBM, and three kernel overheads.
  const double scores = 2.0 * 16 * 8192 * 8192 * 2;
  EXPECT_GE(naive.bytes.back(), 4 * scores);
  EXPECT_GT(naive.time, flash.time);
  // Naive FLOPs: both products (as flash) plus the softmax's 5 per score.
  EXPECT_DOUBLE_EQ(naive.flops, flash.flops + 5.0 * 2 * 16 * 8192 * 8192);
}

// Llama-3-8B's decode attention: 32 query heads over 8 K/V heads, head_dim 128, context 4096.
DecodeAttentionShape llama3_8b_decode(std::int64_t batch) {
  DecodeAttentionShape shape;
  shape.batch = batch;
  shape.heads = 32;
  shape.kv_heads = 8;
  shape.context = 4096;
  shape.head_dim = 128;
  return shape;
}

TEST(OpAttention, DecodeReadsTheKvCache) {
  const auto h100 = shipped("h100-sxm");
  // Llama-3-8B-like decode: 32 query heads over 8 K/V heads (GQA), head_dim 128, context 4096,
  // batch 1, bf16: KV cache = 2 · 8 · 4096 · 128 · 2 B = 16.78 MB; Q and O 32·128·2 = 8 kB each.
  DecodeAttentionShape shape = llama3_8b_decode(1);
  const auto cost = decode_attention_cost(h100, shape);
  const double kv = 2.0 * 8 * 4096 * 128 * 2;
  EXPECT_DOUBLE_EQ(cost.bytes.back(), kv + 2 * 32.0 * 128 * 2);
  EXPECT_DOUBLE_EQ(cost.flops, 4.0 * 32 * 4096 * 128);
  EXPECT_EQ(cost.bound.kind, BoundKind::memory);
  // time = 16.79 MB / 2.971 TB/s (5.65 µs) + 373 ns + 4 µs kernel = 10.02 µs.
  EXPECT_NEAR(cost.time, (kv + 2 * 32.0 * 128 * 2) / (3.35e12 * 0.887) + 373e-9 + 4e-6, 1e-12);
  // MHA moves 4× the bytes of GQA with 4 query heads per K/V head; MQA a quarter of GQA's 8 heads.
  shape.kv_heads = 32;
  EXPECT_NEAR(decode_attention_cost(h100, shape).bytes.back(), 4 * kv + 2 * 32.0 * 128 * 2, 1.0);
  shape.kv_heads = 1;
  EXPECT_NEAR(decode_attention_cost(h100, shape).bytes.back(), kv / 8 + 2 * 32.0 * 128 * 2, 1.0);
  // An fp8 KV cache halves the cache bytes.
  shape.kv_heads = 8;
  shape.kv_dtype = DType::fp8;
  EXPECT_NEAR(decode_attention_cost(h100, shape).bytes.back(), kv / 2 + 2 * 32.0 * 128 * 2, 1.0);
}

TEST(OpAttention, PagedKvCacheGathersAtTheBandwidthMemsimMeasures) {
  const auto h100 = shipped("h100-sxm");
  // Llama-3-8B-like decode at batch 32, context 4096: 536.9 MB of KV cache. With 16-token pages
  // (vLLM's default block) one K/V head's page is a contiguous run of 16 · 128 · 2 B = 4 KiB, and
  // with 1-token pages 256 B; the pages lie at random places.
  DecodeAttentionShape shape = llama3_8b_decode(32);
  const auto contiguous = decode_attention_cost(h100, shape);
  shape.kv_page_tokens = 16;
  const auto pages16 = decode_attention_cost(h100, shape);
  shape.kv_page_tokens = 1;
  const auto pages1 = decode_attention_cost(h100, shape);
  // The bytes are the same; the HBM time is the stream's divided by what memsim measures for
  // gathers of such runs on the H100's HBM3 device, relative to a sequential stream.
  const auto& device = h100.memory.back().off_chip->device;
  const double efficiency16 = memsim::gather_efficiency(device, 4096);
  const double efficiency1 = memsim::gather_efficiency(device, 256);
  EXPECT_DOUBLE_EQ(pages16.bytes.back(), contiguous.bytes.back());
  EXPECT_NEAR(pages16.level_time.back(), contiguous.level_time.back() / efficiency16, 1e-12);
  EXPECT_NEAR(pages1.level_time.back(), contiguous.level_time.back() / efficiency1, 1e-12);
  // The device interleaves channels every 32 B burst, so a 256 B run is 8 single-burst row
  // misses on 8 channels (random access: a third of a stream or less), while a 4 KiB run keeps
  // 8 bursts per row of each channel (at least half of a stream).
  EXPECT_LT(efficiency1, 0.4);
  EXPECT_GT(efficiency16, 0.5);
  EXPECT_LE(efficiency16, 1.0);
  EXPECT_GT(pages1.time, pages16.time);
  EXPECT_GT(pages16.time, contiguous.time);
  // A negative page size is an input error naming the option.
  shape.kv_page_tokens = -1;
  try {
    decode_attention_cost(h100, shape);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("kv-page"), std::string::npos) << e.what();
  }
}

TEST(OpAttention, MlaDecodeReadsTheSharedLatent) {
  const auto h100 = shipped("h100-sxm");
  // DeepSeek-V3: 128 heads, latent 512 + 64 rope, context 8192, batch 1, bf16:
  // latent cache 8192 · 576 · 2 = 9.437 MB; absorbed Q 128·576·2, O 128·512·2.
  MlaDecodeShape shape;
  shape.context = 8192;
  const auto cost = mla_decode_cost(h100, shape);
  EXPECT_DOUBLE_EQ(cost.bytes.back(), 8192.0 * 576 * 2 + 128.0 * 576 * 2 + 128.0 * 512 * 2);
  // FLOPs = 2·128·8192·576 + 2·128·8192·512 = 2.281e9.
  EXPECT_DOUBLE_EQ(cost.flops, 2.0 * 128 * 8192 * 576 + 2.0 * 128 * 8192 * 512);
}

TEST(OpAttention, BadShapesAreInputErrors) {
  const auto gpu = fixture();
  auto shape = prefill(1024, true);
  shape.kv_heads = 5;  // does not divide 16
  EXPECT_THROW(attention_cost(gpu, shape, AttentionImpl::flash), InputError);
  shape = prefill(1024, true);
  shape.head_dim = 0;
  EXPECT_THROW(attention_cost(gpu, shape, AttentionImpl::flash), InputError);
  shape = prefill(1024, true);
  shape.kv_seq = 512;  // a causal mask needs at least as many keys as queries
  EXPECT_THROW(attention_cost(gpu, shape, AttentionImpl::flash), InputError);
  shape = prefill(1024, true);
  shape.dtype = DType::fp8;
  EXPECT_THROW(attention_cost(gpu, shape, AttentionImpl::flash), ModelError);
  DecodeAttentionShape decode;
  decode.heads = 32;
  decode.context = 0;
  decode.head_dim = 128;
  EXPECT_THROW(decode_attention_cost(gpu, decode), InputError);
}

}  // namespace
}  // namespace ridgeline::ops
