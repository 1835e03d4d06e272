#include "ridgeline/report/workload_chart.hpp"

#include <algorithm>
#include <cmath>

#include "ridgeline/ops/op_cost.hpp"
#include "ridgeline/report/roofline_chart.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace ridgeline::report {

namespace {

constexpr plot::Color kComputeColor{0xCC, 0x79, 0xA7};   // reddish purple
constexpr plot::Color kOverheadColor{0x80, 0x80, 0x80};  // grey
// Memory levels from off-chip inwards.
constexpr plot::Color kLevelColors[] = {
    {0x00, 0x9E, 0x73},  // bluish green
    {0xE6, 0x9F, 0x00},  // orange
    {0x56, 0xB4, 0xE9},  // sky blue
    {0x00, 0x00, 0x00},  // black
};
constexpr plot::Color kGhostColor{0x99, 0x99, 0x99};
constexpr plot::Color kNeutral{0x55, 0x55, 0x55};

double floor_decade(double value) {
  return std::pow(10.0, std::floor(std::log10(value)));
}
double ceil_decade(double value) {
  return std::pow(10.0, std::ceil(std::log10(value)));
}

void add_points(plot::Chart& chart, const ChartedAnalysis& charted, plot::MarkerShape shape,
                std::optional<std::size_t> highlight) {
  const auto& levels = charted.analysis->level_names;
  for (const auto& point : operator_points(*charted.analysis)) {
    if (!point.charted) continue;
    // The selection ring first: it is hollow (white inside), so the point is drawn over it.
    if (highlight && *highlight == point.op_index) {
      plot::PointSet ring;
      ring.color = {0, 0, 0};
      ring.radius = point.radius + 4;
      ring.hollow = true;
      ring.markers.push_back({{point.intensity, point.achieved_flops}, point.name});
      chart.point_sets.push_back(std::move(ring));
    }
    plot::PointSet set;
    set.color = bound_color(point.bound, levels);
    set.radius = point.radius;
    set.shape = shape;
    set.markers.push_back({{point.intensity, point.achieved_flops}, ""});
    chart.point_sets.push_back(std::move(set));
  }
}

// Extends an automatic-free log axis so that every value lies inside with some air.
void include(plot::Axis& axis, double low, double high) {
  if (!(low > 0) || !(high > 0)) return;
  axis.min = std::min(axis.min.value_or(low), floor_decade(low / 1.5));
  axis.max = std::max(axis.max.value_or(high), ceil_decade(high * 1.5));
}

}  // namespace

double share_radius(double share) {
  // Area ∝ share: r = sqrt(r_min² + share × (r_max² − r_min²)).
  constexpr double kMin = 3;
  constexpr double kMax = 14;
  const double s = std::clamp(share, 0.0, 1.0);
  return std::sqrt(kMin * kMin + s * (kMax * kMax - kMin * kMin));
}

plot::Color bound_color(const std::string& bound, const std::vector<std::string>& level_names) {
  if (bound == "compute") return kComputeColor;
  if (bound == "overhead") return kOverheadColor;
  const auto found = std::find(level_names.begin(), level_names.end(), bound);
  if (found == level_names.end()) return kNeutral;
  const auto from_outside = static_cast<std::size_t>(level_names.end() - found) - 1;
  return kLevelColors[std::min<std::size_t>(from_outside, std::size(kLevelColors) - 1)];
}

std::vector<OperatorPoint> operator_points(const workload::Analysis& analysis) {
  std::vector<OperatorPoint> points;
  points.reserve(analysis.ops.size());
  for (std::size_t i = 0; i < analysis.ops.size(); ++i) {
    const auto& op = analysis.ops[i];
    OperatorPoint point;
    point.op_index = i;
    point.name = op.name;
    point.bound = op.bound;
    point.share = analysis.step_time > 0 ? op.total_time() / analysis.step_time : 0.0;
    point.radius = share_radius(point.share);
    point.achieved_flops = ops::achieved_flops(op.cost);
    const double off_chip = op.cost.bytes.empty() ? 0.0 : op.cost.bytes.back();
    point.intensity = off_chip > 0 ? op.cost.flops / off_chip : 0.0;
    point.charted = point.intensity > 0 && point.achieved_flops > 0;
    points.push_back(std::move(point));
  }
  return points;
}

