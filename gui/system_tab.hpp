#pragma once
// The System tab: collective bus bandwidth against message size for a chosen system (nccl-tests
// style, log x-axis), from the model's collective sweep (topology::sweep, sweep_chart): the same
// chart `ridgeline collective --sweep --svg` writes.

#include <QWidget>
#include <memory>
#include <optional>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/model_config.hpp"
#include "ridgeline/workload/workload.hpp"

class QComboBox;
class QSpinBox;
class QLabel;
class QPlainTextEdit;

namespace ridgeline::topology {
class SystemLibrary;
}

namespace ridgeline::gui {

class ChartWidget;
class SegmentBar;

class SystemTab : public QWidget {
  Q_OBJECT

 public:
  explicit SystemTab(const hw::SpecLibrary& library, QWidget* parent = nullptr);
  ~SystemTab() override;
  ChartWidget* chart() const { return chart_; }
  const QString& error() const { return error_; }
  // The workload of the main window: its step is also analysed tensor-parallel over the chosen
  // ranks (workload::analyze on the system), to show where that step spends its time.
  void setWorkload(const workload::ModelConfig& model, const workload::WorkloadSpec& spec);
  const QString& parallelText() const { return parallel_text_; }

 private:
  void systemChanged();
  void recompute();
  void recomputeParallel();

  std::unique_ptr<topology::SystemLibrary> systems_;
  QComboBox* system_ = nullptr;
  QComboBox* op_ = nullptr;
  QSpinBox* ranks_ = nullptr;
  QLabel* status_ = nullptr;
  QPlainTextEdit* text_ = nullptr;
  ChartWidget* chart_ = nullptr;
  SegmentBar* parallel_ = nullptr;
  std::optional<workload::ModelConfig> model_;
  workload::WorkloadSpec spec_{};
  QString parallel_text_;
  QString error_;
  bool syncing_ = false;
};

}  // namespace ridgeline::gui
