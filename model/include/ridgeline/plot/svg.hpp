#pragma once
// Renders a laid-out Scene as a standalone SVG 1.1 document. Pure painting: every position comes
// from the scene; nothing is laid out here.

#include <string>
#include <string_view>

#include "ridgeline/plot/scene.hpp"

namespace ridgeline::plot {

// A complete "<svg ...>...</svg>" document: white background, sans-serif text, coordinates with
// at most two decimals.
std::string render_svg(const Scene& scene);

// Escapes the five XML special characters (& < > " ') for text content and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace ridgeline::plot
