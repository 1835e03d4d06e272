#include "main_window.hpp"
#include "qt_text.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <fstream>

#include "chart_widget.hpp"
#include "error_text.hpp"
#include "hbm_tab.hpp"
#include "knob_panel.hpp"
#include "operator_table.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/plot/svg.hpp"
#include "ridgeline/report/explain.hpp"
#include "ridgeline/report/workload_chart.hpp"
#include "ridgeline/report/workload_report.hpp"
#include "scene_painter.hpp"
#include "summary_widget.hpp"
#include "system_tab.hpp"
#include "trace_tab.hpp"

namespace ridgeline::gui {

namespace {

workload::Analysis analyze_design(const knobs::Design& design) {
  const auto built = workload::build_workload(design.model, design.workload);
  return workload::analyze(design.accelerator, built);
}

constexpr std::pair<const char*, workload::Phase> kPhases[] = {
    {"prefill", workload::Phase::prefill},
    {"decode", workload::Phase::decode},
    {"train", workload::Phase::train},
};

}  // namespace

Evaluation evaluate(const Inputs& inputs, const std::map<std::string, double>& settings,
                    const hw::SpecLibrary& library) {
  Evaluation result;
  result.original.accelerator = library.accelerator(inputs.hw);
  result.original.model = workload::load_model_config(inputs.model);
  result.original.workload = inputs.spec;
  result.design = result.original;
  // Registry order, whatever order the user moved the knobs in.
  for (const auto& knob : knobs::knob_registry()) {
    const auto setting = settings.find(knob.name);
    if (setting == settings.end()) continue;
    knobs::set_knob(result.design, knob.name, setting->second);
    result.modified = true;
  }
  result.workload = workload::build_workload(result.design.model, result.design.workload);
  result.analysis = workload::analyze(result.design.accelerator, result.workload);
  if (result.modified) result.original_analysis = analyze_design(result.original);
  if (!inputs.hw2.empty()) {
    result.compare = library.accelerator(inputs.hw2);
    knobs::Design compare = result.design;  // same workload (knobs included) on the other part
    compare.accelerator = *result.compare;
    result.compare_analysis = analyze_design(compare);
  }
  return result;
}

std::string cli_command(const Inputs& inputs) {
  auto quoted = [](const std::string& text) {
    if (text.find_first_of(" '\"$\\") == std::string::npos) return text;
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const auto& spec = inputs.spec;
  std::string command = "ridgeline analyze --hw " + quoted(inputs.hw) + " --model " +
                        quoted(inputs.model) + " --phase " +
                        std::string(workload::phase_name(spec.phase)) + " --batch " +
                        std::to_string(spec.batch);
  if (spec.phase == workload::Phase::decode) {
    command += " --context " + std::to_string(spec.context);
  } else {
    command += " --prompt " + std::to_string(spec.prompt);
  }
  command += " --weights " + std::string(dtype_name(spec.weights)) + " --activations " +
             std::string(dtype_name(spec.activations)) + " --kv " +
             std::string(dtype_name(spec.kv));
  if (spec.kv_page > 0) command += " --kv-page " + std::to_string(spec.kv_page);
  if (spec.runtime == workload::Runtime::eager) command += " --runtime eager";
  return command;
}

std::string cli_command(const Inputs& inputs, const Evaluation& evaluation,
                        const std::map<std::string, double>& settings) {
  Inputs folded = inputs;
  folded.spec = evaluation.design.workload;
  std::string command = cli_command(folded);
  std::string hardware;
  for (const auto& knob : knobs::knob_registry()) {
    if (knob.target != knobs::KnobTarget::hardware || !settings.count(knob.name)) continue;
    const std::string value = knob.relative ? format_number(settings.at(knob.name), 6)
                                            : knobs::knob_text(evaluation.design, knob.name);
    std::string compact;  // "9.6 Gb/s" -> "9.6Gb/s": one shell word
    for (char c : value) {
      if (c != ' ') compact += c;
    }
    hardware += " --set " + knob.name + "=" + compact;
  }
  if (!hardware.empty()) {
    command += "  # what-if hardware knobs (analyze takes no --set yet):" + hardware;
  }
  return command;
}

MainWindow::MainWindow(Inputs inputs, bool interactive, QWidget* parent)
    : QMainWindow(parent),
      library_(hw::SpecLibrary::default_library()),
      interactive_(interactive),
      inputs_(std::move(inputs)) {
  setWindowTitle("Ridgeline");
  resize(1600, 1000);
  buildUi();
  buildMenus();
  if (!reevaluate(inputs_, settings_)) {
    // The requested inputs are unusable: fall back to the defaults so the window has a state.
    const QString error = last_error_;
    Inputs defaults;
    reevaluate(defaults, {});
    last_error_ = error;
  }
  syncPanels();
}

MainWindow::~MainWindow() {
  // The tabs hold references to library_, a member destroyed before QWidget deletes the children:
  // delete them first (the HBM tab also stops its worker thread).
  delete hbm_;
  delete system_;
  delete trace_;
}

void MainWindow::buildUi() {
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  auto* side = new QScrollArea(splitter);
  side->setWidget(buildSidePanel());
  side->setWidgetResizable(true);
  side->setMinimumWidth(400);
  side->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

  tabs_ = new QTabWidget(splitter);
  // Roofline tab: chart and summary above, operator table and explain text below.
  auto* roofline = new QSplitter(Qt::Vertical);
  auto* top = new QSplitter(Qt::Horizontal, roofline);
  chart_ = new ChartWidget(top);
  summary_ = new SummaryWidget(top);
  summary_->setMinimumWidth(330);
  top->setStretchFactor(0, 1);
  top->setSizes({880, 340});
  auto* bottom = new QSplitter(Qt::Horizontal, roofline);
  auto* table_box = new QWidget(bottom);
  auto* table_layout = new QVBoxLayout(table_box);
  table_layout->setContentsMargins(0, 0, 0, 0);
  filter_ = new QLineEdit(table_box);
  filter_->setPlaceholderText("Filter operators (name, kind, group, bound)…");
  filter_->setClearButtonEnabled(true);
  table_model_ = new OperatorTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(table_model_);
  proxy_->setSortRole(OperatorTableModel::kSortRole);
  proxy_->setFilterKeyColumn(-1);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  table_ = new QTableView(table_box);
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_layout->addWidget(filter_);
  table_layout->addWidget(table_);
  explain_ = new QPlainTextEdit(bottom);
  explain_->setReadOnly(true);
  explain_->setPlaceholderText(
      "Select an operator (table row or chart point) to see how its cost "
      "is derived.");
  QFont mono(QStringLiteral("DejaVu Sans Mono"));
  mono.setPointSize(9);
  explain_->setFont(mono);
  bottom->setSizes({760, 460});
  roofline->setStretchFactor(0, 3);
  roofline->setStretchFactor(1, 2);
  roofline->setSizes({560, 340});
  tabs_->addTab(roofline, "Roofline");
  hbm_ = new HbmTab(library_, tabs_);
  tabs_->addTab(hbm_, "HBM");
  system_ = new SystemTab(library_, tabs_);
  tabs_->addTab(system_, "System");
  trace_ = new TraceTab(library_, interactive_, tabs_);
  tabs_->addTab(trace_, "Trace");

  splitter->setStretchFactor(1, 1);
  splitter->setSizes({400, 1200});
  setCentralWidget(splitter);
  status_ = new QLabel(this);
  statusBar()->addWidget(status_, 1);

  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (syncing_ || !current.isValid()) return;
            selectOperator(proxy_->data(current, OperatorTableModel::kOpIndexRole).toInt());
          });
  connect(chart_, &ChartWidget::pointClicked, this, &MainWindow::selectOperator);
}

