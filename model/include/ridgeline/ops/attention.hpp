#pragma once
// Attention operators.
//
// Prefill attention, O = softmax(Q·Kᵀ/√d)·V for `seq` queries over `kv_seq` keys per head:
//   FLOPs      = 4 · batch · heads · seq · visible · head_dim   (Q·Kᵀ and P·V, 2 FLOP per MAC)
//   visible    = kv_seq, or with a causal mask (queries aligned to the last keys)
//                kv_seq − (seq − 1)/2 on average
//   * flash (FlashAttention-2: Dao, arXiv:2307.08691, 2023): one block per (batch, head, 128-query
//     tile), streaming K/V tiles through SRAM; the score matrix never leaves the chip. Off-chip
//     bytes = Q + K + V + O when the K/V of the heads in flight fit in L2 (else every block's K/V
//     stream). Compute = waves × per-block time, the block's MMAs at the tensor rate and its
//     softmax (5 vector ops per score) on the vector units, not overlapped (FA2).
//   * naive: three kernels — batched GEMM S = Q·Kᵀ written to memory, softmax over S (the causal
//     mask fused into it), batched GEMM O = P·V — with the full score matrix computed and moved.
//     Its FLOPs are the three kernels' (full products, causal or not, plus 5 per score).
//
// Decode attention, one new query token per sequence over a KV cache of `context` tokens:
//   bytes  = KV cache: batch · kv_heads · context · head_dim · 2 (K and V) · kv bytes, + Q + O
//   FLOPs  = 4 · batch · heads · context · head_dim
//   paged KV cache of p tokens per page: the KV bytes are gathers of p·head_dim·kv bytes runs,
//   at the fraction of a stream's off-chip bandwidth that memsim measures for such gathers
//   MHA: kv_heads = heads; GQA: heads/kv_heads query heads share a K/V head (they form the rows of
//   the MMA, so GQA uses group/64 of a 64-row MMA); MQA: kv_heads = 1. Split over the context
//   (flash-decoding) so every unit streams.
//
// DeepSeek MLA decode with the absorbed projections (DeepSeek-V2, arXiv:2405.04434, §2.1;
// FlashMLA): every head attends over the shared compressed latent of kv_lora_rank + rope_dim
// elements per token:
//   bytes  = batch · context · (kv_lora_rank + rope_dim) · kv bytes, + Q + O
//   FLOPs  = 2 · batch · heads · context · (kv_lora_rank + rope_dim)   (scores)
//          + 2 · batch · heads · context · kv_lora_rank                (values)

#include <cstdint>
#include <optional>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"
#include "ridgeline/ops/op_cost.hpp"

namespace ridgeline::ops {

enum class AttentionImpl { flash, naive };

struct AttentionShape {
  std::int64_t batch = 1;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;  // 0: same as heads
  std::int64_t seq = 0;       // queries
  std::int64_t kv_seq = 0;    // keys; 0: same as seq
  std::int64_t head_dim = 0;
  bool causal = true;
  DType dtype = DType::bf16;
};

// FLOPs counted as above (causal halves them for seq = kv_seq, up to the diagonal).
double attention_flops(const AttentionShape& shape);

OpCost attention_cost(const hw::Accelerator& accelerator, const AttentionShape& shape,
                      AttentionImpl impl, const Conditions& conditions = {});

struct DecodeAttentionShape {
  std::int64_t batch = 1;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;  // 0: same as heads (MHA)
  std::int64_t context = 0;   // tokens in the KV cache
  std::int64_t head_dim = 0;
  DType dtype = DType::bf16;      // query, output, and the MMA
  std::optional<DType> kv_dtype;  // KV cache; default: dtype
  // Paged KV cache (vLLM's block size): tokens per page, whose keys (and values) of one K/V head
  // are contiguous, page_tokens · head_dim · kv bytes; the pages lie anywhere. 0: one contiguous
  // cache per sequence.
  std::int64_t kv_page_tokens = 0;
};

OpCost decode_attention_cost(const hw::Accelerator& accelerator, const DecodeAttentionShape& shape,
                             const Conditions& conditions = {});

struct MlaDecodeShape {
  std::int64_t batch = 1;
  std::int64_t heads = 128;
  std::int64_t context = 0;
  std::int64_t kv_lora_rank = 512;
  std::int64_t rope_dim = 64;
  DType dtype = DType::bf16;
  std::optional<DType> kv_dtype;
  std::int64_t kv_page_tokens = 0;  // paged latent cache: tokens per page (as DecodeAttentionShape)
};

OpCost mla_decode_cost(const hw::Accelerator& accelerator, const MlaDecodeShape& shape,
                       const Conditions& conditions = {});

}  // namespace ridgeline::ops
