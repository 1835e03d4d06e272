#pragma once
// The workload options `analyze` and `explain` share.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "ridgeline/explore/design.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::cli {

struct WorkloadOptions {
  std::string hw;
  std::string model;
  std::string phase = "decode";
  std::int64_t batch = 1;
  std::int64_t prompt = 0;
  std::int64_t context = 0;
  std::string weights = "bf16";
  std::string activations = "bf16";
  std::string kv = "bf16";
  std::int64_t kv_page = 0;  // tokens per KV-cache page; 0: contiguous
  std::string runtime = "fused";
  std::string request_overhead;  // empty: none
  std::string system;            // analyze/sweep/sensitivity --system, instead of --hw
  workload::Parallelism parallelism;
};

// `hw_required`: false where another option (analyze --system) can name the hardware instead.
CLI::Option* add_workload_options(CLI::App& command, WorkloadOptions& options,
                                  bool hw_required = true);
// `--system ID|PATH` (excluding `hw`, the option add_workload_options returned) and the degrees of
// the split: --tp --pp --dp --ep --microbatches --sequence-parallel --zero1, which need --system.
void add_parallel_options(CLI::App& command, WorkloadOptions& options, CLI::Option* hw);
// Throws InputError naming the option for an unknown dtype.
workload::WorkloadSpec workload_spec(const WorkloadOptions& options);
// The accelerator (or system and split), model and workload the options name, checked (InputError
// naming the option; CLI::RequiredError when neither --hw nor --system is given).
explore::Design design_from_options(const WorkloadOptions& options);
// The options in one line ("hw=h200 model=llama-3-8b phase=decode batch=1 ..."), to label outputs.
std::string describe(const WorkloadOptions& options);

}  // namespace ridgeline::cli
