#include "trace_tab.hpp"
#include "qt_text.hpp"

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <filesystem>

#include "error_text.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "timeline_widget.hpp"
#include "trace_table.hpp"

namespace ridgeline::gui {

namespace {

QString percent(double fraction) {
  return q(format_number(100 * fraction, 3)) + " %";
}

// Selects the entry whose data is `value`, adding it (a spec file opened by path) when missing.
void select_data(QComboBox* box, const std::string& value) {
  int index = box->findData(q(value));
  if (index < 0) {
    box->addItem(q(value), q(value));
    index = box->count() - 1;
  }
  box->setCurrentIndex(index);
}

}  // namespace

TraceTab::TraceTab(const hw::SpecLibrary& library, bool interactive, QWidget* parent)
    : QWidget(parent), library_(library), interactive_(interactive) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  layout->addWidget(splitter);

  // Top: controls and summary on the left, the timeline and the readings on the right.
  auto* top = new QWidget(splitter);
  auto* top_layout = new QHBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  auto* controls = new QWidget(top);
  controls->setFixedWidth(350);
  auto* side = new QVBoxLayout(controls);
  side->setContentsMargins(0, 0, 0, 0);
  open_ = new QPushButton("Open trace…", controls);
  open_->setToolTip(
      "A PyTorch profiler trace (Chrome JSON, plain or .gz) recorded with "
      "record_shapes=True, or a Ridgeline operator trace");
  file_ = new QLabel("No trace open.", controls);
  file_->setWordWrap(true);
  file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  side->addWidget(open_);
  side->addWidget(file_);
  auto* form = new QFormLayout;
  hw_box_ = new QComboBox(controls);
  target_box_ = new QComboBox(controls);
  target_box_->addItem("none", QString());
  for (const auto& id : library_.accelerator_ids()) {
    hw_box_->addItem(q(id), q(id));
    target_box_->addItem(q(id), q(id));
  }
  hw_box_->setToolTip(
      "The accelerator the trace was recorded on: the model prices each call "
      "there");
  target_box_->setToolTip(
      "Re-project the run onto this accelerator: each priced call keeps its "
      "measured distance from the model");
  cache_box_ = new QComboBox(controls);
  cache_box_->addItem("cold", "cold");
  cache_box_->addItem("warm", "warm");
  cache_box_->setToolTip(
      "cold: inputs come from off-chip memory; warm: a working set that fits "
      "an on-chip cache is there");
  timing_box_ = new QComboBox(controls);
  timing_box_->addItem("profiler", "profiler");
  timing_box_->addItem("device", "device");
  timing_box_->setToolTip(
      "profiler: kernel durations from a profiler (no launch latency); "
      "device: CUDA-event kernel times");
  form->addRow("Ran on", hw_box_);
  form->addRow("Project onto", target_box_);
  form->addRow("Cache", cache_box_);
  form->addRow("Timing", timing_box_);
  side->addLayout(form);
  summary_ = new QLabel(controls);
  summary_->setTextFormat(Qt::RichText);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  summary_->setWordWrap(true);
  side->addWidget(summary_);
  side->addStretch(1);
  top_layout->addWidget(controls);

  auto* right = new QVBoxLayout;
  timeline_ = new TimelineWidget(top);
  status_ = new QLabel(top);
  status_->setTextFormat(Qt::PlainText);
  status_->setStyleSheet("color: #444");
  status_->setMinimumWidth(100);
  status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  status_->setText(
      "Hover a kernel: details · click or drag the whole run: move the detail · drag or "
      "scroll the detail: zoom · double-click: reset");
  findings_ = new QLabel(top);
  findings_->setTextFormat(Qt::RichText);
  findings_->setWordWrap(true);
  findings_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  findings_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  right->addWidget(timeline_, 1);
  right->addWidget(status_);
  right->addWidget(findings_);
  top_layout->addLayout(right, 1);

