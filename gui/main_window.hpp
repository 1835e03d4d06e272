#pragma once
// The main window: hardware and workload panels and the design knobs on the left; tabs for the
// roofline (chart, summary, operator table, explain text), the HBM timing model, the system
// view and a profiler trace against the model. All numbers come from model/ (workload::analyze,
// report::*); this class only keeps the current inputs, re-evaluates on every change and shows the
// result.

#include <QMainWindow>
#include <QString>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "knobs_adapter.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/analysis.hpp"

class QComboBox;
class QSpinBox;
class QLabel;
class QTableView;
class QPlainTextEdit;
class QLineEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QFormLayout;
class QVBoxLayout;

namespace ridgeline::gui {

class ChartWidget;
class SummaryWidget;
class OperatorTableModel;
class KnobPanel;
class HbmTab;
class SystemTab;
class TraceTab;

// What the panels say: the same inputs `ridgeline analyze` takes.
struct Inputs {
  std::string hw = "h100-sxm";
  std::string hw2;  // compare accelerator; empty: none
  std::string model = "llama-3-70b";
  workload::WorkloadSpec spec{};
  Inputs() {
    spec.batch = 16;
    spec.context = 4096;
    spec.prompt = 2048;
  }
};

// One evaluation of the inputs (and the knob settings applied to them).
struct Evaluation {
  knobs::Design original;
  knobs::Design design;  // original with the knob settings applied
  bool modified = false;
  workload::Workload workload;
  workload::Analysis analysis;
  std::optional<workload::Analysis> original_analysis;  // when modified
  std::optional<hw::Accelerator> compare;
  std::optional<workload::Analysis> compare_analysis;
};

// Loads and analyses; throws InputError / ModelError. `settings` are knob name → SI value.
Evaluation evaluate(const Inputs& inputs, const std::map<std::string, double>& settings,
                    const hw::SpecLibrary& library);

// The equivalent `ridgeline analyze ...` command line. With knob settings, the workload knobs
// (batch, context, prompt) are folded into the flags; hardware knobs, which `analyze` does not
// take, follow as a shell comment in `--set NAME=VALUE` form (docs/cli.md, design knobs).
std::string cli_command(const Inputs& inputs);
std::string cli_command(const Inputs& inputs, const Evaluation& evaluation,
                        const std::map<std::string, double>& settings);

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // `interactive` false: errors are not shown as dialogs but kept in lastError() (tests,
  // screenshots).
  explicit MainWindow(Inputs inputs = {}, bool interactive = true, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Replaces the inputs and re-evaluates; on an error keeps the previous state and returns false.
  bool setInputs(const Inputs& inputs);
  bool setKnob(const std::string& name, double value);
  void resetKnobs();
  // Opens an accelerator spec file as the analysed accelerator (error dialog on a bad file).
  bool openSpecFile(const QString& path);
  bool openModelFile(const QString& path);
  void selectOperator(int op_index);
  bool selectTab(const QString& name);

  const Inputs& inputs() const { return inputs_; }
  const Evaluation& evaluation() const { return *evaluation_; }
  const QString& lastError() const { return last_error_; }
  double lastUpdateMs() const { return last_update_ms_; }
  ChartWidget* chart() const { return chart_; }
  QTableView* table() const { return table_; }
  QString explainText() const;
  SummaryWidget* summary() const { return summary_; }
  HbmTab* hbmTab() const { return hbm_; }
  SystemTab* systemTab() const { return system_; }
  TraceTab* traceTab() const { return trace_; }

 signals:
  void evaluated();

 private:
  void buildUi();
  QWidget* buildSidePanel();
  void buildMenus();
  // `quiet`: report an error in the status bar instead of a dialog (a slider dragged into an
  // impossible design must not open a dialog per step).
  bool reevaluate(const Inputs& inputs, const std::map<std::string, double>& settings,
                  bool quiet = false);
  void showResults();
  void refreshChart();
  void syncPanels();
  void readPanels();
  void showError(const QString& title, const QString& message, bool quiet = false);
  void exportChart(const QString& format);
  void exportCsv();
  void exportJson();
  void copyCliCommand();

  hw::SpecLibrary library_;
  bool interactive_ = true;
  Inputs inputs_;
  std::map<std::string, double> settings_;
  std::unique_ptr<Evaluation> evaluation_;
  std::optional<int> selected_;
  QString last_error_;
  double last_update_ms_ = 0;
  bool syncing_ = false;

  QComboBox* hw_box_ = nullptr;
  QComboBox* hw2_box_ = nullptr;
  QComboBox* model_box_ = nullptr;
  QComboBox* phase_box_ = nullptr;
  QSpinBox* batch_box_ = nullptr;
  QSpinBox* prompt_box_ = nullptr;
  QSpinBox* context_box_ = nullptr;
  QComboBox* weights_box_ = nullptr;
  QComboBox* activations_box_ = nullptr;
  QComboBox* kv_box_ = nullptr;
  KnobPanel* knobs_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  ChartWidget* chart_ = nullptr;
  SummaryWidget* summary_ = nullptr;
  OperatorTableModel* table_model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QPlainTextEdit* explain_ = nullptr;
  QLabel* status_ = nullptr;
  HbmTab* hbm_ = nullptr;
  SystemTab* system_ = nullptr;
  TraceTab* trace_ = nullptr;
};

}  // namespace ridgeline::gui
