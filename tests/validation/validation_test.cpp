// The validation harness runs every section over the copies in tests/validation/. Accuracy is
// reported in docs/validation.md, not asserted here; this test checks that every section ran over
// exactly the records its file holds, and that no prediction is NaN, infinite or negative.

#include "ridgeline/validate/validation.hpp"
#include "ridgeline/validate/workload_sections.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"

namespace ridgeline::validate {
namespace {

std::filesystem::path data_dir() {
  return std::filesystem::path(RIDGELINE_HWSPECS_DIR).parent_path() / "tests" / "validation";
}

const Report& report() {
  static const Report built =
      run_validation(data_dir(), hw::SpecLibrary(RIDGELINE_HWSPECS_DIR), all_sections());
  return built;
}

TEST(Validation, EverySectionRanOverTheRecordsItsFileHolds) {
  const auto sections = all_sections();
  ASSERT_EQ(report().sections.size(), sections.size());
  std::map<std::string, nlohmann::json> files;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const auto& def = sections[i];
    const auto& result = report().sections[i];
    EXPECT_EQ(result.id, def.id);
    if (files.count(def.file) == 0) files[def.file] = parse_json_file(data_dir() / def.file);
    std::size_t expected = 0;
    for (const auto& record : files[def.file].at(def.array)) {
      if (def.op.empty() || record.value("op", "") == def.op) ++expected;
    }
    EXPECT_EQ(result.records_in_file, expected) << def.id;
    EXPECT_EQ(result.records.size(), expected) << def.id;
    EXPECT_GT(expected, 0u) << def.id;
  }
}

TEST(Validation, RecordCountsOfTheShippedFiles) {
  // measurements.json: gemm 61, batched_gemm 4, gemm_best_of_sweep 6, ops 139 (softmax 46,
  // layernorm 46, gelu 42, attention 5); measurements-h100.json: gemm 8, bandwidth 3.
  std::map<std::string, std::size_t> counts;
  for (const auto& section : report().sections) counts[section.id] = section.records_in_file;
  EXPECT_EQ(counts["gemm"], 61u);
  EXPECT_EQ(counts["batched_gemm"], 4u);
  EXPECT_EQ(counts["gemm_best_of_sweep"], 6u);
  EXPECT_EQ(counts["ops/softmax"] + counts["ops/layernorm"] + counts["ops/gelu"] +
                counts["ops/attention"],
            139u);
  EXPECT_EQ(counts["h100/gemm"], 8u);
  // Whole-model records: decode 12 and prefill 9 published; 6 decode and 4 prefill measured on
  // H100.
  EXPECT_EQ(counts["decode"], 12u);
  EXPECT_EQ(counts["prefill"], 9u);
  EXPECT_EQ(counts["h100/decode"], 6u);
  EXPECT_EQ(counts["h100/prefill"], 4u);
  EXPECT_EQ(counts["h100/bandwidth"], 3u);
  // h100-trace-kernels.json (scripts/trace_kernels.py over the two H100 profiler traces): GEMMs 5
  // decode + 5 prefill shapes (4 per layer and the LM head), one prefill and one decode attention,
  // RMSNorm 8×4096 (decode), 2048×4096 and 1×4096 (prefill), six add shapes (residual and
  // rotary, decode and prefill), all with 32 or more calls except the LM head and last norm.
  EXPECT_EQ(counts["h100-trace/gemm"], 10u);
  EXPECT_EQ(counts["h100-trace/attention"], 1u);
  EXPECT_EQ(counts["h100-trace/decode_attention"], 1u);
  EXPECT_EQ(counts["h100-trace/rmsnorm"], 3u);
  EXPECT_EQ(counts["h100-trace/add"], 6u);
  // One step of each trace: its GPU busy time (eager decode, batch 8, context 4096; eager prefill
  // of 2048 tokens).
  EXPECT_EQ(counts["h100-trace/decode"], 1u);
  EXPECT_EQ(counts["h100-trace/prefill"], 1u);
  // Profiler kernel durations, costed as a step costs them (inputs from HBM).
  for (const auto& section : report().sections) {
    if (section.id.rfind("h100-trace/", 0) != 0 || section.id == "h100-trace/decode" ||
        section.id == "h100-trace/prefill") {
      continue;
    }
    for (const auto& record : section.records) {
      EXPECT_EQ(record.conditions, "profiler, cold L2") << section.id << " #" << record.index;
    }
  }
  // The tensor-parallel GPT-3 layer: prefill and decode on 4× A100.
  EXPECT_EQ(counts["layer_tp4"], 2u);
  // Arrays without a section are listed, not silently dropped (collectives_multi_gpu is validated
  // in collectives_validation_test.cpp and docs/validation-collectives.md).
  bool collectives_listed = false;
  for (const auto& item : report().unmodelled) {
    collectives_listed = collectives_listed || (item.file == "measurements.json" &&
                                                item.array == "collectives_multi_gpu");
    EXPECT_FALSE(item.array == "decode" || item.array == "prefill" ||
                 item.array == "transformer_layer_tp4")
        << item.file << "#" << item.array;
  }
  EXPECT_TRUE(collectives_listed);
}

TEST(Validation, PredictionsAreFinitePositiveAndErrorsConsistent) {
  std::size_t evaluated = 0;
  for (const auto& section : report().sections) {
    for (const auto& record : section.records) {
      if (record.skipped) {
        EXPECT_FALSE(record.skip_reason.empty()) << section.id << " #" << record.index;
        continue;
      }
      ++evaluated;
      EXPECT_TRUE(std::isfinite(record.predicted_s) && record.predicted_s > 0)
          << section.id << " #" << record.index;
      EXPECT_TRUE(std::isfinite(record.measured_s) && record.measured_s > 0)
          << section.id << " #" << record.index;
      EXPECT_DOUBLE_EQ(record.error, record.predicted_s / record.measured_s - 1.0);
      EXPECT_FALSE(record.bound.empty());
    }
    const auto stats = section.stats();
    EXPECT_TRUE(std::isfinite(stats.median_abs)) << section.id;
    EXPECT_LE(stats.median_abs, stats.worst_abs) << section.id;
  }
  EXPECT_GE(evaluated, 200u);
}

TEST(Validation, UnknownAcceleratorsAreSkippedWithTheReason) {
  const auto dir = std::filesystem::temp_directory_path() / "ridgeline-validation-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.json") << R"({"gemm": [
      {"hw": "h100-sxm?", "dtype": "bf16", "m": 64, "n": 64, "k": 64, "time_s": 1e-5},
      {"hw": "h100-sxm", "dtype": "bf16", "m": 64, "n": 64, "k": 64, "time_s": 1e-5}]})";
  std::vector<SectionDef> sections{builtin_sections().front()};
  sections.front().file = "m.json";
  const auto result = run_validation(dir, hw::SpecLibrary(RIDGELINE_HWSPECS_DIR), sections);
  ASSERT_EQ(result.sections.at(0).records.size(), 2u);
  EXPECT_TRUE(result.sections[0].records[0].skipped);
  EXPECT_NE(result.sections[0].records[0].skip_reason.find("no spec 'h100-sxm?'"),
            std::string::npos);
  EXPECT_FALSE(result.sections[0].records[1].skipped);

  // A malformed record is an input error naming the file and the JSON pointer.
  std::ofstream(dir / "m.json") << R"({"gemm": [{"hw": "h100-sxm", "dtype": "bf16", "m": 0,
      "n": 64, "k": 64, "time_s": 1e-5}]})";
  try {
    run_validation(dir, hw::SpecLibrary(RIDGELINE_HWSPECS_DIR), sections);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems().at(0).where, "/gemm/0/m");
  }
  // A timed attention record must say whether it is causal, as a boolean.
  std::ofstream(dir / "m.json") << R"({"attention": [{"hw": "h100-sxm", "dtype": "bf16",
      "batch": 1, "heads": 32, "seq": 2048, "head_dim": 128, "causal": "yes", "time_s": 8e-5}]})";
  std::vector<SectionDef> attention;
  for (const auto& def : builtin_sections()) {
    if (def.id == "h100-trace/attention") attention.push_back(def);
  }
  ASSERT_EQ(attention.size(), 1u);
  attention.front().file = "m.json";
  try {
    run_validation(dir, hw::SpecLibrary(RIDGELINE_HWSPECS_DIR), attention);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems().at(0).where, "/attention/0/causal");
  }
  std::filesystem::remove_all(dir);
}

TEST(Validation, MarkdownIsMarkedGeneratedAndListsEverySection) {
  const std::string md = render_markdown(report());
  EXPECT_EQ(md.rfind("<!-- Generated by `ridgeline validate", 0), 0u);
  for (const auto& section : report().sections) {
    EXPECT_NE(md.find("### " + section.id + ":"), std::string::npos) << section.id;
  }
  const auto json = report_json(report());
  EXPECT_EQ(json["sections"].size(), report().sections.size());
  EXPECT_TRUE(json.contains("gemm_overall"));
}

}  // namespace
}  // namespace ridgeline::validate
