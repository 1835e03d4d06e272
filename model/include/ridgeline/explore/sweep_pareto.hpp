#pragma once
// `sweep --pareto OBJ,OBJ[,...]`: the non-dominated rows of a sweep under metrics of the metric
// registry, and the chart of the front (explore/pareto.hpp does the geometry).

#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/explore/pareto.hpp"
#include "ridgeline/explore/sweep.hpp"

namespace ridgeline::explore {

struct ParetoObjective {
  std::size_t metric = 0;  // index into metric_registry()
  Goal goal = Goal::minimize;
};

// "time,energy": aliases time = step_time, energy = energy_per_token, cost = price; any other
// metric by its registry name (tokens_per_s, tpot, ...). The direction is the metric's (higher is
// better → maximise). At least two objectives; throws InputError (where: --pareto) naming an
// unknown one.
std::vector<ParetoObjective> parse_pareto_objectives(std::string_view text);

// Per row: on the front or not. Throws InputError (where: --pareto) when an objective is unknown
// for a row (a spec without energy figures or price): a missing value is never taken as 0.
std::vector<bool> sweep_pareto_front(const std::vector<SweepRow>& rows,
                                     const std::vector<ParetoObjective>& objectives);

// The first two objectives as x and y, every row a point, front rows labelled with their settings.
plot::Chart sweep_pareto_chart(const std::vector<SweepRow>& rows,
                               const std::vector<ParetoObjective>& objectives,
                               const std::vector<bool>& front);

}  // namespace ridgeline::explore
