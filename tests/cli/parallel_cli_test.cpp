// End-to-end tests of `ridgeline analyze --system ... --tp/--pp/--dp/--ep`: the acceptance of
// issue 4, the JSON contract of docs/cli.md, and exit codes (1 input error naming the flag, 2
// usage error).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace {

using ridgeline::testing::run_cli;

const std::string kLlama70bDecode =
    "analyze --system dgx-h100 --model llama-3-70b --phase decode --batch 1 --context 4096 "
    "--weights bf16";

TEST(ParallelCli, Llama70bFitsOnTwoH100sAndReportsTheAllReduce) {
  // Acceptance (issue 4): fits with --tp 2 and reports the all-reduce time per step.
  const auto two = run_cli(kLlama70bDecode + " --tp 2");
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_NE(two.out.find("fits: needs"), std::string::npos) << two.out;
  EXPECT_EQ(two.out.find("does not fit"), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("tp.all-reduce: 160 × "), std::string::npos) << two.out;
  EXPECT_NE(two.out.find("exposed"), std::string::npos);
  EXPECT_NE(two.out.find("hidden"), std::string::npos);

  // The same with --tp 1 does not fit (141 GB of weights on one 80 GB GPU).
  const auto one = run_cli(kLlama70bDecode + " --tp 1");
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_NE(one.out.find("does not fit"), std::string::npos) << one.out;
}

TEST(ParallelCli, JsonCarriesTheParallelConfigAndCommunication) {
  const auto result = run_cli(kLlama70bDecode + " --tp 2 --json");
  ASSERT_EQ(result.code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["system"], "dgx-h100");
  EXPECT_EQ(json["parallel"]["tp"], 2);
  EXPECT_EQ(json["parallel"]["devices"], 2);
  EXPECT_TRUE(json["memory"]["fits"].get<bool>());
  const double all_reduce = json["parallel"]["comm_by_kind_s"]["all-reduce"].get<double>();
  EXPECT_GT(all_reduce, 0.0);
  // Inference: everything is exposed: 160 all-reduces and the logits' all-gather.
  const double all_gather = json["parallel"]["comm_by_kind_s"]["all-gather"].get<double>();
  EXPECT_NEAR(json["parallel"]["comm_exposed_s"].get<double>(), all_reduce + all_gather, 1e-12);
  EXPECT_EQ(json["parallel"]["comm_hidden_s"].get<double>(), 0.0);
  // Collectives are rows of the per-operator table.
  bool found = false;
  for (const auto& op : json["ops"]) {
    if (op["name"] == "tp.all-reduce") {
      found = true;
      EXPECT_EQ(op["group"], "communication");
      EXPECT_EQ(op["count"], 160);
      EXPECT_EQ(op["hidden_time_s"], 0.0);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(json["bound_share"].contains("latency")) << json["bound_share"].dump();
}

TEST(ParallelCli, CsvAndTrainingPipeline) {
  const auto csv = run_cli(kLlama70bDecode + " --tp 2 --csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("name,kind,group,count,time_s,time_per_instance_s,flops,bound,"
                          "exposed_time_s,hidden_time_s\n",
                          0),
            0u)
      << csv.out.substr(0, 200);
  EXPECT_NE(csv.out.find("tp.all-reduce,all-reduce,communication,160,"), std::string::npos);

  // 3D-parallel training over 4 DGX H100: the bubble (p − 1)/(m + p − 1) = 1/9, the sends
  // between the two stages and the data-parallel gradient all-reduce, partly hidden.
  const auto train = run_cli(
      "analyze --system dgx-h100-x4 --tp 8 --pp 2 --dp 2 --microbatches 8 --zero1 "
      "--sequence-parallel --model llama-3-8b --phase train --batch 32 --prompt 2048 --json");
  ASSERT_EQ(train.code, 0) << train.err;
  const auto json = nlohmann::json::parse(train.out);
  EXPECT_DOUBLE_EQ(json["parallel"]["bubble_fraction"].get<double>(), 1.0 / 9.0);
  EXPECT_GT(json["parallel"]["comm_hidden_s"].get<double>(), 0.0);
  EXPECT_TRUE(json["parallel"]["comm_by_kind_s"].contains("send-recv"));
  EXPECT_TRUE(json["parallel"]["comm_by_kind_s"].contains("reduce-scatter"));
  EXPECT_TRUE(json["bound_share"].contains("pipeline bubble"));
  EXPECT_TRUE(json["parallel"]["zero1"].get<bool>());
}

TEST(ParallelCli, BadInputExitsOneNamingTheFlag) {
  struct Case {
    std::string arguments;
    std::string expected;
  };
  const Case cases[] = {
      {"--tp 3", "--tp"},             // does not divide 64 heads
      {"--tp 0", "--tp"},             // zero
      {"--tp -2", "--tp"},            // negative
      {"--tp 16", "--tp/--pp/--dp"},  // dgx-h100 has 8 GPUs
      {"--tp 8 --pp 2", "has 8"},     // 16 devices
      {"--pp 0", "--pp"},
      {"--dp 0", "--dp"},
      {"--dp 2 --ep 2", "--ep"},  // a dense model
      {"--microbatches 0", "--microbatches"},
  };
  for (const auto& c : cases) {
    const auto result = run_cli(kLlama70bDecode + " " + c.arguments);
    EXPECT_EQ(result.code, 1) << c.arguments << ": " << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.arguments << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << c.arguments;  // no partial output
  }
  const auto unknown = run_cli(
      "analyze --system dgx-h900 --model llama-3-70b --phase decode --batch 1 --context 4096 "
      "--tp 2");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("dgx-h900"), std::string::npos) << unknown.err;
}

TEST(ParallelCli, UsageErrorsExitTwo) {
  // Parallel degrees need --system; --hw and --system exclude each other; one of them is needed.
  EXPECT_EQ(run_cli("analyze --hw h100-sxm --model llama-3-8b --context 128 --tp 2").code, 2);
  EXPECT_EQ(
      run_cli("analyze --hw h100-sxm --system dgx-h100 --model llama-3-8b --context 128").code, 2);
  EXPECT_EQ(run_cli("analyze --model llama-3-8b --context 128").code, 2);
}

}  // namespace
