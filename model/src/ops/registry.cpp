// The operator kinds Ridgeline ships: thin adapters from declared parameters to the typed cost
// functions (gemm.hpp, memory_bound.hpp, attention.hpp), and the list that registers them.

#include <memory>

#include "ridgeline/ops/attention.hpp"
#include "ridgeline/ops/gemm.hpp"
#include "ridgeline/ops/memory_bound.hpp"
#include "ridgeline/ops/operator.hpp"

namespace ridgeline::ops {

namespace {

ParamSpec dtype_default(std::string description) {
  return dtype_param("dtype", std::move(description)).defaults_to("bf16");
}

class GemmKind : public OperatorKind {
 public:
  explicit GemmKind(bool batched) : batched_(batched) {}
  std::string name() const override { return batched_ ? "batched-gemm" : "gemm"; }
  std::string description() const override {
    return batched_ ? "Batched GEMM C[b] = A[b]·B[b], tiled over the compute units"
                    : "GEMM C = A·B (m×k times k×n), tiled over the compute units";
  }
  std::vector<ParamSpec> params() const override {
    auto batch = count_param("batch", "independent problems (A, B, C per problem)");
    if (batched_) {
      batch.require();
    } else {
      batch.defaults_to("1");
    }
    return {
        count_param("m", "rows of A and C (tokens)").require(),
        count_param("n", "columns of B and C (output features)").require(),
        count_param("k", "columns of A, rows of B (reduction)").require(),
        batch,
        dtype_default("activation dtype of A, and the dtype the MMA runs in"),
        dtype_param("weight-dtype",
                    "dtype of B (weights); narrower ones are dequantized; "
                    "default: --dtype"),
        dtype_param("out-dtype", "dtype of C; default: --dtype, or bf16 below 16 bits"),
    };
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    GemmShape shape;
    shape.m = params.count("m");
    shape.n = params.count("n");
    shape.k = params.count("k");
    shape.batch = params.count("batch");
    shape.activation = params.dtype("dtype");
    if (params.has("weight-dtype")) shape.weight = params.dtype("weight-dtype");
    if (params.has("out-dtype")) shape.output = params.dtype("out-dtype");
    OpCost cost = gemm_cost(accelerator, shape, conditions_from(params));
    cost.kind = name();
    return cost;
  }

 private:
  bool batched_;
};

std::vector<ParamSpec> row_params() {
  return {count_param("m", "rows (tokens × batch)").require(),
          count_param("n", "elements per row (hidden size)").require(),
          dtype_default("dtype of input and output")};
}

class SoftmaxKind : public OperatorKind {
 public:
  std::string name() const override { return "softmax"; }
  std::string description() const override { return "Softmax over the last dimension of m×n"; }
  std::vector<ParamSpec> params() const override { return row_params(); }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    return softmax_cost(accelerator, {params.count("m"), params.count("n"), params.dtype("dtype")},
                        conditions_from(params));
  }
};

class LayerNormKind : public OperatorKind {
 public:
  std::string name() const override { return "layernorm"; }
  std::string description() const override { return "LayerNorm over the last dimension of m×n"; }
  std::vector<ParamSpec> params() const override {
    auto list = row_params();
    list.push_back(choice_param("affine", "scale γ and shift β", {"yes", "no"}).defaults_to("yes"));
    return list;
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    return layernorm_cost(accelerator,
                          {params.count("m"), params.count("n"), params.dtype("dtype")},
                          params.text("affine") == "yes", conditions_from(params));
  }
};

class RmsNormKind : public OperatorKind {
 public:
  std::string name() const override { return "rmsnorm"; }
  std::string description() const override { return "RMSNorm over the last dimension of m×n"; }
  std::vector<ParamSpec> params() const override { return row_params(); }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    return rmsnorm_cost(accelerator, {params.count("m"), params.count("n"), params.dtype("dtype")},
                        conditions_from(params));
  }
};