  // Bottom: the operator groups.
  auto* bottom = new QWidget(splitter);
  auto* table_layout = new QVBoxLayout(bottom);
  table_layout->setContentsMargins(0, 0, 0, 0);
  filter_ = new QLineEdit(bottom);
  filter_->setPlaceholderText("Filter operators (op, shape, bound)…");
  filter_->setClearButtonEnabled(true);
  model_ = new TraceGroupTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(TraceGroupTableModel::kSortRole);
  proxy_->setFilterKeyColumn(-1);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  table_ = new QTableView(bottom);
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // the analysis' order: largest total first
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideRight);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->horizontalHeader()->setStretchLastSection(false);
  table_layout->addWidget(filter_);
  table_layout->addWidget(table_);

  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({470, 430});
  syncControls();

  connect(open_, &QPushButton::clicked, this, &TraceTab::openDialog);
  for (auto* box : {hw_box_, target_box_, cache_box_, timing_box_}) {
    connect(box, &QComboBox::currentIndexChanged, this, [this, box] {
      if (syncing_) return;
      if (box == hw_box_) hw_chosen_ = true;
      if (box == target_box_) target_chosen_ = true;
      settingsChanged();
    });
  }
  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (syncing_) return;
            timeline_->setHighlight(
                current.isValid()
                    ? std::optional<std::size_t>(static_cast<std::size_t>(
                          proxy_->data(current, TraceGroupTableModel::kGroupRole).toInt()))
                    : std::nullopt);
          });
  connect(timeline_, &TimelineWidget::groupClicked, this, &TraceTab::selectGroup);
  connect(timeline_, &TimelineWidget::kernelHovered, this, [this](const QString& text) {
    if (!text.isEmpty()) status_->setText(text);
  });
}

TraceTab::~TraceTab() = default;

QString TraceTab::acceleratorId() const {
  return q(settings_.hw);
}

QString TraceTab::targetId() const {
  return q(settings_.target);
}

QString TraceTab::summaryText() const {
  return summary_->text();
}

QString TraceTab::findingsText() const {
  return findings_->text();
}

void TraceTab::openDialog() {
  QString dir;
  if (!path_.isEmpty()) {
    dir = QFileInfo(path_).absolutePath();
  } else {
    // The shipped sample traces, beside the shipped specs.
    const auto shipped = library_.root().parent_path() / "traces" / "ops";
    std::error_code ignored;
    if (std::filesystem::is_directory(shipped, ignored)) dir = q(shipped.string());
  }
  const QString path = QFileDialog::getOpenFileName(
      this, "Open operator trace", dir, "Traces (*.json *.json.gz *.gz);;All files (*)");
  if (!path.isEmpty()) openTrace(path);
}

bool TraceTab::openTrace(const QString& path) {
  std::shared_ptr<const trace::OperatorTrace> run;
  QString failure;
  QApplication::setOverrideCursor(Qt::WaitCursor);  // a big trace takes a while to parse
  try {
    run = std::make_shared<const trace::OperatorTrace>(trace::read_op_trace(path.toStdString()));
  } catch (const std::exception& error) {
    failure = "File: " + path + "\n\n" + error_text(error);
  }
  QApplication::restoreOverrideCursor();
  if (!run) {
    showError("Cannot read the trace", failure);
    return false;
  }
  const bool ok = apply(std::move(run), settings_, "Cannot analyse the trace");
  if (ok) {
    path_ = path;
    file_->setText("<b>" + QFileInfo(path).fileName().toHtmlEscaped() + "</b>");
    file_->setToolTip(path);
  }
  return ok;
}

bool TraceTab::setAccelerator(const QString& id) {
  hw_chosen_ = true;
  Settings settings = settings_;
  settings.hw = id.toStdString();
  if (!run_) {
    settings_ = settings;
    syncControls();
    return true;
  }
  return apply(run_, settings, "Cannot price the trace on " + id);
}

bool TraceTab::setTarget(const QString& id) {
  target_chosen_ = true;
  Settings settings = settings_;
  settings.target = id.toStdString();
  if (!run_) {
    settings_ = settings;
    syncControls();
    return true;
  }
  return apply(run_, settings, "Cannot project the trace onto " + id);
}

void TraceTab::followMainWindow(const std::string& hw, const std::string& hw2) {
  if (run_) return;
  if (!hw_chosen_) settings_.hw = hw;
  if (!target_chosen_) settings_.target = hw2;
  syncControls();
}

void TraceTab::settingsChanged() {
  Settings settings;
  settings.hw = hw_box_->currentData().toString().toStdString();
  settings.target = target_box_->currentData().toString().toStdString();
  settings.cache = cache_box_->currentData().toString().toStdString();
  settings.timing = timing_box_->currentData().toString().toStdString();
  if (!run_) {
    settings_ = settings;
    return;
  }
  apply(run_, settings, "Cannot analyse the trace with these settings");
}

