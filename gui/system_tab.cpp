#include "system_tab.hpp"
#include "qt_text.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "chart_widget.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/report/workload_chart.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/collective_report.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/workload/parallel.hpp"
#include "summary_widget.hpp"

namespace ridgeline::gui {

namespace {

constexpr topology::CollectiveOp kOps[] = {
    topology::CollectiveOp::all_reduce, topology::CollectiveOp::all_gather,
    topology::CollectiveOp::reduce_scatter, topology::CollectiveOp::all_to_all,
    topology::CollectiveOp::broadcast};

}  // namespace

SystemTab::SystemTab(const hw::SpecLibrary& library, QWidget* parent)
    : QWidget(parent), systems_(std::make_unique<topology::SystemLibrary>(library)) {
  auto* layout = new QHBoxLayout(this);
  auto* controls = new QWidget(this);
  controls->setMaximumWidth(340);
  auto* side = new QVBoxLayout(controls);
  auto* form = new QFormLayout;
  system_ = new QComboBox(controls);
  for (const auto& id : systems_->ids()) system_->addItem(q(id));
  op_ = new QComboBox(controls);
  for (auto op : kOps) op_->addItem(q(std::string(topology::op_name(op))));
  ranks_ = new QSpinBox(controls);
  ranks_->setRange(1, 1 << 16);
  ranks_->setKeyboardTracking(false);
  form->addRow("System", system_);
  form->addRow("Collective", op_);
  form->addRow("Ranks", ranks_);
  side->addLayout(form);
  status_ = new QLabel(controls);
  status_->setWordWrap(true);
  side->addWidget(status_);
  parallel_ = new SegmentBar(controls);
  side->addWidget(parallel_);
  text_ = new QPlainTextEdit(controls);
  text_->setReadOnly(true);
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  QFont mono(QStringLiteral("DejaVu Sans Mono"));
  mono.setPointSize(8);
  text_->setFont(mono);
  side->addWidget(text_, 1);
  layout->addWidget(controls);
  chart_ = new ChartWidget(this);
  layout->addWidget(chart_, 1);

  connect(system_, &QComboBox::currentIndexChanged, this, &SystemTab::systemChanged);
  connect(op_, &QComboBox::currentIndexChanged, this, &SystemTab::recompute);
  connect(ranks_, &QSpinBox::valueChanged, this, &SystemTab::recompute);
  connect(ranks_, &QSpinBox::valueChanged, this, &SystemTab::recomputeParallel);
  connect(system_, &QComboBox::currentIndexChanged, this, &SystemTab::recomputeParallel);
  const int preferred = system_->findText("dgx-h100");
  if (preferred >= 0) system_->setCurrentIndex(preferred);
  systemChanged();
}

SystemTab::~SystemTab() = default;

void SystemTab::systemChanged() {
  try {
    const auto system = systems_->system(system_->currentText().toStdString());
    syncing_ = true;
    ranks_->setMaximum(static_cast<int>(system.size()));
    ranks_->setValue(static_cast<int>(system.size()));
    syncing_ = false;
    const topology::CollectiveModel model(system);
    text_->setPlainText(q(topology::system_text(system, model.topology())));
  } catch (const std::exception& error) {
    syncing_ = false;
    error_ = QString::fromUtf8(error.what());
    status_->setText(error_);
    return;
  }
  recompute();
}

void SystemTab::recompute() {
  if (syncing_) return;
  try {
    const auto system = systems_->system(system_->currentText().toStdString());
    const auto op = kOps[std::max(0, op_->currentIndex())];
    const topology::CollectiveModel model(system);
    const auto group = topology::first_ranks(system, static_cast<std::size_t>(ranks_->value()));
    // nccl-tests' default sweep: 8 B to 8 GiB, doubling.
    const auto sizes = topology::sweep_sizes(8, 8.0 * 1024 * 1024 * 1024);
    const auto points = topology::sweep(model, op, group, sizes, "auto", true);
    chart_->setChart(topology::sweep_chart(system, op, group.ranks.size(), points));
    error_.clear();
    status_->setText(QString("%1 over %2 ranks: bus bandwidth (nccl-tests convention) of every "
                             "algorithm the model knows; the library's choice is solid.")
                         .arg(op_->currentText())
                         .arg(group.ranks.size()));
  } catch (const std::exception& error) {
    error_ = QString::fromUtf8(error.what());
    status_->setText(error_);
  }
}

}  // namespace ridgeline::gui

namespace ridgeline::gui {

void SystemTab::setWorkload(const workload::ModelConfig& model,
                            const workload::WorkloadSpec& spec) {
  model_ = model;
  spec_ = spec;
  recomputeParallel();
}

void SystemTab::recomputeParallel() {
  if (!model_ || syncing_) return;
  const std::string phase(workload::phase_name(spec_.phase));
  try {
    const auto system = systems_->system(system_->currentText().toStdString());
    const topology::CollectiveModel collectives(system);
    workload::Parallelism parallelism;
    parallelism.tp = ranks_->value();
    const auto built = workload::build_workload(*model_, spec_);
    const auto analysis = workload::analyze(collectives, parallelism, built);
    std::vector<SegmentBar::Segment> segments;
    // Compute, overhead and memory levels in the chart's colours; communication bounds (a link
    // kind, or "latency") in colours of their own.
    const QColor kLinkColors[] = {QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x72, 0xB2),
                                  QColor(0x00, 0x00, 0x00)};
    std::size_t links = 0;
    for (const auto& [resource, share] : analysis.bound_share) {
      const bool known = resource == "compute" || resource == "overhead" ||
                         std::find(analysis.level_names.begin(), analysis.level_names.end(),
                                   resource) != analysis.level_names.end();
      const auto color = report::bound_color(resource, analysis.level_names);
      segments.push_back({q(resource + " " + format_number(100 * share, 3) + "%"), share,
                          known ? QColor(color.r, color.g, color.b) : kLinkColors[links++ % 3]});
    }
    parallel_text_ =
        q(model_->id + " " + phase + ", TP=" + std::to_string(parallelism.tp) + ": step " +
          format_quantity(analysis.step_time, Dimension::time) + "; time by bound");
    parallel_->setSegments(std::move(segments), 1.0, 0, parallel_text_);
  } catch (const std::exception& error) {
    parallel_text_ =
        q(model_->id + " " + phase + " with TP=" + std::to_string(ranks_->value()) + ": ") +
        QString::fromUtf8(error.what());
    parallel_->setSegments({}, 1.0, 0, parallel_text_);
  }
}

}  // namespace ridgeline::gui
