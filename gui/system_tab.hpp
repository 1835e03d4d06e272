#pragma once
// The System tab: collective bus bandwidth against message size for a chosen system (nccl-tests
// style, log x-axis), from the model's collective cost model.

#include <QWidget>

namespace ridgeline::gui {

class SystemTab : public QWidget {
  Q_OBJECT

 public:
  explicit SystemTab(QWidget* parent = nullptr);
};

}  // namespace ridgeline::gui