QWidget* MainWindow::buildSidePanel() {
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);

  auto* hardware = new QGroupBox("Hardware", panel);
  auto* hw_form = new QFormLayout(hardware);
  hw_box_ = new QComboBox(hardware);
  hw2_box_ = new QComboBox(hardware);
  hw2_box_->addItem("none", QString());
  for (const auto& id : library_.accelerator_ids()) {
    hw_box_->addItem(q(id), q(id));
    hw2_box_->addItem(q(id), q(id));
  }
  auto* open_spec = new QPushButton("Open spec file…", hardware);
  hw_form->addRow("Accelerator", hw_box_);
  hw_form->addRow("", open_spec);
  hw_form->addRow("Compare with", hw2_box_);
  layout->addWidget(hardware);

  auto* workload_box = new QGroupBox("Workload", panel);
  auto* form = new QFormLayout(workload_box);
  model_box_ = new QComboBox(workload_box);
  for (const auto& id : workload::shipped_model_ids()) model_box_->addItem(q(id), q(id));
  auto* open_model = new QPushButton("Open config.json…", workload_box);
  phase_box_ = new QComboBox(workload_box);
  for (const auto& [name, phase] : kPhases) phase_box_->addItem(name);
  auto spin = [&](int max) {
    auto* box = new QSpinBox(workload_box);
    box->setRange(1, max);
    box->setKeyboardTracking(false);
    return box;
  };
  batch_box_ = spin(1 << 20);
  prompt_box_ = spin(1 << 24);
  context_box_ = spin(1 << 24);
  auto dtype_box = [&](std::initializer_list<DType> dtypes) {
    auto* box = new QComboBox(workload_box);
    for (DType dtype : dtypes) box->addItem(q(std::string(dtype_name(dtype))));
    return box;
  };
  weights_box_ = dtype_box(
      {DType::fp32, DType::bf16, DType::fp16, DType::fp8, DType::int8, DType::int4, DType::fp4});
  activations_box_ = dtype_box({DType::bf16, DType::fp16, DType::fp8});
  kv_box_ = dtype_box({DType::bf16, DType::fp16, DType::fp8, DType::int8});
  form->addRow("Model", model_box_);
  form->addRow("", open_model);
  form->addRow("Phase", phase_box_);
  form->addRow("Batch", batch_box_);
  form->addRow("Prompt", prompt_box_);
  form->addRow("Context", context_box_);
  form->addRow("Weights", weights_box_);
  form->addRow("Activations", activations_box_);
  form->addRow("KV cache", kv_box_);
  layout->addWidget(workload_box);

  auto* knob_box = new QGroupBox("Design knobs (what-if)", panel);
  auto* knob_layout = new QVBoxLayout(knob_box);
  knobs_ = new KnobPanel(knob_box);
  knob_layout->addWidget(knobs_);
  auto* note = new QLabel(
      "Changed knobs are bold; the summary shows the original beside the "
      "modified design, the chart ghosts the original ceilings in grey.",
      knob_box);
  note->setWordWrap(true);
  note->setStyleSheet("color: #555");
  knob_layout->addWidget(note);
  layout->addWidget(knob_box);
  layout->addStretch(1);

  auto changed = [this] {
    if (!syncing_) readPanels();
  };
  for (auto* box :
       {hw_box_, hw2_box_, model_box_, phase_box_, weights_box_, activations_box_, kv_box_}) {
    connect(box, &QComboBox::currentIndexChanged, this, changed);
  }
  for (auto* box : {batch_box_, prompt_box_, context_box_}) {
    connect(box, &QSpinBox::valueChanged, this, changed);
  }
  connect(open_spec, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, "Open accelerator spec",
                                                      q(library_.root().string()), "JSON (*.json)");
    if (!path.isEmpty()) openSpecFile(path);
  });
  connect(open_model, &QPushButton::clicked, this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, "Open model config.json", {}, "JSON (*.json)");
    if (!path.isEmpty()) openModelFile(path);
  });
  connect(knobs_, &KnobPanel::knobChanged, this,
          [this](const std::string& name, double value) { setKnob(name, value); });
  connect(knobs_, &KnobPanel::knobReset, this, [this](const std::string& name) {
    auto settings = settings_;
    settings.erase(name);
    reevaluate(inputs_, settings);
    syncPanels();
  });
  connect(knobs_, &KnobPanel::resetAll, this, &MainWindow::resetKnobs);
  return panel;
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu("&File");
  file->addAction("Open accelerator spec…", this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, "Open accelerator spec", {}, "JSON (*.json)");
    if (!path.isEmpty()) openSpecFile(path);
  });
  file->addAction("Open model config.json…", this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, "Open model config.json", {}, "JSON (*.json)");
    if (!path.isEmpty()) openModelFile(path);
  });
  file->addSeparator();
  file->addAction("Export chart as PNG…", this, [this] { exportChart("png"); });
  file->addAction("Export chart as SVG…", this, [this] { exportChart("svg"); });
  file->addAction("Export chart as PDF…", this, [this] { exportChart("pdf"); });
  file->addAction("Export operator table as CSV…", this, &MainWindow::exportCsv);
  file->addAction("Export results as JSON…", this, &MainWindow::exportJson);
  file->addSeparator();
  file->addAction("Quit", QKeySequence::Quit, qApp, &QApplication::quit);
  auto* edit = menuBar()->addMenu("&Edit");
  edit->addAction("Copy as CLI command", QKeySequence("Ctrl+Shift+C"), this,
                  &MainWindow::copyCliCommand);
  auto* view = menuBar()->addMenu("&View");
  view->addAction("Reset zoom", QKeySequence("Ctrl+0"), chart_, &ChartWidget::resetZoom);
  view->addAction("Reset all knobs", this, &MainWindow::resetKnobs);
}

