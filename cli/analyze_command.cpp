// `ridgeline analyze --hw ID|PATH --model ID|PATH --phase prefill|decode|train --batch B
//  [--prompt P] [--context C] [--weights DT] [--activations DT] [--kv DT] [--json|--csv]`.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/report/workload_report.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

void register_analyze(CLI::App& app) {
  static WorkloadOptions options;
  static OutputOptions output;
  auto* command = app.add_subcommand(
      "analyze", "One step of an LLM (prefill, decode, train): time, bottlenecks, fit");
  add_workload_options(*command, options);
  add_output_options(*command, output);
  command->callback([] {
    const auto accelerator = library().accelerator(options.hw);
    const auto model = workload::load_model_config(options.model);
    const auto spec = workload_spec(options);
    const auto built = workload::build_workload(model, spec);
    const auto analysis = workload::analyze(accelerator, built);
    if (output.json) {
      std::cout << report::analysis_json(analysis).dump(2) << "\n";
    } else if (output.csv) {
      std::cout << report::render_csv(report::analysis_ops_csv(analysis));
    } else {
      std::cout << report::analysis_summary(analysis, accelerator) << "\n"
                << report::render_text(report::analysis_ops_table(analysis));
    }
  });
}

const CommandRegistration registration(30, register_analyze);

}  // namespace
}  // namespace ridgeline::cli
