// End-to-end tests of the `ridgeline` binary: exit codes (0 ok, 1 input/model error, 2 usage),
// the JSON contract of docs/cli.md, and error messages naming file and JSON pointer.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;

using ridgeline::testing::read_file;

ridgeline::testing::CliRun run(const std::string& arguments) {
  return ridgeline::testing::run_cli(arguments);
}

std::string slurp(const fs::path& path) {
  return read_file(path.string());
}

TEST(Cli, RooflineJsonContractForH100) {
  const auto result = run("roofline --hw h100-sxm --dtype bf16 --json");
  ASSERT_EQ(result.code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["hw"], "h100-sxm");
  EXPECT_EQ(json["dtype"], "bf16");
  EXPECT_DOUBLE_EQ(json["peak_flops"].get<double>(), 989.4e12);
  EXPECT_LT(json["achievable_flops"].get<double>(), json["peak_flops"].get<double>());
  bool found_hbm = false;
  for (const auto& level : json["levels"]) {
    // ridge = peak / bandwidth at every level
    EXPECT_DOUBLE_EQ(level["ridge_intensity"].get<double>(),
                     989.4e12 / level["bandwidth"].get<double>());
    if (level["name"].get<std::string>().find("HBM") != std::string::npos) {
      found_hbm = true;
      EXPECT_DOUBLE_EQ(level["bandwidth"].get<double>(), 3.35e12);
      EXPECT_NEAR(level["ridge_intensity"].get<double>(), 295.34, 0.01);  // 989.4e12 / 3.35e12
    }
  }
  EXPECT_TRUE(found_hbm);
}

TEST(Cli, RooflineTableCsvAndSvg) {
  const fs::path svg = fs::temp_directory_path() / "ridgeline-cli-roofline.svg";
  fs::remove(svg);
  const auto table = run("roofline --hw h100-sxm --hw h200 --svg " + svg.string());
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("h200"), std::string::npos);
  EXPECT_NE(table.out.find("3.35 TB/s"), std::string::npos);
  EXPECT_NE(table.out.find("4.8 TB/s"), std::string::npos);
  const std::string chart = slurp(svg);
  EXPECT_EQ(chart.rfind("<svg", 0), 0u) << chart.substr(0, 80);
  EXPECT_NE(chart.find("</svg>"), std::string::npos);
  fs::remove(svg);
  const auto csv = run("roofline --hw h100-sxm --csv");
  ASSERT_EQ(csv.code, 0);
  EXPECT_EQ(csv.out.rfind("hw,dtype,level,bandwidth,", 0), 0u) << csv.out;
}

TEST(Cli, HwListJsonHasEveryAccelerator) {
  const auto result = run("hw list --json");
  ASSERT_EQ(result.code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  ASSERT_TRUE(json["accelerators"].is_array());
  EXPECT_GE(json["accelerators"].size(), 24u);
  for (const auto& entry : json["accelerators"]) {
    EXPECT_TRUE(entry.contains("id") && entry.contains("name")) << entry.dump();
  }
}

TEST(Cli, HwShowAndValidateShippedSpecs) {
  const auto show = run("hw show h100-sxm");
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("989.4 TFLOP/s"), std::string::npos) << show.out;
  std::string files;
  for (const auto& folder : {"accelerators", "hbm"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(RIDGELINE_HWSPECS_DIR) / folder)) {
      files += " " + entry.path().string();
    }
  }
  const auto validate = run("hw validate" + files);
  EXPECT_EQ(validate.code, 0) << validate.err;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("roofline").code, 2);  // --hw is required
  EXPECT_EQ(run("roofline --hw h100-sxm --json --csv").code, 2);
  EXPECT_EQ(run("roofline --hw h100-sxm --bogus").code, 2);
}

TEST(Cli, HelpAndVersionExitZero) {
  EXPECT_EQ(run("--help").code, 0);
  EXPECT_EQ(run("roofline --help").code, 0);
  EXPECT_EQ(run("hw validate --help").code, 0);
  const auto version = run("--version");
  EXPECT_EQ(version.code, 0);
  EXPECT_NE(version.out.find("ridgeline"), std::string::npos);
}

TEST(Cli, ModelAndInputErrorsExitOne) {
  const auto unknown = run("roofline --hw h999");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("unknown accelerator 'h999'"), std::string::npos) << unknown.err;
  const auto dtype = run("roofline --hw a100-sxm --dtype fp8");  // A100 has no FP8 path
  EXPECT_EQ(dtype.code, 1);
  EXPECT_NE(dtype.err.find("no fp8"), std::string::npos) << dtype.err;
  EXPECT_EQ(run("roofline --hw h100-sxm --dtype bf17").code, 1);
}

