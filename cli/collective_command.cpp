// `ridgeline collective --system ID|PATH --op OP (--bytes N | --sweep MIN:MAX) [--gpus K]
//  [--algorithm A] [--json|--csv] [--svg FILE]` and `ridgeline system list|show|validate`.

#include <iostream>

#include "common.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/plot/svg.hpp"
#include "ridgeline/topology/collective_report.hpp"

namespace ridgeline::cli {

namespace {

void register_collective(CLI::App& app) {
  static std::string system_id;
  static std::string op_text;
  static std::string bytes_text;
  static std::string sweep_text;
  static std::string algorithm = "auto";
  static long long gpus = 0;
  static std::string svg_path;
  static OutputOptions output;
  auto* command = app.add_subcommand(
      "collective", "Time of a collective (all-reduce, ...) on a multi-accelerator system");
  command->add_option("--system", system_id, "System id (hwspecs/systems) or path to a file")
      ->required();
  std::vector<std::string> ops;
  for (const auto op : {topology::CollectiveOp::all_reduce, topology::CollectiveOp::all_gather,
                        topology::CollectiveOp::reduce_scatter, topology::CollectiveOp::all_to_all,
                        topology::CollectiveOp::broadcast, topology::CollectiveOp::send_recv}) {
    ops.emplace_back(topology::op_name(op));
  }
  command->add_option("--op", op_text, "Collective: " + topology::op_list())
      ->required()
      ->check(CLI::IsMember(ops));
  auto* bytes = command->add_option("--bytes", bytes_text,
                                    "Message size (nccl-tests convention): 8GiB, 32 KiB, or bytes");
  auto* sweep = command->add_option("--sweep", sweep_text,
                                    "Size sweep MIN:MAX, doubling (nccl-tests -f 2): 8B:8GiB");
  bytes->excludes(sweep);
  command->add_option("--gpus", gpus,
                      "Use the first K accelerators (rank order of the system file); default all");
  std::vector<std::string> algorithms{"auto"};
  for (const auto& name : topology::AlgorithmRegistry::instance().names()) {
    algorithms.push_back(name);
  }
  command
      ->add_option("--algorithm", algorithm,
                   "auto (the fastest the system's library implements) or one algorithm")
      ->check(CLI::IsMember(algorithms))
      ->capture_default_str();
  command->add_option("--svg", svg_path, "With --sweep: write the busbw chart as SVG to FILE")
      ->needs(sweep);
  add_output_options(*command, output);
  command->callback([] {
    if (bytes_text.empty() && sweep_text.empty()) {
      throw CLI::RequiredError("--bytes or --sweep");
    }
    const topology::CollectiveModel model(systems().system(system_id));
    const auto& system = model.system();
    if (gpus < 0) {
      throw InputError("", "--gpus",
                       "a group needs at least one accelerator, got " + std::to_string(gpus));
    }
    const auto count = gpus == 0 ? system.size() : static_cast<std::size_t>(gpus);
    const auto group = topology::first_ranks(system, count);
    const auto op = *topology::parse_op(op_text);
    const auto sizes =
        sweep_text.empty()
            ? std::vector<double>{topology::parse_message_size(bytes_text, "--bytes")}
            : topology::parse_sweep(sweep_text);
    const auto points = topology::sweep(model, op, group, sizes, algorithm,
                                        sweep_text.empty() || !svg_path.empty());
    if (!svg_path.empty()) {
      write_file(svg_path, plot::render_svg(plot::layout_chart(
                               topology::sweep_chart(system, op, group.ranks.size(), points))));
    }
    if (output.json) {
      nlohmann::json header{
          {"system", system.id}, {"system_name", system.name},  {"library", system.library.name},
          {"op", op_text},       {"ranks", group.ranks.size()}, {"algorithm_requested", algorithm}};
      if (sweep_text.empty()) {
        auto result = topology::cost_json(points.front().chosen);
        result.update(header);
        nlohmann::json candidates = nlohmann::json::array();
        for (const auto& candidate : points.front().candidates) {
          candidates.push_back(topology::cost_json(candidate));
        }
        result["candidates"] = candidates;
        std::cout << result.dump(2) << "\n";
      } else {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& point : points) list.push_back(topology::cost_json(point.chosen));
        header["points"] = list;
        std::cout << header.dump(2) << "\n";
      }
      return;
    }
    if (output.csv) {
      std::cout << report::render_csv(topology::sweep_csv(points));
      return;
    }
    std::cout << "# " << op_text << " on " << system.name << " (" << system.id << "), "
              << group.ranks.size() << " ranks, " << system.library.name << " model\n";
    std::cout << report::render_text(topology::sweep_table(points));
    if (sweep_text.empty()) {
      const auto& chosen = points.front().chosen;
      std::cout << "\n"
                << chosen.algorithm << " (" << chosen.detail << "), " << chosen.protocol
                << " protocol; latency " << format_quantity(chosen.latency_s, Dimension::time)
                << " + bandwidth " << format_quantity(chosen.bandwidth_s, Dimension::time);
      if (!chosen.bottleneck.empty()) std::cout << "; binding link " << chosen.bottleneck;
      std::cout << "\n\nalternatives:\n";
      for (const auto& candidate : points.front().candidates) {
        std::cout << "  " << candidate.algorithm << " " << candidate.protocol << ": "
                  << format_quantity(candidate.time_s, Dimension::time) << ", busbw "
                  << format_quantity(candidate.busbw, Dimension::bandwidth)
                  << (candidate.in_library ? "" : " (not in the library)") << "\n";
      }
    }
    if (!svg_path.empty()) std::cout << "\nwrote " << svg_path << "\n";
  });
}

void register_system(CLI::App& app) {
  auto* command = app.add_subcommand("system", "Multi-accelerator systems: list, show, validate");
  command->require_subcommand(1);

  static bool list_json = false;
  auto* list = command->add_subcommand("list", "List the shipped systems");
  list->add_flag("--json", list_json, "Machine-readable JSON");
  list->callback([] {
    nlohmann::json entries = nlohmann::json::array();
    report::Table table;
    table.headers = {"id", "name", "accelerators", "library"};
    for (const auto& id : systems().ids()) {
      const auto system = systems().system(id);
      std::map<std::string, std::size_t> counts;
      for (std::size_t rank = 0; rank < system.size(); ++rank) {
        ++counts[system.rank_node(rank).accelerator];
      }
      std::string accelerators;
      for (const auto& [accelerator, count] : counts) {
        accelerators +=
            (accelerators.empty() ? "" : " + ") + std::to_string(count) + " x " + accelerator;
      }
      table.rows.push_back({system.id, system.name, accelerators, system.library.name});
      entries.push_back({{"id", system.id},
                         {"name", system.name},
                         {"accelerators", system.size()},
                         {"accelerator_ids", accelerators},
                         {"library", system.library.name}});
    }
    if (list_json) {
      std::cout << nlohmann::json{{"systems", entries}}.dump(2) << "\n";
    } else {
      std::cout << report::render_text(table);
    }
  });

  static std::string show_id;
  static bool show_json = false;
  auto* show = command->add_subcommand(
      "show", "Show a system: links, scale-up domains, bisection bandwidth, library");
  show->add_option("ID", show_id, "System id or path to a system file")->required();
  show->add_flag("--json", show_json, "Machine-readable JSON");
  show->callback([] {
    const auto system = systems().system(show_id);
    const topology::Topology topology(system);
    if (show_json) {
      std::cout << topology::system_json(system, topology).dump(2) << "\n";
    } else {
      std::cout << topology::system_text(system, topology);
    }
  });

  static std::vector<std::string> files;
  auto* validate =
      command->add_subcommand("validate", "Check system files; exit 1 if any has a problem");
  validate->add_option("FILE", files, "System files (ridgeline.system/1)")->required();
  validate->callback([] {
    const auto checks = topology::validate_system_files(files, library());
    int bad = 0;
    for (const auto& check : checks) {
      if (check.problems.empty()) {
        std::cout << "ok  " << check.file << " (system " << check.id << ")\n";
        continue;
      }
      ++bad;
      for (const auto& problem : check.problems) {
        std::cerr << "error: " << problem.to_string() << "\n";
      }
    }
    if (bad > 0) {
      std::cerr << bad << " of " << checks.size() << " file(s) invalid\n";
      throw Exit{1};
    }
  });
}

const CommandRegistration collective_registration(60, register_collective);
const CommandRegistration system_registration(15, register_system);

}  // namespace

}  // namespace ridgeline::cli
