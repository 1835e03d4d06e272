// `ridgeline analyze --hw ID|PATH --model ID|PATH --phase prefill|decode|train --batch B
//  [--prompt P] [--context C] [--weights DT] [--activations DT] [--kv DT] [--json|--csv]`, and the
//  parallel form `--system ID|PATH [--tp T] [--pp P] [--dp D] [--ep E] [--microbatches M]
//  [--sequence-parallel] [--zero1]` in place of --hw.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/report/workload_report.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "ridgeline/workload/parallel.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

struct ParallelOptions {
  std::string system;
  workload::Parallelism parallelism;
};

void register_analyze(CLI::App& app) {
  static WorkloadOptions options;
  static ParallelOptions parallel;
  static OutputOptions output;
  auto* command = app.add_subcommand(
      "analyze", "One step of an LLM (prefill, decode, train): time, bottlenecks, fit");
  auto* hw = add_workload_options(*command, options, false);
  auto* system =
      command->add_option("--system", parallel.system,
                          "Multi-accelerator system id (hwspecs/systems) or path, instead of --hw");
  hw->excludes(system);
  auto& p = parallel.parallelism;
  std::vector<CLI::Option*> degrees = {
      command->add_option("--tp", p.tp, "Tensor-parallel degree (with --system)"),
      command->add_option("--pp", p.pp, "Pipeline-parallel stages (with --system)"),
      command->add_option("--dp", p.dp, "Data-parallel replicas (with --system)"),
      command->add_option("--ep", p.ep, "Expert-parallel degree, dividing --dp (with --system)"),
      command->add_option("--microbatches", p.microbatches,
                          "Micro-batches per pipeline flush (with --system)"),
      command->add_flag("--zero1", p.zero1,
                        "Shard optimizer states over --dp (ZeRO-1 / distributed optimizer)"),
      command->add_flag("--sequence-parallel", p.sequence_parallel,
                        "Reduce-scatter + all-gather instead of TP all-reduces (with --system)")};
  for (auto* degree : degrees) degree->needs(system);
  add_output_options(*command, output);
  command->callback([hw, system] {
    if (hw->count() == 0 && system->count() == 0) {
      throw CLI::RequiredError("--hw or --system");
    }
    const auto model = workload::load_model_config(options.model);
    const auto spec = workload_spec(options);
    workload::Analysis analysis;
    hw::Accelerator accelerator;
    if (system->count() > 0) {
      const topology::CollectiveModel collectives(systems().system(parallel.system));
      workload::check_parallelism(model, spec, parallel.parallelism, collectives.system());
      const auto built = workload::build_workload(model, spec);
      analysis = workload::analyze(collectives, parallel.parallelism, built);
      accelerator = collectives.system().accelerator(0);
    } else {
      accelerator = library().accelerator(options.hw);
      analysis = workload::analyze(accelerator, workload::build_workload(model, spec));
    }
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
