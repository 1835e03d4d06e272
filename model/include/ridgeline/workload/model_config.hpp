#pragma once
// Transformer model descriptions read from HuggingFace-style config.json files (llama, mistral,
// mixtral, qwen2, deepseek_v3, gptj and GPT-3-style "gpt3"), normalised to one plain struct.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/base/dtype.hpp"

namespace ridgeline::workload {

enum class NormKind { rms_norm, layer_norm };
enum class MlpKind { gated_silu, gelu };  // gated: gate, up, down (3 matrices); gelu: up, down
enum class PositionKind { rotary, learned };

struct MoeConfig {
  std::int64_t routed_experts = 0;  // 0: dense model
  std::int64_t experts_per_token = 0;
  std::int64_t shared_experts = 0;
  std::int64_t expert_intermediate = 0;  // per expert
  std::int64_t first_dense_layers = 0;   // DeepSeek: the first k layers use a dense MLP
  std::int64_t layer_frequency = 1;      // every n-th layer after those is MoE
};

// DeepSeek multi-head latent attention (DeepSeek-V2 paper, arXiv:2405.04434 §2.1).
struct MlaConfig {
  std::int64_t q_lora_rank = 0;   // 0: queries projected directly
  std::int64_t kv_lora_rank = 0;  // latent dimension cached per token
  std::int64_t qk_nope_head_dim = 0;
  std::int64_t qk_rope_head_dim = 0;
  std::int64_t v_head_dim = 0;
};

struct ModelConfig {
  std::string id;
  std::string family;  // model_type
  std::string file;
  std::int64_t hidden = 0;
  std::int64_t intermediate = 0;  // dense MLP width
  std::int64_t layers = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t vocab = 0;
  std::int64_t max_positions = 0;
  std::int64_t sliding_window = 0;  // attention window in tokens (Mistral 7B: 4096); 0: full
  bool tied_embeddings = false;
  bool attention_bias = false;  // qwen2 q/k/v bias, GPT-3 biases
  NormKind norm = NormKind::rms_norm;
  MlpKind mlp = MlpKind::gated_silu;
  PositionKind positions = PositionKind::rotary;
  MoeConfig moe;
  bool uses_mla = false;
  MlaConfig mla;
  double published_parameters = 0;  // from the "_ridgeline" block, if given

  bool is_moe() const { return moe.routed_experts > 0; }
  // Whether layer `index` (0-based) has an MoE MLP.
  bool is_moe_layer(std::int64_t index) const;
};

ModelConfig model_config_from_json(const nlohmann::json& document, const std::string& file,
                                   const std::string& id);
// `id_or_path`: an id of traces/models/ (or $RIDGELINE_MODELS) or a path to a config.json.
ModelConfig load_model_config(const std::string& id_or_path);
std::vector<std::string> shipped_model_ids();

// Parameter counts (weights only), from the shapes.
struct ParameterCount {
  double embedding = 0;  // token (+ learned position) embeddings
  double attention = 0;  // all layers
  double mlp = 0;        // all layers, every expert
  double norms = 0;
  double lm_head = 0;  // 0 when tied
  double total() const { return embedding + attention + mlp + norms + lm_head; }
  double active = 0;  // touched per token (MoE: top-k + shared experts only)
};
ParameterCount count_parameters(const ModelConfig& config);

// Bytes of KV cache per token per sequence (all layers): 2 × layers × kv_heads × head_dim × bytes,
// or for MLA layers × (kv_lora_rank + qk_rope_head_dim) × bytes.
double kv_cache_bytes_per_token(const ModelConfig& config, DType kv_dtype);

}  // namespace ridgeline::workload
