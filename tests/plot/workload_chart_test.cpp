// The workload roofline chart: operator points where the roofline puts them, coloured by bound,
// sized by time share, with a legend entry for every colour.

#include "ridgeline/report/workload_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::report {
namespace {

struct Fixture {
  hw::Accelerator accelerator = hw::SpecLibrary::default_library().accelerator("h100-sxm");
  workload::Analysis analysis;
  Fixture() {
    workload::WorkloadSpec spec;
    spec.batch = 8;
    spec.context = 2048;
    const auto built = workload::build_workload(workload::load_model_config("llama-3-8b"), spec);
    analysis = workload::analyze(accelerator, built);
  }
};

TEST(WorkloadChart, ShareRadiusHasAreaProportionalToShare) {
  // r² = 3² + share × (14² − 3²): 0 → 3 px, 1 → 14 px, 0.5 → sqrt(9 + 93.5) = 10.124 px.
  EXPECT_DOUBLE_EQ(share_radius(0), 3);
  EXPECT_DOUBLE_EQ(share_radius(1), 14);
  EXPECT_NEAR(share_radius(0.5), 10.124, 1e-3);
  EXPECT_DOUBLE_EQ(share_radius(2), 14);  // clamped
}

TEST(WorkloadChart, BoundColoursFollowTheLevelsRole) {
  const std::vector<std::string> h100{"L1/SMEM", "L2", "HBM3"};
  const std::vector<std::string> h200{"L1/SMEM", "L2", "HBM3E"};
  EXPECT_EQ(bound_color("HBM3", h100), bound_color("HBM3E", h200));  // both off-chip
  EXPECT_NE(bound_color("HBM3", h100), bound_color("L2", h100));
  EXPECT_NE(bound_color("compute", h100), bound_color("overhead", h100));
  EXPECT_NE(bound_color("compute", h100), bound_color("HBM3", h100));
}

TEST(WorkloadChart, OperatorPointsUseOffChipIntensity) {
  const Fixture f;
  const auto points = operator_points(f.analysis);
  ASSERT_EQ(points.size(), f.analysis.ops.size());
  double shares = 0;
  for (const auto& point : points) {
    const auto& op = f.analysis.ops[point.op_index];
    shares += point.share;
    if (!point.charted) continue;
    // Intensity against off-chip memory: FLOPs / HBM bytes of one instance.
    EXPECT_DOUBLE_EQ(point.intensity, op.cost.flops / op.cost.bytes.back());
    EXPECT_DOUBLE_EQ(point.achieved_flops, op.cost.flops / op.cost.time);
  }
  // The operators run one after the other: their shares add up to the step.
  EXPECT_NEAR(shares, 1.0, 1e-9);
}

TEST(WorkloadChart, EveryChartedOperatorIsAPointInsideTheAxes) {
  const Fixture f;
  const auto chart = workload_chart({&f.accelerator, &f.analysis});
  std::size_t charted = 0;
  for (const auto& point : operator_points(f.analysis)) {
    if (!point.charted) continue;
    ++charted;
    EXPECT_GE(point.intensity, *chart.x.min);
    EXPECT_LE(point.intensity, *chart.x.max);
    EXPECT_GE(point.achieved_flops, *chart.y.min);
    EXPECT_LE(point.achieved_flops, *chart.y.max);
  }
  std::size_t markers = 0;
  bool hbm_key = false;
  for (const auto& set : chart.point_sets) {
    if (set.label.empty()) markers += set.markers.size();
    hbm_key = hbm_key || set.label == "operator bound by HBM3";
  }
  // Ridge points (3 levels × theoretical/achievable) and one marker per operator.
  EXPECT_EQ(markers, 6 + charted);
  EXPECT_TRUE(hbm_key);  // decode at batch 8 is HBM-bound
  EXPECT_NO_THROW(plot::layout_chart(chart, 900, 600));
}

TEST(WorkloadChart, GhostAndCompareAddTheirLayers) {
  const Fixture f;
  const auto other = hw::SpecLibrary::default_library().accelerator("h200");
  workload::WorkloadSpec spec = f.analysis.spec;
  const auto built = workload::build_workload(workload::load_model_config("llama-3-8b"), spec);
  const auto compared = workload::analyze(other, built);
  WorkloadChartOptions options;
  options.compare = ChartedAnalysis{&other, &compared};
  options.ghost = &f.accelerator;
  const auto chart = workload_chart({&f.accelerator, &f.analysis}, options);
  bool ghost = false;
  for (const auto& series : chart.series) ghost = ghost || series.label.rfind("original", 0) == 0;
  EXPECT_TRUE(ghost);
  std::size_t diamonds = 0;
  for (const auto& set : chart.point_sets) {
    if (set.shape == plot::MarkerShape::diamond && set.label.empty()) ++diamonds;
  }
  EXPECT_GT(diamonds, 0u);
}

}  // namespace
}  // namespace ridgeline::report
