#pragma once
// The Trace tab: a real run's kernels (a PyTorch profiler trace, or Ridgeline's own operator
// trace) priced by the model on the accelerator they ran on, as `ridgeline trace` does: the
// summary (kernel time, GPU busy / span, idle, coverage, the model's time, the projection onto a
// second accelerator), the readings, the operator groups in a sortable table and the kernels on a
// timeline. Every number is trace::analyze_trace's; this class reads the file, keeps the settings
// and shows the result.

#include <QWidget>
#include <memory>
#include <string>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/trace/trace_analysis.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace ridgeline::gui {

class TimelineWidget;
class TraceGroupTableModel;

class TraceTab : public QWidget {
  Q_OBJECT

 public:
  // `interactive` false: errors are not shown as dialogs but kept in error() (tests, screenshots).
  explicit TraceTab(const hw::SpecLibrary& library, bool interactive = true,
                    QWidget* parent = nullptr);
  ~TraceTab() override;

  // Reads and analyses a trace with the current settings; on an error (unreadable or malformed
  // file, an accelerator that cannot price a call) shows it and keeps the previous state.
  bool openTrace(const QString& path);
  // The accelerator the trace ran on, and the one to project it onto (empty: none): ids of the
  // library or spec file paths. With a trace open, re-analyses; on an error keeps the previous.
  bool setAccelerator(const QString& id);
  bool setTarget(const QString& id);
  // The main window's accelerator and compare accelerator: the tab's defaults, followed until a
  // trace is open or the user picks in the tab.
  void followMainWindow(const std::string& hw, const std::string& hw2);

  bool hasTrace() const { return analysis_ != nullptr; }
  // The analysis shown; null before a trace is open.
  const trace::TraceAnalysis* analysis() const { return analysis_.get(); }
  const QString& path() const { return path_; }
  QString acceleratorId() const;
  QString targetId() const;
  const QString& error() const { return error_; }
  QTableView* table() const { return table_; }
  TimelineWidget* timeline() const { return timeline_; }
  QString summaryText() const;
  QString findingsText() const;

 signals:
  void analysed();

 private:
  struct Settings {
    std::string hw = "h100-sxm";
    std::string target;  // empty: none
    std::string cache = "cold";
    std::string timing = "profiler";
  };
  void openDialog();
  // Analyses `run` with `settings`; on success shows it and keeps both, on an error shows it
  // (`title`) and keeps the previous state.
  bool apply(std::shared_ptr<const trace::OperatorTrace> run, const Settings& settings,
             const QString& title);
  void settingsChanged();
  void syncControls();
  void showResults();
  void selectGroup(std::size_t group);
  void showError(const QString& title, const QString& message);

  const hw::SpecLibrary& library_;
  bool interactive_ = true;
  Settings settings_;
  bool hw_chosen_ = false;
  bool target_chosen_ = false;
  bool syncing_ = false;
  std::shared_ptr<const trace::OperatorTrace> run_;
  std::shared_ptr<const trace::TraceAnalysis> analysis_;
  std::vector<std::string> level_names_;
  QString path_;
  QString error_;

  QPushButton* open_ = nullptr;
  QLabel* file_ = nullptr;
  QComboBox* hw_box_ = nullptr;
  QComboBox* target_box_ = nullptr;
  QComboBox* cache_box_ = nullptr;
  QComboBox* timing_box_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* findings_ = nullptr;
  QLabel* status_ = nullptr;
  TimelineWidget* timeline_ = nullptr;
  TraceGroupTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QLineEdit* filter_ = nullptr;
};

}  // namespace ridgeline::gui
