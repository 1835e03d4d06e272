#include "ridgeline/workload/model_config.hpp"

#include <algorithm>
#include <cstdlib>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"

#ifndef RIDGELINE_TRACES_DIR
#error "RIDGELINE_TRACES_DIR must be defined by the build"
#endif

namespace ridgeline::workload {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kMaxWidth = 1 << 20;  // hidden / intermediate sizes
constexpr std::int64_t kMaxLayers = 4096;
constexpr std::int64_t kMaxHeads = 4096;
constexpr std::int64_t kMaxVocab = 1 << 24;
constexpr std::int64_t kMaxPositions = 1 << 26;
constexpr std::int64_t kMaxExperts = 1 << 16;

const std::vector<std::string>& supported_families() {
  static const std::vector<std::string> families{"llama",       "mistral", "mixtral", "qwen2",
                                                 "deepseek_v3", "gptj",    "gpt3"};
  return families;
}

fs::path models_dir() {
  if (const char* env = std::getenv("RIDGELINE_MODELS"); env != nullptr && *env != '\0') return env;
  return fs::path(RIDGELINE_TRACES_DIR) / "models";
}

void read_llama_style(JsonReader& reader, const json& d, ModelConfig& c) {
  c.hidden = reader.count(d, "", "hidden_size", kMaxWidth);
  c.layers = reader.count(d, "", "num_hidden_layers", kMaxLayers);
  c.heads = reader.count(d, "", "num_attention_heads", kMaxHeads);
  // HuggingFace's defaults for these optional fields: kv heads = heads (MHA), head_dim = hidden /
  // heads, untied embeddings.
  c.kv_heads = reader.optional_count(d, "", "num_key_value_heads", kMaxHeads).value_or(c.heads);
  c.head_dim = reader.optional_count(d, "", "head_dim", kMaxWidth)
                   .value_or(c.heads > 0 ? c.hidden / c.heads : 0);
  c.vocab = reader.count(d, "", "vocab_size", kMaxVocab);
  c.max_positions = reader.count(d, "", "max_position_embeddings", kMaxPositions);
  c.tied_embeddings = reader.optional_bool(d, "", "tie_word_embeddings").value_or(false);
  c.norm = NormKind::rms_norm;
  c.positions = PositionKind::rotary;
  c.mlp = MlpKind::gated_silu;
  const auto act = reader.optional_string(d, "", "hidden_act");
  if (act && *act != "silu" && *act != "swish") {
    reader.problem("/hidden_act", "unsupported hidden_act '" + *act + "' for " + c.family +
                                      "; expected silu (gated MLP)");
  }
  c.attention_bias = c.family == "qwen2";
  if (c.family == "deepseek_v3") {
    c.intermediate = reader.count(d, "", "intermediate_size", kMaxWidth);
    c.moe.routed_experts = reader.count(d, "", "n_routed_experts", kMaxExperts);
    c.moe.experts_per_token = reader.count(d, "", "num_experts_per_tok", kMaxExperts);
    c.moe.shared_experts =
        reader.optional_count(d, "", "n_shared_experts", kMaxExperts).value_or(0);
    c.moe.expert_intermediate = reader.count(d, "", "moe_intermediate_size", kMaxWidth);
    c.moe.first_dense_layers =
        reader.optional_count(d, "", "first_k_dense_replace", kMaxLayers).value_or(0);
    c.moe.layer_frequency = reader.optional_count(d, "", "moe_layer_freq", kMaxLayers).value_or(1);
    c.uses_mla = true;
    c.mla.q_lora_rank = reader.optional_count(d, "", "q_lora_rank", kMaxWidth).value_or(0);
    c.mla.kv_lora_rank = reader.count(d, "", "kv_lora_rank", kMaxWidth);
    c.mla.qk_nope_head_dim = reader.count(d, "", "qk_nope_head_dim", kMaxWidth);
    c.mla.qk_rope_head_dim = reader.count(d, "", "qk_rope_head_dim", kMaxWidth);
    c.mla.v_head_dim = reader.count(d, "", "v_head_dim", kMaxWidth);
    c.head_dim = c.mla.qk_nope_head_dim + c.mla.qk_rope_head_dim;
    c.kv_heads = c.heads;
  } else {
    c.intermediate = reader.count(d, "", "intermediate_size", kMaxWidth);
  }
  if (c.family == "mistral" || c.family == "mixtral" ||
      (c.family == "qwen2" && reader.optional_bool(d, "", "use_sliding_window").value_or(false))) {
    if (const auto* window = reader.optional(d, "sliding_window");
        window != nullptr && !window->is_null()) {
      c.sliding_window = reader.optional_count(d, "", "sliding_window", kMaxPositions).value_or(0);
    }
  }
  if (c.family == "mixtral") {
    c.moe.routed_experts = reader.count(d, "", "num_local_experts", kMaxExperts);
    c.moe.experts_per_token = reader.count(d, "", "num_experts_per_tok", kMaxExperts);
    c.moe.expert_intermediate = c.intermediate;
  }
}

void read_gpt_style(JsonReader& reader, const json& d, ModelConfig& c) {
  c.hidden = reader.count(d, "", "n_embd", kMaxWidth);
  c.layers = reader.count(d, "", "n_layer", kMaxLayers);
  c.heads = reader.count(d, "", "n_head", kMaxHeads);
  c.kv_heads = c.heads;
  c.head_dim = c.heads > 0 ? c.hidden / c.heads : 0;
  c.vocab = reader.count(d, "", "vocab_size", kMaxVocab);
  c.max_positions = reader.count(d, "", "n_positions", kMaxPositions);
  // n_inner: null or absent means 4 × n_embd (GPT-2/GPT-J convention).
  c.intermediate = reader.optional_count(d, "", "n_inner", kMaxWidth).value_or(4 * c.hidden);
  c.norm = NormKind::layer_norm;
  c.mlp = MlpKind::gelu;
  c.positions = c.family == "gptj" ? PositionKind::rotary : PositionKind::learned;
  c.attention_bias = c.family == "gpt3";
  c.tied_embeddings =
      reader.optional_bool(d, "", "tie_word_embeddings").value_or(c.family == "gpt3");
  const auto act = reader.optional_string(d, "", "activation_function");
  if (act && act->rfind("gelu", 0) != 0) {
    reader.problem("/activation_function",
                   "unsupported activation_function '" + *act + "'; expected a gelu variant");
  }
}

}  // namespace

