// The HBM and System tabs show the model's own results: memsim runs off the GUI thread and can be
// cancelled; the collective chart is the model's sweep chart.

#include <gtest/gtest.h>

#include <QApplication>

#include "chart_widget.hpp"
#include "hbm_tab.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/workload/parallel.hpp"
#include "system_tab.hpp"

namespace ridgeline::gui {
namespace {

TEST(GuiHbmTab, RunsEveryPatternInTheBackground) {
  const auto library = hw::SpecLibrary::default_library();
  HbmTab tab(library);
  tab.run();
  EXPECT_TRUE(tab.running());  // returns at once; the simulation runs in a worker thread
  tab.waitForFinished();
  ASSERT_TRUE(tab.error().isEmpty()) << tab.error().toStdString();
  ASSERT_FALSE(tab.results().empty());
  for (const auto& run : tab.results()) {
    // Achieved bandwidth is positive and never above the device's peak.
    EXPECT_GT(run.result.bandwidth, 0) << run.pattern;
    EXPECT_LE(run.result.bandwidth, run.result.peak_bandwidth) << run.pattern;
    // The table's "bound" column: the model's limits, whose least times never exceed the run.
    ASSERT_FALSE(run.result.limits.empty()) << run.pattern;
    EXPECT_LE(run.result.limits[run.result.bound].reached, 1.0) << run.pattern;
  }
}

TEST(GuiHbmTab, CancelStopsTheRunAndKeepsNoPartialResult) {
  const auto library = hw::SpecLibrary::default_library();
  HbmTab tab(library);
  tab.run();
  tab.cancel();
  tab.waitForFinished();
  EXPECT_EQ(tab.error(), "cancelled");
  EXPECT_TRUE(tab.results().empty());
}

TEST(GuiSystemTab, DrawsTheCollectiveSweep) {
  const auto library = hw::SpecLibrary::default_library();
  SystemTab tab(library);
  EXPECT_TRUE(tab.error().isEmpty()) << tab.error().toStdString();
  const auto& chart = tab.chart()->chart();
  EXPECT_EQ(chart.x.scale, plot::AxisScale::log);
  EXPECT_FALSE(chart.series.empty());
}

TEST(GuiSystemTab, TensorParallelStepIsTheLibrarys) {
  const auto library = hw::SpecLibrary::default_library();
  SystemTab tab(library);  // dgx-h100, all 8 ranks
  const auto model = workload::load_model_config("llama-3-70b");
  workload::WorkloadSpec spec;
  spec.batch = 16;
  spec.context = 4096;
  tab.setWorkload(model, spec);
  workload::Parallelism parallelism;
  parallelism.tp = 8;
  const topology::CollectiveModel collectives(topology::SystemLibrary(library).system("dgx-h100"));
  const auto analysis =
      workload::analyze(collectives, parallelism, workload::build_workload(model, spec));
  EXPECT_TRUE(tab.parallelText().contains(
      QString::fromStdString("TP=8: step " + format_quantity(analysis.step_time, Dimension::time))))
      << tab.parallelText().toStdString();
}

}  // namespace
}  // namespace ridgeline::gui
