#include "ridgeline/report/trace_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "ridgeline/base/units.hpp"
#include "ridgeline/report/workload_chart.hpp"

namespace ridgeline::report {

namespace {

constexpr plot::Color kUnmodelledColor{0x55, 0x55, 0x55};
constexpr plot::Color kIdleColor{0xF0, 0xF0, 0xF0};
constexpr plot::Color kFrameColor{0x99, 0x99, 0x99};
constexpr plot::Color kTextColor{0x22, 0x22, 0x22};
constexpr plot::Color kWindowColor{0x00, 0x72, 0xB2};
constexpr plot::Color kWhite{0xFF, 0xFF, 0xFF};

// Pixel geometry of the scene.
constexpr double kMargin = 12;
constexpr double kTitleSize = 13;
constexpr double kFontSize = 11;
constexpr double kTitleHeight = 26;
constexpr double kLabelHeight = 18;  // a lane's caption above it
constexpr double kAxisHeight = 24;   // tick marks and labels under a lane
constexpr double kGap = 10;
constexpr double kLegendRow = 18;

// Tick labels in one unit for the whole axis: ms, µs or ns by the window's length.
struct TimeUnit {
  double scale = 1e3;
  const char* name = "ms";
};

TimeUnit unit_for(double length) {
  if (length >= 2e-3) return {1e3, "ms"};
  if (length >= 2e-6) return {1e6, "µs"};
  return {1e9, "ns"};
}

void add_text(plot::Scene& scene, double x, double y, std::string text, double size = kFontSize,
              plot::TextAnchor anchor = plot::TextAnchor::start, bool bold = false) {
  plot::Text t;
  t.position = {x, y};
  t.text = std::move(text);
  t.font_size = size;
  t.anchor = anchor;
  t.baseline = plot::TextBaseline::alphabetic;
  t.bold = bold;
  t.color = kTextColor;
  scene.items.emplace_back(std::move(t));
}

std::string time_text(double seconds) {
  return format_quantity(seconds, Dimension::time);
}

std::string percent(double fraction) {
  return format_number(100 * fraction, 3) + " %";
}

plot::AxisMapping mapping(const plot::Box& box, TimeWindow window) {
  plot::AxisMapping x;
  x.scale = plot::AxisScale::linear;
  x.min = window.from;
  x.max = window.to > window.from ? window.to : window.from + 1e-9;
  x.pixel_at_min = box.left;
  x.pixel_at_max = box.right;
  return x;
}

void add_lane(plot::Scene& scene, const TraceTimeline& timeline,
              const trace::TraceAnalysis& analysis, const TimelineChartOptions& options,
              const TimelineLane& lane) {
  plot::Rect background;
  background.box = lane.box;
  background.fill = kIdleColor;
  scene.items.emplace_back(background);
  // Colour per group, faded when another group is highlighted.
  std::vector<plot::Color> colors(analysis.groups.size() + 1);
  for (std::size_t g = 0; g <= analysis.groups.size(); ++g) {
    const bool known = g < analysis.groups.size();
    plot::Color color =
        trace_bound_color(known ? analysis.groups[g].bound : "", options.level_names);
    const bool faded = options.highlight && (!known || *options.highlight != g);
    colors[g] = faded ? plot::mix(color, kWhite, 0.8) : color;
  }
  const auto& w = lane.window;
  auto first =
      std::lower_bound(timeline.kernels.begin(), timeline.kernels.end(), w.from - timeline.longest,
                       [](const TimelineKernel& k, double t) { return k.start < t; });
  // A kernel at least a pixel wide is a bar of its exact width. Narrower ones add their width to
  // their pixel column's coverage, per group, painted as a one-pixel bar of that opacity: the
  // lane's shade still says how busy the GPU was there, and a run of millions of kernels stays a
  // scene of a few items per pixel.
  std::map<std::pair<std::size_t, std::size_t>, double> coverage;  // (column, group) -> px
  const double columns = std::max(std::ceil(lane.box.width()), 1.0);
  for (auto it = first; it != timeline.kernels.end() && it->start <= w.to; ++it) {
    const double from = std::max(it->start, w.from);
    const double to = std::min(it->end, w.to);
    if (!(to > from)) continue;
    const std::size_t group = std::min(it->group, analysis.groups.size());
    const double x0 = lane.x.to_pixel(from);
    const double x1 = lane.x.to_pixel(to);
    if (x1 - x0 < 1) {
      const double column = std::clamp(std::floor(x0 - lane.box.left), 0.0, columns - 1);
      coverage[{static_cast<std::size_t>(column), group}] += x1 - x0;
      continue;
    }
    plot::Rect bar;
    bar.box = {x0, lane.box.top, x1, lane.box.bottom};
    bar.fill = colors[group];
    scene.items.emplace_back(bar);
  }
  for (const auto& [key, pixels] : coverage) {
    const double x = lane.box.left + static_cast<double>(key.first);
    plot::Rect bar;
    bar.box = {x, lane.box.top, std::min(x + 1, lane.box.right), lane.box.bottom};
    bar.fill = colors[key.second];
    bar.fill_opacity = std::min(pixels, 1.0);
    scene.items.emplace_back(bar);
  }
  plot::Rect frame;
  frame.box = lane.box;
  frame.fill_opacity = 0;
  frame.outline = plot::Stroke{kFrameColor, 1, {}};
  scene.items.emplace_back(frame);

  // Time axis: ticks in one unit, labels kept inside the scene.
  const TimeUnit unit = unit_for(w.length());
  const int target = std::clamp(static_cast<int>(std::lround(lane.box.width() / 110)), 2, 10);
  for (const double value :
       plot::nice_linear_ticks(w.from * unit.scale, w.to * unit.scale, target)) {
    const double x = lane.x.to_pixel(value / unit.scale);
    scene.items.emplace_back(plot::Line{
        {x, lane.box.bottom}, {x, lane.box.bottom + 4}, plot::Stroke{kFrameColor, 1, {}}});
    const std::string label = format_number(value, 6) + " " + unit.name;
    const double half = plot::text_width(label, kFontSize) / 2;
    const double centre = std::clamp(x, half + 2, scene.width - half - 2);
    add_text(scene, centre, lane.box.bottom + 17, label, kFontSize, plot::TextAnchor::middle);
  }
}

}  // namespace

TraceTimeline trace_timeline(const trace::OperatorTrace& trace,
                             const trace::TraceAnalysis& analysis) {
  TraceTimeline timeline;
  if (trace.kernels.empty()) return timeline;
  double origin = trace.kernels.front().start;
  double last = origin;
  for (const auto& k : trace.kernels) {
    origin = std::min(origin, k.start);
    last = std::max(last, k.start + k.duration);
  }
  timeline.span = last - origin;

  timeline.kernels.reserve(trace.kernels.size());
  for (std::size_t i = 0; i < trace.kernels.size(); ++i) {
    const auto& k = trace.kernels[i];
    TimelineKernel bar;
    bar.kernel = i;
    bar.group = i < analysis.kernel_group.size() ? analysis.kernel_group[i] : kNoGroup;
    bar.start = k.start - origin;
    bar.end = bar.start + k.duration;
    timeline.longest = std::max(timeline.longest, k.duration);
    timeline.kernels.push_back(bar);
  }
  // The readers deliver start order; keep it whatever the source.
  std::stable_sort(
      timeline.kernels.begin(), timeline.kernels.end(),
      [](const TimelineKernel& a, const TimelineKernel& b) { return a.start < b.start; });
  return timeline;
}

std::optional<std::size_t> kernel_at(const TraceTimeline& timeline, double time, double slack) {
  const auto& kernels = timeline.kernels;
  // Kernels that can hold `time` or lie within `slack` of it start in
  // [time - slack - longest, time + slack].
  auto it = std::lower_bound(kernels.begin(), kernels.end(), time - slack - timeline.longest,
                             [](const TimelineKernel& k, double t) { return k.start < t; });
  std::optional<std::size_t> best;
  double best_distance = slack;
  for (; it != kernels.end() && it->start <= time + slack; ++it) {
    const double distance =
        time < it->start ? it->start - time : (time > it->end ? time - it->end : 0.0);
    if (distance <= best_distance && (!best || distance < best_distance || distance == 0)) {
      // Inside a kernel beats near one; among overlapping kernels the later-started (drawn on
      // top) wins.
      best = static_cast<std::size_t>(it - kernels.begin());
      best_distance = distance;
    }
  }
  return best;
}

plot::Color trace_bound_color(const std::string& bound,
                              const std::vector<std::string>& level_names) {
  if (bound.empty() || bound == "unmodelled") return kUnmodelledColor;
  return bound_color(bound, level_names);
}

TimeWindow default_detail_window(const TraceTimeline& timeline) {
  if (timeline.kernels.size() < 64 || !(timeline.span > 0)) return {0, timeline.span};
  const double length = timeline.span / 16;
  return {timeline.span / 2 - length / 2, timeline.span / 2 + length / 2};
}

TimeWindow clamp_window(TimeWindow window, double span, double min_length) {
  if (!(span > 0)) return {0, 0};
  if (window.to < window.from) std::swap(window.from, window.to);
  double length = std::clamp(window.length(), std::min(min_length, span), span);
  const double centre = 0.5 * (window.from + window.to);
  double from = std::clamp(centre - length / 2, 0.0, span - length);
  return {from, from + length};
}

namespace {

// Legend: the bounds present (compute, memory levels off-chip first, overhead, unmodelled), each
// with its share of the kernel time, then the idle background; wrapped into rows of the scene's
// width.
struct LegendEntry {
  std::string text;
  plot::Color color;
  double x = 0;
  int row = 0;
};

std::vector<LegendEntry> legend(const trace::TraceAnalysis& analysis,
                                const TimelineChartOptions& options, double width) {
  std::vector<std::string> order{"compute"};
  for (auto level = options.level_names.rbegin(); level != options.level_names.rend(); ++level) {
    order.push_back(*level);
  }
  order.insert(order.end(), {"overhead", "unmodelled"});
  for (const auto& [bound, time] : analysis.time_by_bound) {
    if (std::find(order.begin(), order.end(), bound) == order.end()) order.push_back(bound);
  }
  std::vector<LegendEntry> entries;
  for (const auto& bound : order) {
    const auto found = analysis.time_by_bound.find(bound);
    if (found == analysis.time_by_bound.end() || !(found->second > 0)) continue;
    const std::string name = bound == "unmodelled" ? "unmodelled" : bound + " bound";
    entries.push_back({name + " " + percent(found->second / analysis.kernel_time),
                       trace_bound_color(bound, options.level_names)});
  }
  entries.push_back(
      {"idle: the GPU waits for the host (" + percent(analysis.idle_fraction) + " of the span)",
       kIdleColor});
  double x = kMargin;
  int row = 0;
  for (auto& entry : entries) {
    const double w = 16 + plot::text_width(entry.text, kFontSize) + 14;
    if (x > kMargin && x + w > width - kMargin) {
      x = kMargin;
      ++row;
    }
    entry.x = x;
    entry.row = row;
    x += w;
  }
  return entries;
}

// The longest title that fits the width.
std::string title(const trace::TraceAnalysis& a, double width) {
  const std::string busy = time_text(a.gpu_busy) + " of a " + time_text(a.span) + " span (" +
                           percent(a.idle_fraction) + " idle)";
  const std::string candidates[] = {
      "GPU timeline: " + std::to_string(a.kernels) + " activities, busy " + busy,
      "GPU timeline: busy " + busy,
      "GPU busy " + time_text(a.gpu_busy) + " / " + time_text(a.span),
  };
  for (const auto& candidate : candidates) {
    if (plot::text_width(candidate, kTitleSize) <= width - 2 * kMargin) return candidate;
  }
  return candidates[2];
}

}  // namespace

TimelineFrame timeline_frame(const TraceTimeline& timeline, const trace::TraceAnalysis& analysis,
                             const TimelineChartOptions& options, double width, double height) {
  const auto entries = legend(analysis, options, width);
  const double legend_height = (entries.empty() ? 1 : entries.back().row + 1) * kLegendRow;
  const double fixed = kTitleHeight + 2 * (kLabelHeight + kAxisHeight) + kGap + legend_height + 8;
  const double lanes = std::max(height - fixed, 40.0);
  const double overview_height = std::max(16.0, 0.4 * lanes);
  const double detail_height = std::max(24.0, lanes - overview_height);
  const double left = kMargin;
  const double right = std::max(width - kMargin, left + 10);
  TimelineFrame frame;
  double y = kTitleHeight + kLabelHeight;
  frame.overview.window = {0, timeline.span};
  frame.overview.box = {left, y, right, y + overview_height};
  y += overview_height + kAxisHeight + kGap + kLabelHeight;
  frame.detail.window =
      clamp_window(options.detail.value_or(default_detail_window(timeline)), timeline.span);
  frame.detail.box = {left, y, right, y + detail_height};
  frame.overview.x = mapping(frame.overview.box, frame.overview.window);
  frame.detail.x = mapping(frame.detail.box, frame.detail.window);
  return frame;
}

plot::Scene timeline_scene(const TraceTimeline& timeline, const trace::TraceAnalysis& analysis,
                           const TimelineChartOptions& options, double width, double height) {
  plot::Scene scene;
  scene.width = width;
  scene.height = height;
  scene.title = "GPU timeline";
  const TimelineFrame frame = timeline_frame(timeline, analysis, options, width, height);
  add_text(scene, kMargin, 18, title(analysis, width), kTitleSize, plot::TextAnchor::start, true);

  // The detail window on the overview, joined to the detail lane by a faint band (painted first,
  // under the overview's tick labels).
  const auto& w = frame.detail.window;
  const double x0 = frame.overview.x.to_pixel(w.from);
  const double x1 = std::max(frame.overview.x.to_pixel(w.to), x0 + 2);
  plot::Polygon band;
  band.points = {{x0, frame.overview.box.bottom},
                 {x1, frame.overview.box.bottom},
                 {frame.detail.box.right, frame.detail.box.top},
                 {frame.detail.box.left, frame.detail.box.top}};
  band.fill = kWindowColor;
  band.fill_opacity = 0.07;
  scene.items.emplace_back(band);

  add_text(scene, kMargin, frame.overview.box.top - 5, "Whole run");
  add_lane(scene, timeline, analysis, options, frame.overview);
  plot::Rect marker;
  marker.box = {x0, frame.overview.box.top - 2, x1, frame.overview.box.bottom + 2};
  marker.fill = kWindowColor;
  marker.fill_opacity = 0.08;
  marker.outline = plot::Stroke{kWindowColor, 1.5, {}};
  scene.items.emplace_back(marker);

  add_text(scene, kMargin, frame.detail.box.top - 5,
           "Detail: " + time_text(w.from) + " to " + time_text(w.to) + " (" +
               time_text(w.length()) + ")");
  add_lane(scene, timeline, analysis, options, frame.detail);

  const double legend_top = frame.detail.box.bottom + kAxisHeight + 16;
  for (const auto& entry : legend(analysis, options, width)) {
    const double y = legend_top + entry.row * kLegendRow;
    plot::Rect swatch;
    swatch.box = {entry.x, y - 10, entry.x + 11, y + 1};
    swatch.fill = entry.color;
    swatch.outline = plot::Stroke{kFrameColor, 0.5, {}};
    scene.items.emplace_back(swatch);
    add_text(scene, entry.x + 16, y, entry.text);
  }
  return scene;
}

}  // namespace ridgeline::report
