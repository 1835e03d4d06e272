#pragma once
// The design-knob API the knob panel is built on: the one knob registry of explore/knobs.hpp, which
// the CLI's `--set` uses too. The panel only uses knob_registry, knob_value, set_knob and
// knob_text, so new knobs of the registry appear as new rows without changes here.

#include "ridgeline/explore/knobs.hpp"

namespace ridgeline::gui {

namespace knobs = ridgeline::explore;

}  // namespace ridgeline::gui
