#pragma once
// The figures of merit a sweep reports and a sensitivity analysis differentiates, one registry so
// that a new metric (energy per token, ...) is one entry here and shows up in `sweep` columns and
// `sensitivity --metric` alike.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/base/units.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::explore {

struct Metric {
  std::string name;         // "tokens_per_s": the CSV/JSON column and the --metric value
  std::string description;  // one line, for help text
  Dimension dimension;      // how the table shows it; count for plain numbers and fractions
  std::string unit;         // SI unit of the CSV column ("s", "tokens/s", "" for fractions)
  bool higher_is_better;
  // The value for one analysis; nullopt where the metric does not apply (TTFT of a decode step).
  std::optional<double> (*value)(const workload::Analysis& analysis);
};

// In column order: step_time, tokens_per_s, ttft, tpot, mfu, mbu, memory.
const std::vector<Metric>& metric_registry();
// Throws InputError (where: `flag`) listing the known metrics.
const Metric& find_metric(std::string_view name, std::string_view flag = "--metric");

// The resource with the largest share of the step time (Analysis::bound_share): "compute", a memory
// level's name, or "overhead".
std::string dominant_bound(const workload::Analysis& analysis);

}  // namespace ridgeline::explore
