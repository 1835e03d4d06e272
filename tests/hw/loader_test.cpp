// Loader tests on a self-contained fixture (tests/data/specs): one valid accelerator and memory
// device, and every class of bad input derived from them by a one-field mutation.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/hw/loader.hpp"

namespace ridgeline::hw {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSpecs = fs::path(RIDGELINE_TEST_DATA_DIR) / "specs";

json read(const fs::path& path) {
  std::ifstream stream(path);
  return json::parse(stream);
}

// A scratch library: accelerators/ and hbm/ with the fixture's memory device.
class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ridgeline-loader-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "accelerators");
    fs::create_directories(root_ / "hbm");
    fs::copy_file(kSpecs / "hbm" / "test-hbm.json", root_ / "hbm" / "test-hbm.json");
    base_ = read(kSpecs / "accelerators" / "test-gpu.json");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = root_ / "accelerators" / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Loads `text` as an accelerator and returns the InputError (the test fails if none is thrown).
  InputError load_error(const std::string& text) {
    const fs::path path = write("bad.json", text);
    SpecLibrary library(root_);
    try {
      library.accelerator(path.string());
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos)
          << "message does not name the file: " << error.what();
      return error;
    }
    ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    return InputError("", "", "");
  }

  // Mutates the valid fixture at `pointer` and expects an error at that pointer mentioning
  // `fragment`.
  void expect_problem(const std::function<void(json&)>& mutate, const std::string& pointer,
                      const std::string& fragment) {
    json document = base_;
    mutate(document);
    const auto error = load_error(document.dump(2));
    bool found = false;
    for (const auto& problem : error.problems()) {
      if (problem.where == pointer && problem.message.find(fragment) != std::string::npos)
        found = true;
    }
    EXPECT_TRUE(found) << "expected a problem at " << pointer << " mentioning '" << fragment
                       << "', got:\n"
                       << error.what();
  }

  fs::path root_;
  json base_;
};

TEST_F(LoaderTest, ValidFixtureLoadsInSI) {
  SpecLibrary library(root_);
  const auto accelerator = library.accelerator(write("test-gpu.json", base_.dump()).string());
  EXPECT_EQ(accelerator.id, "test-gpu");
  EXPECT_DOUBLE_EQ(accelerator.compute.peak.at(DType::bf16).value, 1000e12);
  EXPECT_DOUBLE_EQ(accelerator.memory[0].capacity.value, 256.0 * 1024);
  EXPECT_DOUBLE_EQ(accelerator.memory[1].capacity.value, 50.0 * 1024 * 1024);
  ASSERT_TRUE(accelerator.off_chip().off_chip.has_value());
  // 5 stacks × 1024 bit × 6.4 Gb/s / 8 = 4.096 TB/s (stated 4 TB/s, 2.4 % apart: accepted)
  EXPECT_DOUBLE_EQ(derived_off_chip_bandwidth(*accelerator.off_chip().off_chip), 4.096e12);
  EXPECT_DOUBLE_EQ(accelerator.off_chip().off_chip->device.timing.tREFI.value, 3.9e-6);
  // L1 per SM: 256 KiB × 100 SM = 26 214 400 B for the chip
  EXPECT_DOUBLE_EQ(chip_capacity(accelerator, accelerator.memory[0]), 26214400.0);
  EXPECT_DOUBLE_EQ(scale_up_bandwidth(accelerator), 18 * 25e9);
  EXPECT_DOUBLE_EQ(accelerator.overheads.kernel.value, 4e-6);
  EXPECT_DOUBLE_EQ(accelerator.overheads.host_launch.value, 9e-6);
  ASSERT_TRUE(accelerator.overheads.profiled_kernel.has_value());
  EXPECT_DOUBLE_EQ(accelerator.overheads.profiled_kernel->value, 1e-6);
  // Optional: a spec without it loads, and only profiler timing asks for it.
  json without = base_;
  without["overheads"].erase("profiled_kernel");
  EXPECT_FALSE(library.accelerator(write("test-gpu.json", without.dump()).string())
                   .overheads.profiled_kernel.has_value());
}

// --- The bad-input classes, each named with file and JSON pointer. ---

TEST_F(LoaderTest, MalformedJson) {
  const auto error = load_error("{\"schema\": \"ridgeline.accelerator/1\", \"id\" \"x\"}");
  EXPECT_NE(error.problems().at(0).where.find("line 1"), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("malformed JSON"), std::string::npos);
}

TEST_F(LoaderTest, TruncatedJson) {
  const std::string whole = base_.dump(2);
  const auto error = load_error(whole.substr(0, whole.size() / 2));
  EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos) << error.what();
  EXPECT_NE(error.problems().at(0).where.find("line "), std::string::npos);
}

