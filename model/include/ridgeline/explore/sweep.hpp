#pragma once
// Sweeps: the cartesian product of knob values (explore/knobs.hpp) evaluated on a base design, in
// parallel, with deterministic output; slices of it (shards) for running on a cluster, and the
// merge of shard outputs into exactly what one run prints.
//
// Point order: the first axis varies slowest (point = ((i0 · n1) + i1) · n2 + i2 ...).
// Shard k/N holds the points whose index i satisfies i mod N = k − 1 (strided, so that shards get
// an even mix of cheap and expensive points whatever axis makes a point expensive).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/explore/design.hpp"
#include "ridgeline/explore/knobs.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/plot/chart.hpp"
#include "ridgeline/report/table.hpp"

namespace ridgeline::explore {

// One --set: a knob (or JSON pointer) and the values it takes.
struct SweepAxis {
  std::string knob;
  std::vector<Setting> values;
};

// "KNOB=V1,V2,..." or a range "KNOB=START:STOP:STEP" (STOP included when on the grid; a STEP
// of "x2" multiplies: batch=1:64:x2). Checks the knob and every value's units; throws InputError
// naming the knob (or --set for a malformed assignment).
SweepAxis parse_axis(std::string_view assignment);

struct SweepPlan {
  Design base;
  std::vector<SweepAxis> axes;
  std::string description;  // identifies the sweep in shard outputs ("h200 llama-3-8b decode ...")
};

std::size_t point_count(const SweepPlan& plan);
// The settings of point `index`, one per axis.
std::vector<Setting> point_settings(const SweepPlan& plan, std::size_t index);

struct Shard {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
};
// "k/N" with 1 <= k <= N; throws InputError naming --shard.
Shard parse_shard(std::string_view text);
// The point indices of a shard (i mod N = k − 1), ascending.
std::vector<std::size_t> shard_points(std::size_t total, const Shard& shard);

struct SweepRow {
  std::size_t point = 0;
  std::vector<Setting> settings;               // one per axis
  std::vector<std::optional<double>> metrics;  // one per metric_registry() entry
  std::string bound;                           // dominant resource of the step
  bool fits = false;                           // weights + KV cache + activations fit in memory
};

struct SweepOptions {
  std::size_t threads = 0;  // 0: std::thread::hardware_concurrency()
  // Called on the calling thread about ten times a second with (points done, points in all).
  std::function<void(std::size_t, std::size_t)> progress{};
};

// Evaluates the given points (indices into the plan) in parallel; rows come back in the order of
// `points`. A point that cannot be evaluated (an impossible design) fails the whole sweep: the
// InputError of the lowest such point, naming the point and its settings, is thrown.
std::vector<SweepRow> run_sweep(const SweepPlan& plan, const std::vector<std::size_t>& points,
                                const hw::SpecLibrary& library, const SweepOptions& options = {});

// Outputs. The CSV and JSON of a shard say which shard they hold (a first "# ..." line in CSV, a
// "shard" member in JSON); merge_sweep_outputs checks and drops that, so the merged text equals the
// unsharded output byte for byte.
report::Table sweep_table(const SweepPlan& plan, const std::vector<SweepRow>& rows);
std::string sweep_csv(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                      const std::optional<Shard>& shard = std::nullopt);
std::string sweep_json(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                       const std::optional<Shard>& shard = std::nullopt);

// Joins shard outputs (all CSV or all JSON; pairs of file name and content) into the unsharded
// output. Throws InputError naming the file for a foreign, duplicate, missing or inconsistent
// shard.
std::string merge_sweep_outputs(const std::vector<std::pair<std::string, std::string>>& files);

// `metric` against the numeric knob `x_knob`, one line per value of `line_knob`. Empty names pick
// the first numeric knob with several values for x and the one other knob with several values
// for the lines. Every other axis must hold a single value. Throws InputError naming the flag.
plot::Chart sweep_chart(const SweepPlan& plan, const std::vector<SweepRow>& rows,
                        std::string_view metric, std::string_view x_knob,
                        std::string_view line_knob);

}  // namespace ridgeline::explore
