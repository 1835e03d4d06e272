#include "common.hpp"

#include <fstream>

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

hw::SpecLibrary& library() {
  static hw::SpecLibrary instance = hw::SpecLibrary::default_library();
  return instance;
}

}  // namespace ridgeline::cli
