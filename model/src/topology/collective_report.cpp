#include "ridgeline/topology/collective_report.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::topology {
namespace {

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

std::string gbps(double bytes_per_second) {
  return fixed(bytes_per_second / 1e9, 2);
}

nlohmann::json library_json(const CollectiveLibrary& library) {
  nlohmann::json algorithms{{"default", library.algorithms}};
  for (const auto& [op, names] : library.per_op) algorithms[std::string(op_name(op))] = names;
  nlohmann::json protocols = nlohmann::json::array();
  for (const auto& protocol : library.protocols) {
    nlohmann::json steps;
    for (const auto& [tier, latency] : protocol.step_latency) {
      steps[std::string(tier_name(tier))] = latency.value;
    }
    nlohmann::json entry{{"name", protocol.name},
                         {"launch_latency_s", protocol.launch_latency.value},
                         {"step_latency_s", steps},
                         {"bandwidth_fraction", protocol.bandwidth_fraction.value}};
    if (protocol.max_bus_bandwidth) entry["max_bus_bandwidth"] = protocol.max_bus_bandwidth->value;
    protocols.push_back(std::move(entry));
  }
  return {{"name", library.name}, {"algorithms", algorithms}, {"protocols", protocols}};
}

}  // namespace

double parse_message_size(const std::string& text, const std::string& what) {
  std::string trimmed = text;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  const bool plain = !trimmed.empty() && std::all_of(trimmed.begin(), trimmed.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (plain) {
    double value = 0;
    std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
    if (value <= 0) {
      throw InputError("", what, "'" + text + "': a message size must be at least 1 byte");
    }
    return value;
  }
  try {
    return parse_quantity(trimmed, Dimension::bytes);
  } catch (const UnitError& error) {
    throw InputError("", what,
                     std::string(error.what()) + " (a plain number counts bytes: 1048576)");
  }
}

std::vector<double> sweep_sizes(double min_bytes, double max_bytes) {
  if (!(min_bytes > 0) || max_bytes < min_bytes) {
    throw InputError("", "--sweep",
                     "the sweep needs 0 < MIN <= MAX, got " + format_number(min_bytes) + ":" +
                         format_number(max_bytes));
  }
  std::vector<double> sizes;
  for (double size = min_bytes; size <= max_bytes * (1 + 1e-12); size *= 2) sizes.push_back(size);
  return sizes;
}

std::vector<double> parse_sweep(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    throw InputError("", "--sweep", "'" + text + "': expected MIN:MAX such as 8B:8GiB");
  }
  return sweep_sizes(parse_message_size(text.substr(0, colon), "--sweep"),
                     parse_message_size(text.substr(colon + 1), "--sweep"));
}

std::vector<SweepPoint> sweep(const CollectiveModel& model, CollectiveOp op, const Group& group,
                              const std::vector<double>& sizes, std::string_view algorithm,
                              bool with_candidates) {
  std::vector<SweepPoint> points;
  points.reserve(sizes.size());
  for (const double size : sizes) {
    SweepPoint point;
    point.chosen = model.cost(op, size, group, algorithm);
    if (with_candidates) point.candidates = model.candidates(op, size, group);
    points.push_back(std::move(point));
  }
  return points;
}

nlohmann::json cost_json(const CollectiveCost& cost) {
  return {{"op", op_name(cost.op)},
          {"ranks", cost.ranks},
          {"bytes", cost.bytes},
          {"time_s", cost.time_s},
          {"algbw", cost.algbw},
          {"busbw", cost.busbw},
          {"algorithm", cost.algorithm},
          {"protocol", cost.protocol},
          {"detail", cost.detail},
          {"bound", cost.bound},
          {"bottleneck", cost.bottleneck},
          {"latency_s", cost.latency_s},
          {"bandwidth_s", cost.bandwidth_s},
          {"steps", cost.steps},
          {"in_library", cost.in_library}};
}

report::Table sweep_table(const std::vector<SweepPoint>& points) {
  report::Table table;
  table.headers = {"size (B)",  "time (us)", "algbw (GB/s)", "busbw (GB/s)",
                   "algorithm", "protocol",  "bound"};
  table.align = {report::Align::right, report::Align::right, report::Align::right,
                 report::Align::right, report::Align::left,  report::Align::left,
                 report::Align::left};
  for (const auto& point : points) {
    const auto& c = point.chosen;
    table.rows.push_back({format_number(c.bytes, 15), fixed(c.time_s * 1e6, 2), gbps(c.algbw),
                          gbps(c.busbw), c.algorithm, c.protocol, c.bound});
  }
  return table;
}

