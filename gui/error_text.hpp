#pragma once
// What an exception says, for a dialog or a status line: every problem of an InputError on its own
// line (file, JSON pointer, what was expected), anything else as its what().

#include <QString>
#include <QStringList>
#include <exception>

#include "ridgeline/base/error.hpp"

namespace ridgeline::gui {

inline QString error_text(const std::exception& error) {
  if (const auto* input = dynamic_cast<const InputError*>(&error)) {
    QStringList lines;
    for (const auto& problem : input->problems())
      lines << QString::fromStdString(problem.to_string());
    return lines.join("\n");
  }
  return QString::fromUtf8(error.what());
}

}  // namespace ridgeline::gui
