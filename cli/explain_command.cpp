// `ridgeline explain` (the `analyze` arguments, plus `--op NAME` for one operator): the derivation
// of the cost with the numbers substituted, as a teacher would walk through it.

#include <iostream>

#include "common.hpp"
#include "ridgeline/report/explain.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

void register_explain(CLI::App& app) {
  static WorkloadOptions options;
  static std::string op_name;
  auto* command = app.add_subcommand(
      "explain", "Walk through a workload's (or one operator's) cost, step by step");
  add_workload_options(*command, options);
  command->add_option("--op", op_name, "One operator of the workload (names as in `analyze`)");
  command->callback([] {
    const auto accelerator = library().accelerator(options.hw);
    const auto built = workload::build_workload(workload::load_model_config(options.model),
                                                workload_spec(options));
    std::cout << (op_name.empty() ? report::explain_workload(accelerator, built)
                                  : report::explain_operator(accelerator, built, op_name));
  });
}

const CommandRegistration registration(40, register_explain);

}  // namespace
}  // namespace ridgeline::cli
