// `ridgeline compare` end to end: designs as ids and knob variants, the JSON contract, and the
// exit codes of bad input (docs/cli.md).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace {

using ridgeline::testing::run_cli;

TEST(CompareCli, VariantWithOneMoreStack) {
  // H100 SXM: 5 HBM3 stacks; a sixth gives 6/5 = 1.2× the bandwidth. Batch-1 decode of Llama-3-8B
  // is HBM-bound in its GEMVs, so the mlp group gains, by less than 1.2× (fixed kernel cost).
  const auto run =
      run_cli("compare h100-sxm h100-sxm:hbm.stacks=6 --model llama-3-8b --context 4096");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("vs h100-sxm"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("energy/token"), std::string::npos);
  EXPECT_NE(run.out.find("mlp: HBM3-bound on both; 1.2× the HBM3 bandwidth cuts it"),
            std::string::npos)
      << run.out;
}

TEST(CompareCli, JsonAndCsv) {
  const auto run = run_cli("compare h100-sxm h200 --model llama-3-8b --context 4096 --json");
  ASSERT_EQ(run.code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json.at("designs").size(), 2U);
  EXPECT_EQ(json["designs"][0]["label"], "h100-sxm");
  EXPECT_EQ(json["designs"][1]["hw"], "h200");
  // H200 (4.8 TB/s) decodes faster than H100 SXM (3.35 TB/s), by less than 4.8 / 3.35 = 1.43×.
  const double h100 = json["designs"][0]["step_time_s"];
  const double h200 = json["designs"][1]["step_time_s"];
  EXPECT_LT(h200, h100);
  EXPECT_GT(h200, h100 / 1.43);
  EXPECT_TRUE(json["designs"][1]["energy_per_token_j"].is_number());
  EXPECT_FALSE(json.at("groups").empty());
  EXPECT_EQ(json["groups"][0]["why"].size(), 1U);

  const auto csv = run_cli("compare h100-sxm h200 --model llama-3-8b --context 4096 --csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("operator,group,design,time_s,ratio_to_first,bound,bound_changed\n", 0),
            0U);
}

TEST(CompareCli, BadInput) {
  // One design: usage error.
  EXPECT_EQ(run_cli("compare h200 --model llama-3-8b --context 4096").code, 2);
  // An unknown knob names it.
  auto run = run_cli("compare h200 h200:hbm.stackz=8 --model llama-3-8b --context 4096");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("hbm.stackz"), std::string::npos) << run.err;
  // A value with the wrong unit names the knob.
  run = run_cli("compare h200 h200:hbm.pin_rate=8GB --model llama-3-8b --context 4096");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("hbm.pin_rate"), std::string::npos) << run.err;
  // An empty setting names the design.
  run = run_cli("compare h200 h200: --model llama-3-8b --context 4096");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("design 'h200:'"), std::string::npos) << run.err;
  // An unknown accelerator.
  EXPECT_EQ(run_cli("compare h200 h999 --model llama-3-8b --context 4096").code, 1);
}

}  // namespace
