#include "chart_widget.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <cmath>

#include "scene_painter.hpp"

namespace ridgeline::gui {

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(400, 300);
  band_ = new QRubberBand(QRubberBand::Rectangle, this);
}

void ChartWidget::setChart(plot::Chart chart, std::vector<HitPoint> points) {
  chart_ = std::move(chart);
  points_ = std::move(points);
  relayout();
  update();
}

plot::Chart ChartWidget::zoomedChart() const {
  plot::Chart chart = chart_;
  if (zoom_x_) {
    chart.x.min = zoom_x_->first;
    chart.x.max = zoom_x_->second;
  }
  if (zoom_y_) {
    chart.y.min = zoom_y_->first;
    chart.y.max = zoom_y_->second;
  }
  return chart;
}

plot::Scene ChartWidget::scene(double width, double height) const {
  return plot::layout_chart(zoomedChart(), width, height);
}

void ChartWidget::relayout() {
  valid_ = false;
  if (chart_.series.empty() && chart_.point_sets.empty()) return;
  const plot::Chart chart = zoomedChart();
  const double w = std::max(width(), 10);
  const double h = std::max(height(), 10);
  scene_ = plot::layout_chart(chart, w, h);
  frame_ = plot::chart_frame(chart, w, h);
  valid_ = true;
}

void ChartWidget::resetZoom() {
  zoom_x_.reset();
  zoom_y_.reset();
  relayout();
  update();
}

int ChartWidget::pointAt(QPointF position) const {
  const HitPoint* point = hitAt(position);
  return point != nullptr ? point->id : -1;
}

QString ChartWidget::tooltipAt(QPointF position) const {
  const HitPoint* point = hitAt(position);
  return point != nullptr ? point->tooltip : QString();
}

// The marker nearest the position among those whose disc (plus a little slack for tiny markers)
// holds it.
const HitPoint* ChartWidget::hitAt(QPointF position) const {
  if (!valid_) return nullptr;
  const plot::Point p{position.x(), position.y()};
  if (!frame_.plot_area.contains(p)) return nullptr;
  const HitPoint* best = nullptr;
  double best_distance = INFINITY;
  for (const auto& point : points_) {
    const plot::Point centre = frame_.to_pixel(point.position);
    const double distance = std::hypot(centre.x - p.x, centre.y - p.y);
    if (distance <= point.radius + 3 && distance < best_distance) {
      best = &point;
      best_distance = distance;
    }
  }
  return best;
}

void ChartWidget::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  if (!valid_) {
    painter.fillRect(rect(), Qt::white);
    return;
  }
  paint_scene(painter, scene_);
}

void ChartWidget::resizeEvent(QResizeEvent*) {
  relayout();
}

void ChartWidget::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  press_ = event->position().toPoint();
  dragging_ = true;
  band_->setGeometry(QRect(press_, QSize()));
  band_->show();
}

void ChartWidget::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_) {
    band_->setGeometry(QRect(press_, event->position().toPoint()).normalized());
    return;
  }
  const QString tooltip = tooltipAt(event->position());
  if (tooltip.isEmpty()) {
    QToolTip::hideText();
  } else {
    QToolTip::showText(event->globalPosition().toPoint(), tooltip, this);
  }
}

void ChartWidget::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_ || event->button() != Qt::LeftButton) return;
  dragging_ = false;
  band_->hide();
  const QRect box = QRect(press_, event->position().toPoint()).normalized();
  if (box.width() < 6 || box.height() < 6) {
    const int id = pointAt(event->position());
    if (id >= 0) emit pointClicked(id);
    return;
  }
  if (!valid_) return;
  // Zoom to the dragged box, in data space (log axes map back through 10^x).
  const double x0 = frame_.x.to_value(box.left());
  const double x1 = frame_.x.to_value(box.right());
  const double y0 = frame_.y.to_value(box.bottom());
  const double y1 = frame_.y.to_value(box.top());
  if (!(x1 > x0) || !(y1 > y0) || !(x0 > 0) || !(y0 > 0)) return;
  zoom_x_ = {x0, x1};
  zoom_y_ = {y0, y1};
  relayout();
  update();
}

void ChartWidget::mouseDoubleClickEvent(QMouseEvent*) {
  resetZoom();
}

}  // namespace ridgeline::gui
