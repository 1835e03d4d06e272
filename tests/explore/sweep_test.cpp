#include "ridgeline/explore/sweep.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/explore/metrics.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "run_cli.hpp"

namespace ridgeline::explore {
namespace {

const hw::SpecLibrary& test_library() {
  static const hw::SpecLibrary library(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs");
  return library;
}

// test-gpu (5 × 16 GB stacks, 80 GB, 4 TB/s) running llama-3-8b decode, batch 1, context 4096.
SweepPlan test_plan(const std::vector<std::string>& sets) {
  SweepPlan plan;
  plan.base.accelerator = test_library().accelerator("test-gpu");
  plan.base.model = workload::load_model_config("llama-3-8b");
  plan.base.workload.batch = 1;
  plan.base.workload.context = 4096;
  plan.description = "test";
  for (const auto& set : sets) plan.axes.push_back(parse_axis(set));
  return plan;
}

std::vector<std::size_t> all_points(const SweepPlan& plan) {
  std::vector<std::size_t> points;
  for (std::size_t i = 0; i < point_count(plan); ++i) points.push_back(i);
  return points;
}

std::size_t metric_index(std::string_view name) {
  return static_cast<std::size_t>(&find_metric(name) - metric_registry().data());
}

TEST(Sweep, RangesAndLists) {
  // 6.4:9.6:0.8 → 6.4, 7.2, 8.0, 8.8, 9.6 (the stop is on the grid and included).
  const auto pins = parse_axis("hbm.pin_rate=6.4Gb/s:9.6Gb/s:0.8Gb/s");
  ASSERT_EQ(pins.values.size(), 5u);
  EXPECT_DOUBLE_EQ(pins.values[2].quantity, 8e9);
  EXPECT_NEAR(pins.values[4].quantity, 9.6e9, 1);
  // 1:64:x2 → 1, 2, 4, ..., 64: seven values.
  const auto batches = parse_axis("batch=1:64:x2");
  ASSERT_EQ(batches.values.size(), 7u);
  EXPECT_EQ(batches.values.back().quantity, 64);
  const auto devices = parse_axis("hbm.device=hbm3,hbm3e-12hi");
  ASSERT_EQ(devices.values.size(), 2u);
  EXPECT_EQ(devices.values[1].text, "hbm3e-12hi");
}

TEST(Sweep, BadAxesNameTheKnob) {
  const auto where = [](const std::string& set) {
    try {
      parse_axis(set);
    } catch (const InputError& error) {
      return error.problems().front().where;
    }
    return std::string("no error");
  };
  EXPECT_EQ(where("hbm.stack=4,6"), "hbm.stack");
  EXPECT_EQ(where("hbm.pin_rate=6.4GB/s"), "hbm.pin_rate");  // a bandwidth, not a pin rate
  EXPECT_EQ(where("hbm.pin_rate=9.6Gb/s:6.4Gb/s:0.8Gb/s"), "hbm.pin_rate");
  EXPECT_EQ(where("batch=1:10:1.5"), "batch");  // 2.5 is not a whole batch
  EXPECT_EQ(where("batch=1,,2"), "batch");
  EXPECT_EQ(where("batch"), "--set");
}

TEST(Sweep, CartesianOrderFirstAxisSlowest) {
  const auto plan = test_plan({"hbm.stacks=5,10", "batch=1,2,4"});
  ASSERT_EQ(point_count(plan), 6u);
  // Point 4 = (stacks index 1, batch index 1): 4 = 1 × 3 + 1.
  const auto settings = point_settings(plan, 4);
  EXPECT_EQ(settings[0].quantity, 10);
  EXPECT_EQ(settings[1].quantity, 2);
}

TEST(Sweep, ShardsAreStridedAndCoverEveryPointOnce) {
  EXPECT_EQ(shard_points(10, {1, 3}), (std::vector<std::size_t>{0, 3, 6, 9}));
  EXPECT_EQ(shard_points(10, {3, 3}), (std::vector<std::size_t>{2, 5, 8}));
  EXPECT_EQ(parse_shard("2/8").index, 2u);
  for (const char* bad : {"4/3", "0/3", "3", "a/3", "1/0", "-1/3", "1/3/4"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad;
    } catch (const InputError& error) {
      EXPECT_EQ(error.problems().front().where, "--shard") << bad;
    }
  }
}

TEST(Sweep, MemoryFitFollowsTheStackCount) {
  // llama-3-8b has 8.03e9 parameters: 16.06 GB of bf16 weights. One 16 GB stack cannot hold them
  // (capacity 80 GB × 1/5 = 16 GB); two (32 GB) can, with the 0.5 GB KV cache (4096 tokens × 128
  // KiB) and activations.
  const auto plan = test_plan({"hbm.stacks=1,2,5"});
  const auto rows = run_sweep(plan, all_points(plan), test_library());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_FALSE(rows[0].fits);
  EXPECT_TRUE(rows[1].fits);
  EXPECT_TRUE(rows[2].fits);
}

TEST(Sweep, RowsEqualTheModelRunOnTheHandChangedDesign) {
  // hbm.stacks=10 must be exactly the test-gpu with twice the HBM bandwidth (8 TB/s) and capacity
  // (160 GB) set by hand; batch=4 the same workload with batch 4. Decode makes batch tokens per
  // step, so tokens/s = 4 / step time.
  const auto plan = test_plan({"hbm.stacks=5,10", "batch=1,4"});
  const auto rows = run_sweep(plan, all_points(plan), test_library(), {2, {}});
  ASSERT_EQ(rows.size(), 4u);
  auto accelerator = plan.base.accelerator;
  accelerator.memory.back().bandwidth.value = 8e12;
  accelerator.memory.back().capacity.value = 160e9;
  auto spec = plan.base.workload;
  spec.batch = 4;
  const auto expected =
      workload::analyze(accelerator, workload::build_workload(plan.base.model, spec));
  const auto& row = rows[3];
  EXPECT_EQ(row.point, 3u);
  EXPECT_DOUBLE_EQ(*row.metrics[metric_index("step_time")], expected.step_time);
  EXPECT_DOUBLE_EQ(*row.metrics[metric_index("tokens_per_s")], 4.0 / expected.step_time);
  EXPECT_DOUBLE_EQ(*row.metrics[metric_index("tpot")], expected.step_time);
  EXPECT_FALSE(row.metrics[metric_index("ttft")]);  // decode: no TTFT
  // More bandwidth never slows a step, and decode at batch 1 gains less than the 2× bandwidth
  // ratio because kernel overheads (4 us each) stay.
  const double step_5 = *rows[0].metrics[metric_index("step_time")];
  const double step_10 = *rows[2].metrics[metric_index("step_time")];
  EXPECT_LT(step_10, step_5);
  EXPECT_GT(step_10, step_5 / 2);
}

TEST(Sweep, ThreadCountDoesNotChangeTheOutput) {
  const auto plan = test_plan({"hbm.pin_rate=3.2Gb/s:6.4Gb/s:0.8Gb/s", "batch=1:16:x2"});
  const auto one = run_sweep(plan, all_points(plan), test_library(), {1, {}});
  const auto four = run_sweep(plan, all_points(plan), test_library(), {4, {}});
  EXPECT_EQ(sweep_csv(plan, one), sweep_csv(plan, four));
  EXPECT_EQ(sweep_json(plan, one), sweep_json(plan, four));
}

TEST(Sweep, ProgressEndsAtTheTotal) {
  const auto plan = test_plan({"batch=1:8:1"});
  std::size_t last_done = 0, last_total = 0;
  SweepOptions options{2, [&](std::size_t done, std::size_t total) {
                         last_done = done;
                         last_total = total;
                       }};
  const auto rows = run_sweep(plan, all_points(plan), test_library(), options);
  EXPECT_EQ(rows.size(), 8u);
  EXPECT_EQ(last_done, 8u);
  EXPECT_EQ(last_total, 8u);
  EXPECT_EQ(sweep_csv(plan, rows),
            sweep_csv(plan, run_sweep(plan, all_points(plan), test_library())));
}

TEST(Sweep, ImpossiblePointFailsTheSweepNamingTheKnobAndPoint) {
  // test-hbm is rated 6.4 Gb/s; 8 Gb/s is 25 % over. The lowest failing point is reported.
  const auto plan = test_plan({"batch=1,2", "hbm.pin_rate=6.4Gb/s,8Gb/s"});
  try {
    run_sweep(plan, all_points(plan), test_library(), {3, {}});
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().where, "hbm.pin_rate");
    EXPECT_NE(std::string(error.what()).find("sweep point 1 "), std::string::npos) << error.what();
  }
}

TEST(Sweep, AKnobSweptTwiceIsAnError) {
  const auto plan = test_plan({"batch=1,2", "batch=4"});
  try {
    run_sweep(plan, all_points(plan), test_library());
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().front().where, "batch");
  }
}

TEST(Sweep, MergedShardsEqualTheUnshardedOutput) {
  const auto plan = test_plan({"hbm.stacks=3,4,5", "batch=1,2,8,32"});
  const auto rows = run_sweep(plan, all_points(plan), test_library());
  for (const bool json : {false, true}) {
    std::vector<std::pair<std::string, std::string>> shards;
    for (std::size_t k = 3; k >= 1; --k) {  // any order
      const Shard shard{k, 3};
      const auto part = run_sweep(plan, shard_points(point_count(plan), shard), test_library());
      shards.emplace_back("shard" + std::to_string(k),
                          json ? sweep_json(plan, part, shard) : sweep_csv(plan, part, shard));
    }
    EXPECT_EQ(merge_sweep_outputs(shards), json ? sweep_json(plan, rows) : sweep_csv(plan, rows));
    // Missing, duplicate and foreign shards are named.
    auto missing = shards;
    missing.pop_back();
    EXPECT_THROW(merge_sweep_outputs(missing), InputError);
    auto duplicate = shards;
    duplicate.back() = duplicate.front();
    EXPECT_THROW(merge_sweep_outputs(duplicate), InputError);
    auto foreign = shards;
    auto other = plan;
    other.description = "another sweep";
    const auto part = run_sweep(other, shard_points(point_count(other), {1, 3}), test_library());
    foreign.back() = {"foreign", json ? sweep_json(other, part, Shard{1, 3})
                                      : sweep_csv(other, part, Shard{1, 3})};
    try {
      merge_sweep_outputs(foreign);
      ADD_FAILURE() << "merged a foreign shard";
    } catch (const InputError& error) {
      EXPECT_EQ(error.problems().front().file, "foreign");
    }
  }
}

// ---- CLI ----------------------------------------------------------------------------------------

const std::string kAcceptance =
    "sweep --hw h200 --model llama-3-8b --phase decode --batch 1 --context 4096 "
    "--set hbm.pin_rate=6.4Gb/s,9.6Gb/s";

TEST(SweepCli, PinRateAcceptance) {
  const auto run = testing::run_cli(kAcceptance + " --csv");
  ASSERT_EQ(run.code, 0) << run.err;
  // Header + two rows.
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(run.out);
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << run.out;
  const auto field = [](const std::string& row, std::size_t index) {
    std::istringstream cells(row);
    std::string cell;
    for (std::size_t i = 0; i <= index; ++i) std::getline(cells, cell, ',');
    return cell;
  };
  ASSERT_EQ(field(lines[0], 3), "tokens_per_s");
  const double slow = std::stod(field(lines[1], 3));
  const double fast = std::stod(field(lines[2], 3));
  // Bandwidth × 1.5; tokens/s rises, by less than 1.5 (kernel overheads and non-HBM-bound time).
  EXPECT_GT(fast, slow);
  EXPECT_LT(fast / slow, 1.5);
}

TEST(SweepCli, ShardsMergeByteForByte) {
  // One directory per process: several test runs (or checkouts) may share the temp directory.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ridgeline_sweep_cli_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string sweep = kAcceptance + " --set batch=1,8,64";
  for (const std::string format : {"csv", "json"}) {
    const auto whole = testing::run_cli(sweep + " --" + format);
    ASSERT_EQ(whole.code, 0) << whole.err;
    std::string files;
    for (int k = 1; k <= 3; ++k) {
      const auto path = (dir / ("s" + std::to_string(k) + "." + format)).string();
      const auto shard =
          testing::run_cli(sweep + " --" + format + " --shard " + std::to_string(k) + "/3");
      ASSERT_EQ(shard.code, 0) << shard.err;
      std::ofstream(path, std::ios::binary) << shard.out;
      files += " " + path;
    }
    const auto merged = testing::run_cli("merge" + files);
    ASSERT_EQ(merged.code, 0) << merged.err;
    EXPECT_EQ(merged.out, whole.out) << format;
  }
  std::filesystem::remove_all(dir);
}

TEST(SweepCli, BadInputNamesTheKnobOrFlag) {
  const std::string base = "sweep --hw h200 --model llama-3-8b --context 4096 ";
  const auto expect = [&](const std::string& arguments, const std::string& named) {
    const auto run = testing::run_cli(base + arguments);
    EXPECT_TRUE(run.code == 1 || run.code == 2) << arguments << ": " << run.code;
    EXPECT_NE(run.err.find(named), std::string::npos) << arguments << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << arguments;  // no partial output
  };
  expect("--set hbm.stackz=4", "hbm.stackz");
  expect("--set hbm.pin_rate=6.4GB", "hbm.pin_rate");
  expect("--set hbm.pin_rate=6.4Gb/s,20Gb/s", "hbm.pin_rate");  // impossible: over the rating
  expect("--set hbm.stacks=0", "hbm.stacks");
  expect("--set batch=4 --csv --shard 4/3", "--shard");
  expect("--set batch=4 --csv --shard 0/3", "--shard");
  expect("--set batch=4 --shard 1/3", "--shard");  // a shard needs --csv or --json
  const auto merge = testing::run_cli("merge /nonexistent/shard.csv");
  EXPECT_EQ(merge.code, 1);
  EXPECT_NE(merge.err.find("/nonexistent/shard.csv"), std::string::npos);
}

}  // namespace
}  // namespace ridgeline::explore
