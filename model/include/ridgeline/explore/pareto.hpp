#pragma once
// Pareto fronts: which design points no other point beats on every objective at once (faster AND
// less energy per token, say), and a chart of the front.

#include <string>
#include <vector>

#include "ridgeline/plot/chart.hpp"

namespace ridgeline::explore {

enum class Goal { minimize, maximize };

// values[i][k]: objective k of point i; goals[k]: its direction. Point a dominates b when a is no
// worse than b on every objective and strictly better on one. Returns, per point, whether no point
// dominates it (equal points are all on the front). Throws ModelError for a row whose size differs
// from goals' or a NaN value. Two objectives: O(n log n); more: O(n² k).
std::vector<bool> pareto_front(const std::vector<std::vector<double>>& values,
                               const std::vector<Goal>& goals);

// A front chart: every point as a hollow grey marker, the non-dominated ones filled and joined in
// x order, each labelled with `labels[i]` where it fits (labels may be empty).
struct ParetoPlot {
  std::string title;
  plot::Axis x;
  plot::Axis y;
  std::vector<plot::DataPoint> points;
  std::vector<std::string> labels;  // per point, or empty
  std::vector<bool> front;          // per point, from pareto_front
};
plot::Chart pareto_chart(const ParetoPlot& plot);

}  // namespace ridgeline::explore
