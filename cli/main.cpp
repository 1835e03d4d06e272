// `ridgeline`: the command-line front end. Thin: parse arguments, call the model, print.
// Exit codes: 0 success, 1 input or model error (message on stderr), 2 usage error.

#include <iostream>

#include <CLI/CLI.hpp>

#include "common.hpp"
#include "ridgeline/base/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "Ridgeline: where AI workloads bottleneck on accelerators (compute, memory, interconnect)",
      "ridgeline"};
  app.set_version_flag("--version", "ridgeline " RIDGELINE_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  ridgeline::cli::register_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const ridgeline::cli::Exit& exit) {
    return exit.code;
  } catch (const ridgeline::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const ridgeline::ModelError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
