#include "workload_options.hpp"

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/workload/parallel.hpp"

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
      .add_option("--kv-page", options.kv_page,
                  "Paged KV cache: tokens per page (vLLM block size), gathered at the "
                  "bandwidth memsim measures for such pages; 0: contiguous")
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
  spec.kv_page = options.kv_page;
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

void add_parallel_options(CLI::App& command, WorkloadOptions& options, CLI::Option* hw) {
  auto* system =
      command.add_option("--system", options.system,
                         "Multi-accelerator system id (hwspecs/systems) or path, instead of --hw");
  hw->excludes(system);
  auto& p = options.parallelism;
  const std::vector<CLI::Option*> degrees = {
      command.add_option("--tp", p.tp, "Tensor-parallel degree (with --system)"),
      command.add_option("--pp", p.pp, "Pipeline-parallel stages (with --system)"),
      command.add_option("--dp", p.dp, "Data-parallel replicas (with --system)"),
      command.add_option("--ep", p.ep, "Expert-parallel degree, dividing --dp (with --system)"),
      command.add_option("--microbatches", p.microbatches,
                         "Micro-batches per pipeline flush (with --system)"),
      command.add_flag("--zero1", p.zero1,
                       "Shard optimizer states over --dp (ZeRO-1 / distributed optimizer)"),
      command.add_flag("--sequence-parallel", p.sequence_parallel,
                       "Reduce-scatter + all-gather instead of TP all-reduces (with --system)")};
  for (auto* degree : degrees) degree->needs(system);
}

explore::Design design_from_options(const WorkloadOptions& options) {
  if (options.hw.empty() && options.system.empty()) throw CLI::RequiredError("--hw or --system");
  explore::Design design;
  design.model = workload::load_model_config(options.model);
  design.workload = workload_spec(options);
  workload::check_spec(design.model, design.workload);
  if (options.system.empty()) {
    design.accelerator = library().accelerator(options.hw);
  } else {
    design.system = std::make_shared<const topology::System>(systems().system(options.system));
    design.parallelism = options.parallelism;
    workload::check_parallelism(design.model, design.workload, design.parallelism, *design.system);
    design.accelerator = design.system->accelerator(0);
  }
  return design;
}

std::string describe(const WorkloadOptions& options) {
  const auto& p = options.parallelism;
  const std::string hardware =
      options.system.empty()
          ? "hw=" + options.hw
          : "system=" + options.system + " tp=" + std::to_string(p.tp) +
                " pp=" + std::to_string(p.pp) + " dp=" + std::to_string(p.dp) +
                " ep=" + std::to_string(p.ep) + " microbatches=" + std::to_string(p.microbatches) +
                (p.sequence_parallel ? " sequence-parallel" : "") + (p.zero1 ? " zero1" : "");
  return hardware + " model=" + options.model + " phase=" + options.phase +
         " batch=" + std::to_string(options.batch) + " prompt=" + std::to_string(options.prompt) +
         " context=" + std::to_string(options.context) + " weights=" + options.weights +
         " activations=" + options.activations + " kv=" + options.kv +
         (options.kv_page > 0 ? " kv_page=" + std::to_string(options.kv_page) : "") +
         " runtime=" + options.runtime +
         (options.request_overhead.empty() ? "" : " request_overhead=" + options.request_overhead);
}

}  // namespace ridgeline::cli
