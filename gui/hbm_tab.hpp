#pragma once
// The HBM tab: runs the trace-driven HBM timing model (memsim) on a chosen device and access
// patterns in a worker thread, with progress and cancel, and shows achieved bandwidth per pattern
// against the peak, row-hit rates and per-channel utilisation.

#include <QWidget>

#include "ridgeline/hw/library.hpp"

namespace ridgeline::gui {

class HbmTab : public QWidget {
  Q_OBJECT

 public:
  explicit HbmTab(const hw::SpecLibrary& library, QWidget* parent = nullptr);

 private:
  const hw::SpecLibrary& library_;
};

}  // namespace ridgeline::gui
