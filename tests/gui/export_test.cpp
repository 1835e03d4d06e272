// Chart export: the scene painter writes PNG and PDF files of the laid-out scene; SVG is the
// model's own writer (plot::render_svg), so all three show one layout.

#include "main_window.hpp"

#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QTemporaryDir>

#include "chart_widget.hpp"
#include "scene_painter.hpp"

namespace ridgeline::gui {
namespace {

TEST(GuiExport, PngAndPdfOfTheChartScene) {
  MainWindow window({}, false);
  const auto scene = window.chart()->scene(900, 600);
  QTemporaryDir dir;
  const QString png = dir.filePath("chart.png");
  const QString pdf = dir.filePath("chart.pdf");
  ASSERT_TRUE(write_png(scene, png, 2));
  ASSERT_TRUE(write_pdf(scene, pdf));
  const QImage image(png);
  EXPECT_EQ(image.width(), 1800);  // 2 × the scene's width
  EXPECT_EQ(image.height(), 1200);
  QFile file(pdf);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  EXPECT_TRUE(file.read(5).startsWith("%PDF-"));
  EXPECT_GT(file.size(), 2000);
  // Unwritable path: reported, not thrown.
  EXPECT_FALSE(write_png(scene, dir.filePath("no/such/dir/chart.png")));
}

TEST(GuiExport, MalformedModelConfigTakesTheErrorPath) {
  QTemporaryDir dir;
  const QString path = dir.filePath("config.json");
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("{\"model_type\": \"llama\", \"hidden_size\": -1}");
  file.close();
  MainWindow window({}, false);
  const double step = window.evaluation().analysis.step_time;
  EXPECT_FALSE(window.openModelFile(path));
  EXPECT_TRUE(window.lastError().contains("config.json")) << window.lastError().toStdString();
  EXPECT_EQ(window.evaluation().analysis.step_time, step);
  EXPECT_EQ(window.inputs().model, Inputs().model);
}

}  // namespace
}  // namespace ridgeline::gui
