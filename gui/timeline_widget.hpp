#pragma once
// The GPU timeline of a trace on screen: lays out the model's timeline scene
// (report/trace_timeline.hpp) at the widget's size and paints it, and adds the interaction: the
// kernel under the mouse as a tooltip (and a signal for a status line), a drag or a click on the
// whole-run lane to move the detail window, a drag on the detail lane or the wheel to zoom it,
// double-click to go back to the default window, and a click on a kernel to pick its group.

#include <QRubberBand>
#include <QString>
#include <QWidget>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ridgeline/report/trace_timeline.hpp"

namespace ridgeline::gui {

class TimelineWidget : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineWidget(QWidget* parent = nullptr);

  // `trace` and `analysis` are the analysed run; `level_names` the priced accelerator's memory
  // levels (bound colours). Resets the detail window and the highlight.
  void setRun(std::shared_ptr<const trace::OperatorTrace> trace,
              std::shared_ptr<const trace::TraceAnalysis> analysis,
              std::vector<std::string> level_names);
  void clear();
  bool empty() const { return !analysis_; }
  // The group whose kernels stay saturated (the others fade); nullopt: none.
  void setHighlight(std::optional<std::size_t> group);
  // nullopt: the default window.
  void setDetailWindow(std::optional<report::TimeWindow> window);
  report::TimeWindow detailWindow() const { return frame_.detail.window; }
  const report::TraceTimeline& timeline() const { return timeline_; }
  const report::TimelineFrame& frame() const { return frame_; }
  const plot::Scene& scene() const { return scene_; }

  // The kernel (index into timeline().kernels) under a widget position; its description.
  std::optional<std::size_t> kernelAt(QPointF position) const;
  QString describeKernel(std::size_t index, bool html) const;

  QSize sizeHint() const override { return {900, 320}; }
  QSize minimumSizeHint() const override { return {400, 220}; }

 signals:
  // Plain text about the kernel under the mouse (empty when none).
  void kernelHovered(const QString& text);
  // A click on a kernel of the detail lane: its group (report::kNoGroup: a click on idle time).
  void groupClicked(std::size_t group);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  enum class Lane { none, overview, detail };
  Lane laneAt(QPointF position, double slack = 0) const;
  void relayout();
  // The detail window, clamped to the run and to a least length of a few pixels' worth.
  void moveDetail(report::TimeWindow window);

  std::shared_ptr<const trace::OperatorTrace> trace_;
  std::shared_ptr<const trace::TraceAnalysis> analysis_;
  report::TraceTimeline timeline_;
  report::TimelineChartOptions options_;
  report::TimelineFrame frame_;
  plot::Scene scene_;
  QRubberBand* band_ = nullptr;
  QPoint press_;
  Lane press_lane_ = Lane::none;
  bool dragging_ = false;
};

}  // namespace ridgeline::gui
