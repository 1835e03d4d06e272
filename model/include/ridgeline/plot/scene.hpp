#pragma once
// A plot scene: a chart already laid out as drawing primitives in pixel coordinates (origin top
// left, y down). The layout step (chart.hpp) decides every position; renderers only paint: the CLI
// writes the scene as SVG (svg.hpp), the GUI paints the very same scene with QPainter. So every
// primitive here maps onto one painter call and carries no layout logic of its own.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ridgeline::plot {

struct Color {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;

  friend bool operator==(const Color&, const Color&) = default;
};

// "#rrggbb".
std::string to_hex(Color color);
// Linear blend: t = 0 gives `from`, t = 1 gives `to` (used to lighten a hue towards white).
Color mix(Color from, Color to, double t);

struct Point {
  double x = 0;
  double y = 0;

  friend bool operator==(const Point&, const Point&) = default;
};

// Axis-aligned box in pixels; also the estimated extent of a text.
struct Box {
  double left = 0;
  double top = 0;
  double right = 0;
  double bottom = 0;

  double width() const { return right - left; }
  double height() const { return bottom - top; }
  bool contains(Point p) const {
    return p.x >= left && p.x <= right && p.y >= top && p.y <= bottom;
  }
  bool contains(const Box& other) const {
    return other.left >= left && other.right <= right && other.top >= top && other.bottom <= bottom;
  }
  Box inflated(double margin) const {
    return {left - margin, top - margin, right + margin, bottom + margin};
  }
};

// Area shared by two boxes (0 when they only touch or are apart).
double overlap_area(const Box& a, const Box& b);
// Whether the segment from `a` to `b` passes through the box.
bool segment_intersects(const Box& box, Point a, Point b);

struct Stroke {
  Color color{};
  double width = 1;
  // Dash pattern in pixels (on, off, on, ...); empty = solid. QPainter wants it in units of the
  // pen width: divide by `width`.
  std::vector<double> dash{};
};

struct Line {
  Point from{};
  Point to{};
  Stroke stroke{};
};

// Open polyline (not filled).
struct Polyline {
  std::vector<Point> points{};
  Stroke stroke{};
};

// Closed filled polygon; also used for non-circular markers.
struct Polygon {
  std::vector<Point> points{};
  Color fill{};
  double fill_opacity = 1;
  std::optional<Stroke> outline{};
};

struct Rect {
  Box box{};
  Color fill{};
  double fill_opacity = 1;
  std::optional<Stroke> outline{};
};

struct Circle {
  Point center{};
  double radius = 3;
  std::optional<Color> fill{};  // none: hollow marker
  std::optional<Stroke> outline{};
};

// Horizontal alignment of a text relative to its position.
enum class TextAnchor { start, middle, end };
// What the position's y is: the alphabetic baseline, the vertical middle of the text, or its top.
enum class TextBaseline { alphabetic, middle, top };

struct Text {
  Point position{};
  std::string text{};  // UTF-8
  double font_size = 11;
  TextAnchor anchor = TextAnchor::start;
  TextBaseline baseline = TextBaseline::alphabetic;
  bool bold = false;
  double rotation_degrees = 0;  // clockwise about `position` (SVG and QPainter convention)
  Color color{};
};

using Item = std::variant<Line, Polyline, Polygon, Rect, Circle, Text>;

struct Scene {
  double width = 0;
  double height = 0;
  std::vector<Item> items{};  // painted in order: later items cover earlier ones
  std::string title{};        // document title (the visible title is a Text item)
};

// Estimated glyph advance as a fraction of the font size. Layout only needs a conservative guess
// (sans-serif averages ~0.5–0.55 em); renderers with real font metrics may use them instead.
inline constexpr double kCharWidthEm = 0.6;

// Number of characters (UTF-8 code points) in `text`.
std::size_t character_count(std::string_view text);
// Estimated width of `text` at `font_size`: 0.6 × font size per character.
double text_width(std::string_view text, double font_size);
// Estimated extent of a text item (height = font size: 0.75 em above the baseline, 0.25 below),
// rotated when the text is.
Box text_box(const Text& text);

}  // namespace ridgeline::plot
