// `ridgeline sensitivity` (the `analyze` options) `[--metric M] [--step F] [--json] [--svg FILE]`:
// the elasticity of a metric to every numeric design knob, ranked, with the bound that explains it.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/sensitivity.hpp"
#include "ridgeline/plot/svg.hpp"
#include "ridgeline/workload/workload.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

void register_sensitivity(CLI::App& app) {
  static WorkloadOptions options;
  static std::string metric = "step_time";
  static double step = 0.01;
  static bool json = false;
  static std::string svg;
  auto* command = app.add_subcommand(
      "sensitivity", "Elasticity of a metric to every design knob (d ln metric / d ln knob)");
  auto* hw = add_workload_options(*command, options, false);
  add_parallel_options(*command, options, hw);
  command
      ->add_option("--metric", metric,
                   "step_time, tokens_per_s, ttft (prefill), tpot (decode), mfu, mbu, memory")
      ->capture_default_str();
  command
      ->add_option("--step", step,
                   "Relative step of the central difference for continuous knobs (integer knobs "
                   "move by 1)")
      ->check(CLI::Range(1e-4, 0.5))
      ->capture_default_str();
  command->add_flag("--json", json, "JSON output");
  command->add_option("--svg", svg, "Write a tornado chart of the elasticities");
  command->callback([] {
    const auto design = design_from_options(options);
    const auto result = explore::sensitivity(design, metric, step);
    if (!svg.empty()) {
      const std::string title = "Sensitivity of " + result.metric + ": " + design.model.id + " " +
                                std::string(workload::phase_name(design.workload.phase)) + " on " +
                                design.accelerator.id;
      write_file(svg,
                 plot::render_svg(plot::layout_chart(explore::sensitivity_chart(result, title))));
    }
    std::cout << (json ? explore::sensitivity_json(result) : explore::sensitivity_text(result));
  });
}

const CommandRegistration registration(37, register_sensitivity);

}  // namespace
}  // namespace ridgeline::cli
