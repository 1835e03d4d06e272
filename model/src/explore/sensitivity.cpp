#include "ridgeline/explore/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/knobs.hpp"
#include "ridgeline/explore/metrics.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::explore {
namespace {

std::string percent(double fraction) {
  return format_number(100.0 * fraction, 3) + "%";
}

// The metric of a design, or nullopt where the design is impossible (the caller decides).
std::optional<double> evaluate(const Design& design, const Metric& metric) {
  const auto analysis = evaluate(design);
  return metric.value(analysis);
}

// The metric with `knob` set to `value`; NaN when that design is impossible. (NaN rather than an
// optional: GCC 12 reports optional<double> as maybe-uninitialized here.)
double evaluate_at(const Design& base, const Knob& knob, double value, const Metric& metric) {
  constexpr double kImpossible = std::numeric_limits<double>::quiet_NaN();
  if (value <= 0) return kImpossible;
  Design design = base;
  try {
    set_knob(design, knob.name, value);
  } catch (const InputError&) {
    return kImpossible;
  }
  return evaluate(design, metric).value_or(kImpossible);
}

// The resource whose speed a knob changes, as Analysis::bound_share names it ("" for none).
std::string resource_of(const Knob& knob, const Design& design) {
  if (knob.name == "hbm.stacks" || knob.name == "hbm.pin_rate")
    return design.accelerator.off_chip().name;
  if (knob.name == "compute.scale") return "compute";
  return "";
}

std::string explain(const Elasticity& entry, const Knob& knob, const Design& design,
                    const Metric& metric, const std::map<std::string, double>& shares) {
  std::ostringstream out;
  const double magnitude = std::fabs(entry.elasticity);
  if (magnitude < 5e-4) {
    out << metric.name << " does not change with " << knob.name;
  } else {
    out << metric.name << (entry.elasticity > 0 ? " rises " : " falls ")
        << format_number(magnitude, 3) << "% per 1% of " << knob.name;
  }
  const std::string resource = resource_of(knob, design);
  std::string others;
  for (const auto& [name, share] : shares) {
    if (name != resource && share >= 0.005)
      others += (others.empty() ? "" : ", ") + name + " " + percent(share);
  }
  if (!resource.empty()) {
    const auto it = shares.find(resource);
    const double share = it == shares.end() ? 0.0 : it->second;
    if (share < 0.005) {
      out << ": no part of the step is bound by " << resource;
    } else {
      out << ": " << percent(share) << " of the step is bound by " << resource;
      if (!others.empty()) out << "; the rest (" << others << ") does not scale with it";
    }
  } else if (knob.name == "compute.units") {
    out << ": compute peaks and per-unit bandwidth scale with the units; compute bounds "
        << percent(shares.count("compute") ? shares.at("compute") : 0.0) << " of the step";
  } else if (knob.dimension == Dimension::bytes) {
    out << ": a capacity changes the time only through what an operator keeps on chip or what "
           "fits";
  } else if (knob.name == "link.bandwidth") {
    out << ": a single-accelerator step sends nothing over the links";
  } else if (knob.target == KnobTarget::workload) {
    out << ": more work per step";
    if (!others.empty() || !shares.empty()) {
      std::string all;
      for (const auto& [name, share] : shares) {
        if (share >= 0.005) all += (all.empty() ? "" : ", ") + name + " " + percent(share);
      }
      out << ", where the step is bound by " << all;
    }
  }
  if (entry.one_sided) out << " (one-sided difference: the other side is an impossible design)";
  return out.str();
}

}  // namespace

Sensitivity sensitivity(const Design& design, std::string_view metric_name, double step) {
  const auto& metric = find_metric(metric_name);
  const auto analysis = evaluate(design);
  const auto base_metric = metric.value(analysis);
  if (!base_metric || *base_metric <= 0) {
    throw InputError("", "--metric",
                     "metric '" + metric.name + "' does not apply to a " +
                         std::string(workload::phase_name(design.workload.phase)) + " step");
  }
  Sensitivity result;
  result.metric = metric.name;
  result.base_metric = *base_metric;
  result.bound_share = analysis.bound_share;
  for (const auto& knob : knob_registry()) {
    if (!knob.numeric) continue;
    // Lengths the phase does not read.
    if ((knob.name == "context" && design.workload.phase != workload::Phase::decode) ||
        (knob.name == "prompt" && design.workload.phase == workload::Phase::decode)) {
      result.skipped.push_back(knob.name + ": not used by a " +
                               std::string(workload::phase_name(design.workload.phase)) + " step");
      continue;
    }
    double base = 0;
    try {
      base = knob_value(design, knob.name);
    } catch (const InputError& error) {
      result.skipped.push_back(knob.name + ": " + error.problems().front().message);
      continue;
    }
    Elasticity entry;
    entry.knob = knob.name;
    entry.base = base;
    // Whole numbers move by max(1, round(step × value)): by one where that is the smallest change
    // (stacks), by about `step` where one would sit inside a tile-quantization step (prompt 2048).
    const double whole_step = std::max(1.0, std::round(step * base));
    entry.low = knob.integer ? base - whole_step : base * (1 - step);
    entry.high = knob.integer ? base + whole_step : base * (1 + step);
    const double low = evaluate_at(design, knob, entry.low, metric);
    const double high = evaluate_at(design, knob, entry.high, metric);
    if (std::isnan(low) && std::isnan(high)) {
      result.skipped.push_back(knob.name + ": impossible on both sides of " +
                               knob_text(design, knob.name));
      continue;
    }
    entry.one_sided = std::isnan(low) || std::isnan(high);
    if (std::isnan(low)) entry.low = base;
    if (std::isnan(high)) entry.high = base;
    entry.metric_low = std::isnan(low) ? *base_metric : low;
    entry.metric_high = std::isnan(high) ? *base_metric : high;
    entry.elasticity = (std::log(entry.metric_high) - std::log(entry.metric_low)) /
                       (std::log(entry.high) - std::log(entry.low));
    entry.explanation = explain(entry, knob, design, metric, analysis.bound_share);
    result.knobs.push_back(std::move(entry));
  }
  std::stable_sort(result.knobs.begin(), result.knobs.end(), [](const auto& a, const auto& b) {
    return std::fabs(a.elasticity) > std::fabs(b.elasticity);
  });
  return result;
}

