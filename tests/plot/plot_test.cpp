#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/plot/chart.hpp"
#include "ridgeline/plot/scene.hpp"
#include "ridgeline/plot/svg.hpp"
#include "ridgeline/report/roofline_chart.hpp"

namespace ridgeline::plot {
namespace {

template <typename T>
std::vector<T> items_of(const Scene& scene) {
  std::vector<T> found;
  for (const auto& item : scene.items) {
    if (const T* typed = std::get_if<T>(&item)) found.push_back(*typed);
  }
  return found;
}

const Text* find_text(const std::vector<Text>& texts, const std::string& content) {
  for (const auto& text : texts) {
    if (text.text == content) return &text;
  }
  return nullptr;
}

// Shoelace formula.
double polygon_area(const std::vector<Point>& points) {
  double twice = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& a = points[i];
    const Point& b = points[(i + 1) % points.size()];
    twice += a.x * b.y - b.x * a.y;
  }
  return std::fabs(twice) / 2;
}

// ---- Ticks -----------------------------------------------------------------------------------

TEST(PlotTicks, LogDecadesInsideTheRange) {
  // 0.5..2000 holds the powers of ten 10^0..10^3; 0.1 and 10^4 fall outside.
  EXPECT_EQ(log_decade_ticks(0.5, 2000), (std::vector<double>{1, 10, 100, 1000}));
  // Bounds that are themselves decades are included.
  EXPECT_EQ(log_decade_ticks(0.1, 10), (std::vector<double>{0.1, 1, 10}));
}

TEST(PlotTicks, LogAxisHasLabelledDecadesAndMinorTicksAtTwoToNine) {
  const auto ticks = axis_ticks(AxisScale::log, 0.5, 2000, 600);
  std::vector<std::string> labels;
  int minors = 0;
  for (const auto& tick : ticks) {
    if (tick.major) {
      labels.push_back(tick.label);
    } else {
      EXPECT_TRUE(tick.label.empty());
      ++minors;
    }
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"1", "10", "100", "1k"}));
  // 600 px over log10(4000) = 3.6 decades = 166 px/decade: room for minors.
  // 0.5..0.9 (5) + 2..9, 20..90, 200..900 (3 × 8) + 2000 (1) = 30.
  EXPECT_EQ(minors, 30);
  const bool has_three_hundred = std::any_of(ticks.begin(), ticks.end(), [](const Tick& tick) {
    return !tick.major && std::fabs(tick.value - 300) < 1e-9;
  });
  EXPECT_TRUE(has_three_hundred);
}

TEST(PlotTicks, DenseLogAxisLabelsEveryThirdDecade) {
  // 15 decades on 300 px = 20 px/decade; labels need 42 px: 2 decades (40 px) are too close,
  // 3 (60 px) fit → labels at 10^-3, 10^0, 10^3, ..., 10^12 and no 2..9 minors.
  const auto ticks = axis_ticks(AxisScale::log, 1e-3, 1e12, 300);
  std::vector<std::string> labels;
  for (const auto& tick : ticks) {
    if (tick.major) labels.push_back(tick.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"0.001", "1", "1k", "1M", "1G", "1T"}));
  EXPECT_EQ(ticks.size(), 16u);  // every decade keeps a tick mark
}

TEST(PlotTicks, LabelsAreSiPrefixed) {
  EXPECT_EQ(tick_label(0.1), "0.1");
  EXPECT_EQ(tick_label(1), "1");
  EXPECT_EQ(tick_label(250), "250");
  EXPECT_EQ(tick_label(1000), "1k");
  EXPECT_EQ(tick_label(2500), "2.5k");
  EXPECT_EQ(tick_label(1e13), "10T");
  EXPECT_EQ(tick_label(1e14), "100T");
  EXPECT_EQ(tick_label(1e15), "1P");
  EXPECT_EQ(tick_label(1e-4), "100\u00b5");
  EXPECT_EQ(tick_label(0), "0");
  EXPECT_EQ(tick_label(-2000), "-2k");
}

