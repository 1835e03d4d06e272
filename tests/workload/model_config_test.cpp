#include "ridgeline/workload/model_config.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"

namespace ridgeline::workload {
namespace {

using nlohmann::json;

json llama_2_7b() {
  return json::parse(R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
    "vocab_size": 32000, "max_position_embeddings": 4096, "hidden_act": "silu",
    "tie_word_embeddings": false})");
}

TEST(ModelConfig, Llama2ParameterCountByHand) {
  const auto config = model_config_from_json(llama_2_7b(), "inline.json", "llama-2-7b");
  EXPECT_EQ(config.head_dim, 128);  // 4096 / 32
  const auto count = count_parameters(config);
  // embeddings 32000 × 4096 = 131 072 000, and the same again for the untied LM head;
  // attention 4 × 4096² × 32 = 2 147 483 648; MLP 3 × 4096 × 11008 × 32 = 4 328 521 728;
  // RMSNorm weights 4096 × (2 × 32 + 1) = 266 240. Total 6 738 415 616 (the published 6.74B).
  EXPECT_DOUBLE_EQ(count.embedding, 131072000.0);
  EXPECT_DOUBLE_EQ(count.lm_head, 131072000.0);
  EXPECT_DOUBLE_EQ(count.attention, 2147483648.0);
  EXPECT_DOUBLE_EQ(count.mlp, 4328521728.0);
  EXPECT_DOUBLE_EQ(count.total(), 6738415616.0);
  EXPECT_DOUBLE_EQ(count.active, count.total());
  // KV cache: 2 (K and V) × 32 layers × 32 heads × 128 × 2 bytes = 524 288 B per token
  EXPECT_DOUBLE_EQ(kv_cache_bytes_per_token(config, DType::bf16), 524288.0);
}

TEST(ModelConfig, GroupedQueryAttentionShrinksKv) {
  auto document = llama_2_7b();
  document["num_key_value_heads"] = 8;
  const auto config = model_config_from_json(document, "inline.json", "gqa");
  // 2 × 32 × 8 × 128 × 1 byte (fp8) = 65 536 B
  EXPECT_DOUBLE_EQ(kv_cache_bytes_per_token(config, DType::fp8), 65536.0);
}

TEST(ModelConfig, ShippedModelsMatchPublishedSizes) {
  // Published totals (model cards); the counts come from the shapes alone.
  const std::vector<std::pair<std::string, double>> published{
      {"llama-2-7b", 6.74e9},   {"llama-2-70b", 68.98e9},     {"llama-3-8b", 8.03e9},
      {"llama-3-70b", 70.55e9}, {"llama-3.1-405b", 405.85e9}, {"mistral-7b", 7.24e9},
      {"mixtral-8x7b", 46.7e9}, {"qwen2.5-72b", 72.7e9},      {"deepseek-v3", 671e9},
      {"gpt-j-6b", 6.05e9},     {"gpt-3-175b", 175e9}};
  for (const auto& [id, parameters] : published) {
    const auto config = load_model_config(id);
    const double total = count_parameters(config).total();
    EXPECT_NEAR(total / parameters, 1.0, 0.02) << id << ": counted " << total;
  }
  // Mixtral: 2 of 8 experts per token → about 12.9B active of 46.7B.
  EXPECT_NEAR(count_parameters(load_model_config("mixtral-8x7b")).active / 12.9e9, 1.0, 0.03);
  // DeepSeek-V3: 37B active of 671B.
  EXPECT_NEAR(count_parameters(load_model_config("deepseek-v3")).active / 37e9, 1.0, 0.05);
  // MLA caches (512 latent + 64 RoPE) × 61 layers × 2 bytes = 70 272 B per token
  EXPECT_DOUBLE_EQ(kv_cache_bytes_per_token(load_model_config("deepseek-v3"), DType::bf16),
                   70272.0);
}

void expect_config_error(const json& document, const std::string& pointer,
                         const std::string& fragment) {
  try {
    model_config_from_json(document, "bad-config.json", "bad");
    FAIL() << "accepted " << document.dump();
  } catch (const InputError& error) {
    bool found = false;
    for (const auto& problem : error.problems()) {
      found = found ||
              (problem.where == pointer && problem.message.find(fragment) != std::string::npos &&
               problem.file == "bad-config.json");
    }
    EXPECT_TRUE(found) << error.what();
  }
}

TEST(ModelConfig, BadConfigsNameTheField) {
  auto document = llama_2_7b();
  document["model_type"] = "bert";
  expect_config_error(document, "/model_type", "unsupported model_type 'bert'");
  document = llama_2_7b();
  document.erase("hidden_size");
  expect_config_error(document, "/hidden_size", "missing required field");
  document = llama_2_7b();
  document["num_hidden_layers"] = "32";
  expect_config_error(document, "/num_hidden_layers", "expected a whole number");
  document = llama_2_7b();
  document["num_key_value_heads"] = 5;
  expect_config_error(document, "/num_key_value_heads", "multiple of key/value heads");
  document = llama_2_7b();
  document["vocab_size"] = 0;
  expect_config_error(document, "/vocab_size", "at least 1");
  EXPECT_THROW(load_model_config("llama-9-9b"), InputError);
}

}  // namespace
}  // namespace ridgeline::workload