bool TraceTab::apply(std::shared_ptr<const trace::OperatorTrace> run, const Settings& settings,
                     const QString& title) {
  std::shared_ptr<const trace::TraceAnalysis> analysis;
  std::vector<std::string> levels;
  try {
    const auto accelerator = library_.accelerator(settings.hw);
    trace::TraceAnalysisOptions options;
    options.cache = settings.cache == "warm" ? ops::CacheState::warm : ops::CacheState::cold;
    options.timing = settings.timing;
    if (!settings.target.empty()) options.targets.push_back(library_.accelerator(settings.target));
    analysis = std::make_shared<const trace::TraceAnalysis>(
        trace::analyze_trace(*run, accelerator, options));
    for (const auto& level : accelerator.memory) levels.push_back(level.name);
  } catch (const std::exception& error) {
    QString message = error_text(error);
    if (settings.timing == "profiler" && dynamic_cast<const ModelError*>(&error) != nullptr) {
      message +=
          "\n\nA spec without an overheads.profiled_kernel figure cannot price a "
          "profiler's kernel durations: set Timing to device (CUDA-event kernel times).";
    }
    showError(title, message);
    syncControls();  // back to what is shown
    return false;
  }
  run_ = std::move(run);
  analysis_ = std::move(analysis);
  level_names_ = std::move(levels);
  settings_ = settings;
  error_.clear();
  syncControls();
  showResults();
  emit analysed();
  return true;
}

void TraceTab::syncControls() {
  syncing_ = true;
  select_data(hw_box_, settings_.hw);
  if (settings_.target.empty()) {
    target_box_->setCurrentIndex(0);
  } else {
    select_data(target_box_, settings_.target);
  }
  select_data(cache_box_, settings_.cache);
  select_data(timing_box_, settings_.timing);
  syncing_ = false;
}

void TraceTab::showResults() {
  const auto& a = *analysis_;
  QString html = "<table cellspacing='0' cellpadding='2'>";
  auto row = [&](const QString& name, const QString& value) {
    html += "<tr><td>" + name + "</td><td align='right'>" + value + "</td></tr>";
  };
  row("format", q(a.format).toHtmlEscaped());
  if (!a.device_name.empty()) row("recorded on", q(a.device_name).toHtmlEscaped());
  row("priced on", q(a.hw_name).toHtmlEscaped());
  row("GPU activities / calls", QString("%1 / %2").arg(a.kernels).arg(a.calls));
  row("kernel time (sum)", "<b>" + time_text(a.kernel_time) + "</b>");
  row("GPU busy / span", time_text(a.gpu_busy) + " / " + time_text(a.span));
  row("GPU idle", "<b>" + percent(a.idle_fraction) + "</b>");
  row("priced by the model", percent(a.coverage) + " of the kernel time");
  row("model's time", "<b>" + time_text(a.model_time) + "</b> (" +
                          percent(a.modelled_time > 0 ? a.model_time / a.modelled_time : 0.0) +
                          " of measured)");
  for (const auto& t : a.targets) {
    const double speedup = t.busy > 0 ? a.kernel_time / t.busy : 0.0;
    row("projected on " + q(t.id).toHtmlEscaped(),
        "<b>" + time_text(t.busy) + "</b> (" + q(format_number(speedup, 3)) + "× " +
            (t.busy < a.kernel_time ? "faster" : "slower") + ")");
  }
  html += "</table>";
  summary_->setText(html);

  QString readings;
  for (const auto& line : a.findings)
    readings += "<p style='margin: 2px 0'>• " + q(line).toHtmlEscaped() + "</p>";
  if (!a.targets.empty()) {
    readings +=
        "<p style='margin: 2px 0; color: #555'>Projection: each priced call keeps its "
        "measured distance from the model; unmodelled kernels keep their measured time; "
        "the host's gaps are not projected.</p>";
  }
  findings_->setText(readings);
  findings_->setVisible(!readings.isEmpty());

  syncing_ = true;
  model_->setAnalysis(analysis_, level_names_);
  syncing_ = false;
  // The numbers at their width; the op name capped; the shape takes what is left (elided, the
  // tooltip has it whole), so the numeric columns stay in view.
  auto* header = table_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  table_->resizeColumnsToContents();
  table_->setColumnWidth(TraceGroupTableModel::op,
                         std::min(table_->columnWidth(TraceGroupTableModel::op), 240));
  header->setSectionResizeMode(TraceGroupTableModel::shape, QHeaderView::Stretch);
  timeline_->setRun(run_, analysis_, level_names_);
}

void TraceTab::selectGroup(std::size_t group) {
  if (!analysis_ || group >= analysis_->groups.size()) {
    table_->clearSelection();
    table_->setCurrentIndex({});
    timeline_->setHighlight(std::nullopt);
    return;
  }
  QModelIndex row = proxy_->mapFromSource(model_->index(static_cast<int>(group), 0));
  if (!row.isValid()) {
    filter_->clear();
    row = proxy_->mapFromSource(model_->index(static_cast<int>(group), 0));
  }
  table_->selectRow(row.row());
  table_->setCurrentIndex(row);
  table_->scrollTo(row);
  timeline_->setHighlight(group);
}

void TraceTab::showError(const QString& title, const QString& message) {
  error_ = message;
  if (interactive_) {
    QMessageBox::critical(this, title, message);
  } else {
    status_->setText(title + ": " + message);
  }
}

}  // namespace ridgeline::gui
