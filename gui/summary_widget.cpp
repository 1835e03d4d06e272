#include "summary_widget.hpp"
#include "qt_text.hpp"

#include <QPainter>
#include <QVBoxLayout>

#include "ridgeline/base/units.hpp"
#include "ridgeline/report/workload_chart.hpp"
#include "ridgeline/report/workload_report.hpp"

namespace ridgeline::gui {

namespace {

constexpr int kBarHeight = 22;
constexpr int kLegendRow = 18;
constexpr int kCaptionHeight = 18;

QColor to_qcolor(plot::Color color) {
  return {color.r, color.g, color.b};
}

}  // namespace

SegmentBar::SegmentBar(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
}

double SegmentBar::sum() const {
  double sum = 0;
  for (const auto& segment : segments_) sum += segment.value;
  return sum;
}

void SegmentBar::setSegments(std::vector<Segment> segments, double total, double limit,
                             QString caption) {
  segments_ = std::move(segments);
  total_ = total > 0 ? total : 1;
  limit_ = limit;
  caption_ = std::move(caption);
  updateGeometry();
  update();
}

int SegmentBar::captionHeight(int width) const {
  const QFontMetrics metrics(font());
  const QRect box = metrics.boundingRect(QRect(0, 0, width, 1000), Qt::TextWordWrap, caption_);
  return std::max(kCaptionHeight, box.height() + 4);
}

int SegmentBar::legendRows(int width) const {
  const QFontMetrics metrics(font());
  int rows = 1;
  int x = 0;
  for (const auto& segment : segments_) {
    const int w = 16 + metrics.horizontalAdvance(segment.name) + 14;
    if (x > 0 && x + w > width) {
      ++rows;
      x = 0;
    }
    x += w;
  }
  return rows;
}

QSize SegmentBar::sizeHint() const {
  return {320, heightForWidth(std::max(width(), 300))};
}

int SegmentBar::heightForWidth(int width) const {
  return captionHeight(width) + kBarHeight + 6 + legendRows(width) * kLegendRow;
}

void SegmentBar::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics metrics(font());
  painter.setPen(overLimit() ? QColor(0xC0, 0x00, 0x00) : palette().color(QPalette::WindowText));
  const int caption = captionHeight(width());
  painter.drawText(QRect(0, 0, width(), caption),
                   Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, caption_);
  const QRectF bar(0.5, caption + 0.5, width() - 1.0, kBarHeight);
  // The scale is the larger of the total and the segments' sum, so an overfull bar stays inside.
  const double scale = std::max(total_, sum());
  double x = bar.left();
  for (const auto& segment : segments_) {
    const double w = bar.width() * segment.value / scale;
    painter.fillRect(QRectF(x, bar.top(), w, bar.height()), segment.color);
    x += w;
  }
  if (limit_ > 0) {
    const double lx = bar.left() + bar.width() * std::min(limit_, scale) / scale;
    painter.setPen(QPen(QColor(0, 0, 0), 2));
    painter.drawLine(QPointF(lx, bar.top() - 3), QPointF(lx, bar.bottom() + 3));
  }
  painter.setPen(QPen(overLimit() ? QColor(0xC0, 0x00, 0x00) : QColor(0x88, 0x88, 0x88),
                      overLimit() ? 2.5 : 1));
  painter.setBrush(Qt::NoBrush);
  painter.drawRect(bar);

  int lx = 0;
  int ly = static_cast<int>(bar.bottom()) + 6;
  for (const auto& segment : segments_) {
    const int w = 16 + metrics.horizontalAdvance(segment.name) + 14;
    if (lx > 0 && lx + w > width()) {
      lx = 0;
      ly += kLegendRow;
    }
    painter.fillRect(QRect(lx, ly + 3, 11, 11), segment.color);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(lx + 15, ly, w - 15, kLegendRow), Qt::AlignLeft | Qt::AlignTop,
                     segment.name);
    lx += w;
  }
}

