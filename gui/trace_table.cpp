#include "trace_table.hpp"
#include "qt_text.hpp"

#include <QColor>

#include "ridgeline/base/units.hpp"
#include "ridgeline/report/trace_timeline.hpp"

namespace ridgeline::gui {

namespace {

QString percent(double fraction) {
  return q(format_number(100 * fraction, 3) + " %");
}

}  // namespace

void TraceGroupTableModel::setAnalysis(std::shared_ptr<const trace::TraceAnalysis> analysis,
                                       std::vector<std::string> level_names) {
  beginResetModel();
  analysis_ = std::move(analysis);
  level_names_ = std::move(level_names);
  endResetModel();
}

int TraceGroupTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !analysis_ ? 0 : static_cast<int>(analysis_->groups.size());
}

int TraceGroupTableModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  // One projected column per target (the tab asks for at most one).
  return projected + (analysis_ ? static_cast<int>(analysis_->targets.size()) : 0);
}

QVariant TraceGroupTableModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole && section == roofline) {
    return QString(
        "The model's time for one call / the measured median: 100 % = the kernel runs "
        "as fast as the model's achievable ceilings allow");
  }
  if (role != Qt::DisplayRole) return {};
  static const char* const kHeaders[] = {"op",     "shape", "calls",    "total", "of kernel time",
                                         "median", "model", "roofline", "bound", "achieved"};
  if (section >= 0 && section < projected) return QString(kHeaders[section]);
  const auto target = static_cast<std::size_t>(section - projected);
  if (analysis_ && section >= projected && target < analysis_->targets.size()) {
    return "on " + q(analysis_->targets[target].id);
  }
  return {};
}

QVariant TraceGroupTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const auto& a = *analysis_;
  const auto& g = a.groups[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  if (role == kGroupRole) return index.row();
  if (role == Qt::TextAlignmentRole) {
    const bool text_column = column == op || column == shape || column == bound;
    return QVariant::fromValue(text_column ? Qt::AlignLeft | Qt::AlignVCenter
                                           : Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::DecorationRole && column == bound) {
    const auto color = report::trace_bound_color(g.bound, level_names_);
    return QColor(color.r, color.g, color.b);
  }
  if (role == Qt::ToolTipRole) {
    QString tip = "<b>" + q(g.op).toHtmlEscaped() + "</b> " + q(g.shape).toHtmlEscaped();
    if (!g.model) tip += "<br>unmodelled: " + q(g.why_unmodelled).toHtmlEscaped();
    tip += QString("<br>%1 call(s), %2 kernel(s); per call min %3, max %4")
               .arg(g.calls)
               .arg(g.kernels)
               .arg(time_text(g.min), time_text(g.max));
    for (const auto& name : g.kernel_names) tip += "<br>" + q(name).left(120).toHtmlEscaped();
    return tip;
  }
  const double share_of_kernels = a.kernel_time > 0 ? g.total / a.kernel_time : 0.0;
  const bool compute = g.bound == "compute";
  if (role == kSortRole) {
    switch (column) {
      case calls:
        return static_cast<qulonglong>(g.calls);
      case total:
        return g.total;
      case share:
        return share_of_kernels;
      case median:
        return g.median;
      case model:
        return g.model ? g.model->time : -1.0;
      case roofline:
        return g.model ? g.roofline_share : -1.0;
      case achieved:
        // Compute-bound rows in FLOP/s, the others in B/s: sort within the bound's unit.
        return g.model ? (compute ? g.achieved_flops : g.achieved_bandwidth) : -1.0;
      default:
        if (column >= projected) return g.projected[static_cast<std::size_t>(column - projected)];
        break;
    }
    role = Qt::DisplayRole;
  }
  if (role != Qt::DisplayRole) return {};
  switch (column) {
    case op:
      return q(g.op);
    case shape:
      return g.model ? q(g.shape) : "(unmodelled: " + q(g.why_unmodelled) + ")";
    case calls:
      return QString::number(g.calls);
    case total:
      return time_text(g.total);
    case share:
      return percent(share_of_kernels);
    case median:
      return time_text(g.median);
    case model:
      return g.model ? time_text(g.model->time) : QString("–");
    case roofline:
      return g.model ? percent(g.roofline_share) : QString("–");
    case bound:
      return g.model ? q(g.bound) : QString("unmodelled");
    case achieved:
      if (!g.model) return QString("–");
      return compute ? q(format_quantity(g.achieved_flops, Dimension::compute))
                     : q(format_quantity(g.achieved_bandwidth, Dimension::bandwidth));
    default:
      return time_text(g.projected[static_cast<std::size_t>(column - projected)]);
  }
}

}  // namespace ridgeline::gui
