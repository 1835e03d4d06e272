#pragma once
// The HBM tab: runs the trace-driven HBM timing model (memsim::simulate) on a chosen device for
// each chosen synthetic access pattern, in a worker thread with a progress bar and cancel, and
// shows achieved bandwidth per pattern against the peak, row-hit rates and per-channel
// utilisation. Every number is memsim's Result.

#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>
#include <vector>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/memsim/memsim.hpp"

class QComboBox;
class QSpinBox;
class QProgressBar;
class QPushButton;
class QLabel;
class QListWidget;
class QTableWidget;

namespace ridgeline::gui {

class BandwidthBars;

struct PatternRun {
  std::string pattern;
  memsim::Result result;
};

class HbmTab : public QWidget {
  Q_OBJECT

 public:
  explicit HbmTab(const hw::SpecLibrary& library, QWidget* parent = nullptr);
  ~HbmTab() override;

  void run();
  void cancel();
  bool running() const;
  // Blocks (processing events) until the current run ends.
  void waitForFinished();
  const std::vector<PatternRun>& results() const { return results_; }
  const QString& error() const { return error_; }

 signals:
  void finished();

 private:
  void onFinished();
  void showResults();

  const hw::SpecLibrary& library_;
  QComboBox* device_ = nullptr;
  QSpinBox* stacks_ = nullptr;
  QSpinBox* requests_ = nullptr;
  QListWidget* patterns_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  BandwidthBars* bars_ = nullptr;
  BandwidthBars* channels_ = nullptr;
  QTableWidget* table_ = nullptr;
  QFutureWatcher<void>* watcher_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::shared_ptr<std::atomic<int>> progress_permille_;
  std::shared_ptr<std::vector<PatternRun>> pending_;
  std::shared_ptr<QString> pending_error_;
  std::vector<PatternRun> results_;
  QString error_;
};

// Horizontal bars with a value label each and a dashed reference line (the peak).
class BandwidthBars : public QWidget {
  Q_OBJECT

 public:
  struct Bar {
    QString label;
    double value = 0;
    QString text;
  };
  explicit BandwidthBars(QWidget* parent = nullptr);
  void setBars(QString title, std::vector<Bar> bars, double reference, QString reference_text,
               QColor color);
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString title_;
  std::vector<Bar> bars_;
  double reference_ = 0;
  QString reference_text_;
  QColor color_;
};

}  // namespace ridgeline::gui
