#pragma once
// What the front ends show of collectives and systems: nccl-tests-like sweep tables, the JSON
// contract of `ridgeline collective` / `ridgeline system` (docs/cli.md), and the busbw-vs-size
// chart (a plot::Chart, rendered by plot/svg.hpp or painted by the GUI).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/plot/chart.hpp"
#include "ridgeline/report/table.hpp"
#include "ridgeline/topology/collective.hpp"

namespace ridgeline::topology {

// Parses a message size: a quantity with a byte unit ("8GiB", "32 KiB", "8B") or a plain number
// of bytes ("1048576"). Throws InputError naming `what` (e.g. "--bytes") for zero, negative,
// unitless non-integers and unknown units.
double parse_message_size(const std::string& text, const std::string& what);

// nccl-tests' sizes: min, 2·min, 4·min, ... up to max (inclusive). "MIN:MAX" text form.
std::vector<double> sweep_sizes(double min_bytes, double max_bytes);
std::vector<double> parse_sweep(const std::string& text);

struct SweepPoint {
  CollectiveCost chosen;
  std::vector<CollectiveCost> candidates;  // every applicable algorithm (for the chart)
};

std::vector<SweepPoint> sweep(const CollectiveModel& model, CollectiveOp op, const Group& group,
                              const std::vector<double>& sizes, std::string_view algorithm,
                              bool with_candidates);

nlohmann::json cost_json(const CollectiveCost& cost);
report::Table sweep_table(const std::vector<SweepPoint>& points);  // people
report::Table sweep_csv(const std::vector<SweepPoint>& points);    // machines (SI)

// busbw (GB/s) against message size (log axis): one dashed line per algorithm, the chosen one
// solid, the algorithm switches annotated.
plot::Chart sweep_chart(const System& system, CollectiveOp op, std::size_t ranks,
                        const std::vector<SweepPoint>& points);

// `ridgeline system show --json`: nodes, links, domains, bisection, library.
nlohmann::json system_json(const System& system, const Topology& topology);
// Human summary of a system (system show).
std::string system_text(const System& system, const Topology& topology);

}  // namespace ridgeline::topology
