#include "ridgeline/plot/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "ridgeline/base/error.hpp"

namespace ridgeline::plot {

namespace {

constexpr double kTitleFont = 16;
constexpr double kAxisLabelFont = 13;
constexpr double kTickFont = 11;
constexpr double kLegendFont = 11;
constexpr double kTickLength = 5;
constexpr double kMinorTickLength = 3;
constexpr double kOuterPadding = 12;
// Air kept around markers when placing text; more than a label's own gap above its anchor (radius +
// 4), so a label does not run over the next dot on the same line.
constexpr double kMarkerAir = 6;
// Closest two labelled ticks may sit, in pixels, before every 2nd/3rd/... is labelled.
constexpr double kMinTickSpacing = 42;
// Below this many pixels per decade the 2..9 minor ticks would turn into a grey smear.
constexpr double kMinPixelsPerDecadeForMinors = 30;

constexpr Color kTextColor{0x22, 0x22, 0x22};
constexpr Color kTickTextColor{0x44, 0x44, 0x44};
constexpr Color kFrameColor{0x66, 0x66, 0x66};
constexpr Color kGridColor{0xd9, 0xd9, 0xd9};
constexpr Color kMinorGridColor{0xf0, 0xf0, 0xf0};
constexpr Color kLeaderColor{0x99, 0x99, 0x99};
constexpr Color kWhite{0xff, 0xff, 0xff};
constexpr Color kBlack{0x00, 0x00, 0x00};

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Heckbert's "nice numbers" (Graphics Gems, 1990): a step of 1, 2 or 5 × 10^n near span/target.
double nice_step(double span, int target_count) {
  const double raw = span / std::max(target_count, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return nice * magnitude;
}

// %.*g, with "-0" written as "0".
std::string format_significant(double value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  std::string text = buffer;
  if (text == "-0") text = "0";
  return text;
}

std::vector<double> dash_pattern(LineStyle style, double width) {
  switch (style) {
    case LineStyle::solid:
      return {};
    case LineStyle::dashed:
      return {4 * width + 1, 2.5 * width};
    case LineStyle::dotted:
      return {width, 1.5 * width};
  }
  return {};
}

// ---- Axis ranges --------------------------------------------------------------------------------

struct AxisRange {
  AxisScale scale = AxisScale::linear;
  double min = 0;
  double max = 1;
};

AxisRange resolve_axis(const Axis& axis, const std::vector<double>& values, const char* name) {
  const bool log = axis.scale == AxisScale::log;
  double low = kInfinity;
  double high = -kInfinity;
  for (double value : values) {
    if (!std::isfinite(value) || (log && value <= 0)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  AxisRange range{axis.scale, 0, 1};
  if (log) {
    if (low > high) {
      low = 1;
      high = 10;
    }
    // Snap automatic bounds to whole decades so both ends carry a labelled tick.
    range.min = std::pow(10.0, std::floor(std::log10(low) + 1e-9));
    range.max = std::pow(10.0, std::ceil(std::log10(high) - 1e-9));
    if (range.max <= range.min) range.max = range.min * 10;
  } else {
    if (low > high) {
      low = 0;
      high = 1;
    }
    if (low == high) {
      const double pad = low == 0 ? 1 : std::fabs(low) * 0.1;
      low -= pad;
      high += pad;
    }
    const double step = nice_step(high - low, 6);
    range.min = std::floor(low / step + 1e-9) * step;
    range.max = std::ceil(high / step - 1e-9) * step;
  }
  if (axis.min) range.min = *axis.min;
  if (axis.max) range.max = *axis.max;
  if (axis.min && !axis.max && range.max <= range.min)
    range.max = log ? range.min * 10 : range.min + 1;
  if (axis.max && !axis.min && range.min >= range.max)
    range.min = log ? range.max / 10 : range.max - 1;
  if (!std::isfinite(range.min) || !std::isfinite(range.max) || range.min >= range.max) {
    throw ModelError(std::string("chart ") + name + " axis: minimum " +
                     format_significant(range.min, 6) + " must be below maximum " +
                     format_significant(range.max, 6));
  }
  if (log && range.min <= 0) {
    throw ModelError(std::string("chart ") + name +
                     " axis: a log axis needs a positive minimum, got " +
                     format_significant(range.min, 6));
  }
  return range;
}

void collect_values(const Chart& chart, std::vector<double>& xs, std::vector<double>& ys) {
  auto add = [&](DataPoint p) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  };
  for (const auto& region : chart.regions)
    std::for_each(region.polygon.begin(), region.polygon.end(), add);
  for (const auto& series : chart.series)
    std::for_each(series.points.begin(), series.points.end(), add);
  for (const auto& set : chart.point_sets) {
    for (const auto& marker : set.markers) add(marker.position);
  }
  for (const auto& annotation : chart.annotations) add(annotation.anchor);
}

// ---- Legend -------------------------------------------------------------------------------------

constexpr double kLegendPadding = 7;
constexpr double kLegendRow = 17;
constexpr double kLegendSwatch = 26;
constexpr double kLegendGap = 6;
constexpr double kLegendInset = 10;

struct LegendEntry {
  enum class Kind { line, marker, region } kind = Kind::line;
  std::string label{};
  const Series* series = nullptr;
  const PointSet* point_set = nullptr;
  const Region* region = nullptr;
};

std::vector<LegendEntry> legend_entries(const Chart& chart) {
  std::vector<LegendEntry> entries;
  if (chart.legend == LegendPlacement::hidden) return entries;
  for (const auto& series : chart.series) {
    if (!series.label.empty()) entries.push_back({LegendEntry::Kind::line, series.label, &series});
  }
  for (const auto& set : chart.point_sets) {
    if (!set.label.empty()) {
      entries.push_back({LegendEntry::Kind::marker, set.label, nullptr, &set});
    }
  }
  for (const auto& region : chart.regions) {
    if (!region.label.empty()) {
      entries.push_back({LegendEntry::Kind::region, region.label, nullptr, nullptr, &region});
    }
  }
  return entries;
}

struct Size {
  double width = 0;
  double height = 0;
};

Size legend_size(const std::vector<LegendEntry>& entries) {
  double text = 0;
  for (const auto& entry : entries) text = std::max(text, text_width(entry.label, kLegendFont));
  return {2 * kLegendPadding + kLegendSwatch + kLegendGap + text,
          2 * kLegendPadding + kLegendRow * static_cast<double>(entries.size())};
}

// ---- Mapping data onto the plot area ----------------------------------------------------------

struct Segment {
  Point a{};
  Point b{};
};

struct LabelRequest {
  Point anchor{};
  double clearance = 0;  // keep the text this far from the anchor (the marker's radius)
  std::string text{};
  Color color{};
  double font_size = 11;
  bool bold = false;
};

struct MappedData {
  std::vector<Polygon> regions{};
  std::vector<Polyline> lines{};
  std::vector<Item> markers{};
  std::vector<Segment> segments{};  // what a legend or a label should not cover
  std::vector<Point> marker_centers{};
  std::vector<Box> marker_boxes{};  // with air around them, same order as the centres
  std::vector<LabelRequest> labels{};
};

std::vector<Point> marker_outline(MarkerShape shape, Point c, double r) {
  switch (shape) {
    case MarkerShape::circle:
      break;
    case MarkerShape::square:
      return {{c.x - r, c.y - r}, {c.x + r, c.y - r}, {c.x + r, c.y + r}, {c.x - r, c.y + r}};
    case MarkerShape::diamond:
      return {
          {c.x, c.y - 1.3 * r}, {c.x + 1.3 * r, c.y}, {c.x, c.y + 1.3 * r}, {c.x - 1.3 * r, c.y}};
    case MarkerShape::triangle:
      return {
          {c.x, c.y - 1.3 * r}, {c.x + 1.15 * r, c.y + 0.75 * r}, {c.x - 1.15 * r, c.y + 0.75 * r}};
  }
  return {};
}

Item marker_item(const PointSet& set, Point center) {
  const Color fill = set.hollow ? kWhite : set.color;
  const Stroke outline = set.hollow ? Stroke{set.color, 1.5, {}} : Stroke{kWhite, 1, {}};
  if (set.shape == MarkerShape::circle) return Circle{center, set.radius, fill, outline};
  return Polygon{marker_outline(set.shape, center, set.radius), fill, 1, outline};
}

MappedData map_data(const Chart& chart, const ChartFrame& frame) {
  MappedData mapped;
  const Box& area = frame.plot_area;
  for (const auto& region : chart.regions) {
    std::vector<Point> pixels;
    for (const auto& p : region.polygon) pixels.push_back(frame.to_pixel(p));
    auto clipped = clip_polygon(pixels, area);
    if (clipped.size() >= 3) {
      mapped.regions.push_back({std::move(clipped), region.fill, region.opacity, std::nullopt});
    }
  }
  for (const auto& series : chart.series) {
    std::vector<Point> pixels;
    for (const auto& p : series.points) pixels.push_back(frame.to_pixel(p));
    const Stroke stroke{series.color, series.width, dash_pattern(series.style, series.width)};
    for (auto& part : clip_polyline(pixels, area)) {
      for (std::size_t i = 1; i < part.size(); ++i)
        mapped.segments.push_back({part[i - 1], part[i]});
      mapped.lines.push_back({std::move(part), stroke});
    }
  }
  // Half a pixel of slack: a ridge point exactly on the plot edge is still shown.
  const Box marker_area = area.inflated(0.5);
  // Annotations are placed before marker labels: the author put them at a chosen spot.
  for (const auto& annotation : chart.annotations) {
    const Point anchor = frame.to_pixel(annotation.anchor);
    if (!marker_area.contains(anchor)) continue;
    mapped.labels.push_back(
        {anchor, 1, annotation.text, annotation.color, annotation.font_size, annotation.bold});
  }
  for (const auto& set : chart.point_sets) {
    for (const auto& marker : set.markers) {
      const Point center = frame.to_pixel(marker.position);
      if (!marker_area.contains(center)) continue;
      mapped.markers.push_back(marker_item(set, center));
      // A little air around each marker: text right against a dot reads as its label.
      mapped.marker_centers.push_back(center);
      mapped.marker_boxes.push_back(
          Box{center.x, center.y, center.x, center.y}.inflated(set.radius + kMarkerAir));
      if (!marker.label.empty()) {
        // Labels take the marker's hue, darkened a little so light hues stay readable on white.
        mapped.labels.push_back(
            {center, set.radius + 1, marker.label, mix(set.color, kBlack, 0.25), 11, false});
      }
    }
  }
  return mapped;
}

// How many data primitives a box would hide.
// A label's own marker (centred on `own_anchor`) does not count.
int covered_data(const Box& box, const MappedData& mapped,
                 std::optional<Point> own_anchor = std::nullopt) {
  int count = 0;
  for (const auto& segment : mapped.segments)
    count += segment_intersects(box, segment.a, segment.b);
  for (std::size_t i = 0; i < mapped.marker_boxes.size(); ++i) {
    if (own_anchor && mapped.marker_centers[i] == *own_anchor) continue;
    count += overlap_area(box, mapped.marker_boxes[i]) > 0;
  }
  return count;
}

// ---- Frame --------------------------------------------------------------------------------------

struct Plan {
  ChartFrame frame{};
  MappedData mapped{};
  std::vector<LegendEntry> legend{};
};

ChartFrame frame_for(const Chart& chart, double width, double height, const AxisRange& x,
                     const AxisRange& y, double right_reserve) {
  const double top = kOuterPadding + (chart.title.empty() ? 4 : kTitleFont + 14);
  const double bottom_margin = kTickLength + 4 + kTickFont + 6 +
                               (chart.x.label.empty() ? 0 : kAxisLabelFont + 6) + kOuterPadding;
  // Tick label width depends on which ticks survive thinning, which depends on the plot height:
  // estimate that height first (it only changes by the title and the x-axis labels).
  const double estimated_height = height - top - bottom_margin;
  double tick_label_width = 0;
  for (const auto& tick : axis_ticks(y.scale, y.min, y.max, estimated_height)) {
    tick_label_width = std::max(tick_label_width, text_width(tick.label, kTickFont));
  }
  const double left = kOuterPadding + (chart.y.label.empty() ? 0 : kAxisLabelFont + 8) +
                      tick_label_width + 4 + kTickLength;
  // Room for half of the last x tick label past the plot's right edge.
  const double right = 24 + right_reserve;

  ChartFrame frame;
  frame.plot_area = {left, top, std::max(left + 10, width - right),
                     std::max(top + 10, height - bottom_margin)};
  frame.x = {x.scale, x.min, x.max, frame.plot_area.left, frame.plot_area.right};
  frame.y = {y.scale, y.min, y.max, frame.plot_area.bottom, frame.plot_area.top};
  return frame;
}

Plan plan_chart(const Chart& chart, double width, double height) {
  std::vector<double> xs;
  std::vector<double> ys;
  collect_values(chart, xs, ys);
  const AxisRange x = resolve_axis(chart.x, xs, "x");
  const AxisRange y = resolve_axis(chart.y, ys, "y");

  Plan plan;
  plan.legend = legend_entries(chart);
  plan.frame = frame_for(chart, width, height, x, y, 0);
  plan.mapped = map_data(chart, plan.frame);
  if (plan.legend.empty()) return plan;

  const Size size = legend_size(plan.legend);
  const Box& area = plan.frame.plot_area;
  bool outside = chart.legend == LegendPlacement::outside_right;
  if (!outside) {
    const std::array<Point, 4> corners{
        Point{area.left + kLegendInset, area.top + kLegendInset},
        Point{area.right - kLegendInset - size.width, area.top + kLegendInset},
        Point{area.right - kLegendInset - size.width, area.bottom - kLegendInset - size.height},
        Point{area.left + kLegendInset, area.bottom - kLegendInset - size.height},
    };
    int best = std::numeric_limits<int>::max();
    for (const Point& corner : corners) {
      const Box box{corner.x, corner.y, corner.x + size.width, corner.y + size.height};
      if (!area.contains(box)) continue;
      const int covered = covered_data(box, plan.mapped);
      if (covered < best) {  // strict: on ties the earlier corner (top-left first) wins
        best = covered;
        plan.frame.legend = box;
      }
    }
    outside = best != 0;
  }
  if (outside) {
    plan.frame = frame_for(chart, width, height, x, y, size.width + 2 * kLegendInset);
    plan.mapped = map_data(chart, plan.frame);
    const Box& shrunk = plan.frame.plot_area;
    plan.frame.legend = Box{shrunk.right + kLegendInset + 4, shrunk.top,
                            shrunk.right + kLegendInset + 4 + size.width, shrunk.top + size.height};
  }
  return plan;
}

// ---- Emitting ---------------------------------------------------------------------------------

void emit_axes(const Chart& chart, const ChartFrame& frame, std::vector<Item>& grid,
               std::vector<Item>& decorations) {
  const Box& area = frame.plot_area;
  const Stroke major_grid{kGridColor, 1, {}};
  const Stroke minor_grid{kMinorGridColor, 1, {}};
  const Stroke tick_stroke{kFrameColor, 1, {}};

  for (const auto& tick : axis_ticks(frame.x.scale, frame.x.min, frame.x.max, area.width())) {
    const double px = frame.x.to_pixel(tick.value);
    if (!(px >= area.left - 0.01 && px <= area.right + 0.01)) continue;
    grid.push_back(Line{{px, area.top}, {px, area.bottom}, tick.major ? major_grid : minor_grid});
    const double length = tick.major ? kTickLength : kMinorTickLength;
    decorations.push_back(Line{{px, area.bottom}, {px, area.bottom + length}, tick_stroke});
    if (!tick.label.empty()) {
      decorations.push_back(Text{{px, area.bottom + kTickLength + 4},
                                 tick.label,
                                 kTickFont,
                                 TextAnchor::middle,
                                 TextBaseline::top,
                                 false,
                                 0,
                                 kTickTextColor});
    }
  }
  for (const auto& tick : axis_ticks(frame.y.scale, frame.y.min, frame.y.max, area.height())) {
    const double py = frame.y.to_pixel(tick.value);
    if (!(py >= area.top - 0.01 && py <= area.bottom + 0.01)) continue;
    grid.push_back(Line{{area.left, py}, {area.right, py}, tick.major ? major_grid : minor_grid});
    const double length = tick.major ? kTickLength : kMinorTickLength;
    decorations.push_back(Line{{area.left - length, py}, {area.left, py}, tick_stroke});
    if (!tick.label.empty()) {
      decorations.push_back(Text{{area.left - kTickLength - 4, py},
                                 tick.label,
                                 kTickFont,
                                 TextAnchor::end,
                                 TextBaseline::middle,
                                 false,
                                 0,
                                 kTickTextColor});
    }
  }
  decorations.push_back(Rect{area, kWhite, 0, Stroke{kFrameColor, 1, {}}});
  if (!chart.x.label.empty()) {
    const double y = area.bottom + kTickLength + 4 + kTickFont + 6;
    decorations.push_back(Text{{(area.left + area.right) / 2, y},
                               chart.x.label,
                               kAxisLabelFont,
                               TextAnchor::middle,
                               TextBaseline::top,
                               false,
                               0,
                               kTextColor});
  }
  if (!chart.y.label.empty()) {
    decorations.push_back(Text{{kOuterPadding, (area.top + area.bottom) / 2},
                               chart.y.label,
                               kAxisLabelFont,
                               TextAnchor::middle,
                               TextBaseline::top,
                               false,
                               -90,
                               kTextColor});
  }
}

void emit_legend(const std::vector<LegendEntry>& entries, const Box& box, std::vector<Item>& out) {
  out.push_back(Rect{box, kWhite, 0.92, Stroke{Color{0xbb, 0xbb, 0xbb}, 1, {}}});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    const double cy = box.top + kLegendPadding + kLegendRow * (static_cast<double>(i) + 0.5);
    const double x0 = box.left + kLegendPadding;
    switch (entry.kind) {
      case LegendEntry::Kind::line: {
        const Series& series = *entry.series;
        out.push_back(
            Line{{x0, cy},
                 {x0 + kLegendSwatch, cy},
                 Stroke{series.color, series.width, dash_pattern(series.style, series.width)}});
        break;
      }
      case LegendEntry::Kind::marker:
        out.push_back(marker_item(*entry.point_set, {x0 + kLegendSwatch / 2, cy}));
        break;
      case LegendEntry::Kind::region: {
        const Region& region = *entry.region;
        out.push_back(Rect{{x0, cy - 5, x0 + kLegendSwatch, cy + 5},
                           region.fill,
                           std::max(region.opacity, 0.3),
                           Stroke{region.fill, 1, {}}});
        break;
      }
    }
    out.push_back(Text{{x0 + kLegendSwatch + kLegendGap, cy},
                       entry.label,
                       kLegendFont,
                       TextAnchor::start,
                       TextBaseline::middle,
                       false,
                       0,
                       kTextColor});
  }
}

// Candidate boxes around an anchor, nearest ring first; within a ring: right, above, left, below,
// the four diagonals, then above/below flush with the anchor (text starting or ending there).
std::vector<std::pair<Box, int>> label_candidates(const LabelRequest& label) {
  const double w = text_width(label.text, label.font_size);
  const double h = label.font_size;
  const Point p = label.anchor;
  std::vector<std::pair<Box, int>> candidates;
  constexpr int kRings = 10;
  for (int ring = 0; ring < kRings; ++ring) {
    const double gap = label.clearance + 3 + ring * (h + 3);
    const double diagonal = label.clearance * 0.7 + 2 + ring * (h + 3);
    const std::array<Box, 12> boxes{
        Box{p.x + gap, p.y - h / 2, p.x + gap + w, p.y + h / 2},                      // right
        Box{p.x - w / 2, p.y - gap - h, p.x + w / 2, p.y - gap},                      // above
        Box{p.x - gap - w, p.y - h / 2, p.x - gap, p.y + h / 2},                      // left
        Box{p.x - w / 2, p.y + gap, p.x + w / 2, p.y + gap + h},                      // below
        Box{p.x + diagonal, p.y - diagonal - h, p.x + diagonal + w, p.y - diagonal},  // above right
        Box{p.x - diagonal - w, p.y - diagonal - h, p.x - diagonal, p.y - diagonal},  // above left
        Box{p.x + diagonal, p.y + diagonal, p.x + diagonal + w, p.y + diagonal + h},  // below right
        Box{p.x - diagonal - w, p.y + diagonal, p.x - diagonal, p.y + diagonal + h},  // below left
        Box{p.x - 3, p.y - gap - h, p.x - 3 + w, p.y - gap},                          // above, from
        Box{p.x + 3 - w, p.y - gap - h, p.x + 3, p.y - gap},                          // above, to
        Box{p.x - 3, p.y + gap, p.x - 3 + w, p.y + gap + h},                          // below, from
        Box{p.x + 3 - w, p.y + gap, p.x + 3, p.y + gap + h},                          // below, to
    };
    for (const Box& box : boxes) candidates.emplace_back(box, ring);
  }
  return candidates;
}

// The leader line of a label placed away from its anchor: from the marker's edge to the nearest
// point of the text box.
Segment leader_for(const LabelRequest& label, const Box& box) {
  const Point target{std::clamp(label.anchor.x, box.left, box.right),
                     std::clamp(label.anchor.y, box.top, box.bottom)};
  const double dx = target.x - label.anchor.x;
  const double dy = target.y - label.anchor.y;
  const double length = std::hypot(dx, dy);
  const double skip = length > 0 ? std::min(label.clearance, length) / length : 0;
  return {{label.anchor.x + dx * skip, label.anchor.y + dy * skip}, target};
}

// Greedy placement in request order. Hard: a label must not overlap a placed label or the legend,
// nor leave the plot area. Soft, among the positions that respect that: cover no line or marker,
// cross no leader line, stay near the anchor. With no hard-free position it takes the least
// overlap.
void emit_labels(const MappedData& mapped, const ChartFrame& frame, std::vector<Item>& leaders,
                 std::vector<Item>& texts) {
  std::vector<Box> taken;
  if (frame.legend) taken.push_back(frame.legend->inflated(2));
  std::vector<Segment> leader_segments;
  const Box bounds = frame.plot_area.inflated(-2);
  for (const auto& label : mapped.labels) {
    const auto candidates = label_candidates(label);
    const std::pair<Box, int>* best = nullptr;
    double best_hard = kInfinity;
    int best_soft = std::numeric_limits<int>::max();
    for (const auto& candidate : candidates) {
      const auto& [box, ring] = candidate;
      double hard = box.width() * box.height() - overlap_area(box, bounds);
      for (const Box& other : taken) hard += overlap_area(box, other);
      if (hard > 1e-9) {
        if (best_hard > 0 && hard < best_hard) {
          best_hard = hard;
          best = &candidate;
        }
        continue;
      }
      // A line through a text costs as much as moving it six rings out (with a leader line).
      int crossings = covered_data(box, mapped, label.anchor);
      for (const auto& leader : leader_segments)
        crossings += segment_intersects(box, leader.a, leader.b);
      if (ring > 0) {
        const Segment leader = leader_for(label, box);
        for (const Box& other : taken) crossings += segment_intersects(other, leader.a, leader.b);
      }
      const int soft = 12 * crossings + 2 * ring;
      if (best_hard > 0 || soft < best_soft) {
        best_hard = 0;
        best_soft = soft;
        best = &candidate;
      }
    }
    if (best == nullptr) continue;
    const auto& [box, ring] = *best;
    taken.push_back(box.inflated(2));
    if (ring > 0) {
      // Away from its anchor: a thin leader line says which point the text belongs to.
      const Segment leader = leader_for(label, box);
      leader_segments.push_back(leader);
      leaders.push_back(Line{leader.a, leader.b, Stroke{kLeaderColor, 0.75, {}}});
    }
    texts.push_back(Text{{box.left, (box.top + box.bottom) / 2},
                         label.text,
                         label.font_size,
                         TextAnchor::start,
                         TextBaseline::middle,
                         label.bold,
                         0,
                         label.color});
  }
}

}  // namespace

// ---- Public: axes
// ---------------------------------------------------------------------------------

double AxisMapping::to_pixel(double value) const {
  const double span = pixel_at_max - pixel_at_min;
  if (scale == AxisScale::log) {
    if (!(value > 0)) return std::numeric_limits<double>::quiet_NaN();
    // Multiply before dividing: a decade boundary lands on the exact pixel its tick gets.
    return pixel_at_min +
           (std::log10(value) - std::log10(min)) * span / (std::log10(max) - std::log10(min));
  }
  return pixel_at_min + (value - min) * span / (max - min);
}

double AxisMapping::to_value(double pixel) const {
  const double t = (pixel - pixel_at_min) / (pixel_at_max - pixel_at_min);
  if (scale == AxisScale::log) {
    return std::pow(10.0, std::log10(min) + t * (std::log10(max) - std::log10(min)));
  }
  return min + t * (max - min);
}

std::string tick_label(double value) {
  if (value == 0 || !std::isfinite(value)) return format_significant(value, 6);
  struct Prefix {
    double factor;
    const char* symbol;
  };
  static constexpr std::array<Prefix, 10> kPrefixes{{{1e18, "E"},
                                                     {1e15, "P"},
                                                     {1e12, "T"},
                                                     {1e9, "G"},
                                                     {1e6, "M"},
                                                     {1e3, "k"},
                                                     {1, ""},
                                                     {1e-3, "m"},
                                                     {1e-6, "\u00b5"},
                                                     {1e-9, "n"}}};
  const double magnitude = std::fabs(value);
  // Plain numbers from 0.001 to 999: "0.01" reads better than "10m".
  if (magnitude >= 1e-3 * (1 - 1e-9) && magnitude < 1e3 * (1 - 1e-9)) {
    return format_significant(value, 6);
  }
  for (const auto& prefix : kPrefixes) {
    if (magnitude >= prefix.factor * (1 - 1e-9)) {
      return format_significant(value / prefix.factor, 6) + prefix.symbol;
    }
  }
  return format_significant(value / 1e-12, 6) + "p";
}

std::vector<double> log_decade_ticks(double min, double max) {
  std::vector<double> ticks;
  if (!(min > 0) || !(max >= min)) return ticks;
  const int first = static_cast<int>(std::ceil(std::log10(min) - 1e-9));
  const int last = static_cast<int>(std::floor(std::log10(max) + 1e-9));
  for (int exponent = first; exponent <= last; ++exponent)
    ticks.push_back(std::pow(10.0, exponent));
  return ticks;
}

std::vector<double> nice_linear_ticks(double min, double max, int target_count) {
  std::vector<double> ticks;
  if (!(max > min) || !std::isfinite(min) || !std::isfinite(max)) return ticks;
  const double step = nice_step(max - min, target_count);
  const auto first = static_cast<long long>(std::ceil(min / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(max / step + 1e-9));
  if (last - first > 1000) return ticks;  // only when the range is lost in rounding; never crowd
  for (long long k = first; k <= last; ++k) {
    const double value = static_cast<double>(k) * step;
    ticks.push_back(std::fabs(value) < step * 1e-9 ? 0.0 : value);
  }
  return ticks;
}

std::vector<Tick> axis_ticks(AxisScale scale, double min, double max, double pixel_length) {
  std::vector<Tick> ticks;
  if (!(max > min)) return ticks;
  if (scale == AxisScale::linear) {
    const int target = std::clamp(static_cast<int>(std::lround(pixel_length / 90)), 2, 10);
    for (double value : nice_linear_ticks(min, max, target))
      ticks.push_back({value, tick_label(value), true});
    return ticks;
  }
  const double decades = std::log10(max) - std::log10(min);
  const double pixels_per_decade = pixel_length / decades;
  const auto decade_ticks = log_decade_ticks(min, max);
  const auto in_range = [&](double v) { return v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9); };

  if (decade_ticks.size() < 2) {
    // Less than a decade shown: label the 1..9 × 10^n multiples, thinned to fit.
    std::vector<double> multiples;
    const int first = static_cast<int>(std::floor(std::log10(min)));
    const int last = static_cast<int>(std::ceil(std::log10(max)));
    for (int exponent = first; exponent <= last; ++exponent) {
      for (int m = 1; m <= 9; ++m) {
        const double value = m * std::pow(10.0, exponent);
        if (in_range(value)) multiples.push_back(value);
      }
    }
    if (multiples.size() < 2) return axis_ticks(AxisScale::linear, min, max, pixel_length);
    const double spacing = pixel_length / static_cast<double>(multiples.size());
    const auto every =
        static_cast<std::size_t>(std::max(1.0, std::ceil(kMinTickSpacing / spacing)));
    for (std::size_t i = 0; i < multiples.size(); ++i) {
      const bool labelled = i % every == 0;
      ticks.push_back({multiples[i], labelled ? tick_label(multiples[i]) : "", labelled});
    }
    return ticks;
  }

  // Label every `step`-th decade so labels stay kMinTickSpacing apart.
  int step = 1;
  for (int candidate : {1, 2, 3, 5, 10, 20, 50}) {
    step = candidate;
    if (candidate * pixels_per_decade >= kMinTickSpacing) break;
  }
  const bool minors = step == 1 && pixels_per_decade >= kMinPixelsPerDecadeForMinors;
  const int first = static_cast<int>(std::floor(std::log10(min)));
  const int last = static_cast<int>(std::ceil(std::log10(max)));
  for (int exponent = first; exponent <= last; ++exponent) {
    const double decade = std::pow(10.0, exponent);
    if (in_range(decade)) {
      const bool labelled = exponent % step == 0;
      ticks.push_back({decade, labelled ? tick_label(decade) : "", labelled});
    }
    if (!minors) continue;
    for (int m = 2; m <= 9; ++m) {
      const double value = m * decade;
      if (in_range(value)) ticks.push_back({value, "", false});
    }
  }
  return ticks;
}

// ---- Public: geometry
// -----------------------------------------------------------------------------

std::vector<std::vector<Point>> clip_polyline(std::span<const Point> points, const Box& box) {
  std::vector<std::vector<Point>> parts;
  std::vector<Point> current;
  auto finish = [&] {
    if (current.size() >= 2) parts.push_back(std::move(current));
    current.clear();
  };
  auto finite = [](Point p) { return std::isfinite(p.x) && std::isfinite(p.y); };
  for (std::size_t i = 1; i < points.size(); ++i) {
    const Point a = points[i - 1];
    const Point b = points[i];
    if (!finite(a) || !finite(b)) {
      finish();
      continue;
    }
    // Liang–Barsky: the visible parameter interval [t0, t1] of a + t (b - a).
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const std::array<double, 4> p{-dx, dx, -dy, dy};
    const std::array<double, 4> q{a.x - box.left, box.right - a.x, a.y - box.top, box.bottom - a.y};
    double t0 = 0;
    double t1 = 1;
    bool visible = true;
    for (std::size_t k = 0; k < 4 && visible; ++k) {
      if (p[k] == 0) {
        visible = q[k] >= 0;
        continue;
      }
      const double t = q[k] / p[k];
      if (p[k] < 0) {
        t0 = std::max(t0, t);
      } else {
        t1 = std::min(t1, t);
      }
      visible = t0 <= t1;
    }
    if (!visible) {
      finish();
      continue;
    }
    const Point start = t0 == 0 ? a : Point{a.x + t0 * dx, a.y + t0 * dy};
    const Point end = t1 == 1 ? b : Point{a.x + t1 * dx, a.y + t1 * dy};
    if (current.empty() || !(current.back() == start)) {
      finish();
      current.push_back(start);
    }
    current.push_back(end);
    if (t1 < 1) finish();  // the line leaves the box here
  }
  finish();
  return parts;
}

std::vector<Point> clip_polygon(std::span<const Point> points, const Box& box) {
  std::vector<Point> polygon;
  for (const Point& p : points) {
    if (std::isfinite(p.x) && std::isfinite(p.y)) polygon.push_back(p);
  }
  // One pass per box edge: keep the inside part, adding the crossing points.
  enum class Edge { left, right, top, bottom };
  auto inside = [&](Point p, Edge edge) {
    switch (edge) {
      case Edge::left:
        return p.x >= box.left;
      case Edge::right:
        return p.x <= box.right;
      case Edge::top:
        return p.y >= box.top;
      case Edge::bottom:
        return p.y <= box.bottom;
    }
    return false;
  };
  auto crossing = [&](Point a, Point b, Edge edge) {
    double t = 0;
    switch (edge) {
      case Edge::left:
        t = (box.left - a.x) / (b.x - a.x);
        break;
      case Edge::right:
        t = (box.right - a.x) / (b.x - a.x);
        break;
      case Edge::top:
        t = (box.top - a.y) / (b.y - a.y);
        break;
      case Edge::bottom:
        t = (box.bottom - a.y) / (b.y - a.y);
        break;
    }
    return Point{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
  };
  for (Edge edge : {Edge::left, Edge::right, Edge::top, Edge::bottom}) {
    if (polygon.empty()) break;
    std::vector<Point> kept;
    for (std::size_t i = 0; i < polygon.size(); ++i) {
      const Point current = polygon[i];
      const Point previous = polygon[(i + polygon.size() - 1) % polygon.size()];
      const bool current_in = inside(current, edge);
      const bool previous_in = inside(previous, edge);
      if (current_in != previous_in) kept.push_back(crossing(previous, current, edge));
      if (current_in) kept.push_back(current);
    }
    polygon = std::move(kept);
  }
  if (polygon.size() < 3) polygon.clear();
  return polygon;
}

// ---- Public: layout
// -------------------------------------------------------------------------------

ChartFrame chart_frame(const Chart& chart, double width, double height) {
  return plan_chart(chart, width, height).frame;
}

Scene layout_chart(const Chart& chart, double width, double height) {
  const Plan plan = plan_chart(chart, width, height);
  Scene scene;
  scene.width = width;
  scene.height = height;
  scene.title = chart.title;

  std::vector<Item> grid;
  std::vector<Item> decorations;
  emit_axes(chart, plan.frame, grid, decorations);
  std::vector<Item> leaders;
  std::vector<Item> labels;
  emit_labels(plan.mapped, plan.frame, leaders, labels);

  auto append = [&scene](auto&& items) {
    for (auto& item : items) scene.items.emplace_back(std::move(item));
  };
  if (!chart.title.empty()) {
    scene.items.emplace_back(Text{{width / 2, kOuterPadding},
                                  chart.title,
                                  kTitleFont,
                                  TextAnchor::middle,
                                  TextBaseline::top,
                                  true,
                                  0,
                                  kTextColor});
  }
  // Minor grid under major grid: later items cover earlier ones.
  std::stable_partition(grid.begin(), grid.end(), [](const Item& item) {
    return std::get<Line>(item).stroke.color == kMinorGridColor;
  });
  append(std::move(grid));
  MappedData mapped = plan.mapped;
  append(std::move(mapped.regions));
  append(std::move(mapped.lines));
  append(std::move(mapped.markers));
  append(std::move(decorations));
  append(std::move(leaders));
  append(std::move(labels));
  if (plan.frame.legend) {
    std::vector<Item> legend;
    emit_legend(plan.legend, *plan.frame.legend, legend);
    append(std::move(legend));
  }
  return scene;
}

}  // namespace ridgeline::plot
