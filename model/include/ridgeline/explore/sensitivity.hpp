#pragma once
// Sensitivity of a metric to every numeric knob: the elasticity d ln(metric) / d ln(knob), i.e. the
// percent change of the metric per percent change of the knob, by central differences on the model
// itself (docs/model.md, "Elasticities"), ranked, each with the bound that explains it.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/explore/design.hpp"
#include "ridgeline/plot/chart.hpp"

namespace ridgeline::explore {

struct Elasticity {
  std::string knob;
  double base = 0;  // knob value of the design, SI (relative knobs: 1)
  double low = 0;   // knob values the difference used
  double high = 0;
  double metric_low = 0;  // metric at low and high
  double metric_high = 0;
  double elasticity = 0;    // (ln metric_high − ln metric_low) / (ln high − ln low)
  bool one_sided = false;   // one side was impossible (e.g. over the device's rating): base used
  std::string explanation;  // one sentence: how much, and the bound that explains it
};

struct Sensitivity {
  std::string metric;
  double base_metric = 0;
  std::map<std::string, double> bound_share;  // of the base design, resource → share of the step
  std::vector<Elasticity> knobs;              // ranked by |elasticity|, largest first
  std::vector<std::string> skipped;           // "knob: why" for knobs that do not apply
};

// Relative step `step` (0.01: ±1 %) for continuous knobs; whole-number knobs move by
// ±max(1, round(step × value)), one-sided where the lower value is impossible (batch 1). Knobs that
// do not apply to the design (no L2, no links) are listed in `skipped`. Throws InputError naming
// --metric for an unknown metric or one that does not apply (TTFT of a decode step).
Sensitivity sensitivity(const Design& design, std::string_view metric, double step = 0.01);

std::string sensitivity_text(const Sensitivity& result);
std::string sensitivity_json(const Sensitivity& result);
// A tornado chart: one horizontal bar per knob, length = elasticity, largest at the top.
plot::Chart sensitivity_chart(const Sensitivity& result, std::string_view title);

}  // namespace ridgeline::explore
