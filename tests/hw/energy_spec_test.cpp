// The "energy" object of an accelerator spec (docs/hwspecs.md): the fixture's figures in SI, and
// every class of bad input derived from the fixture by a one-field mutation.

#include <filesystem>
#include <fstream>
#include <functional>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::hw {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSpecs = fs::path(RIDGELINE_TEST_DATA_DIR) / "specs";

json fixture() {
  std::ifstream stream(kSpecs / "accelerators" / "test-gpu.json");
  return json::parse(stream);
}

class EnergySpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ridgeline-energy-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "accelerators");
    fs::create_directories(root_ / "hbm");
    fs::copy_file(kSpecs / "hbm" / "test-hbm.json", root_ / "hbm" / "test-hbm.json");
  }
  void TearDown() override { fs::remove_all(root_); }

  Accelerator load(const json& document) {
    const fs::path path = root_ / "accelerators" / "test-gpu.json";
    std::ofstream(path, std::ios::binary) << document.dump(2);
    SpecLibrary library(root_);
    return library.accelerator(path.string());
  }

  void expect_problem(const std::function<void(json&)>& mutate, const std::string& pointer,
                      const std::string& fragment) {
    json document = fixture();
    mutate(document);
    try {
      load(document);
      ADD_FAILURE() << "accepted a spec with a bad " << pointer;
    } catch (const InputError& error) {
      bool found = false;
      for (const auto& problem : error.problems()) {
        if (problem.where.rfind(pointer, 0) == 0 &&
            problem.message.find(fragment) != std::string::npos)
          found = true;
      }
      EXPECT_TRUE(found) << "expected a problem at " << pointer << " mentioning '" << fragment
                         << "', got:\n"
                         << error.what();
    }
  }

  fs::path root_;
};

TEST_F(EnergySpecTest, FixtureFiguresInSI) {
  const auto accelerator = load(fixture());
  ASSERT_TRUE(accelerator.energy.has_value());
  EXPECT_DOUBLE_EQ(compute_energy_per_flop(accelerator, DType::bf16), 1e-12);  // "1 pJ/FLOP"
  EXPECT_DOUBLE_EQ(compute_energy_per_flop(accelerator, DType::fp32), 2e-12);  // "2 pJ/FLOP"
  EXPECT_DOUBLE_EQ(level_energy_per_bit(accelerator, 0), 0.1e-12);             // L1 "0.1 pJ/bit"
  EXPECT_DOUBLE_EQ(level_energy_per_bit(accelerator, 1), 0.5e-12);             // L2 "0.5 pJ/bit"
  // Off-chip: the device's read 3.9 + activate 0.3 pJ/bit (tests/data/specs/hbm/test-hbm.json).
  EXPECT_NEAR(level_energy_per_bit(accelerator, 2), 4.2e-12, 1e-24);
  EXPECT_DOUBLE_EQ(accelerator.energy->links.at("nvlink4").value, 5e-12);
  EXPECT_DOUBLE_EQ(accelerator.energy->static_power.value, 100.0);
  ASSERT_TRUE(accelerator.energy->price.has_value());
  EXPECT_DOUBLE_EQ(accelerator.energy->price->value, 20000.0);
  EXPECT_THROW(compute_energy_per_flop(accelerator, DType::fp8), ModelError);
}

TEST_F(EnergySpecTest, AbsentEnergyIsUnknownNotZero) {
  json document = fixture();
  document.erase("energy");
  const auto accelerator = load(document);
  EXPECT_FALSE(accelerator.energy.has_value());
  EXPECT_THROW(compute_energy_per_flop(accelerator, DType::bf16), ModelError);
  EXPECT_THROW(level_energy_per_bit(accelerator, 2), ModelError);
}

