// `sweep --pareto`: objectives by alias or metric name, the front of hand-made rows, and the CLI
// marking the non-dominated rows of a real sweep.

#include "ridgeline/explore/sweep_pareto.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/metrics.hpp"
#include "run_cli.hpp"

namespace ridgeline::explore {
namespace {

std::size_t index_of(const std::string& name) {
  return static_cast<std::size_t>(&find_metric(name) - metric_registry().data());
}

SweepRow row(std::size_t point, double step_time, std::optional<double> energy) {
  SweepRow result;
  result.point = point;
  result.metrics.assign(metric_registry().size(), std::nullopt);
  result.metrics[index_of("step_time")] = step_time;
  result.metrics[index_of("energy_per_token")] = energy;
  return result;
}

TEST(SweepPareto, ObjectivesByAliasAndName) {
  const auto objectives = parse_pareto_objectives("time,energy,tokens_per_s");
  ASSERT_EQ(objectives.size(), 3U);
  EXPECT_EQ(objectives[0].metric, index_of("step_time"));
  EXPECT_EQ(objectives[0].goal, Goal::minimize);
  EXPECT_EQ(objectives[1].metric, index_of("energy_per_token"));
  EXPECT_EQ(objectives[2].goal, Goal::maximize);  // higher tokens/s is better
  EXPECT_EQ(parse_pareto_objectives("time,cost")[1].metric, index_of("price"));
  EXPECT_THROW(parse_pareto_objectives("time"), InputError);
  EXPECT_THROW(parse_pareto_objectives("time,joules"), InputError);
}

TEST(SweepPareto, FrontOfHandMadeRows) {
  // (time, energy): (1, 5) front, (2, 3) front, (3, 4) dominated by (2, 3).
  const std::vector<SweepRow> rows{row(0, 1, 5), row(1, 2, 3), row(2, 3, 4)};
  EXPECT_EQ(sweep_pareto_front(rows, parse_pareto_objectives("time,energy")),
            (std::vector<bool>{true, true, false}));
  // An unknown energy is an error, never 0.
  EXPECT_THROW(
      sweep_pareto_front({row(0, 1, std::nullopt)}, parse_pareto_objectives("time,energy")),
      InputError);
}

TEST(SweepPareto, CliMarksTheFasterPinRate) {
  // A faster pin rate moves the same bytes in a shorter step: less time and less static energy
  // per token, so 9.6 Gb/s dominates 6.4 Gb/s.
  const auto run = testing::run_cli(
      "sweep --hw h200 --model llama-3-8b --context 4096 "
      "--set hbm.pin_rate=6.4Gb/s,9.6Gb/s --pareto time,energy --csv");
  ASSERT_EQ(run.code, 0) << run.err;
  const auto first_newline = run.out.find('\n');
  EXPECT_EQ(run.out.substr(first_newline - 7, 7), ",pareto") << run.out;
  const auto second = run.out.find('\n', first_newline + 1);
  const std::string row_64 = run.out.substr(first_newline + 1, second - first_newline - 1);
  const std::string row_96 =
      run.out.substr(second + 1, run.out.find('\n', second + 1) - second - 1);
  EXPECT_EQ(row_64.substr(row_64.size() - 3), ",no") << row_64;
  EXPECT_EQ(row_96.substr(row_96.size() - 4), ",yes") << row_96;
  // Bad objective names the flag.
  const auto bad = testing::run_cli(
      "sweep --hw h200 --model llama-3-8b --context 4096 --set hbm.stacks=6,8 --pareto time,joy");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--pareto"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ridgeline::explore
