#pragma once
// The model's text in Qt strings: std::string → QString, and a time in the model's units.

#include <QString>
#include <string>

#include "ridgeline/base/units.hpp"

namespace ridgeline::gui {

inline QString q(const std::string& text) {
  return QString::fromStdString(text);
}

inline QString time_text(double seconds) {
  return q(format_quantity(seconds, Dimension::time));
}

}  // namespace ridgeline::gui
