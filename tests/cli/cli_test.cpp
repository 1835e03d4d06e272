// End-to-end tests of the `ridgeline` binary: exit codes (0 ok, 1 input/model error, 2 usage),
// the JSON contract of docs/cli.md, and error messages naming file and JSON pointer.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream stream(path);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

Run run(const std::string& arguments) {
  const fs::path err =
      fs::temp_directory_path() / ("ridgeline-cli-err-" + std::to_string(::getpid()));
  const std::string command =
      std::string(RIDGELINE_CLI_PATH) + " " + arguments + " 2>" + err.string();
  Run result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = slurp(err);
  fs::remove(err);
  return result;
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

}  // namespace
