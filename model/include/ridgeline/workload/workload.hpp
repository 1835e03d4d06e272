#pragma once
// A workload: one step of a transformer model (prefill, decode or a training step) as an operator
// DAG (Boost.Graph). Identical layers are one set of nodes with a multiplicity, so that a 126-layer
// model costs no more to evaluate than a 1-layer one.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/ops/op_cost.hpp"
#include "ridgeline/workload/model_config.hpp"

namespace ridgeline::workload {

enum class Phase { prefill, decode, train };
std::string_view phase_name(Phase phase);

// How the framework runs the small operators, which decides how many kernels a layer launches:
//   fused: one kernel per norm, RoPE, activation and residual (TensorRT-LLM, vLLM, torch.compile);
//   eager: plain PyTorch — RMSNorm as 3 kernels (reduce, normalise in fp32, weight and downcast),
//          RoPE as 3 (x·cos, rotate_half·sin, add), SiLU-gate as 2, and a KV-cache write: about 15
//          small kernels per layer besides the GEMMs, each another pass over its tensor.
enum class Runtime { fused, eager };
std::string_view runtime_name(Runtime runtime);

struct WorkloadSpec {
  Phase phase = Phase::decode;
  std::int64_t batch = 1;
  std::int64_t prompt = 0;   // prefill / train: tokens per sequence
  std::int64_t context = 0;  // decode: tokens already in the KV cache
  DType weights = DType::bf16;
  DType activations = DType::bf16;
  DType kv = DType::bf16;
  // Paged KV cache (vLLM's block size): tokens per page; 0: a contiguous cache per sequence.
  // Decode attention then gathers pages, at the bandwidth memsim measures for such gathers.
  std::int64_t kv_page = 0;
  Runtime runtime = Runtime::fused;
  // Reject lengths beyond the model's max_position_embeddings. Validation turns it off to replay
  // measurements that ran random-weight models past their trained length (the cost is the same).
  bool enforce_max_positions = true;
  // s per request, host side, added to TTFT only: what a serving runtime spends around the prefill
  // kernels (scheduling, input and output copies, sampling the first token, synchronising). Zero
  // for a bare forward step timed on the device (CUDA events or graphs).
  double request_overhead = 0;
};

// Checks the spec against the model (batch >= 1, a prompt for prefill/train, a context for decode,
// lengths within max_position_embeddings); throws InputError naming the option.
void check_spec(const ModelConfig& model, const WorkloadSpec& spec);

// What an operator node is for, to group time in reports.
// communication: collectives and send/recv of a parallel step; pipeline: the pipeline bubble.
enum class OpGroup {
  embedding,
  attention,
  mlp,
  moe,
  norm,
  elementwise,
  lm_head,
  optimizer,
  communication,
  pipeline
};
std::string_view group_name(OpGroup group);

// Evaluates one operator instance on an accelerator (a typed call such as ops::gemm_cost with the
// node's shape bound in).
using OpEvaluator = std::function<ops::OpCost(const hw::Accelerator&, const ops::Conditions&)>;

struct OpNode {
  std::string name;  // "attn.qkv"
  std::string kind;  // operator kind ("gemm", "decode-attention", ...)
  OpGroup group = OpGroup::attention;
  OpEvaluator evaluate;
  double count = 1;  // instances per step (layers × passes)
  // Whether the node's FLOPs count as model FLOPs for MFU (dequantization or recomputation do not).
  bool model_flops = true;
  // Bytes of weights and KV cache the node must read from off-chip memory per instance, for MBU
  // (the bytes a perfect kernel would move; the operator model may move more).
  double essential_bytes = 0;
};

using OperatorGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, OpNode>;

struct Workload {
  ModelConfig model;
  WorkloadSpec spec;
  OperatorGraph graph;
  double tokens_per_step = 0;  // tokens processed (prefill/train) or generated (decode) per step
};

// Builds the DAG of one step. Throws InputError for a bad spec.
Workload build_workload(const ModelConfig& model, const WorkloadSpec& spec);

}  // namespace ridgeline::workload
