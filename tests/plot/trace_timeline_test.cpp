// The trace timeline: every GPU activity placed at its time from the first one, in the group
// analyze_trace put its operator call in; the scene's lanes, hit-testing and legend.

#include "ridgeline/report/trace_timeline.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/report/workload_chart.hpp"

namespace ridgeline::report {
namespace {

const hw::Accelerator& h100() {
  static const auto accelerator = hw::SpecLibrary::default_library().accelerator("h100-sxm");
  return accelerator;
}

std::vector<std::string> level_names(const hw::Accelerator& accelerator) {
  std::vector<std::string> names;
  for (const auto& level : accelerator.memory) names.push_back(level.name);
  return names;
}

trace::TraceKernel gemm(double start, double duration, std::int64_t n, std::uint64_t call_id,
                        const std::string& name = "sm90_gemm") {
  trace::TraceKernel k;
  k.name = name;
  k.start = start;
  k.duration = duration;
  k.op = "aten::mm";
  k.call = trace::OpCall{
      "gemm", {{"m", "8"}, {"n", std::to_string(n)}, {"k", "4096"}, {"dtype", "bf16"}}, ""};
  k.call_id = call_id;
  return k;
}

// Two shapes of GEMM (one split into a main and a reduce kernel of one call), an unmodelled
// kernel, and idle time between them.
trace::OperatorTrace synthetic_trace() {
  trace::OperatorTrace t;
  t.file = "synthetic";
  t.format = "test";
  t.kernels.push_back(gemm(1.000, 50e-6, 4096, 1));
  t.kernels.push_back(gemm(1.000 + 50e-6, 5e-6, 4096, 1, "splitK_reduce"));
  t.kernels.push_back(gemm(1.001, 80e-6, 14336, 2));
  trace::TraceKernel other;
  other.name = "mystery_kernel";
  other.start = 1.002;
  other.duration = 10e-6;
  other.why_unmodelled = "no operator";
  t.kernels.push_back(other);
  t.kernels.push_back(gemm(1.003, 52e-6, 4096, 3));
  return t;
}

TEST(TraceTimeline, KernelsKeepTheirTimesAndTheirCallsGroup) {
  const auto run = synthetic_trace();
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  ASSERT_EQ(timeline.kernels.size(), run.kernels.size());
  EXPECT_NEAR(timeline.span, 0.003 + 52e-6, 1e-12);
  EXPECT_DOUBLE_EQ(timeline.longest, 80e-6);
  EXPECT_DOUBLE_EQ(timeline.kernels[0].start, 0);
  EXPECT_NEAR(timeline.kernels[2].start, 0.001, 1e-12);
  EXPECT_NEAR(timeline.kernels[2].end, 0.001 + 80e-6, 1e-12);
  // The split-K reduce kernel goes with its call's main kernel, whatever its own name.
  const auto group_of = [&](std::size_t i) { return timeline.kernels[i].group; };
  ASSERT_NE(group_of(0), kNoGroup);
  EXPECT_EQ(group_of(1), group_of(0));
  EXPECT_EQ(group_of(4), group_of(0));  // same shape, later call
  EXPECT_NE(group_of(2), group_of(0));
  ASSERT_NE(group_of(3), kNoGroup);
  EXPECT_FALSE(analysis.groups[group_of(3)].call.has_value());
  EXPECT_EQ(analysis.groups[group_of(0)].calls, 2u);
  EXPECT_EQ(analysis.groups[group_of(0)].kernels, 3u);
}

TEST(TraceTimeline, ShippedDecodeTraceMapsEveryKernelToItsGroup) {
  const auto path = std::filesystem::path(RIDGELINE_TEST_DATA_DIR) / ".." / ".." / "traces" /
                    "ops" / "trace-NVIDIA-H100-80GB-HBM3-llama-3-8b-decode-b8-ctx4096.json.gz";
  const auto run = trace::read_op_trace(path.string());
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  ASSERT_EQ(timeline.kernels.size(), analysis.kernels);
  EXPECT_NEAR(timeline.span, analysis.span, 1e-12);
  // Per group: its kernels' count and summed time are the analysis' figures.
  std::map<std::size_t, std::pair<std::uint64_t, double>> sums;
  for (std::size_t i = 0; i < timeline.kernels.size(); ++i) {
    const auto& k = timeline.kernels[i];
    ASSERT_NE(k.group, kNoGroup) << run.kernels[k.kernel].name;
    if (i > 0) {
      EXPECT_LE(timeline.kernels[i - 1].start, k.start);
    }
    ++sums[k.group].first;
    sums[k.group].second += k.end - k.start;
  }
  ASSERT_EQ(sums.size(), analysis.groups.size());
  for (const auto& [group, sum] : sums) {
    EXPECT_EQ(sum.first, analysis.groups[group].kernels) << analysis.groups[group].op;
    EXPECT_NEAR(sum.second, analysis.groups[group].total, 1e-9) << analysis.groups[group].op;
  }
}

TEST(TraceTimeline, KernelAtFindsTheBarUnderATime) {
  const auto run = synthetic_trace();
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  EXPECT_EQ(kernel_at(timeline, 0.001 + 40e-6), 2u);
  EXPECT_EQ(kernel_at(timeline, 25e-6), 0u);
  EXPECT_FALSE(kernel_at(timeline, 0.0015).has_value());  // idle
  EXPECT_EQ(kernel_at(timeline, 0.0018, 0.0006), 3u);     // nearest within the slack
  EXPECT_EQ(kernel_at(timeline, 0.0012, 0.0006), 2u);
  EXPECT_FALSE(kernel_at(timeline, -1).has_value());
  EXPECT_EQ(kernel_at(timeline, timeline.span + 1e-6, 1e-5), 4u);
}

TEST(TraceTimeline, WindowsStayInsideTheRun) {
  const TimeWindow w = clamp_window({-1, 0.5}, 2.0);
  EXPECT_DOUBLE_EQ(w.from, 0);
  EXPECT_DOUBLE_EQ(w.to, 1.5);
  const TimeWindow tiny = clamp_window({1.0, 1.0}, 2.0, 0.1);
  EXPECT_NEAR(tiny.from, 0.95, 1e-12);
  EXPECT_NEAR(tiny.to, 1.05, 1e-12);
  const TimeWindow wide = clamp_window({-5, 9}, 2.0);
  EXPECT_DOUBLE_EQ(wide.from, 0);
  EXPECT_DOUBLE_EQ(wide.to, 2.0);
}

TEST(TraceTimeline, SceneDrawsEachKernelInItsBoundsColour) {
  const auto run = synthetic_trace();
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  TimelineChartOptions options;
  options.level_names = level_names(h100());
  const auto frame = timeline_frame(timeline, analysis, options, 1000, 300);
  // Few activities: the detail lane shows the whole run too.
  EXPECT_DOUBLE_EQ(frame.detail.window.to, timeline.span);
  EXPECT_LT(frame.overview.box.bottom, frame.detail.box.top);
  EXPECT_NEAR(frame.overview.x.to_pixel(0), frame.overview.box.left, 1e-9);
  EXPECT_NEAR(frame.overview.x.to_pixel(timeline.span), frame.overview.box.right, 1e-9);

  const auto scene = timeline_scene(timeline, analysis, options, 1000, 300);
  const auto gemm_color =
      trace_bound_color(analysis.groups[timeline.kernels[2].group].bound, options.level_names);
  int bars = 0;
  int unmodelled = 0;
  bool legend = false;
  for (const auto& item : scene.items) {
    if (const auto* rect = std::get_if<plot::Rect>(&item)) {
      // Bars fill their lane's height exactly.
      const bool in_lane =
          (rect->box.top == frame.detail.box.top && rect->box.bottom == frame.detail.box.bottom) ||
          (rect->box.top == frame.overview.box.top &&
           rect->box.bottom == frame.overview.box.bottom);
      if (in_lane && rect->fill == gemm_color && rect->box.width() < 900) ++bars;
      if (in_lane && rect->fill == trace_bound_color("", options.level_names)) ++unmodelled;
    }
    if (const auto* text = std::get_if<plot::Text>(&item)) {
      legend = legend || text->text.find("idle: the GPU waits") != std::string::npos;
    }
  }
  EXPECT_EQ(bars, 2 * 4);  // four GEMM kernels in each of the two lanes
  EXPECT_EQ(unmodelled, 2);
  EXPECT_TRUE(legend);
}

TEST(TraceTimeline, NarrowScenesKeepTheirTextInside) {
  const auto run = synthetic_trace();
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  TimelineChartOptions options;
  options.level_names = level_names(h100());
  for (const double width : {1400.0, 700.0, 420.0}) {
    const auto scene = timeline_scene(timeline, analysis, options, width, 300);
    for (const auto& item : scene.items) {
      if (const auto* text = std::get_if<plot::Text>(&item)) {
        // The layout's own estimate of the text's extent (0.6 em per character).
        const auto box = plot::text_box(*text);
        EXPECT_GE(box.left, 0) << width << ": " << text->text;
        EXPECT_LE(box.right, scene.width) << width << ": " << text->text;
        EXPECT_LE(box.bottom, scene.height) << width << ": " << text->text;
      }
    }
  }
}

TEST(TraceTimeline, SubPixelKernelsShadeTheirColumnByTheirBusyTime) {
  // 20000 kernels of 10 ns every 50 ns: the GPU is busy 20 % of the 1 ms run, and each of the
  // lane's ~1000 pixels holds 20 kernels.
  trace::OperatorTrace run;
  run.file = "dense";
  for (int i = 0; i < 20000; ++i) {
    trace::TraceKernel k;
    k.name = "tiny";
    k.start = 50e-9 * i;
    k.duration = 10e-9;
    k.why_unmodelled = "no operator";
    run.kernels.push_back(k);
  }
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  TimelineChartOptions options;
  options.level_names = level_names(h100());
  const auto frame = timeline_frame(timeline, analysis, options, 1024, 300);
  const auto scene = timeline_scene(timeline, analysis, options, 1024, 300);
  // The painted area in the whole-run lane (width × opacity) is the busy share of the lane.
  const auto color = trace_bound_color("", options.level_names);
  double painted = 0;
  std::size_t bars = 0;
  for (const auto& item : scene.items) {
    const auto* rect = std::get_if<plot::Rect>(&item);
    if (rect == nullptr || !(rect->fill == color) || rect->outline ||
        rect->box.top != frame.overview.box.top) {
      continue;
    }
    ++bars;
    painted += rect->box.width() * rect->fill_opacity;
  }
  EXPECT_LE(bars, 1024u);  // one per pixel column, not one per kernel
  EXPECT_NEAR(painted / frame.overview.box.width(), 0.2, 0.01);
}

TEST(TraceTimeline, HighlightFadesTheOtherGroups) {
  const auto run = synthetic_trace();
  const auto analysis = trace::analyze_trace(run, h100());
  const auto timeline = trace_timeline(run, analysis);
  TimelineChartOptions options;
  options.level_names = level_names(h100());
  options.highlight = timeline.kernels[2].group;
  const auto scene = timeline_scene(timeline, analysis, options, 1000, 300);
  const auto saturated = trace_bound_color("", options.level_names);
  for (const auto& item : scene.items) {
    if (const auto* rect = std::get_if<plot::Rect>(&item)) {
      EXPECT_FALSE(rect->fill == saturated && rect->box.width() < 900 && rect->box.width() > 0.5 &&
                   rect->outline == std::nullopt)
          << "the unmodelled kernel should be faded";
    }
  }
}

}  // namespace
}  // namespace ridgeline::report
