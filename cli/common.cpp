#include "common.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

#include "ridgeline/base/error.hpp"

namespace ridgeline::cli {

void add_output_options(CLI::App& command, OutputOptions& options) {
  auto* json =
      command.add_flag("--json", options.json, "Machine-readable JSON (contract: docs/cli.md)");
  auto* csv = command.add_flag("--csv", options.csv, "CSV with SI values");
  json->excludes(csv);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary);
  if (!stream) throw InputError(path, "", "cannot open file for writing");
  stream << text;
  if (!stream) throw InputError(path, "", "write failed");
}

topology::SystemLibrary& systems() {
  static topology::SystemLibrary instance(library());
  return instance;
}

namespace {
std::vector<std::pair<int, CommandRegistrar>>& registrars() {
  static std::vector<std::pair<int, CommandRegistrar>> list;
  return list;
}
}  // namespace

CommandRegistration::CommandRegistration(int order, CommandRegistrar registrar) {
  registrars().emplace_back(order, registrar);
}

void register_all_commands(CLI::App& app) {
  auto list = registrars();
  std::stable_sort(list.begin(), list.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, registrar] : list) registrar(app);
}

hw::SpecLibrary& library() {
  static hw::SpecLibrary instance = hw::SpecLibrary::default_library();
  return instance;
}

}  // namespace ridgeline::cli
