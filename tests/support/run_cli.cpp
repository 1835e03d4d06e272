#include "run_cli.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ridgeline::testing {

std::string read_file(const std::string& path) {
  std::ifstream stream(path);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

CliRun run_cli(const std::string& arguments) {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  const fs::path err =
      fs::temp_directory_path() /
      ("ridgeline-cli-err-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const std::string command =
      std::string(RIDGELINE_CLI_PATH) + " " + arguments + " 2>" + err.string();
  CliRun result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_file(err.string());
  fs::remove(err);
  return result;
}

}  // namespace ridgeline::testing
