#pragma once
// The workload options `analyze` and `explain` share.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "ridgeline/explore/design.hpp"
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
  std::string runtime = "fused";
  std::string request_overhead;  // empty: none
};

void add_workload_options(CLI::App& command, WorkloadOptions& options);
// Throws InputError naming the option for an unknown dtype.
workload::WorkloadSpec workload_spec(const WorkloadOptions& options);
// The accelerator, model and workload the options name, checked (InputError naming the option).
explore::Design design_from_options(const WorkloadOptions& options);
// The options in one line ("hw=h200 model=llama-3-8b phase=decode batch=1 ..."), to label outputs.
std::string describe(const WorkloadOptions& options);

}  // namespace ridgeline::cli
