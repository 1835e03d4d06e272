// The Trace tab against `ridgeline trace`: the same trace priced on the same accelerator gives the
// same groups, totals and projection; a malformed trace or an accelerator that cannot price it
// takes the error path (a dialog when interactive) and keeps what was shown.

// The model's headers first (see main_window_test.cpp: glibc's <signal.h> defines `si_value`).
#include "main_window.hpp"

#include <gtest/gtest.h>

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QSet>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/hw/library.hpp"
#include "run_cli.hpp"
#include "timeline_widget.hpp"
#include "trace_tab.hpp"
#include "trace_table.hpp"

namespace ridgeline::gui {
namespace {

const std::string& decode_trace() {
  static const std::string path =
      (std::filesystem::path(RIDGELINE_TEST_DATA_DIR) / ".." / ".." / "traces" / "ops" /
       "trace-NVIDIA-H100-80GB-HBM3-llama-3-8b-decode-b8-ctx4096.json.gz")
          .lexically_normal()
          .string();
  return path;
}

nlohmann::json cli_trace(const std::string& arguments) {
  const auto run = testing::run_cli("trace " + decode_trace() + " " + arguments + " --json");
  EXPECT_EQ(run.code, 0) << run.err;
  return nlohmann::json::parse(run.out);
}

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
  const QString path = dir.filePath(name);
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(content);
  return path;
}

// A PyTorch trace cut off in the middle of its event list.
QByteArray truncated_trace() {
  return R"({"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "NVIDIA H100 80GB HBM3"}],
  "traceEvents": [
    {"ph": "X", "cat": "kernel", "name": "sm90_gemm", "ts": 100, "dur": 5,
     "args": {"External id": 7, "device": 0, "stream": 7}},
    {"ph": "X", "cat": "kernel", "name": "sm90_gemm", "ts": 1)";
}

TEST(GuiTraceTab, ShowsTheGroupsTheCliPrints) {
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace()))) << tab.error().toStdString();
  const auto json = cli_trace("--hw h100-sxm");
  const auto& groups = json.at("groups");
  ASSERT_EQ(groups.size(), 31u);
  // One table row per group, in the CLI's order (largest measured total first) until sorted.
  auto* model = tab.table()->model();
  ASSERT_EQ(model->rowCount(), static_cast<int>(groups.size()));
  EXPECT_EQ(model->columnCount(), TraceGroupTableModel::projected);  // no target: no projection
  for (int row = 0; row < model->rowCount(); ++row) {
    const auto& g = groups[static_cast<std::size_t>(row)];
    EXPECT_EQ(model->index(row, TraceGroupTableModel::op).data().toString().toStdString(),
              g.at("op").get<std::string>());
    EXPECT_EQ(model->index(row, TraceGroupTableModel::calls)
                  .data(TraceGroupTableModel::kSortRole)
                  .toULongLong(),
              g.at("calls").get<std::uint64_t>());
    EXPECT_DOUBLE_EQ(model->index(row, TraceGroupTableModel::total)
                         .data(TraceGroupTableModel::kSortRole)
                         .toDouble(),
                     g.at("measured_s").at("total").get<double>());
  }
  // The summary's figures are the CLI's.
  const auto* a = tab.analysis();
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->kernel_time, json.at("kernel_time_s").get<double>());
  EXPECT_DOUBLE_EQ(a->idle_fraction, json.at("idle_fraction").get<double>());
  const QString idle =
      QString::fromStdString(format_number(100 * json.at("idle_fraction").get<double>(), 3));
  EXPECT_TRUE(tab.summaryText().contains(idle + " %")) << tab.summaryText().toStdString();
  EXPECT_TRUE(tab.summaryText().contains("NVIDIA H100 80GB HBM3"));
  // The readings are the analysis' findings.
  ASSERT_FALSE(json.at("findings").empty());
  EXPECT_TRUE(tab.findingsText().contains("The GPU is idle")) << tab.findingsText().toStdString();
  // Every GPU activity is on the timeline.
  EXPECT_EQ(tab.timeline()->timeline().kernels.size(), json.at("kernels").get<std::size_t>());
}

