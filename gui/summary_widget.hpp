#pragma once
// The summary panel: totals of the analysis (and of the original design / the compare accelerator
// beside it), a stacked bar of step time per bottleneck and a memory-capacity bar.

#include <QLabel>
#include <QWidget>
#include <optional>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::gui {

// A horizontal bar of segments (value, colour, name) with a legend underneath; `limit` > 0 draws
// a capacity mark and turns the bar's outline red when the segments exceed it.
class SegmentBar : public QWidget {
  Q_OBJECT

 public:
  struct Segment {
    QString name;
    double value = 0;
    QColor color;
  };
  explicit SegmentBar(QWidget* parent = nullptr);
  void setSegments(std::vector<Segment> segments, double total, double limit, QString caption);
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return {200, 60}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override;
  bool overLimit() const { return limit_ > 0 && sum() > limit_; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  double sum() const;
  int legendRows(int width) const;
  int captionHeight(int width) const;
  std::vector<Segment> segments_;
  double total_ = 1;
  double limit_ = 0;
  QString caption_;
};

struct SummaryColumn {
  QString title;
  const workload::Analysis* analysis = nullptr;
};

class SummaryWidget : public QWidget {
  Q_OBJECT

 public:
  explicit SummaryWidget(QWidget* parent = nullptr);
  // The first column is the design being analysed; the others (original design, compare
  // accelerator) are shown beside it.
  void setColumns(const std::vector<SummaryColumn>& columns);
  QString tableText() const { return table_->text(); }
  const SegmentBar* memoryBar() const { return memory_; }

 private:
  QLabel* table_ = nullptr;
  SegmentBar* bounds_ = nullptr;
  SegmentBar* memory_ = nullptr;
};

}  // namespace ridgeline::gui
