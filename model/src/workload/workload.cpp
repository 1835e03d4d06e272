#include "ridgeline/workload/workload.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <boost/range/iterator_range.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/ops/attention.hpp"
#include "ridgeline/ops/gemm.hpp"
#include "ridgeline/ops/memory_bound.hpp"

namespace ridgeline::workload {

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::prefill:
      return "prefill";
    case Phase::decode:
      return "decode";
    case Phase::train:
      return "train";
  }
  return "?";
}

std::string_view runtime_name(Runtime runtime) {
  return runtime == Runtime::eager ? "eager" : "fused";
}

std::string_view group_name(OpGroup group) {
  switch (group) {
    case OpGroup::embedding:
      return "embedding";
    case OpGroup::attention:
      return "attention";
    case OpGroup::mlp:
      return "mlp";
    case OpGroup::moe:
      return "moe";
    case OpGroup::norm:
      return "norm";
    case OpGroup::elementwise:
      return "elementwise";
    case OpGroup::lm_head:
      return "lm_head";
    case OpGroup::optimizer:
      return "optimizer";
    case OpGroup::communication:
      return "communication";
    case OpGroup::pipeline:
      return "pipeline";
  }
  return "?";
}

void check_spec(const ModelConfig& model, const WorkloadSpec& spec) {
  std::vector<InputProblem> problems;
  auto problem = [&](std::string option, std::string message) {
    problems.push_back({"", std::move(option), std::move(message)});
  };
  if (spec.batch < 1) problem("--batch", "batch must be at least 1");
  if (spec.kv_page < 0 || spec.kv_page > (std::int64_t{1} << 20)) {
    problem("--kv-page", "KV-cache page must be 0 (contiguous) or 1 to 1048576 tokens, got " +
                             std::to_string(spec.kv_page));
  }
  if (!(spec.request_overhead >= 0 && spec.request_overhead < 10.0))
    problem("--request-overhead", "request overhead must be between 0 and 10 s");
  if (spec.phase == Phase::decode) {
    if (spec.context < 1)
      problem("--context", "decode needs --context: tokens already in the KV cache (at least 1)");
    if (spec.enforce_max_positions && spec.context >= model.max_positions) {
      problem("--context", "context " + std::to_string(spec.context) + " is beyond " + model.id +
                               "'s maximum of " + std::to_string(model.max_positions) +
                               " positions");
    }
  } else {
    if (spec.prompt < 1) {
      problem("--prompt", std::string(phase_name(spec.phase)) +
                              " needs --prompt: tokens per sequence (at least 1)");
    }
    if (spec.enforce_max_positions && spec.prompt > model.max_positions) {
      problem("--prompt", "prompt " + std::to_string(spec.prompt) + " is beyond " + model.id +
                              "'s maximum of " + std::to_string(model.max_positions) +
                              " positions");
    }
  }
  const auto is_weight = [](DType d) {
    return d == DType::fp32 || d == DType::bf16 || d == DType::fp16 || d == DType::fp8 ||
           d == DType::int8 || d == DType::int4 || d == DType::fp4;
  };
  if (!is_weight(spec.weights))
    problem("--weights", "weights must be fp32, bf16, fp16, fp8, int8, int4 or fp4");
  if (spec.activations != DType::bf16 && spec.activations != DType::fp16 &&
      spec.activations != DType::fp8 && spec.activations != DType::fp32) {
    problem("--activations", "activations must be bf16, fp16, fp8 or fp32");
  }
  if (spec.kv != DType::bf16 && spec.kv != DType::fp16 && spec.kv != DType::fp8 &&
      spec.kv != DType::int8 && spec.kv != DType::fp32) {
    problem("--kv", "KV cache must be bf16, fp16, fp8, int8 or fp32");
  }
  if (spec.phase == Phase::train && dtype_bytes(spec.weights) < 2) {
    problem("--weights", "training keeps weights in 16 or 32 bits (bf16, fp16, fp32)");
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

}  // namespace ridgeline::workload

namespace ridgeline::workload {
namespace {

using ops::Conditions;
using Vertex = OperatorGraph::vertex_descriptor;

// Appends nodes to the graph as a chain (each node depends on the previous one): a transformer
// step is sequential on one stream.
class ChainBuilder {
 public:
  explicit ChainBuilder(OperatorGraph& graph) : graph_(graph) {}

  void add(OpNode node) {
    const Vertex vertex = boost::add_vertex(std::move(node), graph_);
    if (previous_) boost::add_edge(*previous_, vertex, graph_);
    previous_ = vertex;
  }

 private:
  OperatorGraph& graph_;
  std::optional<Vertex> previous_;
};

struct Context {
  const ModelConfig& model;
  const WorkloadSpec& spec;
  std::int64_t tokens = 0;     // tokens in the step's GEMMs (rows of activations)
  std::int64_t sequences = 0;  // batch
};

OpNode gemm_node(std::string name, OpGroup group, double count, const ops::GemmShape& shape,
                 bool weights_from_memory = true) {
  OpNode node;
  node.name = std::move(name);
  node.kind = shape.batch > 1 ? "batched-gemm" : "gemm";
  node.group = group;
  node.count = count;
  node.evaluate = [shape](const hw::Accelerator& accelerator, const Conditions& conditions) {
    return ops::gemm_cost(accelerator, shape, conditions);
  };
  if (weights_from_memory) {
    node.essential_bytes = static_cast<double>(shape.batch * shape.k * shape.n) *
                           dtype_bytes(shape.weight.value_or(shape.activation));
  }
  return node;
}

// A weight GEMM of the forward pass: activations [tokens × k] · weights [k × n].
ops::GemmShape weight_gemm(const Context& c, std::int64_t tokens, std::int64_t n, std::int64_t k,
                           std::int64_t batch = 1) {
  ops::GemmShape shape;
  shape.batch = batch;
  shape.m = tokens;
  shape.n = n;
  shape.k = k;
  shape.activation = c.spec.activations;
  shape.weight = c.spec.weights;
  return shape;
}

template <typename Function>
OpNode streaming_node(std::string name, std::string kind, OpGroup group, double count,
                      Function function) {
  OpNode node;
  node.name = std::move(name);
  node.kind = std::move(kind);
  node.group = group;
  node.count = count;
  node.evaluate = std::move(function);
  return node;
}

// A small operator run as several plain-PyTorch kernels: each pass reads and writes its tensors.
struct Pass {
  double read_bytes;
  double write_bytes;
  double vector_ops;
};

OpNode eager_node(std::string name, std::string kind, OpGroup group, double count, double rows,
                  std::vector<Pass> passes, double flops) {
  return streaming_node(std::move(name), std::move(kind), group, count,
                        [passes = std::move(passes), rows, flops, kind](
                            const hw::Accelerator& a, const Conditions& conditions) {
                          std::vector<ops::OpCost> parts;
                          for (const auto& pass : passes) {
                            ops::StreamingKernel kernel;
                            kernel.kind = kind;
                            kernel.read_bytes = pass.read_bytes;
                            kernel.write_bytes = pass.write_bytes;
                            kernel.vector_ops = pass.vector_ops;
                            kernel.flops = pass.vector_ops;
                            kernel.rows = rows;
                            parts.push_back(ops::streaming_cost(a, kernel, conditions));
                          }
                          auto cost = ops::sequence_cost(kind, parts);
                          cost.flops = flops;
                          if (conditions.derivation) {
                            cost.derivation.insert(
                                cost.derivation.begin(),
                                "eager PyTorch: " + std::to_string(passes.size()) +
                                    " kernels, each a pass over its tensors");
                          }
                          return cost;
                        });
}

OpNode norm_node(const Context& c, std::string name, double count) {
  const ops::RowShape shape{c.tokens, c.model.hidden, c.spec.activations};
  if (c.spec.runtime == Runtime::eager && c.model.norm == NormKind::rms_norm) {
    // HF-style RMSNorm in fp32: reduce (read x), normalise (read x, write fp32), weight × and
    // downcast (read fp32, write x). n = tokens × hidden.
    const double n = static_cast<double>(c.tokens * c.model.hidden);
    const double b = dtype_bytes(c.spec.activations);
    const double rows = static_cast<double>(c.tokens);
    return eager_node(
        std::move(name), "rmsnorm", OpGroup::norm, count, rows,
        {{b * n, 4 * rows, 2 * n}, {b * n + 4 * rows, 4 * n, 2 * n}, {4 * n, b * n, 1 * n}}, 4 * n);
  }
  if (c.model.norm == NormKind::layer_norm) {
    return streaming_node(std::move(name), "layernorm", OpGroup::norm, count,
                          [shape](const hw::Accelerator& a, const Conditions& conditions) {
                            return ops::layernorm_cost(a, shape, true, conditions);
                          });
  }
  return streaming_node(std::move(name), "rmsnorm", OpGroup::norm, count,
                        [shape](const hw::Accelerator& a, const Conditions& conditions) {
                          return ops::rmsnorm_cost(a, shape, conditions);
                        });
}

OpNode elementwise_node(std::string name, ops::Elementwise op, OpGroup group, double count,
                        const ops::RowShape& shape, std::int64_t rope_head_dim = 128,
                        Runtime runtime = Runtime::fused) {
  const double n = static_cast<double>(shape.m * shape.n);
  const double b = dtype_bytes(shape.dtype);
  if (runtime == Runtime::eager && op == ops::Elementwise::rope) {
    // x·cos, rotate_half(x)·sin, sum: three passes (the cos/sin tables are small and cached).
    return eager_node(std::move(name), "rope", group, count, static_cast<double>(shape.m),
                      {{b * n, b * n, n}, {b * n, b * n, 2 * n}, {2 * b * n, b * n, n}}, 3 * n);
  }
  if (runtime == Runtime::eager && op == ops::Elementwise::silu_gate) {
    // silu(gate), then × up: two passes.
    return eager_node(std::move(name), "silu-gate", group, count, static_cast<double>(shape.m),
                      {{b * n, b * n, 4 * n}, {2 * b * n, b * n, n}}, 5 * n);
  }
  const char* kind = op == ops::Elementwise::gelu           ? "gelu"
                     : op == ops::Elementwise::silu_gate    ? "silu-gate"
                     : op == ops::Elementwise::residual_add ? "residual-add"
                                                            : "rope";
  return streaming_node(
      std::move(name), kind, group, count,
      [op, shape, rope_head_dim](const hw::Accelerator& a, const Conditions& conditions) {
        return ops::elementwise_cost(a, op, shape, conditions, rope_head_dim);
      });
}

// Token embedding lookup: a gather of `tokens` rows of the embedding table.
OpNode embedding_node(const Context& c) {
  const double bytes =
      static_cast<double>(c.tokens * c.model.hidden) * dtype_bytes(c.spec.activations);
  const double rows = static_cast<double>(c.tokens);
  return streaming_node(
      "embedding", "embedding", OpGroup::embedding, 1,
      [bytes, rows](const hw::Accelerator& a, const Conditions& conditions) {
        ops::StreamingKernel kernel;
        kernel.kind = "embedding";
        kernel.read_bytes = bytes;
        kernel.write_bytes = bytes;
        kernel.rows = rows;
        kernel.formula = {
            "gather one row of the embedding table per token: read and write tokens × hidden"};
        return ops::streaming_cost(a, kernel, conditions);
      });
}

// Expected number of distinct experts that `assignments` token-to-expert choices touch when each
// picks uniformly among `experts`: E · (1 − (1 − 1/E)^assignments).
double expected_experts_touched(double experts, double assignments) {
  return experts * (1.0 - std::pow(1.0 - 1.0 / experts, assignments));
}

void add_attention(ChainBuilder& chain, const Context& c, double count) {
  const auto& m = c.model;
  const auto act = c.spec.activations;
  if (m.uses_mla) {
    const auto& mla = m.mla;
    const std::int64_t qk_dim = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    if (mla.q_lora_rank > 0) {
      chain.add(gemm_node("attn.q_a", OpGroup::attention, count,
                          weight_gemm(c, c.tokens, mla.q_lora_rank, m.hidden)));
      chain.add(gemm_node("attn.q_b", OpGroup::attention, count,
                          weight_gemm(c, c.tokens, m.heads * qk_dim, mla.q_lora_rank)));
    } else {
      chain.add(gemm_node("attn.q", OpGroup::attention, count,
                          weight_gemm(c, c.tokens, m.heads * qk_dim, m.hidden)));
    }
    chain.add(
        gemm_node("attn.kv_a", OpGroup::attention, count,
                  weight_gemm(c, c.tokens, mla.kv_lora_rank + mla.qk_rope_head_dim, m.hidden)));
    if (c.spec.phase == Phase::decode) {
      // Absorbed projections (DeepSeek-V2 §2.1.2): queries are mapped into the latent space per
      // head, attention runs over the compressed cache, and outputs are mapped back per head.
      chain.add(
          gemm_node("attn.q_absorb", OpGroup::attention, count,
                    weight_gemm(c, c.tokens, mla.kv_lora_rank, mla.qk_nope_head_dim, m.heads)));
      const ops::MlaDecodeShape shape{
          c.sequences,          m.heads, c.spec.context, mla.kv_lora_rank,
          mla.qk_rope_head_dim, act,     c.spec.kv,      c.spec.kv_page};
      OpNode node = streaming_node("attn.mla", "mla-decode-attention", OpGroup::attention, count,
                                   [shape](const hw::Accelerator& a, const Conditions& conditions) {
                                     return ops::mla_decode_cost(a, shape, conditions);
                                   });
      node.essential_bytes = static_cast<double>(c.sequences * c.spec.context *
                                                 (mla.kv_lora_rank + mla.qk_rope_head_dim)) *
                             dtype_bytes(c.spec.kv);
      chain.add(std::move(node));
      chain.add(gemm_node("attn.v_absorb", OpGroup::attention, count,
                          weight_gemm(c, c.tokens, mla.v_head_dim, mla.kv_lora_rank, m.heads)));
    } else {
      chain.add(
          gemm_node("attn.kv_b", OpGroup::attention, count,
                    weight_gemm(c, c.tokens, m.heads * (mla.qk_nope_head_dim + mla.v_head_dim),
                                mla.kv_lora_rank)));
      ops::AttentionShape shape;
      shape.batch = c.sequences;
      shape.heads = m.heads;
      shape.kv_heads = m.heads;
      shape.seq = c.spec.prompt;
      shape.kv_seq = c.spec.prompt;
      shape.head_dim =
          (qk_dim + mla.v_head_dim) / 2;  // Q·Kᵀ over 192, P·V over 128: FLOPs as d = 160
      shape.dtype = act;
      chain.add(streaming_node("attn.flash", "attention", OpGroup::attention, count,
                               [shape](const hw::Accelerator& a, const Conditions& conditions) {
                                 return ops::attention_cost(a, shape, ops::AttentionImpl::flash,
                                                            conditions);
                               }));
    }
    chain.add(gemm_node("attn.o", OpGroup::attention, count,
                        weight_gemm(c, c.tokens, m.hidden, m.heads * mla.v_head_dim)));
    return;
  }
  const std::int64_t q_width = m.heads * m.head_dim;
  const std::int64_t kv_width = m.kv_heads * m.head_dim;
  chain.add(gemm_node("attn.qkv", OpGroup::attention, count,
                      weight_gemm(c, c.tokens, q_width + 2 * kv_width, m.hidden)));
  if (m.positions == PositionKind::rotary) {
    chain.add(elementwise_node("attn.rope", ops::Elementwise::rope, OpGroup::elementwise, count,
                               {c.tokens, q_width + kv_width, act}, m.head_dim, c.spec.runtime));
  }
  if (c.spec.runtime == Runtime::eager && c.spec.phase != Phase::train) {
    // The new keys and values copied into a static cache: a separate kernel in plain PyTorch
    // (fused runtimes write them from the QKV or attention kernel).
    const double bytes = static_cast<double>(c.tokens * 2 * kv_width) * dtype_bytes(c.spec.kv);
    chain.add(eager_node("attn.kv_write", "kv-write", OpGroup::attention, count,
                         static_cast<double>(c.tokens), {{bytes, bytes, 0}}, 0));
  }
  if (c.spec.phase == Phase::decode) {
    const std::int64_t visible =
        m.sliding_window > 0 ? std::min(c.spec.context, m.sliding_window) : c.spec.context;
    ops::DecodeAttentionShape shape{c.sequences, m.heads, m.kv_heads, visible,
                                    m.head_dim,  act,     c.spec.kv,  c.spec.kv_page};
    OpNode node = streaming_node("attn.decode", "decode-attention", OpGroup::attention, count,
                                 [shape](const hw::Accelerator& a, const Conditions& conditions) {
                                   return ops::decode_attention_cost(a, shape, conditions);
                                 });
    node.essential_bytes =
        2.0 * static_cast<double>(c.sequences * visible * kv_width) * dtype_bytes(c.spec.kv);
    chain.add(std::move(node));
  } else {
    ops::AttentionShape shape;
    shape.batch = c.sequences;
    shape.heads = m.heads;
    shape.kv_heads = m.kv_heads;
    shape.seq = c.spec.prompt;
    shape.kv_seq = c.spec.prompt;
    shape.head_dim = m.head_dim;
    shape.dtype = act;
    chain.add(streaming_node("attn.flash", "attention", OpGroup::attention, count,
                             [shape](const hw::Accelerator& a, const Conditions& conditions) {
                               return ops::attention_cost(a, shape, ops::AttentionImpl::flash,
                                                          conditions);
                             }));
  }
  chain.add(
      gemm_node("attn.o", OpGroup::attention, count, weight_gemm(c, c.tokens, m.hidden, q_width)));
}

void add_dense_mlp(ChainBuilder& chain, const Context& c, double count, std::int64_t width,
                   const std::string& prefix, OpGroup group) {
  const auto& m = c.model;
  const auto act = c.spec.activations;
  if (m.mlp == MlpKind::gated_silu) {
    chain.add(gemm_node(prefix + ".gate_up", group, count,
                        weight_gemm(c, c.tokens, 2 * width, m.hidden)));
    chain.add(elementwise_node(prefix + ".silu_gate", ops::Elementwise::silu_gate,
                               OpGroup::elementwise, count, {c.tokens, width, act}, 128,
                               c.spec.runtime));
  } else {
    chain.add(gemm_node(prefix + ".up", group, count, weight_gemm(c, c.tokens, width, m.hidden)));
    chain.add(elementwise_node(prefix + ".gelu", ops::Elementwise::gelu, OpGroup::elementwise,
                               count, {c.tokens, width, act}));
  }
  chain.add(gemm_node(prefix + ".down", group, count, weight_gemm(c, c.tokens, m.hidden, width)));
}

void add_moe_mlp(ChainBuilder& chain, const Context& c, double count) {
  const auto& m = c.model;
  const auto& moe = m.moe;
  const auto act = c.spec.activations;
  chain.add(gemm_node("moe.router", OpGroup::moe, count,
                      weight_gemm(c, c.tokens, moe.routed_experts, m.hidden)));
  // Routed experts as one grouped GEMM over the experts the step's tokens touch, each with its
  // share of the token-expert assignments (uniform routing).
  const double assignments = static_cast<double>(c.tokens * moe.experts_per_token);
  const auto touched = std::max<std::int64_t>(
      1,
      std::llround(expected_experts_touched(static_cast<double>(moe.routed_experts), assignments)));
  const auto rows =
      static_cast<std::int64_t>(std::ceil(assignments / static_cast<double>(touched)));
  const std::int64_t width = moe.expert_intermediate;
  const std::int64_t gate_up = m.mlp == MlpKind::gated_silu ? 2 * width : width;
  chain.add(gemm_node("moe.experts.gate_up", OpGroup::moe, count,
                      weight_gemm(c, rows, gate_up, m.hidden, touched)));
  chain.add(elementwise_node("moe.experts.silu_gate", ops::Elementwise::silu_gate,
                             OpGroup::elementwise, count, {rows * touched, width, act}));
  chain.add(gemm_node("moe.experts.down", OpGroup::moe, count,
                      weight_gemm(c, rows, m.hidden, width, touched)));
  if (moe.shared_experts > 0) {
    add_dense_mlp(chain, c, count, moe.shared_experts * width, "moe.shared", OpGroup::moe);
  }
}

// Forward pass of one kind of layer (dense or MoE), `count` times.
void add_layer(ChainBuilder& chain, const Context& c, double count, bool moe_layer) {
  const auto act = c.spec.activations;
  chain.add(norm_node(c, "attn.norm", count));
  add_attention(chain, c, count);
  chain.add(elementwise_node("attn.residual", ops::Elementwise::residual_add, OpGroup::elementwise,
                             count, {c.tokens, c.model.hidden, act}));
  chain.add(norm_node(c, moe_layer ? "moe.norm" : "mlp.norm", count));
  if (moe_layer) {
    add_moe_mlp(chain, c, count);
  } else {
    add_dense_mlp(chain, c, count, c.model.intermediate, "mlp", OpGroup::mlp);
  }
  chain.add(elementwise_node(moe_layer ? "moe.residual" : "mlp.residual",
                             ops::Elementwise::residual_add, OpGroup::elementwise, count,
                             {c.tokens, c.model.hidden, act}));
}

// The backward pass of a forward node: a GEMM Y = X·W gives dX = dY·Wᵀ (m × k from m × n · n × k)
// and dW = Xᵀ·dY (k × n from k × m · m × n), each with the forward's FLOPs; attention's backward
// (FlashAttention-2) recomputes the scores and runs 5 matrix products against the forward's 2, so
// 2.5× its work; streaming kernels read and write about twice what they did forward.
void add_backward(OperatorGraph& graph, ChainBuilder& chain, const std::vector<OpNode>& forward) {
  (void)graph;
  for (auto it = forward.rbegin(); it != forward.rend(); ++it) {
    const OpNode& node = *it;
    OpNode backward = node;
    backward.name = node.name + ".backward";
    backward.essential_bytes = 0;
    if (node.kind == "gemm" || node.kind == "batched-gemm") {
      backward.count = node.count * 2.0;  // dgrad + wgrad, each as costly as the forward GEMM
    } else if (node.kind == "attention") {
      backward.count = node.count * 2.5;
    } else {
      backward.count = node.count * 2.0;
    }
    chain.add(std::move(backward));
  }
}

}  // namespace

Workload build_workload(const ModelConfig& model, const WorkloadSpec& spec) {
  check_spec(model, spec);
  Workload workload{model, spec, {}, 0};
  Context c{model, spec};
  c.sequences = spec.batch;
  c.tokens = spec.phase == Phase::decode ? spec.batch : spec.batch * spec.prompt;
  workload.tokens_per_step = static_cast<double>(c.tokens);

  // Forward nodes go into a scratch graph first when training, so that their backward can follow.
  OperatorGraph& graph = workload.graph;
  ChainBuilder chain(graph);
  chain.add(embedding_node(c));
  std::int64_t dense_layers = 0;
  std::int64_t moe_layers = 0;
  for (std::int64_t layer = 0; layer < model.layers; ++layer)
    (model.is_moe_layer(layer) ? moe_layers : dense_layers) += 1;
  if (dense_layers > 0) add_layer(chain, c, static_cast<double>(dense_layers), false);
  if (moe_layers > 0) add_layer(chain, c, static_cast<double>(moe_layers), true);
  chain.add(norm_node(c, "final.norm", 1));
  // The LM head runs on the last token of each sequence when generating, on every token in
  // training.
  const std::int64_t head_rows = spec.phase == Phase::train ? c.tokens : c.sequences;
  chain.add(gemm_node("lm_head", OpGroup::lm_head, 1,
                      weight_gemm(c, head_rows, model.vocab, model.hidden)));

  if (spec.phase == Phase::train) {
    const ops::RowShape logits{head_rows, model.vocab, DType::fp32};
    chain.add(streaming_node("loss.softmax", "softmax", OpGroup::lm_head, 1,
                             [logits](const hw::Accelerator& a, const Conditions& conditions) {
                               return ops::softmax_cost(a, logits, conditions);
                             }));
    std::vector<OpNode> forward;
    for (auto vertex : boost::make_iterator_range(boost::vertices(graph)))
      forward.push_back(graph[vertex]);
    forward.erase(
        forward.begin());  // the embedding's backward is a scatter-add folded into the optimizer
    add_backward(graph, chain, forward);
    // Adam over every parameter (mixed precision): read bf16 weight and gradient, fp32 master and
    // two moments (2 + 2 + 4 + 4 + 4 = 16 B), write bf16 weight and the three fp32 states (14 B);
    // about 12 FLOPs per parameter.
    const double parameters = count_parameters(model).total();
    chain.add(streaming_node("optimizer.adam", "adam", OpGroup::optimizer, 1,
                             [parameters](const hw::Accelerator& a, const Conditions& conditions) {
                               ops::StreamingKernel kernel;
                               kernel.kind = "adam";
                               kernel.flops = 12.0 * parameters;
                               kernel.vector_ops = 12.0 * parameters;
                               kernel.read_bytes = 16.0 * parameters;
                               kernel.write_bytes = 14.0 * parameters;
                               kernel.formula = {
                                   "Adam: 16 B read and 14 B written per parameter, 12 FLOP"};
                               return ops::streaming_cost(a, kernel, conditions);
                             }));
  }
  return workload;
}

}  // namespace ridgeline::workload