TEST(PlotTicks, NiceLinearTicksAreMultiplesOfOneTwoFive) {
  // 100 / 6 = 16.7 → nearest nice step 20.
  EXPECT_EQ(nice_linear_ticks(0, 100, 6), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  // 0.74 / 5 = 0.148 → step 0.1; multiples of 0.1 inside [0.13, 0.87].
  const auto tenths = nice_linear_ticks(0.13, 0.87, 5);
  ASSERT_EQ(tenths.size(), 7u);
  EXPECT_NEAR(tenths.front(), 0.2, 1e-12);
  EXPECT_NEAR(tenths.back(), 0.8, 1e-12);
  // 10 / 5 = 2 → step 2; zero is exactly zero, not -1e-17.
  EXPECT_EQ(nice_linear_ticks(-3, 7, 5), (std::vector<double>{-2, 0, 2, 4, 6}));
  // 30 / 6 = 5 → step 5.
  EXPECT_EQ(nice_linear_ticks(0, 30, 6), (std::vector<double>{0, 5, 10, 15, 20, 25, 30}));
}

// ---- Mapping ---------------------------------------------------------------------------------

TEST(PlotMapping, LogDecadeMapsExactlyOntoItsPixel) {
  // Log axis 1..1000 on pixels 100..400: 3 decades over 300 px = 100 px per decade, so
  // 10 (one decade up) → 100 + 100 = 200 and 1000 → 400.
  const AxisMapping x{AxisScale::log, 1, 1000, 100, 400};
  EXPECT_DOUBLE_EQ(x.to_pixel(1), 100);
  EXPECT_DOUBLE_EQ(x.to_pixel(10), 200);
  EXPECT_DOUBLE_EQ(x.to_pixel(1000), 400);
  EXPECT_NEAR(x.to_value(200), 10, 1e-12);
  // A y axis grows upwards: 1 at pixel 500, 1000 at pixel 200 → 10 is 100 px above 500 = 400.
  const AxisMapping y{AxisScale::log, 1, 1000, 500, 200};
  EXPECT_DOUBLE_EQ(y.to_pixel(10), 400);
  EXPECT_TRUE(std::isnan(y.to_pixel(0)));
}

TEST(PlotMapping, MarkerAtADecadeSitsOnItsTickInTheLaidOutScene) {
  Chart chart;
  chart.x = {"x", AxisScale::log, 1, 1000};
  chart.y = {"y", AxisScale::linear, 0, 1};
  chart.point_sets.push_back({"", {{{10, 0.5}, ""}}, kOkabeIto[0], 4});
  const ChartFrame frame = chart_frame(chart, 800, 600);
  const Scene scene = layout_chart(chart, 800, 600);

  const auto circles = items_of<Circle>(scene);
  ASSERT_EQ(circles.size(), 1u);
  const auto texts = items_of<Text>(scene);
  const Text* tick = find_text(texts, "10");
  ASSERT_NE(tick, nullptr);
  // 10 is one of three decades: a third of the way across the plot area.
  const double expected = frame.plot_area.left + (frame.plot_area.right - frame.plot_area.left) / 3;
  EXPECT_NEAR(circles[0].center.x, expected, 1e-9);
  EXPECT_DOUBLE_EQ(circles[0].center.x, tick->position.x);
  // 0.5 on a linear 0..1 axis: halfway up.
  EXPECT_NEAR(circles[0].center.y, (frame.plot_area.top + frame.plot_area.bottom) / 2, 1e-9);
}

TEST(PlotLayout, RejectsUnusableAxisRanges) {
  Chart chart;
  chart.x = {"x", AxisScale::log, 0.0, 10.0};  // log axis cannot start at 0
  EXPECT_THROW(layout_chart(chart), ModelError);
  chart.x = {"x", AxisScale::linear, 5.0, 5.0};  // empty range
  EXPECT_THROW(layout_chart(chart), ModelError);
}

TEST(PlotLayout, AutomaticLogRangeSnapsToDecades) {
  Chart chart;
  chart.x = {"x", AxisScale::log, std::nullopt, std::nullopt};
  chart.y = {"y", AxisScale::linear, std::nullopt, std::nullopt};
  chart.series.push_back({"", {{0.5, 0.13}, {2000, 0.87}}, kOkabeIto[0]});
  const ChartFrame frame = chart_frame(chart);
  EXPECT_DOUBLE_EQ(frame.x.min, 0.1);    // 10^floor(log10 0.5)
  EXPECT_DOUBLE_EQ(frame.x.max, 1e4);    // 10^ceil(log10 2000)
  EXPECT_NEAR(frame.y.min, 0.1, 1e-12);  // nice step 0.1 around 0.13..0.87
  EXPECT_NEAR(frame.y.max, 0.9, 1e-12);
}

// ---- Clipping --------------------------------------------------------------------------------

TEST(PlotClip, PolylineLeavingTheBoxEndsOnTheEdge) {
  const Box box{0, 0, 100, 100};
  // (50,50) → (150,100): x reaches 100 at t = 50/100 = 0.5, where y = 50 + 0.5 × 50 = 75.
  const std::vector<Point> leaving{{50, 50}, {150, 100}};
  const auto parts = clip_polyline(leaving, box);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], (std::vector<Point>{{50, 50}, {100, 75}}));
}