bool MainWindow::reevaluate(const Inputs& inputs, const std::map<std::string, double>& settings,
                            bool quiet) {
  const auto start = std::chrono::steady_clock::now();
  try {
    auto evaluation = std::make_unique<Evaluation>(evaluate(inputs, settings, library_));
    evaluation_ = std::move(evaluation);
    inputs_ = inputs;
    settings_ = settings;
  } catch (const std::exception& error) {
    showError("Cannot evaluate this design", error_text(error), quiet);
    return false;
  }
  showResults();
  last_update_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  status_->setText(
      QString("%1 on %2 — updated in %3 ms")
          .arg(q(evaluation_->analysis.model_id), q(evaluation_->design.accelerator.name))
          .arg(last_update_ms_, 0, 'f', 1));
  last_error_.clear();
  emit evaluated();
  return true;
}

bool MainWindow::setInputs(const Inputs& inputs) {
  const bool ok = reevaluate(inputs, settings_);
  syncPanels();
  return ok;
}

bool MainWindow::setKnob(const std::string& name, double value) {
  auto settings = settings_;
  settings[name] = value;
  const bool ok = reevaluate(inputs_, settings, true);
  syncPanels();
  return ok;
}

void MainWindow::resetKnobs() {
  reevaluate(inputs_, {});
  syncPanels();
}

