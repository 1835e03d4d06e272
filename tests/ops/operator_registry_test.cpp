// The operator registry: declarations, parameter checking, and the `op` command built from it.

#include "ridgeline/ops/operator.hpp"

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "run_cli.hpp"

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::ops {
namespace {

hw::Accelerator shipped(const std::string& id) {
  return hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator(id);
}

TEST(OpRegistry, EveryKindDeclaresItselfCompletely) {
  const auto& registry = OperatorRegistry::builtin();
  std::set<std::string> names;
  for (const auto* kind : registry.kinds()) {
    EXPECT_TRUE(names.insert(kind->name()).second) << "duplicate " << kind->name();
    EXPECT_FALSE(kind->description().empty()) << kind->name();
    for (const auto& param : kind->params()) {
      EXPECT_FALSE(param.description.empty()) << kind->name() << " --" << param.name;
      EXPECT_FALSE(param.required && !param.default_value.empty())
          << kind->name() << " --" << param.name << " is required and has a default";
    }
  }
  for (const auto* expected :
       {"gemm", "batched-gemm", "softmax", "layernorm", "rmsnorm", "gelu", "silu-gate",
        "residual-add", "rope", "pointwise", "attention", "decode-attention", "mla-decode"}) {
    EXPECT_NE(registry.find(expected), nullptr) << expected;
  }
  EXPECT_THROW(registry.get("convolution"), InputError);
}

TEST(OpRegistry, EveryKindEvaluatesOnH100) {
  const auto h100 = shipped("h100-sxm");
  const std::map<std::string, std::map<std::string, std::string>> minimal{
      {"gemm", {{"m", "128"}, {"n", "4096"}, {"k", "4096"}}},
      {"batched-gemm", {{"batch", "32"}, {"m", "128"}, {"n", "128"}, {"k", "64"}}},
      {"softmax", {{"m", "4096"}, {"n", "4096"}}},
      {"layernorm", {{"m", "4096"}, {"n", "4096"}}},
      {"rmsnorm", {{"m", "4096"}, {"n", "4096"}}},
      {"gelu", {{"m", "4096"}, {"n", "4096"}}},
      {"silu-gate", {{"m", "4096"}, {"n", "14336"}}},
      {"residual-add", {{"m", "4096"}, {"n", "4096"}}},
      {"rope", {{"m", "4096"}, {"n", "4096"}}},
      {"pointwise", {{"elements", "16777216"}, {"read-elements", "33554432"}}},
      {"attention", {{"heads", "32"}, {"seq", "2048"}, {"head-dim", "128"}}},
      {"decode-attention",
       {{"heads", "32"}, {"kv-heads", "8"}, {"context", "4096"}, {"head-dim", "128"}}},
      {"mla-decode", {{"context", "4096"}}},
  };
  for (const auto* kind : OperatorRegistry::builtin().kinds()) {
    const auto it = minimal.find(kind->name());
    ASSERT_NE(it, minimal.end()) << "add " << kind->name() << " to this test";
    const auto cost = evaluate(*kind, h100, it->second);
    EXPECT_EQ(cost.kind, kind->name());
    EXPECT_TRUE(std::isfinite(cost.time) && cost.time > 0) << kind->name();
    EXPECT_GT(cost.flops, 0) << kind->name();
    EXPECT_EQ(cost.bytes.size(), h100.memory.size()) << kind->name();
    EXPECT_GE(cost.time, cost.compute_time) << kind->name();
  }
}

TEST(OpRegistry, EveryKindEvaluatesOnEveryShippedAccelerator) {
  // GPUs, TPUs, NPUs with chip-wide scratchpads and CPUs with per-core caches: every kind gives a
  // finite positive time and per-level bytes on each, in a dtype the part supports.
  hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  for (const auto& id : library.accelerator_ids()) {
    const auto accelerator = library.accelerator(id);
    std::string dtype;
    for (const auto* candidate : {"bf16", "fp16", "fp8", "int8"}) {
      if (hw::supports(accelerator, *parse_dtype(candidate))) {
        dtype = candidate;
        break;
      }
    }
    ASSERT_FALSE(dtype.empty()) << id;
    for (const auto* kind : OperatorRegistry::builtin().kinds()) {
      std::map<std::string, std::string> given{{"dtype", dtype}};
      for (const auto& param : kind->params()) {
        if (param.required) given[param.name] = param.name == "batch" ? "4" : "1024";
      }
      const auto cost = evaluate(*kind, accelerator, given);
      EXPECT_TRUE(std::isfinite(cost.time) && cost.time > 0) << id << " " << kind->name();
      ASSERT_EQ(cost.bytes.size(), accelerator.memory.size()) << id << " " << kind->name();
      for (const double bytes : cost.bytes) {
        EXPECT_TRUE(std::isfinite(bytes) && bytes >= 0) << id << " " << kind->name();
      }
    }
  }
}

TEST(OpRegistry, ParametersAreCheckedAndNamed) {
  const auto& gemm = OperatorRegistry::builtin().get("gemm");
  const auto problem_at = [&](const std::map<std::string, std::string>& given) {
    try {
      parse_params(gemm, given);
    } catch (const InputError& e) {
      return e.problems().at(0).where + ": " + e.problems().at(0).message;
    }
    return std::string("no error");
  };
  EXPECT_EQ(problem_at({{"m", "0"}, {"n", "1"}, {"k", "1"}}).rfind("--m: must be at least 1", 0),
            0u);
  EXPECT_EQ(problem_at({{"m", "-3"}, {"n", "1"}, {"k", "1"}}).rfind("--m:", 0), 0u);
  EXPECT_EQ(problem_at({{"m", "4k"}, {"n", "1"}, {"k", "1"}}), "--m: '4k' is not a whole number");
  EXPECT_EQ(problem_at({{"m", "1"}, {"n", "1"}}).rfind("--k: missing required parameter", 0), 0u);
  EXPECT_EQ(problem_at({{"m", "1"}, {"n", "1"}, {"k", "1"}, {"dtype", "bf17"}})
                .rfind("--dtype: unknown dtype 'bf17'", 0),
            0u);
  EXPECT_EQ(problem_at({{"m", "1"}, {"n", "1"}, {"k", "1"}, {"flavour", "x"}})
                .rfind("--flavour: unknown parameter", 0),
            0u);
  EXPECT_EQ(problem_at({{"m", "1"}, {"n", "1"}, {"k", "1"}, {"cache", "lukewarm"}}),
            "--cache: 'lukewarm' is not one of: cold, warm");
  // Defaults fill in; conditions parse.
  const auto params = parse_params(gemm, {{"m", "2"}, {"n", "3"}, {"k", "4"}, {"timing", "host"}});
  EXPECT_EQ(params.count("batch"), 1);
  EXPECT_EQ(params.dtype("dtype"), DType::bf16);
  EXPECT_FALSE(params.has("weight-dtype"));
  EXPECT_TRUE(conditions_from(params).host_timed);
  EXPECT_FALSE(conditions_from(params).profiled);
  EXPECT_EQ(conditions_from(params).cache, CacheState::cold);
  const auto profiled =
      parse_params(gemm, {{"m", "2"}, {"n", "3"}, {"k", "4"}, {"timing", "profiler"}});
  EXPECT_TRUE(conditions_from(profiled).profiled);
  EXPECT_FALSE(conditions_from(profiled).host_timed);
}

TEST(OpRegistry, DtypeWithoutAPeakIsAModelError) {
  const auto a100 = shipped("a100-sxm");  // no fp8 tensor path
  const auto& gemm = OperatorRegistry::builtin().get("gemm");
  EXPECT_THROW(evaluate(gemm, a100, {{"m", "16"}, {"n", "16"}, {"k", "16"}, {"dtype", "fp8"}}),
               ModelError);
}

TEST(OpRegistry, CostJsonHasTheDocumentedKeys) {
  const auto h100 = shipped("h100-sxm");
  const auto& gemm = OperatorRegistry::builtin().get("gemm");
  const auto json =
      cost_json(evaluate(gemm, h100, {{"m", "4096"}, {"n", "4096"}, {"k", "4096"}}), h100);
  for (const auto* key : {"kind", "hw", "time_s", "flops", "achieved_flops", "bytes", "bound",
                          "compute_time_s", "level_time_s", "overhead_time_s", "derivation"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["bound"], "compute");
  EXPECT_TRUE(json["bytes"].contains("HBM3"));
  EXPECT_DOUBLE_EQ(json["achieved_flops"].get<double>(),
                   json["flops"].get<double>() / json["time_s"].get<double>());
}

// The `op` command: exit codes and the JSON contract.
using ridgeline::testing::run_cli;

TEST(OpCommand, GemmJsonContract) {
  const auto result =
      run_cli("op gemm --hw h100-sxm --m 4096 --n 4096 --k 4096 --dtype bf16 --json");
  ASSERT_EQ(result.code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["kind"], "gemm");
  EXPECT_EQ(json["hw"], "h100-sxm");
  EXPECT_EQ(json["bound"], "compute");
  EXPECT_DOUBLE_EQ(json["flops"].get<double>(), 1.37438953472e11);
  EXPECT_NEAR(json["time_s"].get<double>(), 188.1e-6, 0.1e-6);  // see GemmModel.Square4096BF16...
  EXPECT_TRUE(json["bytes"].contains("L2"));
  EXPECT_EQ(json["params"]["m"], "4096");
}

TEST(OpCommand, TextOutputAndOtherKinds) {
  const auto text = run_cli("op softmax --hw a100-sxm --m 4096 --n 4096 --dtype fp16");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("bound: HBM2E"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("derivation"), std::string::npos);
  const auto decode = run_cli(
      "op decode-attention --hw h100-sxm --heads 32 --kv-heads 8 --context 4096 --head-dim 128 "
      "--json");
  ASSERT_EQ(decode.code, 0) << decode.err;
  EXPECT_EQ(nlohmann::json::parse(decode.out)["bound"], "HBM3");
}

TEST(OpCommand, BadInputExitsOneUsageErrorsExitTwo) {
  const auto zero = run_cli("op gemm --hw h100-sxm --m 0 --n 16 --k 16");
  EXPECT_EQ(zero.code, 1);
  EXPECT_NE(zero.err.find("--m"), std::string::npos) << zero.err;
  const auto negative = run_cli("op gemm --hw h100-sxm --m 16 --n -16 --k 16");
  EXPECT_EQ(negative.code, 1) << negative.err;
  const auto dtype = run_cli("op gemm --hw h100-sxm --m 16 --n 16 --k 16 --dtype bf17");
  EXPECT_EQ(dtype.code, 1);
  EXPECT_NE(dtype.err.find("unknown dtype 'bf17'"), std::string::npos) << dtype.err;
  const auto unsupported = run_cli("op gemm --hw a100-sxm --m 16 --n 16 --k 16 --dtype fp8");
  EXPECT_EQ(unsupported.code, 1);
  EXPECT_NE(unsupported.err.find("no fp8"), std::string::npos) << unsupported.err;
  const auto unknown_hw = run_cli("op gemm --hw h900 --m 16 --n 16 --k 16");
  EXPECT_EQ(unknown_hw.code, 1) << unknown_hw.err;
  const auto missing = run_cli("op gemm --hw h100-sxm --m 16 --n 16");
  EXPECT_EQ(missing.code, 2) << missing.err;
  const auto no_kind = run_cli("op --hw h100-sxm");
  EXPECT_EQ(no_kind.code, 2) << no_kind.err;
}

}  // namespace
}  // namespace ridgeline::ops