std::string sensitivity_text(const Sensitivity& result) {
  std::ostringstream out;
  const auto& metric = find_metric(result.metric);
  const std::string base = metric.unit.empty() ? percent(result.base_metric)
                           : metric.dimension == Dimension::count
                               ? format_number(result.base_metric, 4) + " " + metric.unit
                               : format_quantity(result.base_metric, metric.dimension);
  out << "Elasticity of " << result.metric << " (" << base
      << ") to each knob: % change per 1% change of the knob, by central differences.\n";
  out << "Where the step goes:";
  for (const auto& [resource, share] : result.bound_share)
    out << " " << resource << " " << percent(share);
  out << "\n\n";
  for (const auto& entry : result.knobs) {
    out << "  " << entry.knob << std::string(std::max<std::size_t>(1, 16 - entry.knob.size()), ' ')
        << (entry.elasticity >= 0 ? "+" : "") << format_number(entry.elasticity, 3) << "\n    "
        << entry.explanation << "\n";
  }
  if (!result.skipped.empty()) {
    out << "\nNot applicable:\n";
    for (const auto& skipped : result.skipped) out << "  " << skipped << "\n";
  }
  return out.str();
}

std::string sensitivity_json(const Sensitivity& result) {
  nlohmann::json document;
  document["schema"] = "ridgeline.sensitivity/1";
  document["metric"] = result.metric;
  document["base"] = result.base_metric;
  document["bound_share"] = result.bound_share;
  auto& knobs = document["knobs"] = nlohmann::json::array();
  for (const auto& entry : result.knobs) {
    knobs.push_back({{"knob", entry.knob},
                     {"base", entry.base},
                     {"low", entry.low},
                     {"high", entry.high},
                     {"metric_low", entry.metric_low},
                     {"metric_high", entry.metric_high},
                     {"elasticity", entry.elasticity},
                     {"one_sided", entry.one_sided},
                     {"explanation", entry.explanation}});
  }
  document["skipped"] = result.skipped;
  return document.dump(2) + "\n";
}

plot::Chart sensitivity_chart(const Sensitivity& result, std::string_view title) {
  plot::Chart chart;
  chart.title = std::string(title);
  chart.x.label = "elasticity of " + result.metric + " (% per 1% of the knob)";
  chart.y.label = "knobs, largest effect at the top";
  chart.legend = plot::LegendPlacement::hidden;
  const double n = static_cast<double>(result.knobs.size());
  chart.y.min = -0.75;
  chart.y.max = n - 0.25;
  double extent = 0.1;
  for (const auto& entry : result.knobs) extent = std::max(extent, std::fabs(entry.elasticity));
  chart.x.min = -1.15 * extent;
  chart.x.max = 1.15 * extent;
  for (std::size_t i = 0; i < result.knobs.size(); ++i) {
    const auto& entry = result.knobs[i];
    const double y = n - 1 - static_cast<double>(i);
    const double e = entry.elasticity;
    plot::Region bar;
    bar.fill = e >= 0 ? plot::kOkabeIto[0] : plot::kOkabeIto[1];
    bar.opacity = 0.8;
    bar.polygon = {{0, y - 0.35}, {e, y - 0.35}, {e, y + 0.35}, {0, y + 0.35}};
    chart.regions.push_back(std::move(bar));
    plot::Annotation label;
    label.anchor = {e, y};
    label.text = entry.knob + " " + (e >= 0 ? "+" : "") + format_number(e, 3);
    chart.annotations.push_back(std::move(label));
  }
  // The zero line.
  plot::Series zero;
  zero.points = {{0, -0.75}, {0, n - 0.25}};
  zero.color = {0x33, 0x33, 0x33};
  zero.width = 1;
  chart.series.push_back(std::move(zero));
  return chart;
}

}  // namespace ridgeline::explore