bool MainWindow::openSpecFile(const QString& path) {
  // Load it alone first, so the dialog names this file's problem.
  try {
    (void)library_.accelerator(path.toStdString());
  } catch (const std::exception& error) {
    showError("Cannot open the accelerator spec", "File: " + path + "\n\n" + error_text(error));
    return false;
  }
  Inputs inputs = inputs_;
  inputs.hw = path.toStdString();
  return setInputs(inputs);
}

bool MainWindow::openModelFile(const QString& path) {
  try {
    (void)workload::load_model_config(path.toStdString());
  } catch (const std::exception& error) {
    showError("Cannot open the model config", "File: " + path + "\n\n" + error_text(error));
    return false;
  }
  Inputs inputs = inputs_;
  inputs.model = path.toStdString();
  return setInputs(inputs);
}

void MainWindow::readPanels() {
  Inputs inputs = inputs_;
  inputs.hw = hw_box_->currentData().toString().toStdString();
  inputs.hw2 = hw2_box_->currentData().toString().toStdString();
  inputs.model = model_box_->currentData().toString().toStdString();
  inputs.spec.phase = kPhases[std::max(0, phase_box_->currentIndex())].second;
  inputs.spec.batch = batch_box_->value();
  inputs.spec.prompt = prompt_box_->value();
  inputs.spec.context = context_box_->value();
  inputs.spec.weights = *parse_dtype(weights_box_->currentText().toStdString());
  inputs.spec.activations = *parse_dtype(activations_box_->currentText().toStdString());
  inputs.spec.kv = *parse_dtype(kv_box_->currentText().toStdString());
  // Workload-panel batch/context are the base of the batch/context knobs: a new base drops them.
  auto settings = settings_;
  if (inputs.spec.batch != inputs_.spec.batch) settings.erase("batch");
  if (inputs.spec.context != inputs_.spec.context) settings.erase("context");
  settings_ = settings;
  reevaluate(inputs, settings_);
  syncPanels();
}