bool ModelConfig::is_moe_layer(std::int64_t index) const {
  if (!is_moe() || index < moe.first_dense_layers) return false;
  return (index - moe.first_dense_layers) % std::max<std::int64_t>(1, moe.layer_frequency) == 0;
}

ModelConfig model_config_from_json(const json& document, const std::string& file,
                                   const std::string& id) {
  if (!document.is_object()) {
    throw InputError(
        file, "/",
        "expected a JSON object (a HuggingFace config.json), found " + json_type_name(document));
  }
  JsonReader reader(file);
  ModelConfig config;
  config.file = file;
  config.id = id;
  config.family = reader.string(document, "", "model_type");
  const auto& families = supported_families();
  if (!config.family.empty() &&
      std::find(families.begin(), families.end(), config.family) == families.end()) {
    std::string list;
    for (const auto& family : families) list += (list.empty() ? "" : ", ") + family;
    throw InputError(file, "/model_type",
                     "unsupported model_type '" + config.family + "'; expected one of: " + list);
  }
  if (config.family == "gptj" || config.family == "gpt3") {
    read_gpt_style(reader, document, config);
  } else if (!config.family.empty()) {
    read_llama_style(reader, document, config);
  }
  if (const auto* meta = reader.optional(document, "_ridgeline");
      meta != nullptr && meta->is_object()) {
    if (auto meta_id = reader.optional_string(*meta, "/_ridgeline", "id")) config.id = *meta_id;
    if (const auto it = meta->find("parameters"); it != meta->end() && it->is_number()) {
      config.published_parameters = it->get<double>();
    }
  }
  if (reader.ok()) {
    if (!config.uses_mla && config.heads % config.kv_heads != 0) {
      reader.problem("/num_key_value_heads", "attention heads (" + std::to_string(config.heads) +
                                                 ") must be a multiple of key/value heads (" +
                                                 std::to_string(config.kv_heads) + ")");
    }
    if (config.head_dim == 0) {
      reader.problem("/num_attention_heads", "head dimension is zero: hidden size " +
                                                 std::to_string(config.hidden) +
                                                 " is smaller than the number of heads");
    }
    if (config.is_moe() && config.moe.experts_per_token > config.moe.routed_experts) {
      reader.problem("/num_experts_per_tok",
                     "more experts per token (" + std::to_string(config.moe.experts_per_token) +
                         ") than experts (" + std::to_string(config.moe.routed_experts) + ")");
    }
  }
  reader.throw_if_problems();
  return config;
}

