// `ridgeline hw list|show|validate`.

#include <iostream>

#include "common.hpp"
#include "ridgeline/report/hw_report.hpp"

namespace ridgeline::cli {

namespace {

void register_hw_commands(CLI::App& app) {
  auto* hw = app.add_subcommand("hw", "Hardware spec library: list, show, validate");
  hw->require_subcommand(1);

  static OutputOptions list_output;
  auto* list = hw->add_subcommand("list", "List the shipped accelerators");
  add_output_options(*list, list_output);
  list->callback([] {
    const auto accelerators = library().all_accelerators();
    if (list_output.json) {
      nlohmann::json accelerators_json = nlohmann::json::array();
      for (const auto& accelerator : accelerators) {
        accelerators_json.push_back(report::accelerator_summary_json(accelerator));
      }
      nlohmann::json devices = nlohmann::json::array();
      for (const auto& id : library().memory_device_ids()) {
        const auto device = library().memory_device(id);
        devices.push_back(
            {{"id", device.id}, {"name", device.name}, {"generation", device.generation}});
      }
      std::cout << nlohmann::json{{"accelerators", accelerators_json}, {"memory_devices", devices}}
                       .dump(2)
                << "\n";
    } else if (list_output.csv) {
      std::cout << report::render_csv(report::accelerator_list_table(accelerators));
    } else {
      std::cout << report::render_text(report::accelerator_list_table(accelerators));
    }
  });

  static std::string show_id;
  static bool show_json = false;
  auto* show = hw->add_subcommand(
      "show", "Show one accelerator or memory device with the source of every number");
  show->add_option("ID", show_id, "Accelerator id or path to a spec file (or a memory device id)")
      ->required();
  show->add_flag("--json", show_json, "Every field in SI units, with its source");
  show->callback([] {
    const auto devices = library().memory_device_ids();
    const bool is_device = !hw::looks_like_path(show_id) &&
                           std::find(devices.begin(), devices.end(), show_id) != devices.end();
    if (is_device) {
      const auto device = library().memory_device(show_id);
      std::cout << report::memory_device_json(device).dump(2) << "\n";
      return;
    }
    const auto accelerator = library().accelerator(show_id);
    if (show_json) {
      std::cout << report::accelerator_json(accelerator).dump(2) << "\n";
    } else {
      std::cout << report::accelerator_text(accelerator);
    }
  });

  static std::vector<std::string> files;
  auto* validate = hw->add_subcommand("validate", "Check spec files; exit 1 if any has a problem");
  validate->add_option("FILE", files, "Accelerator or memory-device spec files")->required();
  validate->callback([] {
    const auto checks = hw::validate_spec_files(files, library());
    int bad = 0;
    for (const auto& check : checks) {
      if (check.problems.empty()) {
        std::cout << "ok  " << check.file << " (" << check.kind << " " << check.id << ")\n";
      } else {
        ++bad;
        for (const auto& problem : check.problems)
          std::cerr << "error: " << problem.to_string() << "\n";
      }
    }
    if (bad > 0) {
      std::cerr << bad << " of " << checks.size() << " file(s) invalid\n";
      throw Exit{1};
    }
  });
}

const CommandRegistration registration(10, register_hw_commands);

}  // namespace

}  // namespace ridgeline::cli
