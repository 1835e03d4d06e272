#pragma once
// The roofline chart of one or more accelerators / precisions, as a data-space plot::Chart: the
// CLI renders it to SVG, the GUI paints the same layout and adds operators as point sets.

#include <vector>

#include "ridgeline/plot/chart.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace ridgeline::report {

// Log-log: x = arithmetic intensity (FLOP/byte), y = attainable performance (FLOP/s). For each
// roofline and memory level a ceiling min(P, I × B): theoretical solid, achievable (calibrated
// efficiencies) dashed; one Okabe–Ito hue per accelerator (per dtype when one accelerator is
// shown at several), lighter for inner levels; ridge points marked and labelled; compute roofs
// labelled with their peak. Throws ModelError for an empty list or a roofline without levels.
plot::Chart roofline_chart(const std::vector<roofline::Roofline>& rooflines);

}  // namespace ridgeline::report
