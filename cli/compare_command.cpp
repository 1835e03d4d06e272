// `ridgeline compare DESIGN DESIGN [DESIGN...] --model ID|PATH [the analyze workload options]
//  [--json|--csv]`, where DESIGN is ID|PATH[:SETTING[,SETTING...]] (docs/cli.md).

#include <iostream>

#include "common.hpp"
#include "ridgeline/explore/compare.hpp"
#include "ridgeline/explore/knobs.hpp"
#include "ridgeline/report/table.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

void register_compare(CLI::App& app) {
  static WorkloadOptions options;
  static OutputOptions output;
  static std::vector<std::string> designs;
  auto* command = app.add_subcommand(
      "compare", "Designs side by side: totals, per-operator deltas, changed bounds and why");
  command
      ->add_option("designs", designs,
                   "Two or more designs: ID|PATH[:KNOB=VALUE[,KNOB=VALUE...]], e.g. h200 "
                   "h200:hbm.stacks=8")
      ->required()
      ->expected(2, -1);
  // The designs are positional; compare has no --hw.
  command->remove_option(add_workload_options(*command, options, false));
  add_output_options(*command, output);
  command->callback([] {
    const auto model = workload::load_model_config(options.model);
    const auto spec = workload_spec(options);
    std::vector<explore::ComparedDesign> compared;
    for (const auto& text : designs) {
      const auto argument = explore::parse_design_argument(text);
      explore::Design design;
      design.accelerator = library().accelerator(argument.hw);
      design.model = model;
      design.workload = spec;
      explore::apply_settings(design, argument.settings, library());
      compared.push_back({text, design.accelerator, explore::evaluate(design)});
    }
    const auto comparison = explore::compare_designs(compared);
    if (output.json) {
      std::cout << explore::compare_json(compared, comparison).dump(2) << "\n";
    } else if (output.csv) {
      std::cout << report::render_csv(explore::compare_csv(compared, comparison));
    } else {
      std::cout << explore::compare_text(compared, comparison);
    }
  });
}

const CommandRegistration registration(35, register_compare);

}  // namespace
}  // namespace ridgeline::cli
