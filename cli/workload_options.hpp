#pragma once
// The workload options `analyze` and `explain` share.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

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

// `hw_required`: false where another option (analyze --system) can name the hardware instead.
CLI::Option* add_workload_options(CLI::App& command, WorkloadOptions& options,
                                  bool hw_required = true);
// Throws InputError naming the option for an unknown dtype.
workload::WorkloadSpec workload_spec(const WorkloadOptions& options);

}  // namespace ridgeline::cli
