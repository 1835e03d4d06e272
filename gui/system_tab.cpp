#include "system_tab.hpp"

#include <QLabel>
#include <QVBoxLayout>

namespace ridgeline::gui {

SystemTab::SystemTab(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel("Collectives: bus bandwidth against message size.", this));
}

}  // namespace ridgeline::gui