std::vector<std::string> shipped_model_ids() {
  std::vector<std::string> ids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(models_dir(), error)) {
    if (entry.path().extension() == ".json") ids.push_back(entry.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

ModelConfig load_model_config(const std::string& id_or_path) {
  const bool is_path = id_or_path.find('/') != std::string::npos || id_or_path.ends_with(".json");
  fs::path path = is_path ? fs::path(id_or_path) : models_dir() / (id_or_path + ".json");
  if (!is_path && !fs::exists(path)) {
    std::string list;
    for (const auto& id : shipped_model_ids()) list += (list.empty() ? "" : ", ") + id;
    throw InputError("", "",
                     "unknown model '" + id_or_path + "' (not an id of " + models_dir().string() +
                         " nor a path to a config.json); known ids: " + list);
  }
  const std::string id = is_path ? path.stem().string() : id_or_path;
  return model_config_from_json(parse_json_file(path), path.string(), id);
}

ParameterCount count_parameters(const ModelConfig& c) {
  const auto d = static_cast<double>(c.hidden);
  ParameterCount count;
  count.embedding = static_cast<double>(c.vocab) * d;
  if (c.positions == PositionKind::learned)
    count.embedding += static_cast<double>(c.max_positions) * d;
  count.lm_head = c.tied_embeddings ? 0.0 : static_cast<double>(c.vocab) * d;

  // Attention per layer.
  double attention = 0;
  if (c.uses_mla) {
    // DeepSeek-V2/V3 MLA: q_a (d × r_q) + q_b (r_q × h(nope+rope)), kv_a (d × (r_kv + rope)),
    // kv_b (r_kv × h(nope + v)), o (h·v × d), plus the two latent norms.
    const auto h = static_cast<double>(c.heads);
    const auto nope = static_cast<double>(c.mla.qk_nope_head_dim);
    const auto rope = static_cast<double>(c.mla.qk_rope_head_dim);
    const auto v = static_cast<double>(c.mla.v_head_dim);
    const auto r_q = static_cast<double>(c.mla.q_lora_rank);
    const auto r_kv = static_cast<double>(c.mla.kv_lora_rank);
    attention += r_q > 0 ? d * r_q + r_q * h * (nope + rope) + r_q : d * h * (nope + rope);
    attention += d * (r_kv + rope) + r_kv + r_kv * h * (nope + v) + h * v * d;
  } else {
    const auto q = static_cast<double>(c.heads * c.head_dim);
    const auto kv = static_cast<double>(c.kv_heads * c.head_dim);
    attention = d * q + 2 * d * kv + q * d;
    if (c.attention_bias) attention += q + 2 * kv + (c.family == "gpt3" ? d : 0.0);
  }
  count.attention = attention * static_cast<double>(c.layers);

  // MLP per layer: gated SiLU has gate, up, down; GELU has up, down (+ biases for GPT-style).
  const double matrices = c.mlp == MlpKind::gated_silu ? 3.0 : 2.0;
  const double mlp_bias = c.mlp == MlpKind::gelu ? static_cast<double>(c.intermediate) + d : 0.0;
  const double dense_mlp = matrices * d * static_cast<double>(c.intermediate) + mlp_bias;
  const double expert_mlp = matrices * d * static_cast<double>(c.moe.expert_intermediate);
  double mlp_total = 0;
  double mlp_active = 0;
  for (std::int64_t layer = 0; layer < c.layers; ++layer) {
    if (c.is_moe_layer(layer)) {
      const double router = d * static_cast<double>(c.moe.routed_experts);
      mlp_total +=
          static_cast<double>(c.moe.routed_experts + c.moe.shared_experts) * expert_mlp + router;
      mlp_active +=
          static_cast<double>(c.moe.experts_per_token + c.moe.shared_experts) * expert_mlp + router;
    } else {
      mlp_total += dense_mlp;
      mlp_active += dense_mlp;
    }
  }
  count.mlp = mlp_total;
  // Two norms per layer and a final one (LayerNorm has a bias too).
  const double per_norm = c.norm == NormKind::layer_norm ? 2 * d : d;
  count.norms = per_norm * static_cast<double>(2 * c.layers + 1);
  count.active = count.total() - count.mlp + mlp_active;
  return count;
}

double kv_cache_bytes_per_token(const ModelConfig& c, DType kv_dtype) {
  const double bytes = dtype_bytes(kv_dtype);
  if (c.uses_mla) {
    // MLA caches the compressed latent and the decoupled RoPE key (DeepSeek-V2 §2.1.3).
    return static_cast<double>(c.layers * (c.mla.kv_lora_rank + c.mla.qk_rope_head_dim)) * bytes;
  }
  return 2.0 * static_cast<double>(c.layers * c.kv_heads * c.head_dim) * bytes;
}

}  // namespace ridgeline::workload
