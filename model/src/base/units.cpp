#include "ridgeline/base/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace ridgeline {
namespace {

struct UnitInfo {
  Dimension dimension;
  double factor;  // SI value of one unit
};

using UnitTable = std::map<std::string, UnitInfo, std::less<>>;

struct Prefix {
  const char* symbol;
  double factor;
};

constexpr std::array<Prefix, 6> kDecimal{
    {{"", 1.0}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}}};
constexpr std::array<Prefix, 5> kBinary{{{"Ki", 1024.0},
                                         {"Mi", 1024.0 * 1024},
                                         {"Gi", 1024.0 * 1024 * 1024},
                                         {"Ti", 1024.0 * 1024 * 1024 * 1024},
                                         {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024}}};

UnitTable build_unit_table() {
  UnitTable table;
  auto add = [&table](std::string symbol, Dimension dimension, double factor) {
    table.emplace(std::move(symbol), UnitInfo{dimension, factor});
  };
  auto add_both_k = [&add](const Prefix& prefix, const std::string& suffix, Dimension dimension,
                           double factor) {
    add(std::string(prefix.symbol) + suffix, dimension, factor);
    if (std::string_view(prefix.symbol) == "K") add("k" + suffix, dimension, factor);
  };
  for (const auto& prefix : kDecimal) {
    add_both_k(prefix, "B", Dimension::bytes, prefix.factor);
    add_both_k(prefix, "bit", Dimension::bits, prefix.factor);
    add_both_k(prefix, "B/s", Dimension::bandwidth, prefix.factor);
    add_both_k(prefix, "b/s", Dimension::bandwidth, prefix.factor / 8.0);
    add_both_k(prefix, "bps", Dimension::bandwidth, prefix.factor / 8.0);
    add_both_k(prefix, "FLOP/s", Dimension::compute, prefix.factor);
    add_both_k(prefix, "FLOPS", Dimension::compute, prefix.factor);
    add_both_k(prefix, "OP/s", Dimension::compute, prefix.factor);
    add_both_k(prefix, "OPS", Dimension::compute, prefix.factor);
  }
  for (const auto& prefix : kBinary) {
    add(std::string(prefix.symbol) + "B", Dimension::bytes, prefix.factor);
    add(std::string(prefix.symbol) + "bit", Dimension::bits, prefix.factor);
    add(std::string(prefix.symbol) + "B/s", Dimension::bandwidth, prefix.factor);
  }
  add("bits", Dimension::bits, 1.0);
  add("MT/s", Dimension::bit_rate, 1e6);
  add("GT/s", Dimension::bit_rate, 1e9);
  add("ps", Dimension::time, 1e-12);
  add("ns", Dimension::time, 1e-9);
  add("us", Dimension::time, 1e-6);
  add("\xC2\xB5s", Dimension::time, 1e-6);  // µs (U+00B5)
  add("\xCE\xBCs", Dimension::time, 1e-6);  // μs (U+03BC)
  add("ms", Dimension::time, 1e-3);
  add("s", Dimension::time, 1.0);
  add("Hz", Dimension::frequency, 1.0);
  add("kHz", Dimension::frequency, 1e3);
  add("MHz", Dimension::frequency, 1e6);
  add("GHz", Dimension::frequency, 1e9);
  add("mW", Dimension::power, 1e-3);
  add("W", Dimension::power, 1.0);
  add("kW", Dimension::power, 1e3);
  for (const auto& [symbol, factor] :
       std::array<std::pair<const char*, double>, 3>{{{"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9}}}) {
    const std::string joule = std::string(symbol) + "J/";
    add(joule + "bit", Dimension::energy_per_bit, factor);
    add(joule + "b", Dimension::energy_per_bit, factor);
    add(joule + "FLOP", Dimension::energy_per_op, factor);
    add(joule + "op", Dimension::energy_per_op, factor);
  }
  return table;
}

const UnitTable& unit_table() {
  static const UnitTable table = build_unit_table();
  return table;
}

// Bit-rate symbols are shared with bandwidth: "6.4 Gb/s" is a pin rate where a bit rate is expected
// and 0.8 GB/s where a bandwidth is expected.
bool lookup_bit_rate(std::string_view unit, double& factor) {
  for (const auto& prefix : kDecimal) {
    for (const char* suffix : {"b/s", "bps", "bit/s"}) {
      const std::string upper = std::string(prefix.symbol) + suffix;
      const std::string lower =
          std::string_view(prefix.symbol) == "K" ? "k" + std::string(suffix) : upper;
      if (unit == upper || unit == lower) {
        factor = prefix.factor;
        return true;
      }
    }
  }
  return false;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace

std::string_view dimension_name(Dimension dimension) {
  switch (dimension) {
    case Dimension::bytes:
      return "a size in bytes";
    case Dimension::bits:
      return "a width in bits";
    case Dimension::bandwidth:
      return "a bandwidth";
    case Dimension::bit_rate:
      return "a per-pin bit rate";
    case Dimension::compute:
      return "a compute rate";
    case Dimension::time:
      return "a time";
    case Dimension::frequency:
      return "a frequency";
    case Dimension::power:
      return "a power";
    case Dimension::energy_per_bit:
      return "an energy per bit";
    case Dimension::energy_per_op:
      return "an energy per operation";
    case Dimension::count:
      return "a plain number";
  }
  return "a quantity";
}

std::string_view dimension_example(Dimension dimension) {
  switch (dimension) {
    case Dimension::bytes:
      return "80 GB";
    case Dimension::bits:
      return "1024 bit";
    case Dimension::bandwidth:
      return "3.35 TB/s";
    case Dimension::bit_rate:
      return "6.4 Gb/s";
    case Dimension::compute:
      return "989.4 TFLOP/s";
    case Dimension::time:
      return "14 ns";
    case Dimension::frequency:
      return "1.83 GHz";
    case Dimension::power:
      return "700 W";
    case Dimension::energy_per_bit:
      return "3.9 pJ/bit";
    case Dimension::energy_per_op:
      return "0.5 pJ/FLOP";
    case Dimension::count:
      return "8";
  }
  return "";
}

PlausibleRange plausible_range(Dimension dimension) {
  switch (dimension) {
    case Dimension::bytes:
      return {1.0, 1e15};  // 1 B .. 1 PB
    case Dimension::bits:
      return {1.0, 1e6};  // bus widths
    case Dimension::bandwidth:
      return {1e3, 1e17};  // 1 KB/s .. 100 PB/s (wafer-scale SRAM)
    case Dimension::bit_rate:
      return {1e6, 1e12};  // 1 Mb/s .. 1 Tb/s per pin
    case Dimension::compute:
      return {1e6, 1e18};  // 1 MFLOP/s .. 1 EFLOP/s per device
    case Dimension::time:
      return {1e-12, 3600.0};  // 1 ps .. 1 h
    case Dimension::frequency:
      return {1e3, 1e11};  // 1 kHz .. 100 GHz
    case Dimension::power:
      return {1e-3, 1e6};  // 1 mW .. 1 MW
    case Dimension::energy_per_bit:
      return {1e-16, 1e-9};  // 0.1 fJ .. 1 nJ per bit
    case Dimension::energy_per_op:
      return {1e-16, 1e-9};
    case Dimension::count:
      return {1e-9, 1e12};  // factors and counts (stacks, batch, tokens)
  }
  return {0.0, 0.0};
}

double parse_quantity(std::string_view text, Dimension expected) {
  const std::string expectation = "expected " + std::string(dimension_name(expected)) +
                                  " such as '" + std::string(dimension_example(expected)) + "'";
  std::size_t pos = 0;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  const char* begin = text.data() + pos;
  const char* end = text.data() + text.size();
  double number = 0.0;
  if (begin < end && *begin == '+') throw UnitError("'" + std::string(text) + "': " + expectation);
  const auto [number_end, error] = std::from_chars(begin, end, number);
  if (error == std::errc::result_out_of_range) {
    throw UnitError(quoted(text) + ": number out of range; " + expectation);
  }
  if (error != std::errc() || number_end == begin) {
    throw UnitError(quoted(text) + ": missing number; " + expectation);
  }
  std::string_view unit(number_end, static_cast<std::size_t>(end - number_end));
  while (!unit.empty() && (unit.front() == ' ' || unit.front() == '\t')) unit.remove_prefix(1);
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t')) unit.remove_suffix(1);
  if (!std::isfinite(number))
    throw UnitError(quoted(text) + ": not a finite number; " + expectation);
  if (number < 0) throw UnitError(quoted(text) + ": negative value; " + expectation);
  if (number == 0) throw UnitError(quoted(text) + ": zero value; " + expectation);
  if (expected == Dimension::count && !unit.empty())
    throw UnitError(quoted(text) + ": unexpected unit " + quoted(unit) + "; " + expectation);
  if (unit.empty() && expected != Dimension::count)
    throw UnitError(quoted(text) + ": missing unit; " + expectation);

  double factor = 0.0;
  if (expected == Dimension::count) {
    factor = 1.0;
  } else if (expected == Dimension::bit_rate) {
    if (!lookup_bit_rate(unit, factor)) {
      const auto it = unit_table().find(unit);
      if (it != unit_table().end() && it->second.dimension == Dimension::bit_rate) {
        factor = it->second.factor;
      }
    }
  } else {
    const auto it = unit_table().find(unit);
    if (it != unit_table().end() && it->second.dimension == expected) factor = it->second.factor;
  }
  if (factor == 0.0) {
    const auto it = unit_table().find(unit);
    if (it != unit_table().end()) {
      throw UnitError(quoted(text) + ": unit " + quoted(unit) + " is " +
                      std::string(dimension_name(it->second.dimension)) + "; " + expectation);
    }
    throw UnitError(quoted(text) + ": unknown unit " + quoted(unit) + "; " + expectation);
  }
  const double value = number * factor;
  const PlausibleRange range = plausible_range(expected);
  if (!std::isfinite(value) || value < range.min || value > range.max) {
    throw UnitError(quoted(text) + ": absurd magnitude for " +
                    std::string(dimension_name(expected)) +
                    " (plausible: " + format_quantity(range.min, expected) + " to " +
                    format_quantity(range.max, expected) + ")");
  }
  return value;
}

std::string format_traffic(double bytes, int significant) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (std::fabs(bytes) >= 1000.0 && unit < 5) {
    bytes /= 1000.0;
    ++unit;
  }
  return format_number(bytes, significant) + " " + kUnits[unit];
}

std::string format_number(double value, int significant) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", significant, value);
  return buffer;
}

std::string format_quantity(double value_in_si, Dimension dimension, int significant) {
  struct Scale {
    double factor;
    const char* symbol;
  };
  auto pick = [&](std::initializer_list<Scale> scales) {
    const Scale* chosen = scales.begin();
    for (const auto& scale : scales) {
      if (std::fabs(value_in_si) >= scale.factor * 0.9995) chosen = &scale;
    }
    return format_number(value_in_si / chosen->factor, significant) + " " + chosen->symbol;
  };
  switch (dimension) {
    case Dimension::bytes: {
      // Sizes that are whole binary multiples but not decimal ones read better in KiB/MiB/GiB
      // (48 KiB of L1, 50 MiB of L2); datasheet capacities stay decimal (80 GB).
      const double magnitude = std::fabs(value_in_si);
      for (const auto& [factor, symbol] :
           {std::pair{1099511627776.0, "TiB"}, std::pair{1073741824.0, "GiB"},
            std::pair{1048576.0, "MiB"}, std::pair{1024.0, "KiB"}}) {
        const double decimal_factor = factor == 1024.0         ? 1e3
                                      : factor == 1048576.0    ? 1e6
                                      : factor == 1073741824.0 ? 1e9
                                                               : 1e12;
        if (magnitude >= factor && magnitude < factor * 1024 &&
            std::fmod(magnitude, factor / 4) == 0.0 &&
            std::fmod(magnitude, decimal_factor) != 0.0) {
          return format_number(value_in_si / factor, significant) + " " + symbol;
        }
      }
      return pick({{1, "B"}, {1e3, "KB"}, {1e6, "MB"}, {1e9, "GB"}, {1e12, "TB"}, {1e15, "PB"}});
    }
    case Dimension::bits:
      return pick({{1, "bit"}, {1e3, "Kbit"}, {1e6, "Mbit"}});
    case Dimension::bandwidth:
      return pick({{1, "B/s"},
                   {1e3, "KB/s"},
                   {1e6, "MB/s"},
                   {1e9, "GB/s"},
                   {1e12, "TB/s"},
                   {1e15, "PB/s"}});
    case Dimension::bit_rate:
      return pick({{1, "b/s"}, {1e3, "Kb/s"}, {1e6, "Mb/s"}, {1e9, "Gb/s"}, {1e12, "Tb/s"}});
    case Dimension::compute:
      return pick({{1, "FLOP/s"},
                   {1e6, "MFLOP/s"},
                   {1e9, "GFLOP/s"},
                   {1e12, "TFLOP/s"},
                   {1e15, "PFLOP/s"},
                   {1e18, "EFLOP/s"}});
    case Dimension::time:
      return pick({{1e-12, "ps"}, {1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1, "s"}});
    case Dimension::frequency:
      return pick({{1, "Hz"}, {1e3, "kHz"}, {1e6, "MHz"}, {1e9, "GHz"}});
    case Dimension::power:
      return pick({{1e-3, "mW"}, {1, "W"}, {1e3, "kW"}, {1e6, "MW"}});
    case Dimension::energy_per_bit:
      return pick({{1e-15, "fJ/bit"}, {1e-12, "pJ/bit"}, {1e-9, "nJ/bit"}});
    case Dimension::energy_per_op:
      return pick({{1e-15, "fJ/FLOP"}, {1e-12, "pJ/FLOP"}, {1e-9, "nJ/FLOP"}});
    case Dimension::count:
      return format_number(value_in_si, significant);
  }
  return format_number(value_in_si, significant);
}

}  // namespace ridgeline
