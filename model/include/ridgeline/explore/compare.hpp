#pragma once
// Designs side by side (`ridgeline compare`, the GUI's compare mode): the totals, the per-operator
// times with their change against the first design, which operators changed bound, and one
// sentence per operator group saying why, from the model's own numbers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/report/table.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::explore {

// One design of a comparison: its label as the user wrote it, the accelerator it ran on and the
// analysis of the workload on it.
struct ComparedDesign {
  std::string label;
  hw::Accelerator accelerator;
  workload::Analysis analysis;
};

// One operator across the designs, matched by name. A design without the operator has no entry
// (time nullopt).
struct OperatorRow {
  std::string name;
  std::string group;
  std::vector<std::optional<double>> time;  // s per step, per design
  std::vector<std::string> bound;           // per design ("" where absent)
  bool bound_changed = false;               // against the first design
};

// One operator group across the designs: time per step, the bound that holds most of its time,
// and for each design after the first a sentence on why its time changed.
struct GroupRow {
  std::string group;
  std::vector<double> time;           // s per step, per design
  std::vector<double> overhead_time;  // s per step of fixed kernel cost, per design
  std::vector<std::string> bound;     // dominant bound, per design
  std::vector<std::string> why;       // per design after the first (why[0] is design 1 vs 0)
};

struct Comparison {
  std::vector<std::string> labels;
  std::vector<OperatorRow> operators;
  std::vector<GroupRow> groups;
};

// A design as written on the command line: "ID|PATH[:SETTING[,SETTING...]]", a spec and the knob
// settings of a variant ("h200:hbm.stacks=8,hbm.pin_rate=9.6Gb/s"). The first ':' ends the spec,
// so a spec path must not hold one. Throws InputError naming the argument for an empty spec or an
// empty setting.
struct DesignArgument {
  std::string hw;
  std::vector<std::string> settings;
};
DesignArgument parse_design_argument(std::string_view text);

// Needs at least two designs; throws ModelError otherwise.
Comparison compare_designs(const std::vector<ComparedDesign>& designs);

// Output (docs/cli.md, `compare`): the totals table (one column per design and a ratio column per
// design after the first), the per-operator table, the sentences, the JSON record and the CSV.
report::Table compare_totals_table(const std::vector<ComparedDesign>& designs);
report::Table compare_operators_table(const std::vector<ComparedDesign>& designs,
                                      const Comparison& comparison);
std::string compare_text(const std::vector<ComparedDesign>& designs, const Comparison& comparison);
nlohmann::json compare_json(const std::vector<ComparedDesign>& designs,
                            const Comparison& comparison);
report::Table compare_csv(const std::vector<ComparedDesign>& designs, const Comparison& comparison);

}  // namespace ridgeline::explore