TEST_F(LoaderTest, EmptyFile) {
  EXPECT_NE(std::string(load_error("").what()).find("empty"), std::string::npos);
  EXPECT_NE(std::string(load_error(" \n\t").what()).find("empty"), std::string::npos);
}

TEST_F(LoaderTest, BinaryGarbage) {
  std::string garbage;
  for (int i = 0; i < 256; ++i) garbage += static_cast<char>((i * 37 + 11) % 256);
  EXPECT_NE(std::string(load_error(garbage).what()).find("binary"), std::string::npos);
}

TEST_F(LoaderTest, WrongRootType) {
  const auto error = load_error("[1, 2, 3]");
  EXPECT_EQ(error.problems().at(0).where, "/");
  EXPECT_NE(std::string(error.what()).find("expected a JSON object at the root, found an array"),
            std::string::npos);
}

TEST_F(LoaderTest, MissingRequiredField) {
  expect_problem([](json& d) { d.erase("tdp"); }, "/tdp", "missing required field 'tdp'");
  expect_problem([](json& d) { d["overheads"]["profiled_kernel"]["value"] = "1 GB"; },
                 "/overheads/profiled_kernel/value", "expected a time");
  expect_problem([](json& d) { d["overheads"]["profiled_kernel"]["value"] = "-1 us"; },
                 "/overheads/profiled_kernel/value", "negative value");
  expect_problem([](json& d) { d["overheads"].erase("kernel"); }, "/overheads/kernel",
                 "missing required field 'kernel'");
  expect_problem([](json& d) { d["memory"][2].erase("stacks"); }, "/memory/2/stacks",
                 "missing required field");
  expect_problem([](json& d) { d["compute"]["achievable"].erase("fp32"); },
                 "/compute/achievable/fp32", "missing achievable fraction");
}

TEST_F(LoaderTest, WrongType) {
  expect_problem([](json& d) { d["name"] = 42; }, "/name", "expected a string, found a number");
  expect_problem([](json& d) { d["memory"] = json::object(); }, "/memory",
                 "expected an array, found an object");
  // A dimensioned value without a unit is refused: the reader must not guess the unit.
  expect_problem([](json& d) { d["tdp"]["value"] = 700; }, "/tdp/value", "as a string with a unit");
  expect_problem([](json& d) { d["compute"]["units"]["value"] = "132"; }, "/compute/units/value",
                 "expected a whole number");
  expect_problem([](json& d) { d["compute"]["units"]["value"] = 131.5; }, "/compute/units/value",
                 "expected a whole number");
}

TEST_F(LoaderTest, UnknownUnit) {
  expect_problem([](json& d) { d["memory"][2]["bandwidth"]["value"] = "3.35 TBps"; },
                 "/memory/2/bandwidth/value", "unknown unit 'TBps'");
  expect_problem([](json& d) { d["memory"][2]["bandwidth"]["value"] = "3.35 GHz"; },
                 "/memory/2/bandwidth/value", "is a frequency");
}

TEST_F(LoaderTest, NegativeValue) {
  expect_problem([](json& d) { d["compute"]["peak"]["bf16"]["value"] = "-1000 TFLOP/s"; },
                 "/compute/peak/bf16/value", "negative");
  expect_problem([](json& d) { d["memory"][2]["achievable_fraction"]["value"] = -0.5; },
                 "/memory/2/achievable_fraction/value", "outside (0, 1]");
}

TEST_F(LoaderTest, ZeroValue) {
  expect_problem([](json& d) { d["memory"][1]["capacity"]["value"] = "0 MiB"; },
                 "/memory/1/capacity/value", "zero");
  expect_problem([](json& d) { d["memory"][2]["stacks"]["value"] = 0; }, "/memory/2/stacks/value",
                 "at least 1");
}

TEST_F(LoaderTest, NonFiniteValue) {
  expect_problem([](json& d) { d["compute"]["clock"]["value"] = "nan GHz"; },
                 "/compute/clock/value", "finite");
  expect_problem([](json& d) { d["memory"][0]["latency"]["value"] = "inf ns"; },
                 "/memory/0/latency/value", "finite");
}

TEST_F(LoaderTest, AbsurdMagnitude) {
  expect_problem([](json& d) { d["compute"]["peak"]["bf16"]["value"] = "5000000 PFLOP/s"; },
                 "/compute/peak/bf16/value", "absurd magnitude");
  expect_problem([](json& d) { d["memory"][2]["stacks"]["value"] = 100000; },
                 "/memory/2/stacks/value", "absurd count");
  expect_problem([](json& d) { d["memory"][2]["achievable_fraction"]["value"] = 1.7; },
                 "/memory/2/achievable_fraction/value", "outside (0, 1]");
}