TEST(PlotClip, PolylineEnteringAndLeavingKeepsOnePart) {
  const Box box{0, 0, 100, 100};
  // Enters through the left edge at (0,50), turns at (50,50), leaves through the bottom at
  // (50,100).
  const std::vector<Point> crossing{{-50, 50}, {50, 50}, {50, 150}};
  const auto parts = clip_polyline(crossing, box);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], (std::vector<Point>{{0, 50}, {50, 50}, {50, 100}}));
}

TEST(PlotClip, PolylineThatLeavesAndComesBackSplits) {
  const Box box{0, 0, 100, 100};
  // Up through the top edge at (10,0), along y = -10 outside, back in at (20,0).
  const std::vector<Point> excursion{{10, 10}, {10, -10}, {20, -10}, {20, 10}};
  const auto parts = clip_polyline(excursion, box);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], (std::vector<Point>{{10, 10}, {10, 0}}));
  EXPECT_EQ(parts[1], (std::vector<Point>{{20, 0}, {20, 10}}));
  // Entirely outside: nothing.
  const std::vector<Point> outside{{-10, -10}, {-20, 50}};
  EXPECT_TRUE(clip_polyline(outside, box).empty());
}

TEST(PlotClip, PolygonIsCutToTheBox) {
  const Box box{0, 0, 100, 100};
  // Square 50..150 overlaps the box in the square 50..100: area 50 × 50 = 2500.
  const std::vector<Point> square{{50, 50}, {150, 50}, {150, 150}, {50, 150}};
  const auto clipped = clip_polygon(square, box);
  EXPECT_DOUBLE_EQ(polygon_area(clipped), 2500);
  for (const Point& p : clipped) EXPECT_TRUE(box.contains(p));
}

TEST(PlotClip, SeriesInTheSceneStayInsideThePlotArea) {
  Chart chart;
  chart.x = {"x", AxisScale::linear, 0.0, 10.0};
  chart.y = {"y", AxisScale::linear, 0.0, 10.0};
  // From (5,5) to (15,10): leaves the plot at x = 10, where y = 5 + 5 × 5/10 = 7.5.
  chart.series.push_back({"", {{5, 5}, {15, 10}}, kOkabeIto[1]});
  const ChartFrame frame = chart_frame(chart);
  const auto lines = items_of<Polyline>(layout_chart(chart));
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].points.size(), 2u);
  const Point end = lines[0].points[1];
  EXPECT_NEAR(end.x, frame.plot_area.right, 1e-9);
  EXPECT_NEAR(end.y, frame.y.to_pixel(7.5), 1e-9);
}

// ---- Legend and labels -----------------------------------------------------------------------

