#pragma once
// The kernels of an operator trace on a time line (x = time from the first GPU activity, one
// lane): each GPU activity a bar from its start to its end, coloured by the bound the model finds
// for its operator group (trace_analysis.hpp); what lies between the bars is the GPU waiting. Laid
// out as a plot scene, so the GUI paints what an SVG would show, with two lanes: the whole run, and
// a detail window of it (the run's gaps are often narrower than a pixel of the whole). The GUI
// hit-tests with the same frame.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ridgeline/plot/chart.hpp"
#include "ridgeline/plot/scene.hpp"
#include "ridgeline/trace/op_trace.hpp"
#include "ridgeline/trace/trace_analysis.hpp"

namespace ridgeline::report {

inline constexpr std::size_t kNoGroup = std::numeric_limits<std::size_t>::max();

struct TimelineKernel {
  std::size_t kernel = 0;        // index into OperatorTrace::kernels
  std::size_t group = kNoGroup;  // index into TraceAnalysis::groups (the group of its call)
  double start = 0;              // s from the first GPU activity
  double end = 0;                // s
};

struct TraceTimeline {
  double span = 0;                      // first start to last end, s
  double longest = 0;                   // the longest activity, s (bounds hit-test searches)
  std::vector<TimelineKernel> kernels;  // start order
};

// Every GPU activity of `trace` with the group `analysis` (analyze_trace of the same trace) put
// its operator call in (TraceAnalysis::kernel_group).
TraceTimeline trace_timeline(const trace::OperatorTrace& trace,
                             const trace::TraceAnalysis& analysis);

// The kernel (index into TraceTimeline::kernels) under `time` (s from the first activity): one
// whose [start, end] holds it, else the nearest within `slack` s; nullopt when there is none.
std::optional<std::size_t> kernel_at(const TraceTimeline& timeline, double time, double slack = 0);

// The colour of a trace group's bound: report::bound_color (compute, overhead, each memory level),
// and a neutral grey for an unmodelled group (empty bound).
plot::Color trace_bound_color(const std::string& bound,
                              const std::vector<std::string>& level_names);

struct TimeWindow {
  double from = 0;  // s from the first GPU activity
  double to = 0;
  double length() const { return to - from; }
};

// The detail lane's window when none is asked for: a sixteenth of the run from its middle (past
// a run's start-up), or the whole run when it holds few activities.
TimeWindow default_detail_window(const TraceTimeline& timeline);
// `window` moved and shrunk to lie inside [0, span], at least `min_length` long (when the span
// allows).
TimeWindow clamp_window(TimeWindow window, double span, double min_length = 0);

struct TimelineChartOptions {
  std::vector<std::string> level_names;  // the accelerator's memory levels (bound colours)
  std::optional<TimeWindow> detail;      // the detail lane's window; absent: the default
  std::optional<std::size_t> highlight;  // a group whose kernels stay saturated, others faded
};

struct TimelineLane {
  plot::Box box;        // the lane's bars area, px
  plot::AxisMapping x;  // time (s from the first activity) ↔ px
  TimeWindow window;    // what the lane shows
};

// Where the two lanes sit in a scene of this size (the legend's rows, under them, depend on the
// analysis).
struct TimelineFrame {
  TimelineLane overview;  // the whole run
  TimelineLane detail;    // the detail window
};

TimelineFrame timeline_frame(const TraceTimeline& timeline, const trace::TraceAnalysis& analysis,
                             const TimelineChartOptions& options, double width, double height);

// The two lanes with their time axes, the detail window marked on the overview, a title with the
// busy / span figures and a legend of the bounds present (each with its share of the kernel time)
// and of the idle background.
plot::Scene timeline_scene(const TraceTimeline& timeline, const trace::TraceAnalysis& analysis,
                           const TimelineChartOptions& options, double width, double height);

}  // namespace ridgeline::report
