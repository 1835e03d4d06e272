#include "ridgeline/explore/sweep_pareto.hpp"

#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/metrics.hpp"

namespace ridgeline::explore {

std::vector<ParetoObjective> parse_pareto_objectives(std::string_view text) {
  std::vector<ParetoObjective> objectives;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    std::string name(rest.substr(0, comma));
    if (name == "time") name = "step_time";
    if (name == "energy") name = "energy_per_token";
    if (name == "cost") name = "price";
    const Metric& metric = find_metric(name, "--pareto");
    ParetoObjective objective;
    objective.metric = static_cast<std::size_t>(&metric - metric_registry().data());
    objective.goal = metric.higher_is_better ? Goal::maximize : Goal::minimize;
    objectives.push_back(objective);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (objectives.size() < 2) {
    throw InputError("", "--pareto",
                     "expected at least two objectives, e.g. time,energy or time,cost; got '" +
                         std::string(text) + "'");
  }
  return objectives;
}

std::vector<bool> sweep_pareto_front(const std::vector<SweepRow>& rows,
                                     const std::vector<ParetoObjective>& objectives) {
  std::vector<std::vector<double>> values;
  std::vector<Goal> goals;
  for (const auto& objective : objectives) goals.push_back(objective.goal);
  for (const auto& row : rows) {
    std::vector<double> point;
    for (const auto& objective : objectives) {
      const auto& value = row.metrics.at(objective.metric);
      if (!value) {
        throw InputError("", "--pareto",
                         "metric '" + metric_registry()[objective.metric].name +
                             "' is unknown for point " + std::to_string(row.point) +
                             " (energy needs the spec's energy figures, cost its price)");
      }
      point.push_back(*value);
    }
    values.push_back(std::move(point));
  }
  return pareto_front(values, goals);
}

plot::Chart sweep_pareto_chart(const std::vector<SweepRow>& rows,
                               const std::vector<ParetoObjective>& objectives,
                               const std::vector<bool>& front) {
  const Metric& x = metric_registry()[objectives.at(0).metric];
  const Metric& y = metric_registry()[objectives.at(1).metric];
  ParetoPlot plot;
  plot.title = "Pareto front: " + x.name + " vs " + y.name;
  plot.x.label = x.name + (x.unit.empty() ? "" : " (" + x.unit + ")");
  plot.y.label = y.name + (y.unit.empty() ? "" : " (" + y.unit + ")");
  plot.front = front;
  for (const auto& row : rows) {
    plot.points.push_back({row.metrics.at(objectives[0].metric).value_or(0),
                           row.metrics.at(objectives[1].metric).value_or(0)});
    std::string label;
    for (const auto& setting : row.settings) {
      label += (label.empty() ? "" : " ") + setting.text;
    }
    plot.labels.push_back(label);
  }
  return pareto_chart(plot);
}

}  // namespace ridgeline::explore
