#include "hbm_tab.hpp"
#include "qt_text.hpp"

#include <QComboBox>
#include <QEventLoop>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/memsim/device.hpp"
#include "ridgeline/memsim/pattern.hpp"
#include "ridgeline/memsim/report.hpp"

namespace ridgeline::gui {

namespace {

// Thrown from memsim's progress callback to stop a run the user cancelled.
struct Cancelled {};

constexpr int kBarRow = 26;

}  // namespace

BandwidthBars::BandwidthBars(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void BandwidthBars::setBars(QString title, std::vector<Bar> bars, double reference,
                            QString reference_text, QColor color) {
  title_ = std::move(title);
  bars_ = std::move(bars);
  reference_ = reference;
  reference_text_ = std::move(reference_text);
  color_ = color;
  updateGeometry();
  update();
}

QSize BandwidthBars::sizeHint() const {
  return {500, 50 + kBarRow * static_cast<int>(std::max<std::size_t>(bars_.size(), 1))};
}

void BandwidthBars::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), Qt::white);
  painter.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics metrics(font());
  QFont bold = font();
  bold.setBold(true);
  painter.setFont(bold);
  painter.drawText(QRect(8, 4, width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter, title_);
  painter.setFont(font());
  if (bars_.empty()) {
    painter.setPen(QColor(0x66, 0x66, 0x66));
    painter.drawText(rect(), Qt::AlignCenter, "Press Run to simulate.");
    return;
  }
  int label_width = 0;
  int text_width = 0;
  for (const auto& bar : bars_) {
    label_width = std::max(label_width, metrics.horizontalAdvance(bar.label));
    text_width = std::max(text_width, metrics.horizontalAdvance(bar.text));
  }
  const int left = 8 + label_width + 8;
  const int right = width() - text_width - 16;
  const int top = 30;
  // Rows shrink to fit (HBM3 has 16 channels per stack, several stacks more).
  const int row = std::clamp((height() - top - 22) / static_cast<int>(bars_.size()), 8, kBarRow);
  double scale = reference_;
  for (const auto& bar : bars_) scale = std::max(scale, bar.value);
  if (!(scale > 0)) scale = 1;
  const double span = std::max(right - left, 10);
  for (std::size_t i = 0; i < bars_.size(); ++i) {
    const int y = top + static_cast<int>(i) * row;
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(8, y, label_width, row - 2), Qt::AlignRight | Qt::AlignVCenter,
                     bars_[i].label);
    const double w = span * bars_[i].value / scale;
    painter.fillRect(QRectF(left, y + 2, w, std::max(row - 6, 3)), color_);
    painter.drawText(QRect(left + static_cast<int>(w) + 6, y, text_width + 8, row - 2),
                     Qt::AlignLeft | Qt::AlignVCenter, bars_[i].text);
  }
  if (reference_ > 0) {
    const double x = left + span * reference_ / scale;
    const int bottom = top + static_cast<int>(bars_.size()) * row;
    QPen pen(QColor(0xD5, 0x5E, 0x00), 1.5, Qt::DashLine);
    painter.setPen(pen);
    painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom));
    painter.drawText(QRect(static_cast<int>(x) - 200, bottom, 200, 18),
                     Qt::AlignRight | Qt::AlignVCenter, reference_text_);
  }
}

