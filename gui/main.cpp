// ridgeline-gui: the interactive roofline explorer (docs/gui.md).

#include <QApplication>

#include "app.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("ridgeline-gui");
  return ridgeline::gui::run_app(QApplication::arguments());
}
