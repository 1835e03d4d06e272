#pragma once
// The System tab: collective bus bandwidth against message size for a chosen system (nccl-tests
// style, log x-axis), from the model's collective sweep (topology::sweep, sweep_chart): the same
// chart `ridgeline collective --sweep --svg` writes.

#include <QWidget>
#include <memory>

#include "ridgeline/hw/library.hpp"

class QComboBox;
class QSpinBox;
class QLabel;
class QPlainTextEdit;

namespace ridgeline::topology {
class SystemLibrary;
}

namespace ridgeline::gui {

class ChartWidget;

class SystemTab : public QWidget {
  Q_OBJECT

 public:
  explicit SystemTab(const hw::SpecLibrary& library, QWidget* parent = nullptr);
  ~SystemTab() override;
  ChartWidget* chart() const { return chart_; }
  const QString& error() const { return error_; }

 private:
  void systemChanged();
  void recompute();

  std::unique_ptr<topology::SystemLibrary> systems_;
  QComboBox* system_ = nullptr;
  QComboBox* op_ = nullptr;
  QSpinBox* ranks_ = nullptr;
  QLabel* status_ = nullptr;
  QPlainTextEdit* text_ = nullptr;
  ChartWidget* chart_ = nullptr;
  QString error_;
  bool syncing_ = false;
};

}  // namespace ridgeline::gui
