#include "timeline_widget.hpp"
#include "qt_text.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "ridgeline/base/units.hpp"
#include "scene_painter.hpp"

namespace ridgeline::gui {

namespace {

// Hover slack, in pixels.
constexpr double kHoverSlack = 3;
// The detail window's least length: a profiler stamps kernels to the nanosecond or so.
constexpr double kLeastWindow = 200e-9;

}  // namespace

TimelineWidget::TimelineWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  band_ = new QRubberBand(QRubberBand::Rectangle, this);
}

void TimelineWidget::setRun(std::shared_ptr<const trace::OperatorTrace> trace,
                            std::shared_ptr<const trace::TraceAnalysis> analysis,
                            std::vector<std::string> level_names) {
  trace_ = std::move(trace);
  analysis_ = std::move(analysis);
  timeline_ = report::trace_timeline(*trace_, *analysis_);
  options_ = {};
  options_.level_names = std::move(level_names);
  relayout();
  update();
}

void TimelineWidget::clear() {
  trace_.reset();
  analysis_.reset();
  timeline_ = {};
  options_ = {};
  relayout();
  update();
}

void TimelineWidget::setHighlight(std::optional<std::size_t> group) {
  if (options_.highlight == group) return;
  options_.highlight = group;
  relayout();
  update();
}

void TimelineWidget::setDetailWindow(std::optional<report::TimeWindow> window) {
  if (window) {
    moveDetail(*window);
  } else {
    options_.detail.reset();
    relayout();
    update();
  }
}

void TimelineWidget::moveDetail(report::TimeWindow window) {
  options_.detail = report::clamp_window(window, timeline_.span, kLeastWindow);
  relayout();
  update();
}

void TimelineWidget::relayout() {
  const double w = std::max(width(), 10);
  const double h = std::max(height(), 10);
  if (!analysis_) {
    scene_ = {};
    frame_ = {};
    return;
  }
  frame_ = report::timeline_frame(timeline_, *analysis_, options_, w, h);
  scene_ = report::timeline_scene(timeline_, *analysis_, options_, w, h);
}

TimelineWidget::Lane TimelineWidget::laneAt(QPointF position, double slack) const {
  if (!analysis_) return Lane::none;
  const plot::Point p{position.x(), position.y()};
  if (frame_.overview.box.inflated(slack).contains(p)) return Lane::overview;
  if (frame_.detail.box.inflated(slack).contains(p)) return Lane::detail;
  return Lane::none;
}

std::optional<std::size_t> TimelineWidget::kernelAt(QPointF position) const {
  const Lane lane = laneAt(position);
  if (lane == Lane::none) return std::nullopt;
  const auto& l = lane == Lane::overview ? frame_.overview : frame_.detail;
  const double time = l.x.to_value(position.x());
  const double per_pixel = l.window.length() / std::max(l.box.width(), 1.0);
  return report::kernel_at(timeline_, time, kHoverSlack * per_pixel);
}

QString TimelineWidget::describeKernel(std::size_t index, bool html) const {
  if (!analysis_ || index >= timeline_.kernels.size()) return {};
  const auto& bar = timeline_.kernels[index];
  const auto& k = trace_->kernels[bar.kernel];
  QString name = q(k.name);
  if (name.size() > 100) name = name.left(97) + "...";
  const auto escape = [html](const QString& text) { return html ? text.toHtmlEscaped() : text; };
  const QString br = html ? "<br>" : "; ";
  QString text = html ? "<b>" + escape(name) + "</b>" : name;
  text += br + QString("at %1, %2").arg(time_text(bar.start), time_text(k.duration));
  if (bar.group < analysis_->groups.size()) {
    const auto& g = analysis_->groups[bar.group];
    text += br + escape(q(g.op + (g.shape.empty() ? "" : " " + g.shape)));
    if (g.model) {
      text += br + QString("model %1 per call (median measured %2): %3 % of the roofline, %4 bound")
                       .arg(time_text(g.model->time), time_text(g.median),
                            q(format_number(100 * g.roofline_share, 3)), escape(q(g.bound)));
    } else {
      text += br + "unmodelled: " + escape(q(g.why_unmodelled));
    }
  } else if (!k.op.empty()) {
    text += br + escape(q(k.op));
  }
  return text;
}

