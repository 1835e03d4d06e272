// `ridgeline op KIND --hw ID|PATH [--PARAM VALUE ...] [--json|--csv]`: the cost of one operator on
// one accelerator. The subcommands and their options are built from the operator registry: each
// kind declares its parameters (ops/operator.hpp), so a new kind needs no change here.

#include <iostream>
#include <map>
#include <memory>

#include "common.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/ops/operator.hpp"
#include "ridgeline/report/explain.hpp"
#include "ridgeline/report/table.hpp"

namespace ridgeline::cli {

namespace {

struct OpOptions {
  std::string hw;
  OutputOptions output;
  bool explain = false;
  std::map<std::string, std::string> values;  // by parameter name
};

std::string traffic(double bytes) {
  return format_traffic(bytes);
}

report::Table resource_table(const ops::OpCost& cost, const hw::Accelerator& accelerator) {
  report::Table table;
  table.headers = {"resource", "work", "time"};
  table.align = {report::Align::left, report::Align::right, report::Align::right};
  table.rows.push_back({"compute", format_number(cost.flops) + " FLOP",
                        format_quantity(cost.compute_time, Dimension::time)});
  for (std::size_t i = 0; i < accelerator.memory.size(); ++i) {
    const double bytes = i < cost.bytes.size() ? cost.bytes[i] : 0.0;
    const double time = i < cost.level_time.size() ? cost.level_time[i] : 0.0;
    table.rows.push_back(
        {accelerator.memory[i].name, traffic(bytes), format_quantity(time, Dimension::time)});
  }
  table.rows.push_back({"overhead", "", format_quantity(cost.overhead_time, Dimension::time)});
  table.rows.push_back({"total", "", format_quantity(cost.time, Dimension::time)});
  return table;
}

void print_cost(const ops::OpCost& cost, const hw::Accelerator& accelerator,
                const OpOptions& options, const std::map<std::string, std::string>& params) {
  if (options.output.json) {
    auto json = ops::cost_json(cost, accelerator);
    json["params"] = params;
    std::cout << json.dump(2) << "\n";
    return;
  }
  if (options.output.csv) {
    report::Table table;
    table.headers = {"resource", "work", "time_s"};
    table.rows.push_back(
        {"compute", format_number(cost.flops, 17), format_number(cost.compute_time, 17)});
    for (std::size_t i = 0; i < accelerator.memory.size(); ++i) {
      table.rows.push_back({accelerator.memory[i].name, format_number(cost.bytes[i], 17),
                            format_number(cost.level_time[i], 17)});
    }
    table.rows.push_back({"overhead", "", format_number(cost.overhead_time, 17)});
    table.rows.push_back({"total", "", format_number(cost.time, 17)});
    std::cout << report::render_csv(table);
    return;
  }
  std::cout << cost.kind << " on " << accelerator.name << " (" << accelerator.id
            << "): " << format_quantity(cost.time, Dimension::time)
            << ", bound: " << ops::bound_name(cost, accelerator) << "\n";
  std::cout << "FLOPs " << format_number(cost.flops) << ", achieved "
            << format_quantity(ops::achieved_flops(cost), Dimension::compute) << "\n\n";
  std::cout << report::render_text(resource_table(cost, accelerator));
  if (!cost.derivation.empty()) {
    std::cout << "\nderivation\n";
    for (const auto& line : cost.derivation) std::cout << "  " << line << "\n";
  }
}

}  // namespace

void register_op_command(CLI::App& app) {
  auto* op = app.add_subcommand(
      "op", "Cost of one operator on one accelerator: time, FLOPs, bytes per memory level, bound");
  op->require_subcommand(1);
  for (const auto* kind : ops::OperatorRegistry::builtin().kinds()) {
    auto options = std::make_shared<OpOptions>();
    auto* command = op->add_subcommand(kind->name(), kind->description());
    command->add_option("--hw", options->hw, "Accelerator id or spec file path")->required();
    add_output_options(*command, options->output);
    command->add_flag(
        "--explain", options->explain,
        "Walk through the derivation and what would change it (as `ridgeline explain`)");
    auto declared = kind->params();
    for (auto& common : ops::condition_params()) declared.push_back(std::move(common));
    for (const auto& spec : declared) {
      std::string help = spec.description;
      if (spec.type == ops::ParamType::dtype) help += " (" + dtype_list() + ")";
      if (!spec.choices.empty()) {
        std::string list;
        for (const auto& choice : spec.choices) list += (list.empty() ? "" : "|") + choice;
        help += " (" + list + ")";
      }
      if (!spec.default_value.empty()) help += " [default: " + spec.default_value + "]";
      auto* option = command->add_option("--" + spec.name, options->values[spec.name], help);
      if (spec.required) option->required();
    }
    command->callback([kind, options, command, declared] {
      std::map<std::string, std::string> given;
      for (const auto& spec : declared) {
        if (command->get_option("--" + spec.name)->count() > 0) {
          given[spec.name] = options->values[spec.name];
        }
      }
      const auto accelerator = library().accelerator(options->hw);
      const auto params = ops::parse_params(*kind, given);
      const auto cost = kind->cost(accelerator, params);
      if (options->explain) {
        std::cout << cost.kind << " on " << accelerator.name << "\n\n"
                  << report::explain_cost(accelerator, cost,
                                          [kind, &params](const hw::Accelerator& design) {
                                            return kind->cost(design, params);
                                          });
        return;
      }
      std::map<std::string, std::string> all(params.values().begin(), params.values().end());
      print_cost(cost, accelerator, *options, all);
    });
  }
}

namespace {
const CommandRegistration registration(40, register_op_command);
}  // namespace

}  // namespace ridgeline::cli
