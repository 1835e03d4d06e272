// Pareto fronts on hand-made point sets whose fronts are read off by eye, and the 2-objective fast
// path against the brute-force definition.

#include "ridgeline/explore/pareto.hpp"

#include <random>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/plot/svg.hpp"

namespace ridgeline::explore {
namespace {

// (time, energy), both minimised:
//   A (1, 9)  front: fastest
//   B (2, 4)  front
//   C (3, 5)  dominated by B (slower and more energy)
//   D (4, 1)  front: least energy
//   E (4, 2)  dominated by D (same time, more energy)
//   F (2, 4)  front: equal to B, neither beats the other
TEST(Pareto, TwoObjectivesMinimised) {
  const std::vector<std::vector<double>> points{{1, 9}, {2, 4}, {3, 5}, {4, 1}, {4, 2}, {2, 4}};
  const auto front = pareto_front(points, {Goal::minimize, Goal::minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false, true, false, true}));
}

// tokens/s maximised, energy/token minimised: the same set with time → 1/time keeps the front.
TEST(Pareto, MaximiseAndMinimise) {
  const std::vector<std::vector<double>> points{{1.0, 9},  {0.5, 4},  {1.0 / 3, 5},
                                                {0.25, 1}, {0.25, 2}, {0.5, 4}};
  const auto front = pareto_front(points, {Goal::maximize, Goal::minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false, true, false, true}));
}

// Three objectives (time, energy, price), all minimised:
//   P (1, 5, 5) front; Q (2, 2, 5) front; R (2, 3, 6) dominated by Q; S (3, 3, 1) front (cheapest);
//   T (3, 3, 2) dominated by S.
TEST(Pareto, ThreeObjectives) {
  const std::vector<std::vector<double>> points{
      {1, 5, 5}, {2, 2, 5}, {2, 3, 6}, {3, 3, 1}, {3, 3, 2}};
  const auto front = pareto_front(points, {Goal::minimize, Goal::minimize, Goal::minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false, true, false}));
}

TEST(Pareto, TwoObjectiveFastPathAgreesWithTheDefinition) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> value(0, 12);  // small range: many ties
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::vector<double>> points(40);
    for (auto& point : points) point = {double(value(random)), double(value(random))};
    const std::vector<Goal> goals{Goal::minimize, Goal::maximize};
    const auto fast = pareto_front(points, goals);
    // Brute force: three objectives where the third is constant takes the O(n²) path.
    std::vector<std::vector<double>> padded = points;
    for (auto& point : padded) point.push_back(0);
    const auto slow = pareto_front(padded, {Goal::minimize, Goal::maximize, Goal::minimize});
    EXPECT_EQ(fast, slow) << "trial " << trial;
  }
}

TEST(Pareto, BadInput) {
  EXPECT_THROW(pareto_front({{1, 2}}, {}), ModelError);
  EXPECT_THROW(pareto_front({{1, 2}, {1}}, {Goal::minimize, Goal::minimize}), ModelError);
  EXPECT_THROW(pareto_front({{1, std::nan("")}}, {Goal::minimize, Goal::minimize}), ModelError);
  EXPECT_TRUE(pareto_front({}, {Goal::minimize}).empty());
}

TEST(Pareto, ChartMarksTheFront) {
  ParetoPlot plot;
  plot.title = "front";
  plot.x.label = "TPOT (s)";
  plot.y.label = "energy per token (J)";
  plot.points = {{1, 9}, {2, 4}, {3, 5}, {4, 1}};
  plot.labels = {"a", "b", "c", "d"};
  plot.front = pareto_front({{1, 9}, {2, 4}, {3, 5}, {4, 1}}, {Goal::minimize, Goal::minimize});
  const auto chart = pareto_chart(plot);
  ASSERT_EQ(chart.point_sets.size(), 2U);
  EXPECT_EQ(chart.point_sets[0].markers.size(), 1U);  // c, dominated
  EXPECT_EQ(chart.point_sets[1].markers.size(), 3U);  // a, b, d
  ASSERT_EQ(chart.series.size(), 1U);
  // The front line runs in x order: (1, 9), (2, 4), (4, 1).
  ASSERT_EQ(chart.series[0].points.size(), 3U);
  EXPECT_EQ(chart.series[0].points[2].x, 4);
  const std::string svg = plot::render_svg(plot::layout_chart(chart));
  EXPECT_NE(svg.find("Pareto front"), std::string::npos);
}

}  // namespace
}  // namespace ridgeline::explore