plot::Chart workload_chart(const ChartedAnalysis& primary, const WorkloadChartOptions& options) {
  const DType dtype = primary.analysis->spec.activations;
  std::vector<roofline::Roofline> rooflines{roofline::build_roofline(*primary.accelerator, dtype)};
  if (options.compare) {
    rooflines.push_back(roofline::build_roofline(*options.compare->accelerator, dtype));
  }
  // Short ids, not the long marketing names, in labels and legend: the chart shares its window
  // with panels, and "AMD Instinct MI300X (OAM, 192 GB) Infinity Cache 17 TB/s" does not fit.
  for (auto& roofline : rooflines) roofline.hw_name = roofline.hw_id;
  plot::Chart chart = roofline_chart(rooflines);
  chart.title = primary.analysis->model_id + " " +
                std::string(workload::phase_name(primary.analysis->spec.phase)) + " on " +
                primary.accelerator->id +
                (options.compare ? " vs " + options.compare->accelerator->id : std::string()) +
                " (" + std::string(dtype_name(dtype)) + ")";

  if (options.ghost) {
    // The original design's theoretical ceilings, min(P, I × B) per level, under everything else.
    const auto original = roofline::build_roofline(*options.ghost, dtype);
    const double x_min = *chart.x.min;
    const double x_max = *chart.x.max;
    std::vector<plot::Series> ghosts;
    for (const auto& level : original.levels) {
      const double ridge = roofline::ridge_intensity(original.peak_flops, level.bandwidth);
      plot::Series line;
      line.color = kGhostColor;
      line.width = 2.5;
      line.style = plot::LineStyle::dotted;
      line.points = {{x_min, x_min * level.bandwidth},
                     {ridge, original.peak_flops},
                     {x_max, original.peak_flops}};
      if (ghosts.empty()) line.label = "original design (before knob changes)";
      ghosts.push_back(std::move(line));
    }
    chart.series.insert(chart.series.begin(), ghosts.begin(), ghosts.end());
  }

  // Axes wide enough for every operator.
  double lo_x = INFINITY, hi_x = 0, lo_y = INFINITY, hi_y = 0;
  auto extent = [&](const workload::Analysis& analysis) {
    for (const auto& point : operator_points(analysis)) {
      if (!point.charted) continue;
      lo_x = std::min(lo_x, point.intensity);
      hi_x = std::max(hi_x, point.intensity);
      lo_y = std::min(lo_y, point.achieved_flops);
      hi_y = std::max(hi_y, point.achieved_flops);
    }
  };
  extent(*primary.analysis);
  if (options.compare) extent(*options.compare->analysis);
  if (hi_x > 0) {
    include(chart.x, lo_x, hi_x);
    include(chart.y, lo_y, hi_y);
  }

  add_points(chart, primary, plot::MarkerShape::circle, options.highlight);
  if (options.compare) add_points(chart, *options.compare, plot::MarkerShape::diamond, {});

  // Legend: one entry per bound colour present. Colours follow the role of the level (compute,
  // off-chip, next level in...), so H100's HBM3 and H200's HBM3E share one entry.
  struct BoundKey {
    plot::Color color;
    int rank;
    std::vector<std::string> names;
  };
  std::vector<BoundKey> keys;
  auto collect = [&](const workload::Analysis& analysis) {
    for (const auto& op : analysis.ops) {
      const plot::Color color = bound_color(op.bound, analysis.level_names);
      auto key = std::find_if(keys.begin(), keys.end(),
                              [&](const BoundKey& k) { return k.color == color; });
      if (key == keys.end()) {
        const int rank = op.bound == "compute" ? 0 : op.bound == "overhead" ? 2 : 1;
        keys.push_back({color, rank, {}});
        key = keys.end() - 1;
      }
      if (std::find(key->names.begin(), key->names.end(), op.bound) == key->names.end()) {
        key->names.push_back(op.bound);
      }
    }
  };
  collect(*primary.analysis);
  if (options.compare) collect(*options.compare->analysis);
  std::stable_sort(keys.begin(), keys.end(),
                   [](const BoundKey& a, const BoundKey& b) { return a.rank < b.rank; });
  for (const auto& key : keys) {
    plot::PointSet entry;
    entry.label = "operator bound by ";
    for (std::size_t i = 0; i < key.names.size(); ++i) {
      entry.label += (i ? " / " : "") + key.names[i];
    }
    entry.color = key.color;
    entry.radius = 5;
    chart.point_sets.push_back(std::move(entry));
  }
  plot::PointSet size_key;
  size_key.label = "marker area \u221d share of step time";
  size_key.color = kNeutral;
  size_key.radius = 5;
  size_key.hollow = true;
  chart.point_sets.push_back(std::move(size_key));
  if (options.compare) {
    plot::PointSet first;
    first.label = "operators on " + primary.accelerator->id;
    first.color = kNeutral;
    first.radius = 5;
    plot::PointSet second;
    second.label = "operators on " + options.compare->accelerator->id;
    second.color = kNeutral;
    second.radius = 5;
    second.shape = plot::MarkerShape::diamond;
    chart.point_sets.push_back(std::move(first));
    chart.point_sets.push_back(std::move(second));
  }
  return chart;
}

}  // namespace ridgeline::report