void TimelineWidget::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  if (!analysis_) {
    painter.fillRect(rect(), Qt::white);
    painter.setPen(QColor(0x66, 0x66, 0x66));
    painter.drawText(rect(), Qt::AlignCenter,
                     "Open a PyTorch profiler trace (.json or .json.gz) to see its kernels here.");
    return;
  }
  paint_scene(painter, scene_);
}

void TimelineWidget::resizeEvent(QResizeEvent*) {
  relayout();
}

void TimelineWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  press_ = event->position().toPoint();
  press_lane_ = laneAt(event->position());
  if (press_lane_ == Lane::none) return;
  dragging_ = true;
  band_->setGeometry(QRect(press_, QSize()));
  band_->show();
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_) {
    // A time range: the band spans the lane's height.
    const auto& box = press_lane_ == Lane::overview ? frame_.overview.box : frame_.detail.box;
    const int x = std::clamp(event->position().toPoint().x(), static_cast<int>(box.left),
                             static_cast<int>(box.right));
    band_->setGeometry(QRect(QPoint(std::min(press_.x(), x), static_cast<int>(box.top)),
                             QPoint(std::max(press_.x(), x), static_cast<int>(box.bottom))));
    return;
  }
  const auto kernel = kernelAt(event->position());
  if (!kernel) {
    QToolTip::hideText();
    emit kernelHovered({});
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), describeKernel(*kernel, true), this);
  emit kernelHovered(describeKernel(*kernel, false));
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_ || event->button() != Qt::LeftButton) return;
  dragging_ = false;
  band_->hide();
  const auto& lane = press_lane_ == Lane::overview ? frame_.overview : frame_.detail;
  const double x0 = std::clamp<double>(press_.x(), lane.box.left, lane.box.right);
  const double x1 = std::clamp<double>(event->position().x(), lane.box.left, lane.box.right);
  if (std::abs(x1 - x0) >= 4) {
    // A dragged range: the detail lane shows it.
    moveDetail({lane.x.to_value(std::min(x0, x1)), lane.x.to_value(std::max(x0, x1))});
    return;
  }
  if (press_lane_ == Lane::overview) {
    // A click on the whole run: the detail window, same length, centred there.
    const double centre = lane.x.to_value(x0);
    const double half = frame_.detail.window.length() / 2;
    moveDetail({centre - half, centre + half});
    return;
  }
  // A click on the detail lane: the kernel's group, or none (a click on idle time).
  const auto kernel = kernelAt(event->position());
  emit groupClicked(kernel ? timeline_.kernels[*kernel].group : report::kNoGroup);
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent*) {
  setDetailWindow(std::nullopt);
}

void TimelineWidget::wheelEvent(QWheelEvent* event) {
  const Lane lane = laneAt(event->position(), 20);
  if (lane == Lane::none || event->angleDelta().y() == 0) {
    event->ignore();
    return;
  }
  // Zoom the detail window about the time under the cursor (the window's centre when over the
  // whole-run lane): 1.25× per notch.
  const auto& w = frame_.detail.window;
  const double anchor = lane == Lane::detail ? frame_.detail.x.to_value(event->position().x())
                                             : 0.5 * (w.from + w.to);
  const double factor = std::pow(1.25, -event->angleDelta().y() / 120.0);
  moveDetail({anchor - (anchor - w.from) * factor, anchor + (w.to - anchor) * factor});
  event->accept();
}

void TimelineWidget::leaveEvent(QEvent*) {
  emit kernelHovered({});
}

}  // namespace ridgeline::gui
