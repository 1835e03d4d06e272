#include "operator_table.hpp"

#include <QBrush>
#include <QColor>

#include "ridgeline/base/units.hpp"

namespace ridgeline::gui {

void OperatorTableModel::setAnalysis(const workload::Analysis& analysis) {
  beginResetModel();
  analysis_ = analysis;
  points_ = report::operator_points(analysis_);
  endResetModel();
}

int OperatorTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(analysis_.ops.size());
}

int OperatorTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : columns;
}

QVariant OperatorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kHeaders[] = {"operator", "kind",      "group",  "count",    "time/step",
                                         "share",    "FLOP/step", "FLOP/B", "achieved", "bound"};
  return section >= 0 && section < columns ? QString(kHeaders[section]) : QVariant();
}

QVariant OperatorTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto row = static_cast<std::size_t>(index.row());
  const auto& op = analysis_.ops[row];
  const auto& point = points_[row];
  if (role == kOpIndexRole) return index.row();
  if (role == Qt::TextAlignmentRole) {
    const bool text_column = index.column() == name || index.column() == kind ||
                             index.column() == group || index.column() == bound;
    return QVariant::fromValue(text_column ? Qt::AlignLeft | Qt::AlignVCenter
                                           : Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::DecorationRole && index.column() == bound) {
    const auto color = report::bound_color(op.bound, analysis_.level_names);
    return QColor(color.r, color.g, color.b);
  }
  const double step_flops = op.cost.flops * op.count;
  if (role == kSortRole) {
    switch (index.column()) {
      case count:
        return op.count;
      case time:
        return op.total_time();
      case share:
        return point.share;
      case flops:
        return step_flops;
      case intensity:
        return point.intensity;
      case achieved:
        return point.achieved_flops;
      default:
        break;
    }
    role = Qt::DisplayRole;
  }
  if (role != Qt::DisplayRole) return {};
  auto text = [](const std::string& s) { return QString::fromStdString(s); };
  switch (index.column()) {
    case name:
      return text(op.name);
    case kind:
      return text(op.kind);
    case group:
      return text(std::string(workload::group_name(op.group)));
    case count:
      return text(format_number(op.count, 6));
    case time:
      return text(format_quantity(op.total_time(), Dimension::time));
    case share:
      return text(format_number(100 * point.share, 3) + "%");
    case flops:
      return text(step_flops > 0 ? format_number(step_flops, 3) : "0");
    case intensity:
      return text(point.intensity > 0 ? format_number(point.intensity, 3) : "-");
    case achieved:
      return text(point.achieved_flops > 0
                      ? format_quantity(point.achieved_flops, Dimension::compute)
                      : "-");
    case bound:
      return text(op.bound);
    default:
      return {};
  }
}

}  // namespace ridgeline::gui
