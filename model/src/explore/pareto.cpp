#include "ridgeline/explore/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ridgeline/base/error.hpp"

namespace ridgeline::explore {
namespace {

// Objective value with the direction folded in, so that smaller is always better.
double cost(double value, Goal goal) {
  return goal == Goal::minimize ? value : -value;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b,
               const std::vector<Goal>& goals) {
  bool strictly = false;
  for (std::size_t k = 0; k < goals.size(); ++k) {
    const double ca = cost(a[k], goals[k]);
    const double cb = cost(b[k], goals[k]);
    if (ca > cb) return false;
    if (ca < cb) strictly = true;
  }
  return strictly;
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& values,
                               const std::vector<Goal>& goals) {
  if (goals.empty()) throw ModelError("a Pareto front needs at least one objective");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() != goals.size()) {
      throw ModelError("point " + std::to_string(i) + " has " + std::to_string(values[i].size()) +
                       " objective values, expected " + std::to_string(goals.size()));
    }
    for (const double value : values[i]) {
      if (std::isnan(value)) {
        throw ModelError("point " + std::to_string(i) + " has an objective that is not a number");
      }
    }
  }
  std::vector<bool> front(values.size(), true);
  if (goals.size() == 2) {
    // Sort by the first cost, then the second; sweep keeping the best second cost seen. A point
    // is dominated iff an earlier point has a smaller second cost, or the same second cost with a
    // smaller first cost.
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    const auto c = [&](std::size_t i, std::size_t k) { return cost(values[i][k], goals[k]); };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return c(a, 0) != c(b, 0) ? c(a, 0) < c(b, 0) : c(a, 1) < c(b, 1);
    });
    bool any = false;
    double best_second = 0;
    double first_at_best = 0;
    for (const std::size_t i : order) {
      const double first = c(i, 0);
      const double second = c(i, 1);
      if (any && (second > best_second || (second == best_second && first > first_at_best))) {
        front[i] = false;
        continue;
      }
      if (!any || second < best_second) {
        best_second = second;
        first_at_best = first;
        any = true;
      }
    }
    return front;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j = 0; j < values.size() && front[i]; ++j) {
      if (j != i && dominates(values[j], values[i], goals)) front[i] = false;
    }
  }
  return front;
}

plot::Chart pareto_chart(const ParetoPlot& plot) {
  plot::Chart chart;
  chart.title = plot.title;
  chart.x = plot.x;
  chart.y = plot.y;
  // Pad automatic linear ranges by 5% so that the extreme points (the ends of the front) are not
  // cut in half by the plot frame.
  const auto pad = [&](plot::Axis& axis, double plot::DataPoint::*coordinate) {
    if (axis.scale != plot::AxisScale::linear || axis.min || axis.max || plot.points.empty())
      return;
    double low = plot.points.front().*coordinate;
    double high = low;
    for (const auto& point : plot.points) {
      low = std::min(low, point.*coordinate);
      high = std::max(high, point.*coordinate);
    }
    const double margin = high > low ? 0.05 * (high - low) : std::max(1e-9, 0.05 * std::fabs(low));
    axis.min = low - margin;
    axis.max = high + margin;
  };
  pad(chart.x, &plot::DataPoint::x);
  pad(chart.y, &plot::DataPoint::y);
  plot::PointSet others;
  others.label = "dominated";
  others.color = {0x99, 0x99, 0x99};
  others.hollow = true;
  others.radius = 3.5;
  plot::PointSet best;
  best.label = "Pareto front";
  best.color = plot::kOkabeIto[1];
  best.radius = 5;
  plot::Series line;
  line.color = plot::kOkabeIto[1];
  line.width = 1.5;
  line.style = plot::LineStyle::dashed;
  for (std::size_t i = 0; i < plot.points.size(); ++i) {
    const bool on_front = i < plot.front.size() && plot.front[i];
    plot::Marker marker{plot.points[i], on_front && i < plot.labels.size() ? plot.labels[i] : ""};
    (on_front ? best : others).markers.push_back(marker);
    if (on_front) line.points.push_back(plot.points[i]);
  }
  std::sort(line.points.begin(), line.points.end(),
            [](const plot::DataPoint& a, const plot::DataPoint& b) {
              return a.x != b.x ? a.x < b.x : a.y < b.y;
            });
  if (line.points.size() > 1) chart.series.push_back(std::move(line));
  if (!others.markers.empty()) chart.point_sets.push_back(std::move(others));
  chart.point_sets.push_back(std::move(best));
  return chart;
}

}  // namespace ridgeline::explore
