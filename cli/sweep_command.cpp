// `ridgeline sweep` (the `analyze` options) `--set KNOB=V1,V2,... [--set ...] [--shard K/N]
//  [--jobs N] [--json|--csv] [--svg FILE [--metric M] [--x KNOB] [--lines KNOB]]`: the cartesian
// product of knob values, evaluated in parallel. `ridgeline merge FILE...` joins shard outputs.

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/metrics.hpp"
#include "ridgeline/explore/sweep.hpp"
#include "ridgeline/explore/sweep_pareto.hpp"
#include "ridgeline/plot/svg.hpp"
#include "workload_options.hpp"

namespace ridgeline::cli {
namespace {

struct SweepCommandOptions {
  std::vector<std::string> sets;
  std::string shard;
  std::size_t jobs = 0;
  std::string svg;
  std::string metric = "tokens_per_s";
  std::string x;
  std::string lines;
  std::string pareto;
};

// "[#####.....]  512/1000" on one line of a terminal.
void show_progress(std::size_t done, std::size_t total) {
  constexpr std::size_t kWidth = 40;
  const std::size_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
            << done << "/" << total << (done == total ? "\n" : "") << std::flush;
}

void register_sweep(CLI::App& app) {
  static WorkloadOptions options;
  static OutputOptions output;
  static SweepCommandOptions sweep;
  auto* command = app.add_subcommand(
      "sweep", "Evaluate the cartesian product of knob values (design-space exploration)");
  auto* hw = add_workload_options(*command, options, false);
  add_parallel_options(*command, options, hw);
  command
      ->add_option("--set", sweep.sets,
                   "KNOB=V1,V2,... or KNOB=START:STOP:STEP (STEP xF multiplies); repeatable, the "
                   "first --set varies slowest. Knobs: see docs/cli.md, or a JSON pointer")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--shard", sweep.shard,
                      "K/N: evaluate only the K-th of N slices (points i with i mod N = K-1)");
  command->add_option("--jobs", sweep.jobs, "Threads (default: all cores)");
  command->add_option("--svg", sweep.svg, "Plot --metric against --x, one line per --lines value");
  command->add_option("--metric", sweep.metric, "Metric to plot (default tokens_per_s)")
      ->capture_default_str();
  command->add_option("--x", sweep.x, "Knob on the x axis (default: the first swept number)");
  command->add_option("--lines", sweep.lines, "Knob with one line per value (default: the other)");
  command->add_option("--pareto", sweep.pareto,
                      "OBJ,OBJ: mark the non-dominated rows (time, energy, cost or any metric); "
                      "with --svg, plot the front of the first two");
  add_output_options(*command, output);
  command->callback([] {
    std::optional<explore::Shard> shard;
    std::vector<explore::ParetoObjective> objectives;
    if (!sweep.pareto.empty()) objectives = explore::parse_pareto_objectives(sweep.pareto);
    if (!sweep.shard.empty()) {
      shard = explore::parse_shard(sweep.shard);
      if (!output.csv && !output.json) {
        throw CLI::ValidationError("--shard",
                                   "a shard's output is for `ridgeline merge`: "
                                   "add --csv or --json");
      }
      if (!sweep.svg.empty())
        throw CLI::ValidationError("--svg", "plot the merged sweep, not a shard");
      if (!sweep.pareto.empty())
        throw CLI::ValidationError("--pareto", "a front needs every point, not a shard");
    }
    explore::SweepPlan plan;
    plan.base = design_from_options(options);
    plan.description = describe(options);
    for (const auto& set : sweep.sets) {
      plan.axes.push_back(explore::parse_axis(set));
      plan.description += "; --set " + set;
    }
    if (!sweep.svg.empty()) explore::find_metric(sweep.metric);
    const std::size_t total = explore::point_count(plan);
    std::vector<std::size_t> points;
    if (shard) {
      points = explore::shard_points(total, *shard);
    } else {
      for (std::size_t i = 0; i < total; ++i) points.push_back(i);
    }
    explore::SweepOptions run_options;
    run_options.threads = sweep.jobs;
    if (isatty(STDERR_FILENO) != 0) run_options.progress = show_progress;
    const auto rows = explore::run_sweep(plan, points, library(), run_options);
    if (!objectives.empty()) {
      // The sweep's own output plus a "pareto" column / member (docs/cli.md, sweep --pareto).
      const auto front = explore::sweep_pareto_front(rows, objectives);
      if (!sweep.svg.empty()) {
        write_file(sweep.svg, plot::render_svg(plot::layout_chart(
                                  explore::sweep_pareto_chart(rows, objectives, front))));
      }
      if (output.json) {
        auto document = nlohmann::json::parse(explore::sweep_json(plan, rows, shard));
        for (std::size_t i = 0; i < front.size(); ++i) document["rows"][i]["pareto"] = front[i];
        std::cout << document.dump(2) << "\n";
      } else if (output.csv) {
        std::istringstream lines(explore::sweep_csv(plan, rows, shard));
        std::string line;
        std::size_t row = 0;
        bool header = true;
        while (std::getline(lines, line)) {
          if (header) {
            std::cout << line << ",pareto\n";
            header = false;
          } else {
            std::cout << line << "," << (front.at(row++) ? "yes" : "no") << "\n";
          }
        }
      } else {
        auto table = explore::sweep_table(plan, rows);
        table.headers.push_back("pareto");
        for (std::size_t i = 0; i < table.rows.size(); ++i)
          table.rows[i].push_back(front[i] ? "*" : "");
        std::cout << report::render_text(table);
      }
      return;
    }
    if (!sweep.svg.empty()) {
      write_file(sweep.svg, plot::render_svg(plot::layout_chart(explore::sweep_chart(
                                plan, rows, sweep.metric, sweep.x, sweep.lines))));
    }
    if (output.json) {
      std::cout << explore::sweep_json(plan, rows, shard);
    } else if (output.csv) {
      std::cout << explore::sweep_csv(plan, rows, shard);
    } else {
      std::cout << report::render_text(explore::sweep_table(plan, rows));
    }
  });
}

void register_merge(CLI::App& app) {
  static std::vector<std::string> files;
  auto* command = app.add_subcommand(
      "merge", "Join `sweep --shard K/N` outputs (all CSV or all JSON) into the unsharded output");
  command->add_option("FILE", files, "Shard outputs, in any order")->required();
  command->callback([] {
    std::vector<std::pair<std::string, std::string>> contents;
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) throw InputError(file, "", "cannot read the file");
      std::ostringstream text;
      text << in.rdbuf();
      contents.emplace_back(file, text.str());
    }
    std::cout << explore::merge_sweep_outputs(contents);
  });
}

const CommandRegistration sweep_registration(35, register_sweep);
const CommandRegistration merge_registration(36, register_merge);

}  // namespace
}  // namespace ridgeline::cli