TEST(GuiTraceTab, SortsNumerically) {
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  auto* table = tab.table();
  table->sortByColumn(TraceGroupTableModel::calls, Qt::DescendingOrder);
  auto* model = table->model();
  std::uint64_t most = 0;
  for (const auto& g : tab.analysis()->groups) most = std::max(most, g.calls);
  EXPECT_EQ(model->index(0, TraceGroupTableModel::calls).data().toString().toULongLong(), most);
  table->sortByColumn(TraceGroupTableModel::median, Qt::AscendingOrder);
  for (int row = 1; row < model->rowCount(); ++row) {
    EXPECT_LE(model->index(row - 1, TraceGroupTableModel::median)
                  .data(TraceGroupTableModel::kSortRole)
                  .toDouble(),
              model->index(row, TraceGroupTableModel::median)
                  .data(TraceGroupTableModel::kSortRole)
                  .toDouble());
  }
}

TEST(GuiTraceTab, ProjectsOntoASecondAccelerator) {
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  ASSERT_TRUE(tab.setTarget("h200")) << tab.error().toStdString();
  const auto json = cli_trace("--hw h100-sxm --on h200");
  ASSERT_EQ(tab.analysis()->targets.size(), 1u);
  EXPECT_DOUBLE_EQ(tab.analysis()->targets[0].busy,
                   json.at("projections").at(0).at("kernel_time_s").get<double>());
  auto* model = tab.table()->model();
  EXPECT_EQ(model->columnCount(), TraceGroupTableModel::projected + 1);
  EXPECT_EQ(model->headerData(TraceGroupTableModel::projected, Qt::Horizontal).toString(),
            "on h200");
  EXPECT_TRUE(tab.summaryText().contains("projected on h200")) << tab.summaryText().toStdString();
}

TEST(GuiTraceTab, MalformedTraceTakesTheErrorPathAndKeepsState) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString broken = write_file(dir, "broken.json", truncated_trace());
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  // Before any trace: the error is reported and the tab stays empty.
  EXPECT_FALSE(tab.openTrace(broken));
  EXPECT_TRUE(tab.error().contains("broken.json")) << tab.error().toStdString();
  EXPECT_FALSE(tab.hasTrace());
  EXPECT_EQ(tab.table()->model()->rowCount(), 0);
  // With a trace shown: a malformed or missing file leaves it in place.
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  EXPECT_TRUE(tab.error().isEmpty());
  const auto* shown = tab.analysis();
  EXPECT_FALSE(tab.openTrace(broken));
  EXPECT_FALSE(tab.error().isEmpty());
  EXPECT_FALSE(tab.openTrace(dir.filePath("no-such.json.gz")));
  EXPECT_TRUE(tab.error().contains("no-such.json.gz")) << tab.error().toStdString();
  EXPECT_EQ(tab.analysis(), shown);
  EXPECT_EQ(tab.table()->model()->rowCount(), 31);
  EXPECT_EQ(tab.path().toStdString(), decode_trace());
}

TEST(GuiTraceTab, AcceleratorThatCannotPriceItKeepsTheAnalysis) {
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  const auto* shown = tab.analysis();
  // h200's spec has no overheads.profiled_kernel: profiler timing cannot be priced there (a
  // ModelError), device timing can.
  EXPECT_FALSE(tab.setAccelerator("h200"));
  EXPECT_TRUE(tab.error().contains("profiled_kernel")) << tab.error().toStdString();
  EXPECT_TRUE(tab.error().contains("Timing to device")) << tab.error().toStdString();
  EXPECT_EQ(tab.analysis(), shown);
  EXPECT_EQ(tab.acceleratorId(), "h100-sxm");
}

TEST(GuiTraceTab, InteractiveErrorIsADialogAndTheTabCarriesOn) {
  QTemporaryDir dir;
  const QString broken = write_file(dir, "broken.json", truncated_trace());
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, true);
  // The dialog runs its own event loop: close it from a timer, keeping what it said.
  QString title;
  QString text;
  QTimer closer;
  QObject::connect(&closer, &QTimer::timeout, [&] {
    for (QWidget* widget : QApplication::topLevelWidgets()) {
      auto* box = qobject_cast<QMessageBox*>(widget);
      if (box == nullptr || !box->isVisible()) continue;
      title = box->windowTitle();
      text = box->text();
      box->accept();
    }
  });
  closer.start(20);
  EXPECT_FALSE(tab.openTrace(broken));
  closer.stop();
  EXPECT_EQ(title, "Cannot read the trace");
  EXPECT_TRUE(text.contains("broken.json")) << text.toStdString();
  // Still usable: the next, valid trace opens.
  EXPECT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  EXPECT_EQ(tab.table()->model()->rowCount(), 31);
}

