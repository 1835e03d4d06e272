// `ridgeline memsim` end to end: the JSON contract of docs/memsim.md, exit code 1 with the file
// and line for bad traces, 2 for usage errors, and the converter.

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;

ridgeline::testing::CliRun run(const std::string& arguments) {
  return ridgeline::testing::run_cli(arguments);
}

const std::string kTraces = std::string(RIDGELINE_TEST_DATA_DIR) + "/traces/";

TEST(MemsimCli, JsonContract) {
  const auto r = run("memsim --mem dramsim3-hbm2-1ch --pattern sequential --requests 20000 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"bandwidth", "peak_bandwidth", "efficiency", "read_latency_s",
                          "row_hit_rate", "requests", "simulated_time_s", "channels"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["requests"], 20000);
  EXPECT_DOUBLE_EQ(j["peak_bandwidth"].get<double>(), 32e9);  // 128 bit x 2 Gb/s / 8
  EXPECT_NEAR(j["efficiency"].get<double>(),
              j["bandwidth"].get<double>() / j["peak_bandwidth"].get<double>(), 1e-12);
  for (const char* key : {"mean", "p50", "p99"}) EXPECT_TRUE(j["read_latency_s"].contains(key));
  EXPECT_EQ(j["channels"].size(), 1u);
  // What bounds it: a sequential stream on the data bus; every limit names its resource.
  EXPECT_EQ(j["bound"], "data_bus");
  ASSERT_FALSE(j["limits"].empty());
  for (const auto& l : j["limits"]) {
    for (const char* key : {"resource", "name", "busiest", "min_time_s", "ceiling", "reached"}) {
      EXPECT_TRUE(l.contains(key)) << key;
    }
  }
  EXPECT_TRUE(r.err.empty()) << "no progress bar when stderr is not a terminal: " << r.err;
}

TEST(MemsimCli, TraceTableAndCsv) {
  const auto table =
      run("memsim --mem dramsim3-hbm2-1ch --trace " + kTraces + "small.ramulator.trace");
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("150 / 50"), std::string::npos) << table.out;  // reads / writes
  const auto csv = run("memsim --mem ramulator2-hbm3-8hi --pattern random --requests 5000 --csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("device,stacks,", 0), 0u) << csv.out;
}

TEST(MemsimCli, BadTracesExitOneNamingTheLine) {
  const auto garbage = run("memsim --mem dramsim3-hbm2-1ch --trace " + kTraces + "garbage.trace");
  EXPECT_EQ(garbage.code, 1);
  EXPECT_NE(garbage.err.find("garbage.trace"), std::string::npos) << garbage.err;
  EXPECT_NE(garbage.err.find("line 3"), std::string::npos) << garbage.err;
  const auto op = run("memsim --mem dramsim3-hbm2-1ch --trace " + kTraces + "unknown-op.trace");
  EXPECT_EQ(op.code, 1);
  EXPECT_NE(op.err.find("line 2"), std::string::npos) << op.err;
  // 0x40000000 is the first byte beyond the 1 GiB device, on line 3.
  const auto beyond = run("memsim --mem dramsim3-hbm2-1ch --trace " + kTraces + "beyond.trace");
  EXPECT_EQ(beyond.code, 1);
  EXPECT_NE(beyond.err.find("line 3"), std::string::npos) << beyond.err;
  EXPECT_NE(beyond.err.find("beyond the device"), std::string::npos) << beyond.err;
  const auto truncated =
      run("memsim --mem dramsim3-hbm2-1ch --trace " + kTraces + "truncated.bin --format bin");
  EXPECT_EQ(truncated.code, 1);
  EXPECT_NE(truncated.err.find("record 4"), std::string::npos) << truncated.err;
}

TEST(MemsimCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("memsim --pattern sequential").code, 2);     // no --mem
  EXPECT_EQ(run("memsim --mem dramsim3-hbm2-1ch").code, 2);  // neither --trace nor --pattern
  EXPECT_EQ(run("memsim --mem dramsim3-hbm2-1ch --pattern sequential --page-policy half").code, 2);
}

TEST(MemsimCli, BadOptionValuesExitOne) {
  EXPECT_EQ(run("memsim --mem dramsim3-hbm2-1ch --pattern zigzag").code, 1);
  EXPECT_EQ(run("memsim --mem dramsim3-hbm2-1ch --pattern sequential --mapping RoXxBa").code, 1);
  EXPECT_EQ(run("memsim --mem no-such-device --pattern sequential").code, 1);
}

TEST(MemsimCli, ConvertWritesBinary) {
  const auto out = fs::temp_directory_path() / "ridgeline-memsim-convert.bin";
  const auto r = run("memsim convert " + kTraces + "small.ramulator.trace " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 200 requests"), std::string::npos) << r.out;
  EXPECT_EQ(fs::file_size(out), 16u + 200u * 16u);  // header + 16-byte records
  fs::remove(out);
}

}  // namespace
