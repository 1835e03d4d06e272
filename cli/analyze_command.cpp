// `ridgeline analyze --hw ID|PATH --model ID|PATH --phase prefill|decode|train --batch B
//  [--prompt P] [--context C] [--weights DT] [--activations DT] [--kv DT] [--json|--csv]`, and the
//  parallel form `--system ID|PATH [--tp T] [--pp P] [--dp D] [--ep E] [--microbatches M]
//  [--sequence-parallel] [--zero1]` in place of --hw.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/design.hpp"
#include "ridgeline/report/workload_report.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

void register_analyze(CLI::App& app) {
  static WorkloadOptions options;
  static OutputOptions output;
  auto* command = app.add_subcommand(
      "analyze", "One step of an LLM (prefill, decode, train): time, bottlenecks, fit");
  auto* hw = add_workload_options(*command, options, false);
  add_parallel_options(*command, options, hw);
  add_output_options(*command, output);
  command->callback([] {
    const auto design = design_from_options(options);
    const auto analysis = explore::evaluate(design);
    if (output.json) {
      std::cout << report::analysis_json(analysis).dump(2) << "\n";
    } else if (output.csv) {
      std::cout << report::render_csv(report::analysis_ops_csv(analysis));
    } else {
      std::cout << report::analysis_summary(analysis, design.accelerator) << "\n"
                << report::render_text(report::analysis_ops_table(analysis));
    }
  });
}

const CommandRegistration registration(30, register_analyze);

}  // namespace
}  // namespace ridgeline::cli
