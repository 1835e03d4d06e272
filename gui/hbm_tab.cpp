#include "hbm_tab.hpp"

#include <QLabel>
#include <QVBoxLayout>

namespace ridgeline::gui {

HbmTab::HbmTab(const hw::SpecLibrary& library, QWidget* parent)
    : QWidget(parent), library_(library) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel("HBM timing model: achieved bandwidth per access pattern.", this));
}

}  // namespace ridgeline::gui