TEST(PlotLegend, TakesTheCornerThatCoversNoData) {
  Chart chart;
  chart.x = {"x", AxisScale::linear, 0.0, 10.0};
  chart.y = {"y", AxisScale::linear, 0.0, 10.0};
  // A line from the top-left to the bottom-right corner: only top-right and bottom-left are free,
  // and top-right comes first in the search order.
  chart.series.push_back({"falling", {{0, 10}, {10, 0}}, kOkabeIto[0]});
  const ChartFrame frame = chart_frame(chart);
  ASSERT_TRUE(frame.legend.has_value());
  EXPECT_NEAR(frame.legend->right, frame.plot_area.right - 10, 1e-9);
  EXPECT_NEAR(frame.legend->top, frame.plot_area.top + 10, 1e-9);
}

TEST(PlotLegend, GoesOutsideWhenEveryCornerHasData) {
  Chart chart;
  chart.x = {"x", AxisScale::linear, 0.0, 10.0};
  chart.y = {"y", AxisScale::linear, 0.0, 10.0};
  // Both diagonals pass through all four corners.
  chart.series.push_back({"falling", {{0, 10}, {10, 0}}, kOkabeIto[0]});
  chart.series.push_back({"rising", {{0, 0}, {10, 10}}, kOkabeIto[1]});
  const ChartFrame frame = chart_frame(chart);
  ASSERT_TRUE(frame.legend.has_value());
  EXPECT_GT(frame.legend->left, frame.plot_area.right);
  EXPECT_LE(frame.legend->right, 960);
}

TEST(PlotLabels, TwoLabelsAtTheSameAnchorDoNotOverlap) {
  Chart chart;
  chart.x = {"x", AxisScale::linear, 0.0, 10.0};
  chart.y = {"y", AxisScale::linear, 0.0, 10.0};
  chart.annotations.push_back({{5, 5}, "first label"});
  chart.annotations.push_back({{5, 5}, "second label"});
  const ChartFrame frame = chart_frame(chart);
  const auto texts = items_of<Text>(layout_chart(chart));
  const Text* first = find_text(texts, "first label");
  const Text* second = find_text(texts, "second label");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(overlap_area(text_box(*first), text_box(*second)), 0);
  EXPECT_TRUE(frame.plot_area.contains(text_box(*first)));
  EXPECT_TRUE(frame.plot_area.contains(text_box(*second)));
}

TEST(PlotLabels, LabelsKeepOffTheLegend) {
  Chart chart;
  chart.x = {"x", AxisScale::linear, 0.0, 10.0};
  chart.y = {"y", AxisScale::linear, 0.0, 10.0};
  chart.series.push_back({"a legend entry", {{6, 0}, {10, 4}}, kOkabeIto[0]});
  // Anchored where the legend (top-left) sits.
  chart.annotations.push_back({{0.5, 9.5}, "under the legend?"});
  const ChartFrame frame = chart_frame(chart);
  ASSERT_TRUE(frame.legend.has_value());
  ASSERT_TRUE(frame.legend->contains(frame.to_pixel({0.5, 9.5})));
  const auto texts = items_of<Text>(layout_chart(chart));
  const Text* label = find_text(texts, "under the legend?");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(overlap_area(text_box(*label), *frame.legend), 0);
}

TEST(PlotScene, TextExtentIsSixTenthsOfTheFontSizePerCharacter) {
  // 5 characters × 0.6 × 10 px = 30 px wide, 10 px tall, centred horizontally on x = 100.
  const Text text{.position = {100, 50},
                  .text = "abcde",
                  .font_size = 10,
                  .anchor = TextAnchor::middle,
                  .baseline = TextBaseline::middle};
  const Box box = text_box(text);
  EXPECT_DOUBLE_EQ(box.left, 85);
  EXPECT_DOUBLE_EQ(box.right, 115);
  EXPECT_DOUBLE_EQ(box.top, 45);
  EXPECT_DOUBLE_EQ(box.bottom, 55);
  // Multi-byte UTF-8 counts as one character: "µs" is 2 characters.
  EXPECT_EQ(character_count("\u00b5s"), 2u);
}

