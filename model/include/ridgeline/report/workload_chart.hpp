#pragma once
// The roofline chart of a workload: the accelerator's ceilings (report/roofline_chart.hpp) with
// every operator of the step as a point at (arithmetic intensity, achieved FLOP/s), coloured by
// what binds it and sized by its share of step time. Optionally a second accelerator's ceilings and
// points (compare mode) and the ceilings of an original design, ghosted (what-if). The GUI paints
// this chart and hit-tests the same points; the CLI can render it to SVG.

#include <optional>
#include <string>
#include <vector>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/plot/chart.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::report {

// One operator as the chart shows it. Operators without FLOPs or without off-chip traffic have no
// place on a log-log roofline and are left out (`charted` false).
struct OperatorPoint {
  std::size_t op_index = 0;  // into Analysis::ops
  std::string name;
  double intensity = 0;       // FLOP / off-chip byte, one instance
  double achieved_flops = 0;  // FLOP/s over the operator's whole time (ops::achieved_flops)
  double share = 0;           // fraction of step time (count × time / step time)
  std::string bound;          // "compute", a memory level's name, or "overhead"
  double radius = 0;          // marker radius, px
  bool charted = false;
};

std::vector<OperatorPoint> operator_points(const workload::Analysis& analysis);

// Marker radius from the time share: area proportional to share, 3 px (tiny ops stay visible) to
// 14 px (an operator taking the whole step).
double share_radius(double share);

// The colour of a bound, the same in the chart, the legend and the GUI's summary bar: compute,
// overhead and each memory level (off-chip first) get fixed Okabe–Ito hues distinct from the
// ceiling hues of the first two accelerators (blue, vermillion).
plot::Color bound_color(const std::string& bound, const std::vector<std::string>& level_names);

struct ChartedAnalysis {
  const hw::Accelerator* accelerator = nullptr;
  const workload::Analysis* analysis = nullptr;
};

struct WorkloadChartOptions {
  std::optional<ChartedAnalysis> compare{};  // second accelerator: ceilings and points
  const hw::Accelerator* ghost = nullptr;    // original design, ceilings in light grey
  std::optional<std::size_t> highlight{};    // op index of the primary to ring
};

// Ceilings at the activation dtype of the analysis. Throws ModelError as roofline_chart does.
plot::Chart workload_chart(const ChartedAnalysis& primary,
                           const WorkloadChartOptions& options = {});

}  // namespace ridgeline::report
