#include "ridgeline/base/units.hpp"

#include <gtest/gtest.h>

namespace ridgeline {
namespace {

TEST(Units, DecimalAndBinaryBytes) {
  EXPECT_DOUBLE_EQ(parse_quantity("80 GB", Dimension::bytes), 80e9);
  // 50 MiB = 50 × 2^20 = 52 428 800 B
  EXPECT_DOUBLE_EQ(parse_quantity("50 MiB", Dimension::bytes), 52428800.0);
  EXPECT_DOUBLE_EQ(parse_quantity("256 KiB", Dimension::bytes), 262144.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 TiB", Dimension::bytes), 1099511627776.0);
  EXPECT_DOUBLE_EQ(parse_quantity("16KB", Dimension::bytes), 16e3);
  EXPECT_DOUBLE_EQ(parse_quantity("16 kB", Dimension::bytes), 16e3);
}

TEST(Units, BandwidthAcceptsByteAndBitRates) {
  EXPECT_DOUBLE_EQ(parse_quantity("3.35 TB/s", Dimension::bandwidth), 3.35e12);
  EXPECT_DOUBLE_EQ(parse_quantity("2 GiB/s", Dimension::bandwidth), 2.0 * 1073741824.0);
  // 400 Gb/s InfiniBand NDR = 400e9 / 8 = 50 GB/s
  EXPECT_DOUBLE_EQ(parse_quantity("400 Gb/s", Dimension::bandwidth), 50e9);
  EXPECT_DOUBLE_EQ(parse_quantity("400 Gbps", Dimension::bandwidth), 50e9);
}

TEST(Units, PinRateIsBitsPerSecond) {
  EXPECT_DOUBLE_EQ(parse_quantity("6.4 Gb/s", Dimension::bit_rate), 6.4e9);
  EXPECT_DOUBLE_EQ(parse_quantity("9.6 Gbps", Dimension::bit_rate), 9.6e9);
  EXPECT_DOUBLE_EQ(parse_quantity("4800 MT/s", Dimension::bit_rate), 4.8e9);
}

TEST(Units, ComputeTimeFrequencyPowerEnergy) {
  EXPECT_DOUBLE_EQ(parse_quantity("989.4 TFLOP/s", Dimension::compute), 989.4e12);
  EXPECT_DOUBLE_EQ(parse_quantity("989.4 TFLOPS", Dimension::compute), 989.4e12);
  EXPECT_DOUBLE_EQ(parse_quantity("1979 TOPS", Dimension::compute), 1979e12);
  EXPECT_DOUBLE_EQ(parse_quantity("2.5 PFLOP/s", Dimension::compute), 2.5e15);
  EXPECT_DOUBLE_EQ(parse_quantity("14 ns", Dimension::time), 14e-9);
  EXPECT_DOUBLE_EQ(parse_quantity("3.9 us", Dimension::time), 3.9e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("3.9 \xC2\xB5s", Dimension::time), 3.9e-6);
  EXPECT_DOUBLE_EQ(parse_quantity("1.83 GHz", Dimension::frequency), 1.83e9);
  EXPECT_DOUBLE_EQ(parse_quantity("700 W", Dimension::power), 700.0);
  EXPECT_DOUBLE_EQ(parse_quantity("3.9 pJ/bit", Dimension::energy_per_bit), 3.9e-12);
  EXPECT_DOUBLE_EQ(parse_quantity("0.5 pJ/FLOP", Dimension::energy_per_op), 0.5e-12);
  EXPECT_DOUBLE_EQ(parse_quantity("1024 bit", Dimension::bits), 1024.0);
}

TEST(Units, CaseMattersBetweenBitsAndBytes) {
  // "Gb/s" is gigabits, "GB/s" gigabytes: a factor 8 apart.
  EXPECT_DOUBLE_EQ(parse_quantity("8 Gb/s", Dimension::bandwidth) * 8,
                   parse_quantity("8 GB/s", Dimension::bandwidth));
}

void expect_error(const char* text, Dimension dimension, const char* fragment) {
  try {
    parse_quantity(text, dimension);
    FAIL() << "'" << text << "' was accepted";
  } catch (const UnitError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
        << "message for '" << text << "': " << error.what();
  }
}

TEST(Units, RejectsBadQuantities) {
  expect_error("TB/s", Dimension::bandwidth, "missing number");
  expect_error("3.35", Dimension::bandwidth, "missing unit");
  expect_error("3.35 furlongs", Dimension::bandwidth, "unknown unit 'furlongs'");
  expect_error("80 GB", Dimension::bandwidth, "unit 'GB' is a size in bytes");
  expect_error("6.4 GB/s", Dimension::bit_rate, "is a bandwidth");
  expect_error("-3 TB/s", Dimension::bandwidth, "negative");
  expect_error("0 GB", Dimension::bytes, "zero");
  expect_error("nan GB", Dimension::bytes, "finite");
  expect_error("inf TB/s", Dimension::bandwidth, "finite");
  expect_error("1e400 TB/s", Dimension::bandwidth, "out of range");
  expect_error("3 EB", Dimension::bytes, "unknown unit");
  expect_error("3000 PB/s", Dimension::bandwidth, "absurd magnitude");  // 3e18 B/s > 1e17
  expect_error("2 h", Dimension::time, "unknown unit");
  expect_error("+3 TB/s", Dimension::bandwidth, "expected a bandwidth");
  expect_error("", Dimension::bytes, "missing number");
}

TEST(Units, FormatsWithPrefixes) {
  EXPECT_EQ(format_quantity(3.35e12, Dimension::bandwidth), "3.35 TB/s");
  EXPECT_EQ(format_quantity(989.4e12, Dimension::compute), "989.4 TFLOP/s");
  EXPECT_EQ(format_quantity(80e9, Dimension::bytes), "80 GB");
  EXPECT_EQ(format_quantity(48.0 * 1024, Dimension::bytes), "48 KiB");         // 49 152 B
  EXPECT_EQ(format_quantity(50.0 * 1024 * 1024, Dimension::bytes), "50 MiB");  // 52 428 800 B
  EXPECT_EQ(format_quantity(126.5e6, Dimension::bytes), "126.5 MB");
  EXPECT_EQ(format_quantity(14e-9, Dimension::time), "14 ns");
  EXPECT_EQ(format_quantity(6.4e9, Dimension::bit_rate), "6.4 Gb/s");
}

TEST(Units, RoundTripThroughFormat) {
  for (double value : {1.5e3, 2.039e12, 4.8e12, 126.5e6}) {
    EXPECT_NEAR(parse_quantity(format_quantity(value, Dimension::bandwidth), Dimension::bandwidth),
                value, value * 1e-3);
  }
}

TEST(Units, CountsArePlainNumbers) {
  // Dimension::count (knob values such as stacks, batch, a scale factor): a number, no unit.
  EXPECT_EQ(parse_quantity("8", Dimension::count), 8.0);
  EXPECT_EQ(parse_quantity(" 1.5 ", Dimension::count), 1.5);
  EXPECT_THROW(parse_quantity("8 GB", Dimension::count), UnitError);  // a unit where none belongs
  EXPECT_THROW(parse_quantity("0", Dimension::count), UnitError);
  EXPECT_THROW(parse_quantity("-2", Dimension::count), UnitError);
  EXPECT_THROW(parse_quantity("x", Dimension::count), UnitError);
  EXPECT_THROW(parse_quantity("8", Dimension::bytes), UnitError);  // other dimensions need a unit
  EXPECT_EQ(format_quantity(4096, Dimension::count), "4096");
}

}  // namespace
}  // namespace ridgeline
