#pragma once
// Shared plumbing of the `ridgeline` subcommands: output selection and writing files.

#include <string>

#include <CLI/CLI.hpp>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/topology/system.hpp"

namespace ridgeline::cli {

// Thrown by a command that already printed its diagnostics and only needs to set the exit code.
struct Exit {
  int code;
};

struct OutputOptions {
  bool json = false;
  bool csv = false;
};

void add_output_options(CLI::App& command, OutputOptions& options);
// Writes text to a file; throws InputError naming the file if it cannot.
void write_file(const std::string& path, const std::string& text);
hw::SpecLibrary& library();
topology::SystemLibrary& systems();  // the shipped systems, over library()

// Each command file registers itself with one line (a static CommandRegistration), so adding a
// command touches no other file. `order` sorts the commands in --help.
using CommandRegistrar = void (*)(CLI::App& app);
struct CommandRegistration {
  CommandRegistration(int order, CommandRegistrar registrar);
};
void register_all_commands(CLI::App& app);

}  // namespace ridgeline::cli