TEST(GuiTraceTab, TimelineHoverAndClickPickTheKernelsGroup) {
  const auto library = hw::SpecLibrary::default_library();
  TraceTab tab(library, false);
  tab.resize(1200, 900);
  tab.show();
  ASSERT_TRUE(tab.openTrace(QString::fromStdString(decode_trace())));
  QApplication::processEvents();
  auto* timeline = tab.timeline();
  // The longest kernel: put the detail window around it and point at its middle.
  const auto& kernels = timeline->timeline().kernels;
  const auto longest = static_cast<std::size_t>(
      std::max_element(kernels.begin(), kernels.end(),
                       [](auto& a, auto& b) { return a.end - a.start < b.end - b.start; }) -
      kernels.begin());
  const auto& bar = kernels[longest];
  timeline->setDetailWindow(report::TimeWindow{bar.start - 50e-6, bar.end + 50e-6});
  const auto& lane = timeline->frame().detail;
  const QPointF middle(lane.x.to_pixel(0.5 * (bar.start + bar.end)),
                       0.5 * (lane.box.top + lane.box.bottom));
  ASSERT_EQ(timeline->kernelAt(middle), longest);
  const auto& group = tab.analysis()->groups[bar.group];
  EXPECT_TRUE(timeline->describeKernel(longest, false).contains(QString::fromStdString(group.op)));
  // The middle of the longest idle gap is no kernel.
  double gap_from = 0;
  double gap_to = 0;
  double busy_until = kernels.front().end;
  for (std::size_t i = 1; i < kernels.size(); ++i) {
    if (kernels[i].start - busy_until > gap_to - gap_from) {
      gap_from = busy_until;
      gap_to = kernels[i].start;
    }
    busy_until = std::max(busy_until, kernels[i].end);
  }
  timeline->setDetailWindow(report::TimeWindow{gap_from, gap_to});
  const auto& gap_lane = timeline->frame().detail;
  EXPECT_FALSE(
      timeline->kernelAt(QPointF(gap_lane.x.to_pixel(0.5 * (gap_from + gap_to)), middle.y()))
          .has_value());
  // A click on it selects its group's row.
  emit timeline->groupClicked(bar.group);
  const auto current = tab.table()->currentIndex();
  ASSERT_TRUE(current.isValid());
  EXPECT_EQ(current.data(TraceGroupTableModel::kGroupRole).toInt(), static_cast<int>(bar.group));
}

TEST(GuiTraceTab, MainWindowHasTheTabAndLendsItsAccelerator) {
  Inputs inputs;
  inputs.hw2 = "h200";
  MainWindow window(inputs, false);
  ASSERT_NE(window.traceTab(), nullptr);
  EXPECT_TRUE(window.selectTab("trace"));
  EXPECT_EQ(window.traceTab()->acceleratorId(), "h100-sxm");
  EXPECT_EQ(window.traceTab()->targetId(), "h200");
  ASSERT_TRUE(window.traceTab()->openTrace(QString::fromStdString(decode_trace())));
  // Once a trace is open, the main window's accelerator no longer re-prices it.
  inputs.hw = "b200";
  ASSERT_TRUE(window.setInputs(inputs)) << window.lastError().toStdString();
  EXPECT_EQ(window.traceTab()->acceleratorId(), "h100-sxm");
}

TEST(GuiScreenshot, TraceOptionShowsTheTraceTab) {
  QTemporaryDir dir;
  const QString file = dir.filePath("trace.png");
  ASSERT_EQ(run_app({"ridgeline-gui", "--trace", QString::fromStdString(decode_trace()),
                     "--screenshot", file, "--size", "1400x900"}),
            0);
  const QImage image(file);
  ASSERT_FALSE(image.isNull());
  EXPECT_EQ(image.width(), 1400);
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 3) {
    for (int x = 0; x < image.width(); x += 3) colours.insert(image.pixel(x, y));
  }
  EXPECT_GT(colours.size(), 200);
  // A trace that cannot be read: exit 1, no file.
  const QString broken = write_file(dir, "broken.json", truncated_trace());
  EXPECT_EQ(run_app({"ridgeline-gui", "--trace", broken, "--screenshot", dir.filePath("x.png")}),
            1);
  EXPECT_FALSE(QFile::exists(dir.filePath("x.png")));
}

}  // namespace
}  // namespace ridgeline::gui
