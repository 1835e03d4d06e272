#pragma once
// The one registry of design knobs: named changes to a design that the CLI (`sweep --set`,
// `sensitivity`) and the GUI's what-if sliders share. A knob change goes through the same checks
// as a spec file (hw::check_accelerator, workload::check_spec), and derived quantities follow:
// more HBM stacks bring more capacity and bandwidth, a faster pin rate more bandwidth.
//
// Usage: keep the base design, copy it, and apply settings to the copy —
//   Design point = base;
//   apply_settings(point, {"hbm.stacks=8", "hbm.pin_rate=9.6Gb/s"}, library);
// A relative knob (compute.scale) multiplies what the design has, so it is meant for a copy of the
// base design; its knob_value is always 1.

#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/base/units.hpp"
#include "ridgeline/explore/design.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::explore {

enum class KnobTarget { hardware, workload };

struct Knob {
  std::string name;         // "hbm.stacks"
  std::string description;  // one line: help text and GUI tooltip
  KnobTarget target;
  Dimension dimension;  // how values are parsed and shown (base/units.hpp); count: plain numbers
  bool integer;         // stacks, units, batch...: only whole values
  bool numeric;         // false for hbm.device, weights and kv (values are names)
  bool relative;        // the value is a factor on the design as it is (compute.scale)
};

// Every knob, in display order. Settings of several knobs apply in this order (a device swap
// before the stack count, the stack count before an explicit capacity), whatever order the user
// gave them in.
const std::vector<Knob>& knob_registry();
// Throws InputError naming the knob and listing the known ones.
const Knob& find_knob(std::string_view name);

// Numeric knobs: the current value in SI (relative knobs: 1), and setting one. Derived quantities
// follow and the design is re-checked; an impossible design (0 stacks, a pin rate over the
// device's rating, a batch of 0...) throws InputError whose `where` is the knob's name. Non-numeric
// knobs throw InputError here: set them with apply_setting.
double knob_value(const Design& design, std::string_view name);
void set_knob(Design& design, std::string_view name, double si_value);

// "NAME=VALUE" with the value as text with its units ("hbm.pin_rate=9.6Gb/s", "hbm.device=
// hbm3e-12hi", "weights=int4", "batch=64"), or "/json/pointer=VALUE" for any field of the
// accelerator's spec file ("/memory/0/bandwidth=40TB/s"). A pointer setting re-reads the spec file,
// patches the field (its "value" where the field is a sourced value) and loads it again through
// the spec loader, replacing the accelerator: apply pointer settings before knob settings, as
// apply_settings does. The library resolves device ids. Throws InputError naming the knob/pointer.
void apply_setting(Design& design, std::string_view assignment, const hw::SpecLibrary& library);
// Several settings at once: JSON-pointer settings first (one reload of the spec file), then knob
// settings in registry order.
void apply_settings(Design& design, const std::vector<std::string>& assignments,
                    const hw::SpecLibrary& library);

// The current value in human units ("9.6 Gb/s", "8", "hbm3e-12hi", "int4").
std::string knob_text(const Design& design, std::string_view name);

// Splits "NAME=VALUE" at the first '='; throws InputError (where: `flag`) when there is none.
struct Assignment {
  std::string name;
  std::string value;
};
Assignment split_assignment(std::string_view assignment, std::string_view flag = "--set");
// A setting parsed and checked for its units, ready to apply to many designs (a sweep).
struct Setting {
  std::string name;     // knob name or JSON pointer
  std::string text;     // the value as given
  double si_value = 0;  // numeric knobs: the value in SI
};
// Parses "NAME=VALUE": unknown knob, wrong unit, fraction for an integer knob throw InputError
// naming the knob. Pointer settings are not checked until applied.
Setting parse_setting(std::string_view assignment);
// Applies parsed settings: pointer settings first, then knobs in registry order.
void apply_parsed_settings(Design& design, const std::vector<Setting>& settings,
                           const hw::SpecLibrary& library);
// The value as a table shows it: human units for numeric knobs, else the text.
std::string setting_text(const Setting& setting);

// Parses a numeric knob's value text into SI (InputError naming the knob for a wrong unit, a
// fraction for an integer knob, zero or a negative value).
double parse_knob_value(const Knob& knob, std::string_view text);
bool is_pointer_setting(std::string_view name);

}  // namespace ridgeline::explore
