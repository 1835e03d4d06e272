#include "scene_painter.hpp"

#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <type_traits>

namespace ridgeline::gui {

namespace {

QColor to_qcolor(plot::Color color, double opacity = 1) {
  QColor result(color.r, color.g, color.b);
  result.setAlphaF(static_cast<float>(opacity));
  return result;
}

QPen to_pen(const plot::Stroke& stroke) {
  QPen pen(to_qcolor(stroke.color), stroke.width);
  pen.setCapStyle(Qt::FlatCap);
  pen.setJoinStyle(Qt::RoundJoin);
  if (!stroke.dash.empty()) {
    // QPainter dashes are in units of the pen width.
    QList<qreal> dashes;
    for (double length : stroke.dash) dashes.push_back(length / std::max(stroke.width, 0.1));
    pen.setDashPattern(dashes);
  }
  return pen;
}

QPolygonF to_polygon(const std::vector<plot::Point>& points) {
  QPolygonF polygon;
  for (const auto& p : points) polygon << QPointF(p.x, p.y);
  return polygon;
}

void paint(QPainter& painter, const plot::Line& line) {
  painter.setPen(to_pen(line.stroke));
  painter.drawLine(QPointF(line.from.x, line.from.y), QPointF(line.to.x, line.to.y));
}

void paint(QPainter& painter, const plot::Polyline& line) {
  painter.setPen(to_pen(line.stroke));
  painter.setBrush(Qt::NoBrush);
  painter.drawPolyline(to_polygon(line.points));
}

void paint(QPainter& painter, const plot::Polygon& polygon) {
  painter.setPen(polygon.outline ? to_pen(*polygon.outline) : QPen(Qt::NoPen));
  painter.setBrush(to_qcolor(polygon.fill, polygon.fill_opacity));
  painter.drawPolygon(to_polygon(polygon.points));
}

void paint(QPainter& painter, const plot::Rect& rect) {
  painter.setPen(rect.outline ? to_pen(*rect.outline) : QPen(Qt::NoPen));
  painter.setBrush(to_qcolor(rect.fill, rect.fill_opacity));
  painter.drawRect(QRectF(rect.box.left, rect.box.top, rect.box.width(), rect.box.height()));
}

void paint(QPainter& painter, const plot::Circle& circle) {
  painter.setPen(circle.outline ? to_pen(*circle.outline) : QPen(Qt::NoPen));
  painter.setBrush(circle.fill ? QBrush(to_qcolor(*circle.fill)) : QBrush(Qt::NoBrush));
  painter.drawEllipse(QPointF(circle.center.x, circle.center.y), circle.radius, circle.radius);
}

void paint(QPainter& painter, const plot::Text& text) {
  QFont font(QStringLiteral("DejaVu Sans"));
  font.setPixelSize(std::max(1, static_cast<int>(std::lround(text.font_size))));
  font.setBold(text.bold);
  painter.setFont(font);
  painter.setPen(to_qcolor(text.color));
  const QString string = QString::fromStdString(text.text);
  const QFontMetricsF metrics(font);
  const double width = metrics.horizontalAdvance(string);
  double dx = 0;
  if (text.anchor == plot::TextAnchor::middle) dx = -width / 2;
  if (text.anchor == plot::TextAnchor::end) dx = -width;
  double dy = 0;  // from the requested baseline kind to the alphabetic baseline
  if (text.baseline == plot::TextBaseline::middle) dy = (metrics.ascent() - metrics.descent()) / 2;
  if (text.baseline == plot::TextBaseline::top) dy = metrics.ascent();
  painter.save();
  painter.translate(text.position.x, text.position.y);
  painter.rotate(text.rotation_degrees);
  painter.drawText(QPointF(dx, dy), string);
  painter.restore();
}

}  // namespace

void paint_scene(QPainter& painter, const plot::Scene& scene) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::TextAntialiasing);
  painter.fillRect(QRectF(0, 0, scene.width, scene.height), Qt::white);
  for (const auto& item : scene.items) {
    std::visit([&](const auto& primitive) { paint(painter, primitive); }, item);
  }
  painter.restore();
}

bool write_png(const plot::Scene& scene, const QString& path, double scale) {
  QImage image(static_cast<int>(std::ceil(scene.width * scale)),
               static_cast<int>(std::ceil(scene.height * scale)), QImage::Format_ARGB32);
  image.fill(Qt::white);
  {
    QPainter painter(&image);
    painter.scale(scale, scale);
    paint_scene(painter, scene);
  }
  return image.save(path, "PNG");
}

bool write_pdf(const plot::Scene& scene, const QString& path) {
  QPdfWriter writer(path);
  // A page the size of the scene (1 px = 1/96 inch = 0.75 pt), so nothing is rescaled.
  writer.setPageSize(QPageSize(QSizeF(scene.width * 0.75, scene.height * 0.75), QPageSize::Point));
  writer.setPageMargins(QMarginsF(0, 0, 0, 0));
  writer.setResolution(96);
  QPainter painter;
  if (!painter.begin(&writer)) return false;
  paint_scene(painter, scene);
  return painter.end();
}

}  // namespace ridgeline::gui