report::Table sweep_csv(const std::vector<SweepPoint>& points) {
  report::Table table;
  table.headers = {"op",        "ranks",    "bytes", "time_s",    "algbw",      "busbw",
                   "algorithm", "protocol", "bound", "latency_s", "bandwidth_s"};
  for (const auto& point : points) {
    const auto& c = point.chosen;
    table.rows.push_back({std::string(op_name(c.op)), std::to_string(c.ranks),
                          format_number(c.bytes, 15), format_number(c.time_s, 6),
                          format_number(c.algbw, 6), format_number(c.busbw, 6), c.algorithm,
                          c.protocol, c.bound, format_number(c.latency_s, 6),
                          format_number(c.bandwidth_s, 6)});
  }
  return table;
}

plot::Chart sweep_chart(const System& system, CollectiveOp op, std::size_t ranks,
                        const std::vector<SweepPoint>& points) {
  if (points.empty()) throw ModelError("collective chart: no sizes to draw");
  plot::Chart chart;
  chart.title = std::string(op_name(op)) + " bus bandwidth \u2014 " + system.id + ", " +
                std::to_string(ranks) + " ranks (" + system.library.name + " model)";
  chart.x = {"message size (bytes)", plot::AxisScale::log, points.front().chosen.bytes,
             points.back().chosen.bytes};
  // Log-log, as the latency-bound regime (busbw ∝ size) spans decades below the bandwidth one.
  double top = 0;
  double bottom = std::numeric_limits<double>::infinity();
  for (const auto& point : points) {
    top = std::max(top, point.chosen.busbw);
    bottom = std::min(bottom, point.chosen.busbw);
    for (const auto& candidate : point.candidates) top = std::max(top, candidate.busbw);
  }
  if (!(bottom > 0)) throw ModelError("collective chart: a group of one has no bus bandwidth");
  chart.y = {"bus bandwidth (GB/s)", plot::AxisScale::log,
             std::pow(10.0, std::floor(std::log10(bottom / 1e9))), top / 1e9 * 2};
  // One dashed line per algorithm that applies (library ones coloured, others grey).
  std::vector<std::string> names;
  for (const auto& point : points) {
    for (const auto& candidate : point.candidates) {
      if (std::find(names.begin(), names.end(), candidate.algorithm) == names.end()) {
        names.push_back(candidate.algorithm);
      }
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    plot::Series line;
    bool in_library = true;
    for (const auto& point : points) {
      for (const auto& candidate : point.candidates) {
        if (candidate.algorithm != names[i]) continue;
        line.points.push_back({candidate.bytes, candidate.busbw / 1e9});
        in_library = candidate.in_library;
      }
    }
    line.color = plot::kOkabeIto[i % (plot::kOkabeIto.size() - 1)];
    line.width = 1.5;
    line.style = plot::LineStyle::dashed;
    line.label = names[i] + (in_library ? "" : " (not in " + system.library.name + ")");
    chart.series.push_back(std::move(line));
  }
  plot::Series chosen;
  chosen.label = "chosen (fastest of the library)";
  chosen.color = {0x00, 0x00, 0x00};
  chosen.width = 2.5;
  for (const auto& point : points) {
    chosen.points.push_back({point.chosen.bytes, point.chosen.busbw / 1e9});
  }
  chart.series.push_back(std::move(chosen));
  // Where the choice changes, say to what.
  std::string previous;
  for (const auto& point : points) {
    const std::string name = point.chosen.algorithm + " " + point.chosen.protocol;
    if (name != previous) {
      chart.annotations.push_back(
          {{point.chosen.bytes, point.chosen.busbw / 1e9}, name, {0x33, 0x33, 0x33}, 10, false});
      previous = name;
    }
  }
  chart.legend = plot::LegendPlacement::automatic;
  return chart;
}

nlohmann::json system_json(const System& system, const Topology& topology) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : system.nodes) {
    const auto index = static_cast<std::size_t>(&node - system.nodes.data());
    nlohmann::json entry{{"id", node.id},
                         {"kind", node_kind_name(node.kind)},
                         {"name", node.name},
                         {"domain", topology.domain_of(index)}};
    if (node.kind == NodeKind::accelerator) entry["accelerator"] = node.accelerator;
    if (node.reduction) entry["in_network_reduction"] = node.reduction->name;
    nodes.push_back(std::move(entry));
  }
  nlohmann::json links = nlohmann::json::array();
  for (const auto& link : system.links) {
    links.push_back({{"from", system.nodes[link.a].id},
                     {"to", system.nodes[link.b].id},
                     {"kind", link.kind},
                     {"tier", tier_name(link.tier)},
                     {"count", link.count.value},
                     {"bandwidth_per_direction", link.bandwidth()},
                     {"achievable_bandwidth", link.achievable_bandwidth()},
                     {"latency_s", link.latency.value},
                     {"achievable_fraction",
                      {{"value", link.achievable_fraction.value},
                       {"source", link.achievable_fraction.source},
                       {"note", link.achievable_fraction.note}}}});
  }
  std::map<std::size_t, std::size_t> domain_sizes;
  for (const auto node : system.accelerators) ++domain_sizes[topology.domain_of(node)];
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& [domain, size] : domain_sizes) domains.push_back(size);
  nlohmann::json result{{"id", system.id},
                        {"name", system.name},
                        {"file", system.file},
                        {"notes", system.notes},
                        {"accelerators", system.size()},
                        {"scale_up_domains", domains},
                        {"nodes", nodes},
                        {"links", links},
                        {"library", library_json(system.library)}};
  if (system.size() >= 2) {
    const auto line = topology.bisection(system.accelerators, false);
    const auto achievable = topology.bisection(system.accelerators, true);
    result["bisection"] = {{"bandwidth", line.bandwidth},
                           {"achievable_bandwidth", achievable.bandwidth},
                           {"exact", line.exact},
                           {"partitions_evaluated", line.partitions}};
  }
  return result;
}

