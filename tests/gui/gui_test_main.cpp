// GoogleTest main for the GUI tests: one QApplication for the whole run (offscreen platform, set by
// ctest and scripts/test.sh; forced here when unset so the binary also runs without a display).

#include <gtest/gtest.h>

#include <QApplication>
#include <cstdlib>

int main(int argc, char** argv) {
  ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