SummaryWidget::SummaryWidget(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  table_ = new QLabel(this);
  table_->setTextFormat(Qt::RichText);
  table_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  table_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  table_->setWordWrap(true);
  bounds_ = new SegmentBar(this);
  memory_ = new SegmentBar(this);
  layout->addWidget(table_);
  layout->addWidget(bounds_);
  layout->addWidget(memory_);
  layout->addStretch(1);
}

void SummaryWidget::setColumns(const std::vector<SummaryColumn>& columns) {
  if (columns.empty() || !columns.front().analysis) return;
  const auto& main = *columns.front().analysis;
  QString html = "<table cellspacing='0' cellpadding='2'><tr><th></th>";
  for (const auto& column : columns) html += "<th align='right'>" + column.title + "</th>";
  html += "</tr>";
  auto row = [&](const QString& name, auto&& value) {
    html += "<tr><td>" + name + "</td>";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      html += QString("<td align='right'>%1%2%3</td>")
                  .arg(i == 0 ? "<b>" : "", value(*columns[i].analysis), i == 0 ? "</b>" : "");
    }
    html += "</tr>";
  };
  row("step time",
      [](const workload::Analysis& a) { return q(format_quantity(a.step_time, Dimension::time)); });
  if (main.spec.phase == workload::Phase::prefill) {
    row("TTFT",
        [](const workload::Analysis& a) { return q(format_quantity(a.ttft, Dimension::time)); });
  }
  if (main.spec.phase == workload::Phase::decode) {
    row("TPOT",
        [](const workload::Analysis& a) { return q(format_quantity(a.tpot, Dimension::time)); });
  }
  row("tokens/s", [](const workload::Analysis& a) { return q(format_number(a.tokens_per_s, 4)); });
  row("MFU", [](const workload::Analysis& a) { return q(format_number(100 * a.mfu, 3) + "%"); });
  row("MBU", [](const workload::Analysis& a) { return q(format_number(100 * a.mbu, 3) + "%"); });
  row("memory needed", [](const workload::Analysis& a) {
    const QString text = q(format_quantity(a.memory.total(), Dimension::bytes));
    return a.memory.fits() ? text : "<span style='color:#c00000'>" + text + "</span>";
  });
  row("capacity", [](const workload::Analysis& a) {
    return q(format_quantity(a.memory.capacity, Dimension::bytes));
  });
  html += "</table>";
  table_->setText(html);

  std::vector<SegmentBar::Segment> shares;
  for (const auto& [resource, share] : main.bound_share) {
    shares.push_back({q(resource + " " + format_number(100 * share, 3) + "%"), share,
                      to_qcolor(report::bound_color(resource, main.level_names))});
  }
  bounds_->setSegments(std::move(shares), 1.0, 0,
                       "Step time by bottleneck (" + columns.front().title + ")");

  const auto& m = main.memory;
  std::vector<SegmentBar::Segment> memory{
      {q("weights " + format_quantity(m.weights, Dimension::bytes)), m.weights,
       QColor(0x00, 0x72, 0xB2)},
      {q("KV cache " + format_quantity(m.kv_cache, Dimension::bytes)), m.kv_cache,
       QColor(0xE6, 0x9F, 0x00)},
      {q("activations " + format_quantity(m.activations, Dimension::bytes)), m.activations,
       QColor(0x56, 0xB4, 0xE9)},
  };
  if (m.gradients > 0) {
    memory.push_back({q("gradients " + format_quantity(m.gradients, Dimension::bytes)), m.gradients,
                      QColor(0xCC, 0x79, 0xA7)});
  }
  if (m.optimizer > 0) {
    memory.push_back({q("optimizer " + format_quantity(m.optimizer, Dimension::bytes)), m.optimizer,
                      QColor(0x00, 0x9E, 0x73)});
  }
  memory.push_back({"capacity (black mark)", 0, QColor(0, 0, 0)});
  bounds_->updateGeometry();
  memory_->setSegments(std::move(memory), m.capacity, m.capacity,
                       q("Memory: " + report::capacity_sentence(m)));
}

}  // namespace ridgeline::gui
