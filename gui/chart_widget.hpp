#pragma once
// A chart on screen: lays out a plot::Chart with the model's layout (plot/chart.hpp) at the
// widget's size, paints the scene, and adds the interaction: hover tooltips on operator points,
// rubber-band zoom (double-click or resetZoom() to go back) and click-to-select.

#include <QRubberBand>
#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

#include "ridgeline/plot/chart.hpp"

namespace ridgeline::gui {

// A point the user can hover and click: where it is in data space, how big it is drawn, and what
// it stands for.
struct HitPoint {
  plot::DataPoint position{};
  double radius = 4;
  int id = -1;  // the operator's index, reported by pointClicked
  QString tooltip;
};

class ChartWidget : public QWidget {
  Q_OBJECT

 public:
  explicit ChartWidget(QWidget* parent = nullptr);

  void setChart(plot::Chart chart, std::vector<HitPoint> points = {});
  const plot::Chart& chart() const { return chart_; }
  // The chart as laid out now (zoom applied) at the given size, for export.
  plot::Scene scene(double width, double height) const;
  bool zoomed() const { return zoom_x_.has_value(); }
  // The id of the point under a widget position, or -1; its tooltip, or an empty string.
  int pointAt(QPointF position) const;
  QString tooltipAt(QPointF position) const;
  QSize sizeHint() const override { return {900, 600}; }

 public slots:
  void resetZoom();

 signals:
  void pointClicked(int id);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  plot::Chart zoomedChart() const;
  const HitPoint* hitAt(QPointF position) const;
  void relayout();

  plot::Chart chart_;
  std::vector<HitPoint> points_;
  std::optional<std::pair<double, double>> zoom_x_;
  std::optional<std::pair<double, double>> zoom_y_;
  plot::Scene scene_;
  plot::ChartFrame frame_;
  bool valid_ = false;
  QRubberBand* band_ = nullptr;
  QPoint press_;
  bool dragging_ = false;
};

}  // namespace ridgeline::gui
