// End-to-end tests of `ridgeline collective` and `ridgeline system`: the JSON contract of
// docs/cli.md, exit codes (0 ok, 1 input/model error, 2 usage) and messages naming the problem.

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;

using ridgeline::testing::read_file;
using ridgeline::testing::run_cli;

std::string slurp(const fs::path& path) {
  return read_file(path.string());
}

TEST(CollectiveCli, DgxH100AllReduce8GiBJsonContract) {
  const auto result = run_cli("collective --system dgx-h100 --op all-reduce --bytes 8GiB --json");
  ASSERT_EQ(result.code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  // Acceptance: within 5 % of the published 478.9 GB/s busbw (AZB, NVLS), naming in-switch.
  EXPECT_NEAR(json["busbw"].get<double>(), 478.9e9, 0.05 * 478.9e9);
  EXPECT_EQ(json["algorithm"], "in-switch");
  EXPECT_EQ(json["bound"], "nvlink4");
  EXPECT_EQ(json["ranks"], 8);
  EXPECT_EQ(json["bytes"].get<double>(), 8589934592.0);
  // algbw = bytes / time_s; busbw = algbw × 2(n−1)/n.
  const double algbw = 8589934592.0 / json["time_s"].get<double>();
  EXPECT_NEAR(json["algbw"].get<double>(), algbw, 1e-6 * algbw);
  EXPECT_NEAR(json["busbw"].get<double>(), algbw * 14 / 8, 1e-6 * algbw);
  EXPECT_TRUE(json["candidates"].is_array());

  const auto small = run_cli("collective --system dgx-h100 --op all-reduce --bytes 32KiB --json");
  ASSERT_EQ(small.code, 0) << small.err;
  EXPECT_EQ(nlohmann::json::parse(small.out)["bound"], "latency");
}

TEST(CollectiveCli, SweepTableCsvAndSvg) {
  const auto table = run_cli("collective --system dgx-a100 --op all-gather --sweep 1KiB:1MiB");
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("busbw (GB/s)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1048576"), std::string::npos) << table.out;
  const auto csv = run_cli("collective --system dgx-a100 --op all-gather --sweep 1KiB:1MiB --csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  // Header + 11 sizes (2^10 .. 2^20).
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 12) << csv.out;
  EXPECT_EQ(csv.out.rfind("op,ranks,bytes,time_s,algbw,busbw,algorithm,protocol,bound", 0), 0u);
  const fs::path svg = fs::temp_directory_path() / "ridgeline-collective.svg";
  fs::remove(svg);
  const auto chart = run_cli("collective --system mi300x-8 --op all-reduce --sweep 8B:8GiB --svg " +
                             svg.string() + " --json");
  ASSERT_EQ(chart.code, 0) << chart.err;
  EXPECT_EQ(nlohmann::json::parse(chart.out)["points"].size(), 31u);  // 2^3 .. 2^33
  const std::string text = slurp(svg);
  EXPECT_EQ(text.rfind("<svg", 0), 0u);
  EXPECT_NE(text.find("bus bandwidth"), std::string::npos);
  fs::remove(svg);
}

TEST(CollectiveCli, ForcedAlgorithmAndGpus) {
  const auto ring = run_cli(
      "collective --system dgx-h100 --op all-reduce --bytes 1GiB --gpus 4 --algorithm ring --json");
  ASSERT_EQ(ring.code, 0) << ring.err;
  const auto json = nlohmann::json::parse(ring.out);
  EXPECT_EQ(json["algorithm"], "ring");
  EXPECT_EQ(json["ranks"], 4);
  // The torus algorithm does not apply on a switch: exit 1 with the reason.
  const auto torus =
      run_cli("collective --system dgx-h100 --op all-reduce --bytes 1GiB --algorithm torus");
  EXPECT_EQ(torus.code, 1);
  EXPECT_NE(torus.err.find("not inside one torus"), std::string::npos) << torus.err;
}

TEST(CollectiveCli, BadInputExitsOneWithAClearMessage) {
  const auto unknown = run_cli("collective --system dgx-h900 --op all-reduce --bytes 1MiB");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("unknown system 'dgx-h900'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("dgx-h100"), std::string::npos) << unknown.err;

  const auto too_many =
      run_cli("collective --system dgx-h100 --op all-reduce --bytes 1MiB --gpus 9");
  EXPECT_EQ(too_many.code, 1);
  EXPECT_NE(too_many.err.find("9 accelerators requested, but system 'dgx-h100' has 8"),
            std::string::npos)
      << too_many.err;

  for (const auto* bytes : {"0", "-5", "0B", "-1GiB", "8GiBs"}) {
    const auto bad =
        run_cli(std::string("collective --system dgx-h100 --op all-reduce --bytes ") + bytes);
    EXPECT_EQ(bad.code, 1) << bytes << ": " << bad.err;
    EXPECT_NE(bad.err.find("--bytes"), std::string::npos) << bad.err;
  }

  // A system file with a link to a missing node.
  const fs::path dir = fs::temp_directory_path() / "ridgeline-collective-bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto document =
      nlohmann::json::parse(slurp(fs::path(RIDGELINE_HWSPECS_DIR) / "systems" / "dgx-h100.json"));
  document["links"][0]["to"] = "nvswich";
  const fs::path file = dir / "typo.json";
  std::ofstream(file) << document.dump(2);
  const auto missing =
      run_cli("collective --system " + file.string() + " --op all-reduce --bytes 1MiB");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find(file.string() + ": at /links/0/to: link to a missing node 'nvswich'"),
            std::string::npos)
      << missing.err;
  const auto validate = run_cli("system validate " + file.string());
  EXPECT_EQ(validate.code, 1);
  EXPECT_NE(validate.err.find("/links/0/to"), std::string::npos) << validate.err;
  fs::remove_all(dir);
}

TEST(CollectiveCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_cli("collective --system dgx-h100 --op all-reduce").code, 2);  // no size
  EXPECT_EQ(run_cli("collective --system dgx-h100 --op allreduce --bytes 8").code, 2);
  EXPECT_EQ(run_cli("collective --op all-reduce --bytes 8").code, 2);
  EXPECT_EQ(run_cli("collective --system dgx-h100 --op all-reduce --bytes 8 --sweep 8B:1KiB").code,
            2);
  EXPECT_EQ(run_cli("collective --system dgx-h100 --op all-reduce --bytes 8 --algorithm nope").code,
            2);
}

TEST(CollectiveCli, SystemListShowValidate) {
  const auto list = run_cli("system list --json");
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_GE(nlohmann::json::parse(list.out)["systems"].size(), 10u);
  const auto show = run_cli("system show dgx-h100-x4 --json");
  ASSERT_EQ(show.code, 0) << show.err;
  const auto json = nlohmann::json::parse(show.out);
  EXPECT_EQ(json["accelerators"], 32);
  EXPECT_EQ(json["scale_up_domains"].size(), 4u);
  // 2 nodes × 8 NICs × 50 GB/s across the cut.
  EXPECT_NEAR(json["bisection"]["bandwidth"].get<double>(), 800e9, 1);
  std::string files;
  for (const auto& entry : fs::directory_iterator(fs::path(RIDGELINE_HWSPECS_DIR) / "systems")) {
    files += " " + entry.path().string();
  }
  const auto validate = run_cli("system validate" + files);
  EXPECT_EQ(validate.code, 0) << validate.err;
}

}  // namespace