void MainWindow::syncPanels() {
  syncing_ = true;
  auto select = [](QComboBox* box, const std::string& value) {
    int index = box->findData(q(value));
    if (index < 0) {
      // A file opened by path: add it as an entry.
      box->addItem(q(value), q(value));
      index = box->count() - 1;
    }
    box->setCurrentIndex(index);
  };
  select(hw_box_, inputs_.hw);
  if (inputs_.hw2.empty()) {
    hw2_box_->setCurrentIndex(0);
  } else {
    select(hw2_box_, inputs_.hw2);
  }
  select(model_box_, inputs_.model);
  for (int i = 0; i < 3; ++i) {
    if (kPhases[i].second == inputs_.spec.phase) phase_box_->setCurrentIndex(i);
  }
  batch_box_->setValue(static_cast<int>(inputs_.spec.batch));
  prompt_box_->setValue(static_cast<int>(std::max<std::int64_t>(1, inputs_.spec.prompt)));
  context_box_->setValue(static_cast<int>(std::max<std::int64_t>(1, inputs_.spec.context)));
  prompt_box_->setEnabled(inputs_.spec.phase != workload::Phase::decode);
  context_box_->setEnabled(inputs_.spec.phase == workload::Phase::decode);
  weights_box_->setCurrentText(q(std::string(dtype_name(inputs_.spec.weights))));
  activations_box_->setCurrentText(q(std::string(dtype_name(inputs_.spec.activations))));
  kv_box_->setCurrentText(q(std::string(dtype_name(inputs_.spec.kv))));
  if (evaluation_) knobs_->setDesign(evaluation_->original, evaluation_->design, settings_);
  syncing_ = false;
}

void MainWindow::showResults() {
  const auto& e = *evaluation_;
  // Keep the selected operator (by name) across re-evaluations.
  std::string selected_name;
  if (selected_ && table_model_->rowCount() > *selected_) {
    selected_name = table_model_->index(*selected_, 0).data().toString().toStdString();
  }
  selected_.reset();
  for (std::size_t i = 0; i < e.analysis.ops.size(); ++i) {
    if (e.analysis.ops[i].name == selected_name) selected_ = static_cast<int>(i);
  }
  syncing_ = true;
  table_model_->setAnalysis(e.analysis);
  syncing_ = false;

  std::vector<SummaryColumn> columns{
      {e.modified ? "modified" : q(e.design.accelerator.id), &e.analysis}};
  if (e.original_analysis) columns.push_back({"original", &*e.original_analysis});
  if (e.compare_analysis) columns.push_back({q(e.compare->id), &*e.compare_analysis});
  summary_->setColumns(columns);
  system_->setWorkload(e.design.model, e.design.workload);
  trace_->followMainWindow(inputs_.hw, inputs_.hw2);
  refreshChart();
  if (selected_) {
    selectOperator(*selected_);
  } else {
    explain_->clear();
  }
}

void MainWindow::refreshChart() {
  const auto& e = *evaluation_;
  report::WorkloadChartOptions options;
  if (e.compare) options.compare = report::ChartedAnalysis{&*e.compare, &*e.compare_analysis};
  if (e.modified) options.ghost = &e.original.accelerator;
  if (selected_) options.highlight = static_cast<std::size_t>(*selected_);
  auto chart = report::workload_chart({&e.design.accelerator, &e.analysis}, options);
  // Hover and click work on every marker: the primary's circles and, in compare mode, the second
  // accelerator's diamonds (a click selects the operator of the same name in the table).
  std::vector<HitPoint> points;
  const auto add_points = [&](const workload::Analysis& analysis, const QString& label) {
    for (const auto& point : report::operator_points(analysis)) {
      if (!point.charted) continue;
      const auto& op = analysis.ops[point.op_index];
      int id = -1;
      for (std::size_t i = 0; i < e.analysis.ops.size(); ++i) {
        if (e.analysis.ops[i].name == op.name) id = static_cast<int>(i);
      }
      const QString tooltip =
          QString(
              "<b>%1</b> (%2)%8<br>intensity %3 FLOP/B<br>achieved %4<br>time %5 per step "
              "(%6% of the step)<br>bound by %7")
              .arg(q(op.name), q(op.kind), q(format_number(point.intensity, 4)),
                   q(format_quantity(point.achieved_flops, Dimension::compute)),
                   q(format_quantity(op.total_time(), Dimension::time)),
                   q(format_number(100 * point.share, 3)), q(op.bound),
                   label.isEmpty() ? QString() : " on " + label);
      points.push_back({{point.intensity, point.achieved_flops}, point.radius, id, tooltip});
    }
  };
  add_points(e.analysis, QString());
  if (e.compare_analysis) add_points(*e.compare_analysis, q(e.compare->name));
  chart_->setChart(std::move(chart), std::move(points));
}