TEST_F(LoaderTest, UnknownReferencedMemoryDevice) {
  expect_problem([](json& d) { d["memory"][2]["device"] = "hbm9"; }, "/memory/2/device",
                 "memory device 'hbm9' could not be loaded");
}

TEST_F(LoaderTest, DuplicateIdAcrossFiles) {
  SpecLibrary library(root_);
  const auto first = write("one.json", base_.dump());
  const auto second = write("two.json", base_.dump());
  const auto checks = validate_spec_files({first.string(), second.string()}, library);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(checks[0].problems.empty());
  ASSERT_EQ(checks[1].problems.size(), 1u);
  EXPECT_EQ(checks[1].problems[0].where, "/id");
  EXPECT_NE(checks[1].problems[0].message.find("duplicate id 'test-gpu'"), std::string::npos);
}

TEST_F(LoaderTest, DuplicateKeyInOneObject) {
  const auto error = load_error(R"({"schema": "ridgeline.accelerator/1", "id": "a", "id": "b"})");
  EXPECT_EQ(error.problems().at(0).where, "/id");
  EXPECT_NE(std::string(error.what()).find("key given twice"), std::string::npos);
}

TEST_F(LoaderTest, UnknownFieldIsATypo) {
  expect_problem([](json& d) { d["memory"][2]["bandwith"] = d["memory"][2]["bandwidth"]; },
                 "/memory/2/bandwith", "unknown field 'bandwith'");
}

TEST_F(LoaderTest, UnknownDtypeAndSource) {
  expect_problem([](json& d) { d["compute"]["peak"]["bf32"] = d["compute"]["peak"]["bf16"]; },
                 "/compute/peak/bf32", "unknown dtype 'bf32'");
  expect_problem([](json& d) { d["tdp"]["source"] = "my memory"; }, "/tdp/source",
                 "not a key of /sources");
}

TEST_F(LoaderTest, OffChipBandwidthCrossCheck) {
  // Derived 4.096 TB/s vs stated 3.9 TB/s: 5.0 % apart, beyond the 3 % tolerance.
  expect_problem([](json& d) { d["memory"][2]["bandwidth"]["value"] = "3.9 TB/s"; },
                 "/memory/2/bandwidth", "more than 3% from the derived 5 stacks");
  // 4.0 TB/s (2.4 % apart) is accepted by the ValidFixture test above.
}

TEST_F(LoaderTest, CapacityBeyondPhysicalStacks) {
  // 5 stacks × 16 GB = 80 GB physical; 96 GB usable cannot be.
  expect_problem([](json& d) { d["memory"][2]["capacity"]["value"] = "96 GB"; },
                 "/memory/2/capacity", "exceeds the physical 5 × 16 GB");
}

TEST_F(LoaderTest, CapacityMustGrowOutwards) {
  // An L2 of 128 KiB is smaller than one SM's 256 KiB of L1.
  expect_problem([](json& d) { d["memory"][1]["capacity"]["value"] = "128 KiB"; },
                 "/memory/1/capacity", "capacity grows outwards");
  // An L2 of 90 GB holds more than the 80 GB of HBM outside it.
  expect_problem([](json& d) { d["memory"][1]["capacity"]["value"] = "90 GB"; },
                 "/memory/2/capacity", "capacity grows outwards");
}

TEST_F(LoaderTest, SparseBelowDenseIsRejected) {
  expect_problem([](json& d) { d["compute"]["sparse_peak"]["bf16"]["value"] = "500 TFLOP/s"; },
                 "/compute/sparse_peak/bf16", "below the dense peak");
}

TEST_F(LoaderTest, EveryProblemIsReportedAtOnce) {
  json document = base_;
  document.erase("tdp");
  document["name"] = 1;
  document["memory"][0]["latency"]["value"] = "-3 ns";
  const auto error = load_error(document.dump());
  EXPECT_GE(error.problems().size(), 3u) << error.what();
}

TEST_F(LoaderTest, MemoryDeviceTimingOrder) {
  json device = read(kSpecs / "hbm" / "test-hbm.json");
  device["timing"]["tRAS"]["value"] = "10 ns";  // below tRCD = 14 ns
  try {
    memory_device_from_json(device, "dev.json");
    FAIL() << "accepted tRAS < tRCD";
  } catch (const InputError& error) {
    EXPECT_EQ(error.problems().at(0).where, "/timing/tRAS");
    EXPECT_NE(std::string(error.what()).find("dev.json"), std::string::npos);
  }
}

TEST_F(LoaderTest, MemoryDeviceWidthDivisibleByPseudoChannels) {
  json device = read(kSpecs / "hbm" / "test-hbm.json");
  device["channels"]["value"] = 12;  // 1024 / (12 × 2) is not whole
  EXPECT_THROW(memory_device_from_json(device, "dev.json"), InputError);
}

}  // namespace
}  // namespace ridgeline::hw