class ElementwiseKind : public OperatorKind {
 public:
  ElementwiseKind(Elementwise op, std::string name, std::string description)
      : op_(op), name_(std::move(name)), description_(std::move(description)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  std::vector<ParamSpec> params() const override {
    auto list = row_params();
    if (op_ == Elementwise::rope) {
      list[1].description = "heads × head_dim per token";
      list.push_back(count_param("head-dim", "rotary dimension per head").defaults_to("128"));
    }
    return list;
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    return elementwise_cost(accelerator, op_,
                            {params.count("m"), params.count("n"), params.dtype("dtype")},
                            conditions_from(params), params.count_or("head-dim", 128));
  }

 private:
  Elementwise op_;
  std::string name_;
  std::string description_;
};

class PointwiseKind : public OperatorKind {
 public:
  std::string name() const override { return "pointwise"; }
  std::string description() const override {
    return "Any pointwise kernel (cast, copy, fill, arithmetic): elements written and read";
  }
  std::vector<ParamSpec> params() const override {
    return {
        count_param("elements", "elements written").require(),
        count_param("read-elements",
                    "elements read, summed over the inputs (a broadcast operand counts its own "
                    "size); default: none (a fill)"),
        dtype_default("dtype of the inputs"),
        dtype_param("out-dtype", "dtype of the output; default: --dtype"),
        count_param("flops-per-element", "vector ops per element written").defaults_to("1"),
    };
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    PointwiseShape shape;
    shape.elements = static_cast<double>(params.count("elements"));
    shape.read_elements = static_cast<double>(params.count_or("read-elements", 0));
    shape.dtype = params.dtype("dtype");
    shape.out_dtype = params.dtype_or("out-dtype", shape.dtype);
    shape.flops_per_element = static_cast<double>(params.count("flops-per-element"));
    return pointwise_cost(accelerator, shape, conditions_from(params));
  }
};

class AttentionKind : public OperatorKind {
 public:
  std::string name() const override { return "attention"; }
  std::string description() const override {
    return "Prefill attention softmax(Q·Kᵀ)·V, FlashAttention-style tiled or naive (scores in "
           "memory)";
  }
  std::vector<ParamSpec> params() const override {
    return {
        count_param("batch", "sequences").defaults_to("1"),
        count_param("heads", "query heads").require(),
        count_param("kv-heads", "K/V heads (GQA/MQA); default: --heads"),
        count_param("seq", "query tokens per sequence").require(),
        count_param("kv-seq", "key tokens per sequence; default: --seq"),
        count_param("head-dim", "dimension per head").require(),
        choice_param("causal", "causal mask", {"yes", "no"}).defaults_to("yes"),
        choice_param("impl", "flash: tiled, scores stay on chip; naive: scores in memory",
                     {"flash", "naive"})
            .defaults_to("flash"),
        dtype_default("dtype of Q, K, V, O and the MMA"),
    };
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    AttentionShape shape;
    shape.batch = params.count("batch");
    shape.heads = params.count("heads");
    shape.kv_heads = params.count_or("kv-heads", 0);
    shape.seq = params.count("seq");
    shape.kv_seq = params.count_or("kv-seq", 0);
    shape.head_dim = params.count("head-dim");
    shape.causal = params.text("causal") == "yes";
    shape.dtype = params.dtype("dtype");
    const auto impl = params.text("impl") == "naive" ? AttentionImpl::naive : AttentionImpl::flash;
    return attention_cost(accelerator, shape, impl, conditions_from(params));
  }
};

class DecodeAttentionKind : public OperatorKind {
 public:
  std::string name() const override { return "decode-attention"; }
  std::string description() const override {
    return "Decode attention of one new token per sequence over a KV cache (MHA, GQA, MQA)";
  }
  std::vector<ParamSpec> params() const override {
    return {
        count_param("batch", "sequences").defaults_to("1"),
        count_param("heads", "query heads").require(),
        count_param("kv-heads", "K/V heads: = heads MHA, < heads GQA, 1 MQA; default: --heads"),
        count_param("context", "tokens in the KV cache").require(),
        count_param("head-dim", "dimension per head").require(),
        dtype_default("dtype of the query, output and MMA"),
        dtype_param("kv-dtype", "KV cache dtype; default: --dtype"),
        count_param("kv-page", "paged KV cache: tokens per page (gathered); default: contiguous"),
    };
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    DecodeAttentionShape shape;
    shape.batch = params.count("batch");
    shape.heads = params.count("heads");
    shape.kv_heads = params.count_or("kv-heads", 0);
    shape.context = params.count("context");
    shape.head_dim = params.count("head-dim");
    shape.dtype = params.dtype("dtype");
    if (params.has("kv-dtype")) shape.kv_dtype = params.dtype("kv-dtype");
    shape.kv_page_tokens = params.count_or("kv-page", 0);
    return decode_attention_cost(accelerator, shape, conditions_from(params));
  }
};

class MlaDecodeKind : public OperatorKind {
 public:
  std::string name() const override { return "mla-decode"; }
  std::string description() const override {
    return "DeepSeek multi-head latent attention decode over the compressed latent cache";
  }
  std::vector<ParamSpec> params() const override {
    return {
        count_param("batch", "sequences").defaults_to("1"),
        count_param("heads", "query heads").defaults_to("128"),
        count_param("context", "tokens in the latent cache").require(),
        count_param("kv-lora-rank", "latent dimension").defaults_to("512"),
        count_param("rope-dim", "decoupled RoPE dimension").defaults_to("64"),
        dtype_default("dtype of the query, output and MMA"),
        dtype_param("kv-dtype", "latent cache dtype; default: --dtype"),
        count_param("kv-page",
                    "paged latent cache: tokens per page (gathered); default: contiguous"),
    };
  }
  OpCost cost(const hw::Accelerator& accelerator, const Params& params) const override {
    MlaDecodeShape shape;
    shape.batch = params.count("batch");
    shape.heads = params.count("heads");
    shape.context = params.count("context");
    shape.kv_lora_rank = params.count("kv-lora-rank");
    shape.rope_dim = params.count("rope-dim");
    shape.dtype = params.dtype("dtype");
    if (params.has("kv-dtype")) shape.kv_dtype = params.dtype("kv-dtype");
    shape.kv_page_tokens = params.count_or("kv-page", 0);
    return mla_decode_cost(accelerator, shape, conditions_from(params));
  }
};

}  // namespace

void register_builtin_kinds(OperatorRegistry& registry) {
  registry.add(std::make_unique<GemmKind>(false));
  registry.add(std::make_unique<GemmKind>(true));
  registry.add(std::make_unique<SoftmaxKind>());
  registry.add(std::make_unique<LayerNormKind>());
  registry.add(std::make_unique<RmsNormKind>());
  registry.add(std::make_unique<ElementwiseKind>(Elementwise::gelu, "gelu",
                                                 "tanh GELU activation, elementwise on m×n"));
  registry.add(std::make_unique<ElementwiseKind>(Elementwise::silu_gate, "silu-gate",
                                                 "SiLU-gated product silu(gate)·up on m×n"));
  registry.add(std::make_unique<ElementwiseKind>(Elementwise::residual_add, "residual-add",
                                                 "Residual add x + y on m×n"));
  registry.add(std::make_unique<ElementwiseKind>(Elementwise::rope, "rope",
                                                 "Rotary position embedding on m tokens × n"));
  registry.add(std::make_unique<PointwiseKind>());
  registry.add(std::make_unique<AttentionKind>());
  registry.add(std::make_unique<DecodeAttentionKind>());
  registry.add(std::make_unique<MlaDecodeKind>());
}

}  // namespace ridgeline::ops
