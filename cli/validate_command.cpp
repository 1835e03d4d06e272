// `ridgeline validate [--data DIR] [--json] [--write FILE]`: runs the model against the measurement
// records of tests/validation/ and reports the error of each, with the median and worst per
// section.

#include <iostream>

#include "common.hpp"
#include "ridgeline/validate/validation.hpp"
#include "ridgeline/validate/workload_sections.hpp"

namespace ridgeline::cli {

void register_validate_command(CLI::App& app) {
  static std::string data_dir;
  static std::string write_path;
  static bool json = false;
  auto* command = app.add_subcommand(
      "validate", "Compare the model with published real-hardware measurements (tests/validation)");
  command->add_option("--data", data_dir,
                      "Directory holding measurements.json and measurements-h100.json [default: "
                      "tests/validation of the source tree, or $RIDGELINE_VALIDATION_DATA]");
  command->add_option("--write", write_path,
                      "Also write the markdown report to FILE (docs/validation.md)");
  command->add_flag("--json", json, "Machine-readable JSON (contract: docs/cli.md)");
  command->callback([] {
    const auto directory =
        data_dir.empty() ? validate::default_data_dir() : std::filesystem::path(data_dir);
    const auto report = validate::run_validation(directory, library(), validate::all_sections());
    if (!write_path.empty()) write_file(write_path, validate::render_markdown(report));
    if (json) {
      std::cout << validate::report_json(report).dump(2) << "\n";
    } else {
      std::cout << validate::render_text(report);
      if (!write_path.empty()) std::cout << "\nwrote " << write_path << "\n";
    }
  });
}

namespace {
const CommandRegistration registration(90, register_validate_command);
}  // namespace

}  // namespace ridgeline::cli