TEST_F(EnergySpecTest, BadInputNamesThePointer) {
  // A figure missing for a dtype of /compute/peak, a level or a link.
  expect_problem([](json& d) { d["energy"]["compute"].erase("fp32"); }, "/energy/compute/fp32",
                 "missing energy per FLOP");
  expect_problem([](json& d) { d["energy"]["memory"].erase("L2"); }, "/energy/memory/L2",
                 "missing energy per bit");
  expect_problem([](json& d) { d["energy"]["links"].erase("pcie5-x16"); },
                 "/energy/links/pcie5-x16", "missing energy per bit");
  expect_problem([](json& d) { d["energy"].erase("static_power"); }, "/energy", "static_power");
  expect_problem([](json& d) { d["energy"].erase("compute"); }, "/energy", "compute");
  // Names that are not in the spec.
  expect_problem(
      [](json& d) {
        d["energy"]["compute"]["fp8"] = {{"value", "1 pJ/FLOP"}, {"source", "T"}};
      },
      "/energy/compute/fp8", "no entry in /compute/peak");
  expect_problem(
      [](json& d) {
        d["energy"]["compute"]["fp7"] = {{"value", "1 pJ/FLOP"}, {"source", "T"}};
      },
      "/energy/compute/fp7", "unknown dtype");
  expect_problem(
      [](json& d) {
        d["energy"]["memory"]["L3"] = {{"value", "1 pJ/bit"}, {"source", "T"}};
      },
      "/energy/memory/L3", "unknown on-chip memory level");
  expect_problem(
      [](json& d) {
        d["energy"]["memory"]["HBM3"] = {{"value", "1 pJ/bit"}, {"source", "T"}};
      },
      "/energy/memory/HBM3", "unknown on-chip memory level");
  expect_problem([](json& d) { d["energy"]["watts"] = 3; }, "/energy/watts", "unknown");
  // Wrong units, absurd magnitudes, missing sources.
  expect_problem([](json& d) { d["energy"]["compute"]["bf16"]["value"] = "1 pJ/bit"; },
                 "/energy/compute/bf16", "energy per operation");
  expect_problem([](json& d) { d["energy"]["memory"]["L1"]["value"] = "0.1 pJ"; },
                 "/energy/memory/L1", "energy per bit");
  expect_problem([](json& d) { d["energy"]["memory"]["L1"]["value"] = "5 mJ/bit"; },
                 "/energy/memory/L1", "");
  expect_problem([](json& d) { d["energy"]["static_power"]["value"] = "0 W"; },
                 "/energy/static_power", "zero");
  expect_problem([](json& d) { d["energy"]["static_power"]["value"] = "800 W"; },
                 "/energy/static_power", "below the TDP");
  expect_problem([](json& d) { d["energy"]["memory"]["L1"].erase("source"); }, "/energy/memory/L1",
                 "source");
  expect_problem([](json& d) { d["energy"]["price"]["value"] = "20000"; }, "/energy/price",
                 "missing unit");
  expect_problem([](json& d) { d["energy"]["price"]["value"] = "20000 EUR"; }, "/energy/price",
                 "unknown unit");
  expect_problem([](json& d) { d["energy"] = "1 pJ"; }, "/energy", "object");
}

// The units the energy figures and outputs use (base/units.hpp, one parser).
TEST(EnergyUnits, ParseAndFormat) {
  EXPECT_DOUBLE_EQ(parse_quantity("0.5 pJ/FLOP", Dimension::energy_per_op), 0.5e-12);
  EXPECT_DOUBLE_EQ(parse_quantity("4 pJ/bit", Dimension::energy_per_bit), 4e-12);
  EXPECT_DOUBLE_EQ(parse_quantity("1.2 J", Dimension::energy), 1.2);
  EXPECT_DOUBLE_EQ(parse_quantity("350 mJ", Dimension::energy), 0.35);
  EXPECT_DOUBLE_EQ(parse_quantity("30000 USD", Dimension::price), 30000);
  EXPECT_EQ(format_quantity(0.35, Dimension::energy), "350 mJ");
  EXPECT_EQ(format_quantity(1.192, Dimension::energy), "1.192 J");
  EXPECT_EQ(format_quantity(30000, Dimension::price), "30000 USD");
  EXPECT_THROW(parse_quantity("1.2 J", Dimension::energy_per_bit), UnitError);  // wrong dimension
  EXPECT_THROW(parse_quantity("30000", Dimension::price), UnitError);           // missing unit
  EXPECT_THROW(parse_quantity("0 J", Dimension::energy), UnitError);
}

// No shipped part may leave an energy figure out (absent energy would make `energy/token` unknown).
TEST(ShippedEnergy, EveryAcceleratorHasEnergyFigures) {
  const SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  int count = 0;
  for (const auto& id : library.accelerator_ids()) {
    const auto accelerator = library.accelerator(id);
    ASSERT_TRUE(accelerator.energy.has_value()) << id;
    for (std::size_t level = 0; level < accelerator.memory.size(); ++level) {
      EXPECT_GT(level_energy_per_bit(accelerator, level), 0) << id;
    }
    // Energy per bit grows outwards: an off-chip bit costs more than an on-chip one.
    EXPECT_GT(level_energy_per_bit(accelerator, accelerator.memory.size() - 1),
              level_energy_per_bit(accelerator, 0))
        << id;
    ++count;
  }
  EXPECT_EQ(count, 26);
}

}  // namespace
}  // namespace ridgeline::hw
