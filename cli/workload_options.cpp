#include "workload_options.hpp"

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::cli {
namespace {

DType dtype_option(const std::string& text, const std::string& option) {
  const auto dtype = parse_dtype(text);
  if (!dtype)
    throw InputError("", option, "unknown dtype '" + text + "'; expected one of: " + dtype_list());
  return *dtype;
}

}  // namespace

CLI::Option* add_workload_options(CLI::App& command, WorkloadOptions& options, bool hw_required) {
  auto* hw = command.add_option("--hw", options.hw, "Accelerator id or spec file path");
  hw->required(hw_required);
  command
      .add_option("--model", options.model,
                  "Model id (traces/models/) or path to a HuggingFace config.json")
      ->required();
  command.add_option("--phase", options.phase, "prefill, decode or train")
      ->check(CLI::IsMember({"prefill", "decode", "train"}))
      ->capture_default_str();
  command.add_option("--batch", options.batch, "Sequences per step")->capture_default_str();
  command.add_option("--prompt", options.prompt, "Prompt tokens per sequence (prefill, train)");
  command.add_option("--context", options.context, "Tokens already in the KV cache (decode)");
  command
      .add_option("--weights", options.weights, "Weight dtype: fp32 bf16 fp16 fp8 int8 int4 fp4")
      ->capture_default_str();
  command.add_option("--activations", options.activations, "Activation dtype: bf16 fp16 fp8")
      ->capture_default_str();
  command.add_option("--kv", options.kv, "KV cache dtype: bf16 fp16 fp8 int8")
      ->capture_default_str();
  command
      .add_option("--runtime", options.runtime,
                  "fused (one kernel per small op: TensorRT-LLM, vLLM, torch.compile) or eager "
                  "(plain PyTorch)")
      ->check(CLI::IsMember({"fused", "eager"}))
      ->capture_default_str();
  command.add_option("--request-overhead", options.request_overhead,
                     "Host time per request added to TTFT, e.g. '2 ms' for a serving runtime's "
                     "scheduling, copies and sampling (default: none)");
  return hw;
}

workload::WorkloadSpec workload_spec(const WorkloadOptions& options) {
  workload::WorkloadSpec spec;
  spec.phase = options.phase == "prefill" ? workload::Phase::prefill
               : options.phase == "train" ? workload::Phase::train
                                          : workload::Phase::decode;
  spec.batch = options.batch;
  spec.prompt = options.prompt;
  spec.context = options.context;
  spec.weights = dtype_option(options.weights, "--weights");
  spec.activations = dtype_option(options.activations, "--activations");
  spec.kv = dtype_option(options.kv, "--kv");
  spec.runtime = options.runtime == "eager" ? workload::Runtime::eager : workload::Runtime::fused;
  if (!options.request_overhead.empty()) {
    try {
      spec.request_overhead = parse_quantity(options.request_overhead, Dimension::time);
    } catch (const UnitError& error) {
      throw InputError("", "--request-overhead", error.what());
    }
  }
  return spec;
}

}  // namespace ridgeline::cli