// ---- SVG ---------------------------------------------------------------------------------------

// Checks that every opened element is closed in order; returns the first problem or "".
std::string tag_balance_problem(const std::string& svg) {
  std::vector<std::string> open;
  std::size_t position = 0;
  while ((position = svg.find('<', position)) != std::string::npos) {
    const std::size_t end = svg.find('>', position);
    if (end == std::string::npos) return "unterminated tag";
    const std::string tag = svg.substr(position + 1, end - position - 1);
    position = end + 1;
    if (tag.empty()) return "empty tag";
    if (tag.front() == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

// Whether any number in `text` has three or more digits after its decimal point. (No std::regex:
// GCC 12 warns inside <regex> under the sanitizer build.)
bool has_three_decimals(const std::string& text) {
  for (std::size_t i = 1; i + 3 < text.size(); ++i) {
    auto digit = [&](std::size_t k) { return std::isdigit(static_cast<unsigned char>(text[k])); };
    if (text[i] == '.' && digit(i - 1) && digit(i + 1) && digit(i + 2) && digit(i + 3)) return true;
  }
  return false;
}

TEST(PlotSvg, EscapesMarkupInText) {
  EXPECT_EQ(xml_escape("a<b & c>d \"q\" 'a'"), "a&lt;b &amp; c&gt;d &quot;q&quot; &apos;a&apos;");
  Scene scene{200, 100, {Text{.position = {10, 20}, .text = "x < y && y > z"}}, "t<&>"};
  const std::string svg = render_svg(scene);
  EXPECT_NE(svg.find(">x &lt; y &amp;&amp; y &gt; z</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>t&lt;&amp;&gt;</title>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("x < y"), std::string::npos);
  EXPECT_EQ(tag_balance_problem(svg), "");
}

TEST(PlotSvg, DocumentIsWellFormedWithShortNumbers) {
  Scene scene{300.123, 200, {}, "numbers"};
  scene.items.push_back(Line{{1.23456, 2.0}, {3.999, -0.001}, Stroke{{1, 2, 3}, 1.5, {4, 2}}});
  scene.items.push_back(Circle{{10, 10}, 3, Color{255, 0, 0}, std::nullopt});
  scene.items.push_back(Text{.position = {5, 5},
                             .text = "rotated",
                             .font_size = 12,
                             .anchor = TextAnchor::end,
                             .baseline = TextBaseline::top,
                             .bold = true,
                             .rotation_degrees = -90});
  const std::string svg = render_svg(scene);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  std::string trimmed = svg;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.pop_back();
  EXPECT_TRUE(trimmed.ends_with("</svg>"));
  EXPECT_EQ(tag_balance_problem(svg), "");
  // 1.23456 → 1.23, 3.999 → 4, -0.001 → 0 (not "-0"), 300.123 → 300.12.
  EXPECT_NE(svg.find("x1=\"1.23\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("x2=\"4\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("y2=\"0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"300.12\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("stroke-dasharray=\"4,2\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("transform=\"rotate(-90 5 5)\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("fill=\"#ffffff\""), std::string::npos);  // white background
  EXPECT_NE(svg.find("font-family=\"sans-serif\""), std::string::npos);
  EXPECT_FALSE(has_three_decimals(svg));
}

}  // namespace
}  // namespace ridgeline::plot

namespace ridgeline::report {
namespace {

using plot::Circle;
using plot::Scene;
using plot::Text;

roofline::LevelCeiling level(std::string name, double bandwidth, double efficiency) {
  roofline::LevelCeiling ceiling;
  ceiling.name = std::move(name);
  ceiling.bandwidth = bandwidth;
  ceiling.achievable_bandwidth = efficiency * bandwidth;
  return ceiling;
}

roofline::Roofline make_roofline(std::string id, std::string name, double peak, double efficiency,
                                 std::vector<roofline::LevelCeiling> levels) {
  roofline::Roofline roofline;
  roofline.hw_id = std::move(id);
  roofline.hw_name = std::move(name);
  roofline.dtype = DType::bf16;
  roofline.peak_flops = peak;
  roofline.achievable_flops = efficiency * peak;
  roofline.levels = std::move(levels);
  roofline.levels.back().off_chip = true;
  return roofline;
}

// H100 SXM and H200 at bf16 (989.4 TFLOP/s dense, 0.803 achievable); same SM, L1 and L2;
// HBM3 3.35 TB/s (0.887) vs HBM3e 4.8 TB/s (0.865).
std::vector<roofline::Roofline> h100_and_h200() {
  return {make_roofline(
              "h100-sxm", "H100 SXM", 989.4e12, 0.803,
              {level("L1", 30.9e12, 0.9), level("L2", 10e12, 0.85), level("HBM3", 3.35e12, 0.887)}),
          make_roofline("h200", "H200", 989.4e12, 0.803,
                        {level("L1", 30.9e12, 0.9), level("L2", 10e12, 0.85),
                         level("HBM3e", 4.8e12, 0.865)})};
}

TEST(RooflineChart, RidgeMarkerSitsAtPeakOverBandwidth) {
  // Only peak and bandwidth are given; ridge_intensity is left 0 on purpose.
  // Ridge = P / B = 1000 FLOP/s / 10 B/s = 100 FLOP/B, at height P = 1000.
  const auto chart =
      roofline_chart({make_roofline("toy", "Toy", 1000, 0.8, {level("HBM", 10, 0.9)})});
  const plot::Marker* ridge = nullptr;
  for (const auto& set : chart.point_sets) {
    for (const auto& marker : set.markers) {
      if (!set.hollow && !marker.label.empty()) ridge = &marker;
    }
  }
  ASSERT_NE(ridge, nullptr);
  EXPECT_DOUBLE_EQ(ridge->position.x, 100);
  EXPECT_DOUBLE_EQ(ridge->position.y, 1000);
  EXPECT_EQ(ridge->label, "HBM ridge 100 FLOP/B");
  // x from 0.1 (min(0.1, 100/100) floored to a decade) to 10 × the largest ridge = 1000.
  EXPECT_DOUBLE_EQ(*chart.x.min, 0.1);
  EXPECT_DOUBLE_EQ(*chart.x.max, 1000);
  // The theoretical slope starts at (0.1, 0.1 × 10 = 1) and ends on the ridge.
  const auto& slope = chart.series[2];  // after the achievable slope and roof
  ASSERT_EQ(slope.points.size(), 2u);
  EXPECT_DOUBLE_EQ(slope.points[0].y, 1);
  EXPECT_DOUBLE_EQ(slope.points[1].x, 100);
  EXPECT_EQ(slope.style, plot::LineStyle::solid);
  // Achievable: 800 / 9 = 88.9 FLOP/B, dashed.
  EXPECT_NEAR(chart.series[0].points[1].x, 800.0 / 9, 1e-12);
  EXPECT_EQ(chart.series[0].style, plot::LineStyle::dashed);

  // In the laid-out scene the ridge dot lands on the mapped ridge point.
  const plot::ChartFrame frame = plot::chart_frame(chart);
  const plot::Point expected = frame.to_pixel({100, 1000});
  bool found = false;
  for (const auto& item : plot::layout_chart(chart).items) {
    if (const auto* circle = std::get_if<Circle>(&item)) {
      found |= std::fabs(circle->center.x - expected.x) < 1e-9 &&
               std::fabs(circle->center.y - expected.y) < 1e-9 && circle->radius == 4;
    }
  }
  EXPECT_TRUE(found);
}

TEST(RooflineChart, TwoAcceleratorsGetTitleLegendAndSharedRidgesOnce) {
  const auto chart = roofline_chart(h100_and_h200());
  EXPECT_EQ(chart.title, "Roofline \u2014 H100 SXM vs H200 (bf16)");
  std::vector<std::string> legend;
  for (const auto& series : chart.series) {
    if (!series.label.empty()) legend.push_back(series.label);
  }
  // Both have L1 30.9 TB/s and L2 10 TB/s: one shared line each, named without an accelerator.
  EXPECT_EQ(legend,
            (std::vector<std::string>{"L1  30.9 TB/s", "L2  10 TB/s", "H100 SXM HBM3  3.35 TB/s",
                                      "H200 HBM3e  4.8 TB/s", "theoretical (datasheet)",
                                      "achievable (calibrated)"}));

  struct Ridge {
    std::string label;
    plot::Color color;
  };
  std::vector<Ridge> ridges;
  for (const auto& set : chart.point_sets) {
    for (const auto& marker : set.markers) {
      if (!marker.label.empty()) ridges.push_back({marker.label, set.color});
    }
  }
  // L1: 989.4e12 / 30.9e12 = 32.0 and L2: 989.4e12 / 10e12 = 98.9 on both: one marker each.
  // HBM3: 989.4e12 / 3.35e12 = 295; HBM3e: 989.4e12 / 4.8e12 = 206. Left to right.
  ASSERT_EQ(ridges.size(), 4u);
  EXPECT_EQ(ridges[0].label, "L1 ridge 32 FLOP/B");
  EXPECT_EQ(ridges[1].label, "L2 ridge 98.9 FLOP/B");
  EXPECT_EQ(ridges[2].label, "HBM3e ridge 206 FLOP/B");
  EXPECT_EQ(ridges[3].label, "HBM3 ridge 295 FLOP/B");

  // One hue per accelerator: the off-chip slopes differ, each ridge marker takes its line's hue,
  // and the shared ridges are neither.
  auto series_color = [&](const std::string& label) {
    const auto found = std::find_if(chart.series.begin(), chart.series.end(),
                                    [&](const auto& s) { return s.label == label; });
    return found == chart.series.end() ? plot::Color{1, 2, 3} : found->color;
  };
  const plot::Color h100 = series_color("H100 SXM HBM3  3.35 TB/s");
  const plot::Color h200 = series_color("H200 HBM3e  4.8 TB/s");
  EXPECT_NE(h100, h200);
  EXPECT_EQ(ridges[3].color, h100);
  EXPECT_EQ(ridges[2].color, h200);
  EXPECT_NE(ridges[0].color, h100);
  EXPECT_NE(ridges[0].color, h200);
}

TEST(RooflineChart, LaidOutLabelsDoNotOverlapEachOtherOrTheLegend) {
  const auto chart = roofline_chart(h100_and_h200());
  const plot::ChartFrame frame = plot::chart_frame(chart);
  const Scene scene = plot::layout_chart(chart);
  std::vector<plot::Box> labels;
  for (const auto& item : scene.items) {
    const auto* text = std::get_if<Text>(&item);
    if (text == nullptr) continue;
    const plot::Box box = plot::text_box(*text);
    // Labels inside the plot area (tick and axis labels are outside; legend text is in the legend).
    if (frame.plot_area.contains(box) && !(frame.legend && frame.legend->contains(box))) {
      labels.push_back(box);
    }
  }
  ASSERT_GE(labels.size(), 5u);  // 4 ridge labels + 1 shared roof label
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (frame.legend) {
      EXPECT_EQ(plot::overlap_area(labels[i], *frame.legend), 0) << i;
    }
    for (std::size_t j = i + 1; j < labels.size(); ++j) {
      EXPECT_EQ(plot::overlap_area(labels[i], labels[j]), 0) << i << " vs " << j;
    }
  }
}

TEST(RooflineChart, RejectsNothingToDraw) {
  EXPECT_THROW(roofline_chart({}), ModelError);
  auto no_levels = make_roofline("x", "X", 1000, 0.8, {level("HBM", 10, 0.9)});
  no_levels.levels.clear();
  EXPECT_THROW(roofline_chart({no_levels}), ModelError);
}

}  // namespace
}  // namespace ridgeline::report