TEST(Cli, ValidateNamesFileAndPointer) {
  const fs::path dir = fs::temp_directory_path() / "ridgeline-cli-validate";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto document = nlohmann::json::parse(
      slurp(fs::path(RIDGELINE_HWSPECS_DIR) / "accelerators" / "h100-sxm.json"));
  document["memory"].back()["bandwidth"]["value"] = "3.35 TBps";
  const fs::path bad = dir / "bad-unit.json";
  std::ofstream(bad) << document.dump(2);
  const fs::path truncated = dir / "truncated.json";
  std::ofstream(truncated) << document.dump(2).substr(0, 300);
  const auto result = run("hw validate " + bad.string() + " " + truncated.string());
  EXPECT_EQ(result.code, 1);
  const std::string pointer =
      "/memory/" + std::to_string(document["memory"].size() - 1) + "/bandwidth/value";
  EXPECT_NE(result.err.find(bad.string() + ": at " + pointer + ": '3.35 TBps': unknown unit"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(truncated.string() + ": at line "), std::string::npos) << result.err;
  fs::remove_all(dir);
}

TEST(Cli, AnalyzeAcceptance70bOnOneH100) {
  // bf16: 70.55e9 parameters × 2 B = 141.1 GB of weights against 80 GB: does not fit.
  const auto bf16 =
      run("analyze --hw h100-sxm --model llama-3-70b --phase decode --batch 1 --context 4096 "
          "--weights bf16 --json");
  ASSERT_EQ(bf16.code, 0) << bf16.err;
  const auto not_fitting = nlohmann::json::parse(bf16.out);
  EXPECT_FALSE(not_fitting["memory"]["fits"].get<bool>());
  EXPECT_NEAR(not_fitting["memory"]["weights_bytes"].get<double>(), 141.1e9, 0.1e9);
  EXPECT_GT(not_fitting["memory"]["shortfall_bytes"].get<double>(), 61e9);
  const auto text =
      run("analyze --hw h100-sxm --model llama-3-70b --phase decode --batch 1 --context 4096");
  EXPECT_NE(text.out.find("does not fit"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("short by"), std::string::npos) << text.out;
  // fp8: 70.6 GB fits, and HBM binds most of the step.
  const auto fp8 =
      run("analyze --hw h100-sxm --model llama-3-70b --phase decode --batch 1 --context 4096 "
          "--weights fp8 --json");
  ASSERT_EQ(fp8.code, 0) << fp8.err;
  const auto fitting = nlohmann::json::parse(fp8.out);
  EXPECT_TRUE(fitting["memory"]["fits"].get<bool>());
  EXPECT_GT(fitting["bound_share"]["HBM3"].get<double>(), 0.5);
  for (const char* key :
       {"step_time_s", "tokens_per_s", "tpot_s", "mfu", "mbu", "memory", "bound_share", "ops"}) {
    EXPECT_TRUE(fitting.contains(key)) << key;
  }
  for (const auto& op : fitting["ops"]) {
    for (const char* key : {"name", "kind", "count", "flops", "bytes", "time_s", "bound"}) {
      EXPECT_TRUE(op.contains(key)) << key;
    }
  }
}

TEST(Cli, AnalyzeBadInputExitsOne) {
  auto expect_error = [](const std::string& arguments, const std::string& fragment) {
    const auto result = run(arguments);
    EXPECT_EQ(result.code, 1) << arguments;
    EXPECT_NE(result.err.find(fragment), std::string::npos) << arguments << "\n" << result.err;
  };
  expect_error("analyze --hw h100-sxm --model llama-9-9b --context 10",
               "unknown model 'llama-9-9b'");
  expect_error("analyze --hw h100-sxm --model llama-2-7b --batch 0 --context 10", "--batch");
  expect_error("analyze --hw h100-sxm --model llama-2-7b --context 100000",
               "beyond llama-2-7b's maximum");
  expect_error("analyze --hw a100-sxm --model llama-2-7b --context 10 --activations fp8", "no fp8");
  expect_error("analyze --hw h100-sxm --model llama-2-7b --phase prefill", "--prompt");
  expect_error(
      "analyze --hw h100-sxm --model llama-2-7b --phase prefill --prompt 128 "
      "--request-overhead 2kg",
      "--request-overhead");
  EXPECT_EQ(run("analyze --hw h100-sxm --model llama-2-7b --phase sideways").code, 2);
}

TEST(Cli, ExplainShowsTheWhatIf) {
  const auto result = run(
      "explain --hw h100-sxm --model llama-3-8b --phase decode --context 2048 --op mlp.gate_up");
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("doubling HBM3 bandwidth"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("bound by HBM3"), std::string::npos) << result.out;
  EXPECT_EQ(run("explain --hw h100-sxm --model llama-3-8b --context 2048 --op nothing").code, 1);
}

}  // namespace
