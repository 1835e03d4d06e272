#include "system_tab.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include "chart_widget.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/collective_report.hpp"
#include "ridgeline/topology/system.hpp"

namespace ridgeline::gui {

namespace {

QString q(const std::string& text) {
  return QString::fromStdString(text);
}

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
                             "algorithm the model knows; the library's choice is solid. (Where "
                             "tensor-parallel decode spends its step will show here once "
                             "`analyze` models tensor parallelism.)")
                         .arg(op_->currentText())
                         .arg(group.ranks.size()));
  } catch (const std::exception& error) {
    error_ = QString::fromUtf8(error.what());
    status_->setText(error_);
  }
}

}  // namespace ridgeline::gui