void MainWindow::selectOperator(int op_index) {
  const auto& e = *evaluation_;
  if (op_index < 0 || static_cast<std::size_t>(op_index) >= e.analysis.ops.size()) return;
  const bool changed = selected_ != op_index;
  selected_ = op_index;
  // Select the row (through the proxy's sorting and filtering).
  const QModelIndex source = table_model_->index(op_index, 0);
  QModelIndex row = proxy_->mapFromSource(source);
  if (!row.isValid()) {
    filter_->clear();
    row = proxy_->mapFromSource(source);
  }
  syncing_ = true;
  table_->selectRow(row.row());
  table_->setCurrentIndex(row);
  table_->scrollTo(row);
  syncing_ = false;
  try {
    explain_->setPlainText(
        q(report::explain_operator(e.design.accelerator, e.workload,
                                   e.analysis.ops[static_cast<std::size_t>(op_index)].name)));
  } catch (const std::exception& error) {
    explain_->setPlainText(error_text(error));
  }
  if (changed) refreshChart();
}

QString MainWindow::explainText() const {
  return explain_->toPlainText();
}

bool MainWindow::selectTab(const QString& name) {
  for (int i = 0; i < tabs_->count(); ++i) {
    if (tabs_->tabText(i).compare(name, Qt::CaseInsensitive) == 0) {
      tabs_->setCurrentIndex(i);
      return true;
    }
  }
  return false;
}

void MainWindow::showError(const QString& title, const QString& message, bool quiet) {
  last_error_ = message;
  if (interactive_ && !quiet) {
    QMessageBox::critical(this, title, message);
  } else if (status_) {
    status_->setText("<span style='color:#c00000'>" + title.toHtmlEscaped() + ": " +
                     message.toHtmlEscaped() + "</span>");
  }
}

void MainWindow::exportChart(const QString& format) {
  const QString path = QFileDialog::getSaveFileName(this, "Export chart", "roofline." + format,
                                                    format.toUpper() + " (*." + format + ")");
  if (path.isEmpty()) return;
  const auto scene = chart_->scene(chart_->width(), chart_->height());
  bool ok = false;
  if (format == "svg") {
    std::ofstream out(path.toStdString());
    out << plot::render_svg(scene);
    ok = static_cast<bool>(out);
  } else if (format == "pdf") {
    ok = write_pdf(scene, path);
  } else {
    ok = write_png(scene, path);
  }
  if (!ok) showError("Export failed", "Cannot write " + path);
}

void MainWindow::exportCsv() {
  const QString path =
      QFileDialog::getSaveFileName(this, "Export operator table", "operators.csv", "CSV (*.csv)");
  if (path.isEmpty()) return;
  std::ofstream out(path.toStdString());
  out << report::render_csv(report::analysis_ops_csv(evaluation_->analysis));
  if (!out) showError("Export failed", "Cannot write " + path);
}

void MainWindow::exportJson() {
  const QString path =
      QFileDialog::getSaveFileName(this, "Export results", "analysis.json", "JSON (*.json)");
  if (path.isEmpty()) return;
  std::ofstream out(path.toStdString());
  out << report::analysis_json(evaluation_->analysis).dump(2) << "\n";
  if (!out) showError("Export failed", "Cannot write " + path);
}

void MainWindow::copyCliCommand() {
  const QString command = q(cli_command(inputs_, *evaluation_, settings_));
  QApplication::clipboard()->setText(command);
  status_->setText("Copied: " + command.toHtmlEscaped());
}

}  // namespace ridgeline::gui
