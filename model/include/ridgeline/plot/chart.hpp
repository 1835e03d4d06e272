#pragma once
// A chart described in data coordinates, and the one layout step that turns it into a Scene:
// axis ranges, ticks and their labels, grid, clipping to the plot area, legend placement and
// collision-free text labels all happen here, so SVG and the GUI show the same picture.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ridgeline/plot/scene.hpp"

namespace ridgeline::plot {

// Okabe & Ito, "Color Universal Design" (2008): distinguishable with every common colour-vision
// deficiency. Yellow (#F0E442) is left out: unreadable as a line on white.
inline constexpr std::array<Color, 7> kOkabeIto{{
    {0x00, 0x72, 0xB2},  // blue
    {0xD5, 0x5E, 0x00},  // vermillion
    {0x00, 0x9E, 0x73},  // bluish green
    {0xCC, 0x79, 0xA7},  // reddish purple
    {0xE6, 0x9F, 0x00},  // orange
    {0x56, 0xB4, 0xE9},  // sky blue
    {0x00, 0x00, 0x00},  // black
}};

enum class AxisScale { linear, log };

struct Axis {
  std::string label{};
  AxisScale scale = AxisScale::linear;
  std::optional<double> min{};  // automatic (from the data) when absent
  std::optional<double> max{};
};

struct DataPoint {
  double x = 0;
  double y = 0;
};

enum class LineStyle { solid, dashed, dotted };

// A polyline in data coordinates. Points that a log axis cannot show (<= 0) break the line.
// A series without points but with a label is a legend-only key entry (e.g. "dashed = achievable").
struct Series {
  std::string label{};  // legend entry; empty = not in the legend
  std::vector<DataPoint> points{};
  Color color{};
  double width = 2;
  LineStyle style = LineStyle::solid;
};

enum class MarkerShape { circle, square, diamond, triangle };

struct Marker {
  DataPoint position{};
  std::string label{};  // drawn beside the marker where it collides with nothing; empty = none
};

struct PointSet {
  std::string label{};  // legend entry; empty = not in the legend
  std::vector<Marker> markers{};
  Color color{};
  double radius = 4;
  MarkerShape shape = MarkerShape::circle;
  bool hollow = false;  // coloured outline, white inside
};

// A shaded polygon in data coordinates (e.g. "memory-bound region").
struct Region {
  std::string label{};  // legend entry; empty = not in the legend
  std::vector<DataPoint> polygon{};
  Color fill{};
  double opacity = 0.15;
};

// Free text near a data point; placed beside it where it collides with no other label. Placed
// before marker labels, so it gets the spot nearest its anchor.
struct Annotation {
  DataPoint anchor{};
  std::string text{};
  Color color{0x33, 0x33, 0x33};
  double font_size = 11;
  bool bold = false;
};

enum class LegendPlacement {
  automatic,      // the inside corner covering no data, else outside right of the plot
  outside_right,  // always right of the plot area
  hidden,
};

struct Chart {
  std::string title{};
  Axis x{};
  Axis y{};
  std::vector<Region> regions{};  // painted first, under everything
  std::vector<Series> series{};
  std::vector<PointSet> point_sets{};
  std::vector<Annotation> annotations{};
  LegendPlacement legend = LegendPlacement::automatic;
};

// ---- Axes -------------------------------------------------------------------------------------

// An axis with its final range, mapped onto a pixel interval. For y, `pixel_at_min` is the bottom
// of the plot area (pixels grow downwards).
struct AxisMapping {
  AxisScale scale = AxisScale::linear;
  double min = 0;
  double max = 1;
  double pixel_at_min = 0;
  double pixel_at_max = 1;

  // Linear in log10(value) on a log axis. Values <= 0 on a log axis map to NaN.
  double to_pixel(double value) const;
  double to_value(double pixel) const;
};

struct Tick {
  double value = 0;
  std::string label{};  // empty for minor ticks
  bool major = true;
};

// Readable tick text, SI-prefixed above 1000: 0.01, 0.5, 1, 10, 250, 1k, 2.5k, 10M, 1T, 100T, 1P.
// Below 0.001: m, µ, n, p prefixes ("100µ").
std::string tick_label(double value);

// Powers of ten inside [min, max] (0.5..2000 → 1, 10, 100, 1000).
std::vector<double> log_decade_ticks(double min, double max);
// "Nice" linear ticks: multiples of 1, 2 or 5 × 10^n, about `target_count` of them in [min, max].
std::vector<double> nice_linear_ticks(double min, double max, int target_count = 6);
// Major and minor ticks of a resolved axis, thinned so labels ~`pixel_length` px long do not
// crowd: log axes get decade majors (every 2nd/3rd… decade when dense) and minors at 2..9 × 10^n
// (promoted to labelled majors when the range holds fewer than two decades); linear axes get nice
// 1/2/5 majors.
std::vector<Tick> axis_ticks(AxisScale scale, double min, double max, double pixel_length);

// ---- Geometry ---------------------------------------------------------------------------------

// Parts of a polyline inside `box`: each crossing of the box edge ends a part at the exact
// intersection point. Deterministic; pure geometry so the GUI gets clipped data too.
std::vector<std::vector<Point>> clip_polyline(std::span<const Point> points, const Box& box);
// Sutherland–Hodgman clipping of a polygon against `box` (empty when fully outside).
std::vector<Point> clip_polygon(std::span<const Point> points, const Box& box);

// ---- Layout -----------------------------------------------------------------------------------

// Where the plot area sits in the scene and how data maps onto it; the GUI uses the same frame
// for hover, zoom and click hit-testing.
struct ChartFrame {
  Box plot_area{};
  AxisMapping x;
  AxisMapping y;
  std::optional<Box> legend{};  // absent when hidden or empty

  Point to_pixel(DataPoint p) const { return {x.to_pixel(p.x), y.to_pixel(p.y)}; }
};

ChartFrame chart_frame(const Chart& chart, double width = 960, double height = 640);

// Lays the chart out as a scene. Throws ModelError for an unusable axis range (min >= max, or a
// non-positive bound on a log axis). Deterministic: the same chart gives the same scene.
Scene layout_chart(const Chart& chart, double width = 960, double height = 640);

}  // namespace ridgeline::plot
