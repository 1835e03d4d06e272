#pragma once
// The design-knob API the knob panel is built on: the one knob registry of explore/knobs.hpp,
// which the CLI's --set uses too. The panel only touches names below, so it follows the registry
// (new knobs appear as new rows) without changes of its own.
//
// STAND-IN: explore/knobs.hpp is not on main yet. Until it is, knobs_standin.cpp implements the
// same signatures for the knobs the issue names; when it lands, replace the block below with
//   namespace knobs = ridgeline::explore;
// and delete knobs_standin.cpp.

#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/model_config.hpp"
#include "ridgeline/workload/workload.hpp"

namespace ridgeline::gui::knobs {

enum class KnobTarget { hardware, workload };

struct Knob {
  std::string name;
  std::string description;
  KnobTarget target;
  bool integer;
  bool numeric;
  bool relative;
};

struct Design {
  hw::Accelerator accelerator;
  workload::ModelConfig model;
  workload::WorkloadSpec workload;
};

const std::vector<Knob>& knob_registry();
double knob_value(const Design& design, std::string_view name);
// Throws InputError (where: the knob's name) for an impossible design.
void set_knob(Design& design, std::string_view name, double value);
std::string knob_text(const Design& design, std::string_view name);

}  // namespace ridgeline::gui::knobs
