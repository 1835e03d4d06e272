#pragma once
// The per-operator results of a workload analysis as a Qt table model. Display text comes from
// base/units.hpp formatting; the sort role (Qt::UserRole) holds the SI number, so sorting by time
// or intensity is numeric.

#include <QAbstractTableModel>
#include <vector>

#include "ridgeline/report/workload_chart.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::gui {

class OperatorTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { name, kind, group, count, time, share, flops, intensity, achieved, bound, columns };
  // Sort role holding the raw (SI) value of a cell.
  static constexpr int kSortRole = Qt::UserRole;
  // Role holding the operator's index in Analysis::ops (any column).
  static constexpr int kOpIndexRole = Qt::UserRole + 1;

  using QAbstractTableModel::QAbstractTableModel;

  void setAnalysis(const workload::Analysis& analysis);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  workload::Analysis analysis_;
  std::vector<report::OperatorPoint> points_;
};

}  // namespace ridgeline::gui