std::string system_text(const System& system, const Topology& topology) {
  std::ostringstream out;
  std::map<std::string, std::size_t> accelerators;
  for (std::size_t rank = 0; rank < system.size(); ++rank)
    ++accelerators[system.rank_node(rank).accelerator];
  out << system.name << " (" << system.id << ")\n";
  if (!system.notes.empty()) out << system.notes << "\n";
  out << "\naccelerators:";
  for (const auto& [id, count] : accelerators) out << " " << count << " x " << id;
  std::map<std::size_t, std::size_t> domain_sizes;
  for (const auto node : system.accelerators) ++domain_sizes[topology.domain_of(node)];
  out << "\nscale-up domains: " << domain_sizes.size() << " (";
  bool first = true;
  for (const auto& [domain, size] : domain_sizes) {
    out << (first ? "" : ", ") << size;
    first = false;
  }
  out << " accelerators)\n";
  std::map<std::string, std::size_t> kinds;
  for (const auto& node : system.nodes) ++kinds[std::string(node_kind_name(node.kind))];
  out << "nodes:";
  for (const auto& [kind, count] : kinds) out << " " << count << " " << kind;
  out << "\n\n";
  report::Table table;
  table.headers = {"links",      "kind",    "tier",           "per direction",
                   "achievable", "latency", "fraction source"};
  std::map<std::string, std::pair<std::size_t, const SystemLink*>> entries;
  for (const auto& link : system.links) {
    auto& entry = entries[link.pointer];
    ++entry.first;
    entry.second = &link;
  }
  for (const auto& [pointer, entry] : entries) {
    const auto& link = *entry.second;
    table.rows.push_back(
        {std::to_string(entry.first) + " x " + system.nodes[link.a].group + "-" +
             system.nodes[link.b].group,
         link.kind + " x" + std::to_string(link.count.value), std::string(tier_name(link.tier)),
         format_quantity(link.bandwidth(), Dimension::bandwidth),
         format_quantity(link.achievable_bandwidth(), Dimension::bandwidth),
         format_quantity(link.latency.value, Dimension::time), link.achievable_fraction.source});
  }
  out << report::render_text(table);
  if (system.size() >= 2) {
    const auto line = topology.bisection(system.accelerators, false);
    const auto achievable = topology.bisection(system.accelerators, true);
    out << "\nbisection bandwidth (per direction): "
        << format_quantity(line.bandwidth, Dimension::bandwidth) << " line rate, "
        << format_quantity(achievable.bandwidth, Dimension::bandwidth) << " achievable ("
        << (line.exact ? "exact over " : "minimum of ") << line.partitions << " partitions)\n";
  }
  out << "\ncollective library: " << system.library.name << "; algorithms:";
  for (const auto& name : system.library.algorithms) out << " " << name;
  for (const auto& [op, names] : system.library.per_op) {
    out << "; " << op_name(op) << ":";
    for (const auto& name : names) out << " " << name;
  }
  out << "; protocols:";
  for (const auto& protocol : system.library.protocols) out << " " << protocol.name;
  out << "\n";
  for (const auto& node : system.nodes) {
    if (node.reduction && node.group_index == 0) {
      out << "in-network reduction: " << node.reduction->name << " in " << node.group
          << " (efficiency " << format_number(node.reduction->efficiency.value, 3) << ", "
          << node.reduction->efficiency.source << ")\n";
    }
  }
  return out.str();
}

}  // namespace ridgeline::topology