HbmTab::HbmTab(const hw::SpecLibrary& library, QWidget* parent)
    : QWidget(parent), library_(library) {
  auto* layout = new QHBoxLayout(this);
  auto* controls = new QWidget(this);
  controls->setMaximumWidth(320);
  auto* form = new QFormLayout(controls);
  device_ = new QComboBox(controls);
  for (const auto& id : library_.memory_device_ids()) device_->addItem(q(id));
  device_->setCurrentText("hbm3");
  stacks_ = new QSpinBox(controls);
  stacks_->setRange(1, 16);
  requests_ = new QSpinBox(controls);
  requests_->setRange(1000, 50'000'000);
  requests_->setSingleStep(100'000);
  requests_->setValue(300'000);
  patterns_ = new QListWidget(controls);
  for (const auto& kind : memsim::pattern_kinds()) {
    auto* item = new QListWidgetItem(q(kind.name), patterns_);
    item->setToolTip(q(kind.description));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
  }
  patterns_->setMaximumHeight(130);
  run_ = new QPushButton("Run", controls);
  cancel_ = new QPushButton("Cancel", controls);
  cancel_->setEnabled(false);
  progress_ = new QProgressBar(controls);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  status_ = new QLabel(controls);
  status_->setWordWrap(true);
  form->addRow("Device", device_);
  form->addRow("Stacks", stacks_);
  form->addRow("Requests", requests_);
  form->addRow("Patterns", patterns_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  form->addRow(buttons);
  form->addRow(progress_);
  form->addRow(status_);
  layout->addWidget(controls);

  auto* results = new QVBoxLayout;
  bars_ = new BandwidthBars(this);
  channels_ = new BandwidthBars(this);
  table_ = new QTableWidget(this);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  results->addWidget(bars_, 2);
  results->addWidget(table_, 2);
  results->addWidget(channels_, 3);
  layout->addLayout(results, 1);

  watcher_ = new QFutureWatcher<void>(this);
  connect(watcher_, &QFutureWatcher<void>::finished, this, &HbmTab::onFinished);
  connect(run_, &QPushButton::clicked, this, &HbmTab::run);
  connect(cancel_, &QPushButton::clicked, this, &HbmTab::cancel);
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
    if (row >= 0 && static_cast<std::size_t>(row) < results_.size()) {
      const auto& r = results_[static_cast<std::size_t>(row)].result;
      std::vector<BandwidthBars::Bar> bars;
      for (const auto& channel : r.channels) {
        bars.push_back({QString("ch %1").arg(channel.channel), channel.utilisation,
                        q(format_number(100 * channel.utilisation, 3) + "%")});
      }
      channels_->setBars(
          q("Data-bus utilisation per channel: " + results_[static_cast<std::size_t>(row)].pattern),
          std::move(bars), 1.0, "100%", QColor(0x00, 0x9E, 0x73));
    }
  });
  auto* timer = new QTimer(this);
  connect(timer, &QTimer::timeout, this, [this] {
    if (progress_permille_) progress_->setValue(progress_permille_->load());
  });
  timer->start(50);
}

HbmTab::~HbmTab() {
  cancel();
  watcher_->waitForFinished();
}

bool HbmTab::running() const {
  return watcher_->isRunning();
}

void HbmTab::run() {
  if (running()) return;
  std::vector<std::string> patterns;
  for (int i = 0; i < patterns_->count(); ++i) {
    if (patterns_->item(i)->checkState() == Qt::Checked) {
      patterns.push_back(patterns_->item(i)->text().toStdString());
    }
  }
  error_.clear();
  hw::MemoryDevice device;
  try {
    device = library_.memory_device(device_->currentText().toStdString());
  } catch (const std::exception& error) {
    error_ = QString::fromUtf8(error.what());
    status_->setText(error_);
    return;
  }
  cancelled_ = std::make_shared<std::atomic<bool>>(false);
  progress_permille_ = std::make_shared<std::atomic<int>>(0);
  pending_ = std::make_shared<std::vector<PatternRun>>();
  pending_error_ = std::make_shared<QString>();
  const int stacks = stacks_->value();
  const auto requests = static_cast<std::uint64_t>(requests_->value());
  // The worker owns copies and shared state only: nothing of the widget is touched off the GUI
  // thread.
  auto cancelled = cancelled_;
  auto permille = progress_permille_;
  auto out = pending_;
  auto failure = pending_error_;
  watcher_->setFuture(QtConcurrent::run([=] {
    try {
      memsim::Options options;
      options.device.stacks = stacks;
      const auto model = memsim::make_device_model(device, options.device);
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        options.progress = [&, i](double fraction) {
          if (cancelled->load()) throw Cancelled{};
          permille->store(static_cast<int>(1000.0 * (static_cast<double>(i) + fraction) /
                                           static_cast<double>(patterns.size())));
        };
        memsim::PatternSpec spec;
        spec.name = patterns[i];
        spec.requests = requests;
        spec.request_size = static_cast<std::uint32_t>(model.geometry.burst_bytes);
        auto source =
            memsim::make_pattern(spec, static_cast<std::uint64_t>(model.geometry.capacity()));
        out->push_back({patterns[i], memsim::simulate(model, options, *source)});
      }
      permille->store(1000);
    } catch (const Cancelled&) {
      *failure = "cancelled";
    } catch (const std::exception& error) {
      *failure = QString::fromUtf8(error.what());
    }
  }));
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  status_->setText(
      QString("Simulating %1 pattern(s) of %2 requests…").arg(patterns.size()).arg(requests));
}

void HbmTab::cancel() {
  if (cancelled_) cancelled_->store(true);
}

void HbmTab::waitForFinished() {
  if (!running()) return;
  QEventLoop loop;
  connect(this, &HbmTab::finished, &loop, &QEventLoop::quit);
  loop.exec();
}

void HbmTab::onFinished() {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  error_ = *pending_error_;
  if (error_.isEmpty()) {
    results_ = *pending_;
    status_->setText("Done.");
    progress_->setValue(1000);
    showResults();
  } else {
    status_->setText(error_ == "cancelled" ? "Cancelled; previous results kept." : error_);
  }
  emit finished();
}

void HbmTab::showResults() {
  if (results_.empty()) return;
  const auto& first = results_.front().result;
  std::vector<BandwidthBars::Bar> bars;
  for (const auto& run : results_) {
    bars.push_back({q(run.pattern), run.result.bandwidth,
                    q(format_quantity(run.result.bandwidth, Dimension::bandwidth) + "  (" +
                      format_number(100 * run.result.efficiency, 3) + "% of peak)")});
  }
  bars_->setBars(q("Achieved bandwidth per pattern: " + first.device_name + " × " +
                   std::to_string(first.stacks)),
                 std::move(bars), first.peak_bandwidth,
                 q("peak " + format_quantity(first.peak_bandwidth, Dimension::bandwidth)),
                 QColor(0x00, 0x72, 0xB2));
  const QStringList headers{"pattern",  "bandwidth", "efficiency", "row hit", "row conflict",
                            "read p50", "read p99",  "refresh",    "bound"};
  table_->clear();
  table_->setColumnCount(static_cast<int>(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->setRowCount(static_cast<int>(results_.size()));
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const auto& r = results_[i].result;
    const QStringList cells{
        q(results_[i].pattern),
        q(format_quantity(r.bandwidth, Dimension::bandwidth)),
        q(format_number(100 * r.efficiency, 3) + "%"),
        q(format_number(100 * r.row_hit_rate, 3) + "%"),
        q(format_number(100 * r.row_conflict_rate, 3) + "%"),
        q(format_quantity(r.read_latency.p50, Dimension::time)),
        q(format_quantity(r.read_latency.p99, Dimension::time)),
        q(format_number(100 * r.refresh_time_fraction, 3) + "%"),
        q(memsim::bound_summary(r, false)),
    };
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                    : Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(static_cast<int>(i), c, item);
    }
  }
  table_->resizeColumnsToContents();
  table_->setCurrentCell(0, 0);
}

}  // namespace ridgeline::gui
