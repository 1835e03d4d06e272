// STAND-IN for explore/knobs.hpp until it is on main (see knobs_adapter.hpp): the knobs the issue
// names, through the model's own functions (hw::stack_bandwidth, report::scaled_design,
// hw::check_accelerator, workload::check_spec). Delete when the registry lands.

#include <algorithm>
#include <cmath>

#include "knobs_adapter.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/hw/loader.hpp"
#include "ridgeline/report/explain.hpp"

namespace ridgeline::gui::knobs {

namespace {

hw::MemoryLevel& off_chip(Design& design) {
  auto& level = design.accelerator.memory.back();
  if (!level.off_chip) throw InputError("", "hbm", "the accelerator has no off-chip memory device");
  return level;
}

hw::MemoryLevel* l2(Design& design) {
  for (auto& level : design.accelerator.memory) {
    if (level.name.find("L2") != std::string::npos) return &level;
  }
  return nullptr;
}

void recheck(Design& design, std::string_view name) {
  try {
    hw::check_accelerator(design.accelerator);
    workload::check_spec(design.model, design.workload);
  } catch (const InputError& error) {
    throw InputError("", std::string(name), error.what());
  }
}

}  // namespace

const std::vector<Knob>& knob_registry() {
  static const std::vector<Knob> registry{
      {"hbm.stacks", "HBM stacks (capacity and bandwidth follow)", KnobTarget::hardware, true, true,
       false},
      {"hbm.pin_rate", "HBM pin rate (bandwidth follows)", KnobTarget::hardware, false, true,
       false},
      {"compute.scale", "Factor on every compute peak", KnobTarget::hardware, false, true, true},
      {"l2.capacity", "L2 cache capacity", KnobTarget::hardware, false, true, false},
      {"batch", "Sequences per step", KnobTarget::workload, true, true, false},
      {"context", "Tokens in the KV cache (decode)", KnobTarget::workload, true, true, false},
  };
  return registry;
}

double knob_value(const Design& design, std::string_view name) {
  auto& d = const_cast<Design&>(design);
  if (name == "hbm.stacks") return static_cast<double>(off_chip(d).off_chip->stacks.value);
  if (name == "hbm.pin_rate") return off_chip(d).off_chip->pin_rate.value;
  if (name == "compute.scale") return 1;
  if (name == "l2.capacity") {
    const auto* level = l2(d);
    return level ? level->capacity.value : 0.0;
  }
  if (name == "batch") return static_cast<double>(design.workload.batch);
  if (name == "context") return static_cast<double>(design.workload.context);
  throw InputError("", std::string(name), "unknown knob");
}

void set_knob(Design& design, std::string_view name, double value) {
  const std::string knob(name);
  if (!(value > 0) || !std::isfinite(value))
    throw InputError("", knob, "expected a positive value");
  if (name == "hbm.stacks") {
    auto& level = off_chip(design);
    const double ratio = value / static_cast<double>(level.off_chip->stacks.value);
    level.off_chip->stacks.value = static_cast<std::int64_t>(std::llround(value));
    level.bandwidth.value *= ratio;
    level.capacity.value *= ratio;
  } else if (name == "hbm.pin_rate") {
    auto& level = off_chip(design);
    if (value > level.off_chip->device.pin_rate.value * 1.0001) {
      throw InputError(
          "", knob,
          "pin rate above the device's rating of " +
              format_quantity(level.off_chip->device.pin_rate.value, Dimension::bit_rate));
    }
    level.bandwidth.value *= value / level.off_chip->pin_rate.value;
    level.off_chip->pin_rate.value = value;
  } else if (name == "compute.scale") {
    design.accelerator = report::scaled_design(design.accelerator, value, 1.0);
  } else if (name == "l2.capacity") {
    auto* level = l2(design);
    if (!level) throw InputError("", knob, "the accelerator has no L2 level");
    level->capacity.value = value;
  } else if (name == "batch") {
    design.workload.batch = static_cast<std::int64_t>(std::llround(value));
  } else if (name == "context") {
    design.workload.context = static_cast<std::int64_t>(std::llround(value));
  } else {
    throw InputError("", knob, "unknown knob");
  }
  recheck(design, name);
}

std::string knob_text(const Design& design, std::string_view name) {
  const double value = knob_value(design, name);
  if (name == "hbm.pin_rate") return format_quantity(value, Dimension::bit_rate);
  if (name == "l2.capacity") return format_quantity(value, Dimension::bytes);
  return format_number(value, 6);
}

}  // namespace ridgeline::gui::knobs
