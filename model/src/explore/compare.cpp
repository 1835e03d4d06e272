#include "ridgeline/explore/compare.hpp"

#include <cmath>
#include <map>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/report/workload_report.hpp"

namespace ridgeline::explore {
namespace {

using nlohmann::json;

// A bound as a resource of a given accelerator: what limits the time and how fast it runs.
struct Resource {
  std::string key;   // "compute", "overhead", "off-chip" or an on-chip level's name
  std::string name;  // as shown: "compute", "fixed kernel cost", "HBM3E", "L2"
  std::string rate_word;
  double rate = 0;  // FLOP/s, B/s, or kernels/s for the fixed cost
};

Resource resource_of(const std::string& bound, const ComparedDesign& design) {
  const auto& accelerator = design.accelerator;
  if (bound == "compute") {
    return {"compute", "compute", "compute rate",
            hw::achievable_rate(accelerator, design.analysis.spec.activations)};
  }
  if (bound == "overhead") {
    const double kernel = accelerator.overheads.kernel.value;
    return {"overhead", "fixed kernel cost", "kernel rate", kernel > 0 ? 1.0 / kernel : 0.0};
  }
  for (std::size_t level = 0; level < accelerator.memory.size(); ++level) {
    const auto& memory = accelerator.memory[level];
    if (memory.name != bound) continue;
    const bool off_chip = level + 1 == accelerator.memory.size();
    return {off_chip ? "off-chip" : memory.name, memory.name, "bandwidth",
            hw::achievable_bandwidth(memory)};
  }
  return {bound, bound, "rate", 0};
}

std::string percent(double fraction) {
  return format_number(100.0 * std::fabs(fraction), 2) + "%";
}

std::string change_words(double change) {
  if (std::fabs(change) < 0.005) return "leaves it unchanged";
  return (change < 0 ? "cuts it " : "lengthens it ") + percent(change);
}

// "mlp: HBM3-bound on both; 1.43× the HBM3 bandwidth cuts it 29%".
std::string why_sentence(const GroupRow& row, std::size_t d, const ComparedDesign& base,
                         const ComparedDesign& other) {
  const double t0 = row.time[0];
  const double t1 = row.time[d];
  const double change = t0 > 0 ? t1 / t0 - 1.0 : 0.0;
  const Resource r0 = resource_of(row.bound[0], base);
  const Resource r1 = resource_of(row.bound[d], other);
  std::string text = row.group + ": ";
  if (r0.key != r1.key) {
    return text + r0.name + "-bound on " + base.label + ", " + r1.name + "-bound on " +
           other.label + "; the time " + (change < 0 ? "falls " : "rises ") + percent(change) +
           (std::fabs(change) < 0.005 ? " (no change)" : "");
  }
  const std::string name = r0.name == r1.name ? r0.name : r0.name + "/" + r1.name;
  text += (r0.key == "overhead" ? "fixed kernel cost dominates on both" : name + "-bound on both");
  const double ratio = r0.rate > 0 ? r1.rate / r0.rate : 1.0;
  if (std::fabs(ratio - 1.0) < 0.005) {
    text += "; the same " + r0.rate_word + " " + change_words(change);
    if (std::fabs(change) >= 0.005) text += " (the workload or another resource changed)";
    return text;
  }
  text += "; " + format_number(ratio, 3) + "× the " + name + " " + r0.rate_word + " " +
          change_words(change);
  // A pure gain of the binding resource scales the time by 1/ratio; fixed costs do not scale.
  const double ideal = 1.0 / ratio - 1.0;
  if (std::fabs(change - ideal) > 0.02) {
    text += " (not " + percent(ideal) + ": ";
    const double fixed = t0 > 0 ? row.overhead_time[0] / t0 : 0.0;
    if (fixed > 0.01) {
      text += percent(fixed) + " of its time on " + base.label + " is fixed kernel cost";
    } else {
      text += "the operators do not reach the " + r0.rate_word + " that the spec gives";
    }
    text += ")";
  }
  return text;
}

std::string ratio_text(double value, double base) {
  if (!(base > 0) || !(value > 0)) return "-";
  return format_number(value / base, 3) + "×";
}

}  // namespace

DesignArgument parse_design_argument(std::string_view text) {
  const std::string where = "design '" + std::string(text) + "'";
  DesignArgument argument;
  const auto colon = text.find(':');
  argument.hw = std::string(text.substr(0, colon));
  if (argument.hw.empty()) {
    throw InputError("", where,
                     "expected ID|PATH[:KNOB=VALUE[,KNOB=VALUE...]], e.g. h200:hbm.stacks=8");
  }
  if (colon == std::string_view::npos) return argument;
  std::string_view rest = text.substr(colon + 1);
  while (true) {
    const auto comma = rest.find(',');
    const auto setting = rest.substr(0, comma);
    if (setting.empty()) {
      throw InputError("", where, "empty setting; expected KNOB=VALUE after ':' and each ','");
    }
    argument.settings.emplace_back(setting);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return argument;
}

Comparison compare_designs(const std::vector<ComparedDesign>& designs) {
  if (designs.size() < 2) throw ModelError("compare needs at least two designs");
  const std::size_t n = designs.size();
  Comparison comparison;
  std::map<std::string, std::size_t> op_index;
  std::map<std::string, std::size_t> group_index;
  // Per group and design: time by bound, to pick the dominant bound.
  std::vector<std::vector<std::map<std::string, double>>> group_bounds;
  for (std::size_t d = 0; d < n; ++d) {
    const auto& design = designs[d];
    comparison.labels.push_back(design.label);
    for (const auto& op : design.analysis.ops) {
      auto [it, added] = op_index.emplace(op.name, comparison.operators.size());
      if (added) {
        OperatorRow row;
        row.name = op.name;
        row.group = std::string(workload::group_name(op.group));
        row.time.assign(n, std::nullopt);
        row.bound.assign(n, "");
        comparison.operators.push_back(std::move(row));
      }
      auto& row = comparison.operators[it->second];
      row.time[d] = row.time[d].value_or(0.0) + op.total_time();
      row.bound[d] = op.bound;

      const std::string group(workload::group_name(op.group));
      auto [g, group_added] = group_index.emplace(group, comparison.groups.size());
      if (group_added) {
        GroupRow group_row;
        group_row.group = group;
        group_row.time.assign(n, 0.0);
        group_row.overhead_time.assign(n, 0.0);
        group_row.bound.assign(n, "");
        comparison.groups.push_back(std::move(group_row));
        group_bounds.emplace_back(n);
      }
      comparison.groups[g->second].time[d] += op.total_time();
      comparison.groups[g->second].overhead_time[d] += op.cost.overhead_time * op.count;
      group_bounds[g->second][d][op.bound] += op.total_time();
    }
  }
  for (auto& row : comparison.operators) {
    for (std::size_t d = 1; d < n; ++d) {
      if (row.time[0] && row.time[d] && row.bound[d] != row.bound[0]) row.bound_changed = true;
    }
  }
  for (std::size_t g = 0; g < comparison.groups.size(); ++g) {
    auto& row = comparison.groups[g];
    for (std::size_t d = 0; d < n; ++d) {
      double best = -1;
      for (const auto& [bound, time] : group_bounds[g][d]) {
        if (time > best) {
          best = time;
          row.bound[d] = bound;
        }
      }
    }
    for (std::size_t d = 1; d < n; ++d) {
      row.why.push_back(row.bound[0].empty() || row.bound[d].empty()
                            ? row.group + ": not present in every design"
                            : why_sentence(row, d, designs[0], designs[d]));
    }
  }
  return comparison;
}

report::Table compare_totals_table(const std::vector<ComparedDesign>& designs) {
  using report::Align;
  report::Table table;
  table.headers = {"metric"};
  table.align = {Align::left};
  for (std::size_t d = 0; d < designs.size(); ++d) {
    table.headers.push_back(designs[d].label);
    table.align.push_back(Align::right);
    if (d > 0) {
      table.headers.push_back("vs " + designs[0].label);
      table.align.push_back(Align::right);
    }
  }
  const auto add = [&](const std::string& metric, auto value_of, auto format) {
    std::vector<std::string> row{metric};
    const auto base = value_of(designs[0]);
    for (std::size_t d = 0; d < designs.size(); ++d) {
      const auto value = value_of(designs[d]);
      row.push_back(value ? format(*value) : "unknown");
      if (d > 0) row.push_back(value && base ? ratio_text(*value, *base) : "-");
    }
    table.rows.push_back(std::move(row));
  };
  using Value = std::optional<double>;
  const auto time = [](double v) { return format_quantity(v, Dimension::time); };
  const auto number = [](double v) { return format_number(v, 5); };
  const auto pct = [](double v) { return format_number(100 * v, 3) + "%"; };
  const auto phase = designs[0].analysis.spec.phase;
  add(
      "step time", [](const ComparedDesign& d) -> Value { return d.analysis.step_time; }, time);
  add(
      "tokens/s", [](const ComparedDesign& d) -> Value { return d.analysis.tokens_per_s; }, number);
  if (phase == workload::Phase::prefill) {
    add(
        "TTFT", [](const ComparedDesign& d) -> Value { return d.analysis.ttft; }, time);
  } else if (phase == workload::Phase::decode) {
    add(
        "TPOT", [](const ComparedDesign& d) -> Value { return d.analysis.tpot; }, time);
  }
  add(
      "MFU", [](const ComparedDesign& d) -> Value { return d.analysis.mfu; }, pct);
  add(
      "MBU", [](const ComparedDesign& d) -> Value { return d.analysis.mbu; }, pct);
  add(
      "energy/token",
      [](const ComparedDesign& d) -> Value {
        return d.analysis.energy ? Value(d.analysis.energy->per_token) : std::nullopt;
      },
      [](double v) { return format_quantity(v, Dimension::energy); });
  add(
      "average power",
      [](const ComparedDesign& d) -> Value {
        return d.analysis.energy ? Value(d.analysis.energy->average_power) : std::nullopt;
      },
      [](double v) { return format_quantity(v, Dimension::power); });
  add(
      "memory needed", [](const ComparedDesign& d) -> Value { return d.analysis.memory.total(); },
      [](double v) { return format_quantity(v, Dimension::bytes); });
  add(
      "memory capacity",
      [](const ComparedDesign& d) -> Value { return d.analysis.memory.capacity; },
      [](double v) { return format_quantity(v, Dimension::bytes); });
  std::vector<std::string> fits{"fits"};
  for (std::size_t d = 0; d < designs.size(); ++d) {
    fits.push_back(designs[d].analysis.memory.fits() ? "yes" : "no");
    if (d > 0) fits.push_back("");
  }
  table.rows.push_back(std::move(fits));
  add(
      "largest batch",
      [](const ComparedDesign& d) -> Value {
        return static_cast<double>(d.analysis.memory.max_batch);
      },
      [](double v) { return format_number(v, 10); });
  return table;
}

report::Table compare_operators_table(const std::vector<ComparedDesign>& designs,
                                      const Comparison& comparison) {
  using report::Align;
  report::Table table;
  table.headers = {"operator", "group"};
  table.align = {Align::left, Align::left};
  for (std::size_t d = 0; d < designs.size(); ++d) {
    table.headers.push_back(designs[d].label);
    table.align.push_back(Align::right);
    if (d > 0) {
      table.headers.push_back("Δ");
      table.align.push_back(Align::right);
    }
  }
  for (std::size_t d = 0; d < designs.size(); ++d) {
    table.headers.push_back("bound " + designs[d].label);
    table.align.push_back(Align::left);
  }
  for (const auto& row : comparison.operators) {
    std::vector<std::string> cells{row.name, row.group};
    for (std::size_t d = 0; d < designs.size(); ++d) {
      cells.push_back(row.time[d] ? format_quantity(*row.time[d], Dimension::time) : "-");
      if (d > 0) {
        if (row.time[0] && row.time[d] && *row.time[0] > 0) {
          const double change = *row.time[d] / *row.time[0] - 1.0;
          cells.push_back((change >= 0 ? "+" : "-") + format_number(100 * std::fabs(change), 3) +
                          "%");
        } else {
          cells.push_back("-");
        }
      }
    }
    for (std::size_t d = 0; d < designs.size(); ++d) {
      cells.push_back(row.bound[d].empty()
                          ? "-"
                          : row.bound[d] + (d > 0 && row.bound[d] != row.bound[0] ? " *" : ""));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string compare_text(const std::vector<ComparedDesign>& designs, const Comparison& comparison) {
  std::string text;
  const auto& first = designs[0].analysis;
  text += first.model_id + " " + std::string(workload::phase_name(first.spec.phase)) + ", batch " +
          std::to_string(first.spec.batch);
  text += "\n\n";
  for (const auto& design : designs) {
    text += "  " + design.label + ": " + design.accelerator.name + " (" + design.accelerator.id +
            "), " + std::to_string(design.analysis.spec.batch) + " × " +
            std::string(workload::phase_name(design.analysis.spec.phase)) + "\n";
  }
  text += "\n" + report::render_text(compare_totals_table(designs)) + "\n";
  text += report::render_text(compare_operators_table(designs, comparison));
  bool changed = false;
  for (const auto& row : comparison.operators) changed = changed || row.bound_changed;
  text += changed ? "  * bound differs from " + designs[0].label + "\n" : "";
  text += "\nWhy, by operator group:\n";
  for (const auto& row : comparison.groups) {
    for (std::size_t d = 0; d < row.why.size(); ++d) {
      text += "  " +
              (designs.size() > 2 ? designs[d + 1].label + " vs " + designs[0].label + ": "
                                  : std::string()) +
              row.why[d] + "\n";
    }
  }
  return text;
}

json compare_json(const std::vector<ComparedDesign>& designs, const Comparison& comparison) {
  json list = json::array();
  for (const auto& design : designs) {
    json record = report::analysis_json(design.analysis);
    record.erase("ops");
    record["label"] = design.label;
    list.push_back(std::move(record));
  }
  json operators = json::array();
  for (const auto& row : comparison.operators) {
    json times = json::array();
    for (const auto& time : row.time) times.push_back(time ? json(*time) : json(nullptr));
    operators.push_back({{"name", row.name},
                         {"group", row.group},
                         {"time_s", times},
                         {"bound", row.bound},
                         {"bound_changed", row.bound_changed}});
  }
  json groups = json::array();
  for (const auto& row : comparison.groups) {
    groups.push_back({{"group", row.group},
                      {"time_s", row.time},
                      {"overhead_time_s", row.overhead_time},
                      {"bound", row.bound},
                      {"why", row.why}});
  }
  return {{"designs", list}, {"operators", operators}, {"groups", groups}};
}

report::Table compare_csv(const std::vector<ComparedDesign>& designs,
                          const Comparison& comparison) {
  report::Table table;
  table.headers = {"operator",       "group", "design",       "time_s",
                   "ratio_to_first", "bound", "bound_changed"};
  for (const auto& row : comparison.operators) {
    for (std::size_t d = 0; d < designs.size(); ++d) {
      if (!row.time[d]) continue;
      const bool comparable = row.time[0] && *row.time[0] > 0;
      table.rows.push_back({row.name, row.group, designs[d].label, format_number(*row.time[d], 10),
                            comparable ? format_number(*row.time[d] / *row.time[0], 10) : "",
                            row.bound[d],
                            d > 0 && row.bound[d] != row.bound[0] ? "true" : "false"});
    }
  }
  return table;
}

}  // namespace ridgeline::explore
