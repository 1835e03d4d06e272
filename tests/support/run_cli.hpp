#pragma once
// Runs the `ridgeline` binary built beside the tests, for end-to-end tests of exit codes and
// output.

#include <string>

namespace ridgeline::testing {

struct CliRun {
  int code = -1;    // exit status; -1 if it did not exit normally
  std::string out;  // stdout
  std::string err;  // stderr
};

// `arguments` is appended to the binary's path and run by the shell.
CliRun run_cli(const std::string& arguments);

// The whole content of a file ("" if it cannot be read).
std::string read_file(const std::string& path);

}  // namespace ridgeline::testing
