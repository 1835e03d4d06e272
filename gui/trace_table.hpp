#pragma once
// The operator groups of a trace analysis (trace/trace_analysis.hpp) as a Qt table model: per
// operator shape the calls, measured total and median, the model's time, the roofline share, the
// bound, what was achieved and, with a target accelerator, the projected total there. Display text
// is base/units.hpp formatting; the sort role holds the SI number, so sorting is numeric.

#include <QAbstractTableModel>
#include <memory>
#include <string>
#include <vector>

#include "ridgeline/trace/trace_analysis.hpp"

namespace ridgeline::gui {

class TraceGroupTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    op,
    shape,
    calls,
    total,
    share,
    median,
    model,
    roofline,
    bound,
    achieved,
    projected,  // present only with a target accelerator
  };
  // Sort role holding the raw (SI) value of a cell.
  static constexpr int kSortRole = Qt::UserRole;
  // Role holding the group's index in TraceAnalysis::groups (any column).
  static constexpr int kGroupRole = Qt::UserRole + 1;

  using QAbstractTableModel::QAbstractTableModel;

  // `level_names`: the priced accelerator's memory levels (bound colours).
  void setAnalysis(std::shared_ptr<const trace::TraceAnalysis> analysis,
                   std::vector<std::string> level_names);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  std::shared_ptr<const trace::TraceAnalysis> analysis_;
  std::vector<std::string> level_names_;
};

}  // namespace ridgeline::gui
