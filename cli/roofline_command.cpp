// `ridgeline roofline --hw ID|PATH [--hw ...] [--dtype bf16] [--json|--csv] [--svg FILE]`.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/plot/svg.hpp"
#include "ridgeline/report/hw_report.hpp"
#include "ridgeline/report/roofline_chart.hpp"

namespace ridgeline::cli {

namespace {

void register_roofline_command(CLI::App& app) {
  static std::vector<std::string> hw_ids;
  static std::string dtype_text = "bf16";
  static std::string svg_path;
  static OutputOptions output;
  auto* command = app.add_subcommand(
      "roofline", "Classic and hierarchical roofline of one or more accelerators");
  command->add_option("--hw", hw_ids, "Accelerator id or spec file path (repeat to compare)")
      ->required();
  command->add_option("--dtype", dtype_text, "Compute dtype: " + dtype_list())
      ->capture_default_str();
  command->add_option("--svg", svg_path, "Also write the roofline chart as SVG to FILE");
  add_output_options(*command, output);
  command->callback([] {
    const auto dtype = parse_dtype(dtype_text);
    if (!dtype)
      throw ModelError("unknown dtype '" + dtype_text + "'; expected one of: " + dtype_list());
    std::vector<roofline::Roofline> rooflines;
    for (const auto& id : hw_ids) {
      rooflines.push_back(roofline::build_roofline(library().accelerator(id), *dtype));
    }
    if (!svg_path.empty()) {
      write_file(svg_path, plot::render_svg(plot::layout_chart(report::roofline_chart(rooflines))));
    }
    if (output.json) {
      if (rooflines.size() == 1) {
        std::cout << report::roofline_json(rooflines.front()).dump(2) << "\n";
      } else {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& roofline : rooflines) list.push_back(report::roofline_json(roofline));
        std::cout << nlohmann::json{{"rooflines", list}}.dump(2) << "\n";
      }
    } else if (output.csv) {
      std::cout << report::render_csv(report::roofline_csv_table(rooflines));
    } else {
      for (const auto& roofline : rooflines) {
        std::cout << roofline.hw_name << " (" << roofline.hw_id << "), "
                  << dtype_name(roofline.dtype) << ": peak "
                  << format_quantity(roofline.peak_flops, Dimension::compute) << ", achievable "
                  << format_quantity(roofline.achievable_flops, Dimension::compute) << "\n";
      }
      std::cout << "\n" << report::render_text(report::roofline_table(rooflines));
      if (!svg_path.empty()) std::cout << "\nwrote " << svg_path << "\n";
    }
  });
}

const CommandRegistration registration(20, register_roofline_command);

}  // namespace

}  // namespace ridgeline::cli
