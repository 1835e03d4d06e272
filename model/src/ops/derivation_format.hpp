#pragma once
// Number formatting for the derivation lines of operator costs (private to model/src/ops).

#include <cmath>
#include <string>

#include "ridgeline/base/units.hpp"

namespace ridgeline::ops::derivation {

inline std::string fmt(double value) {
  return format_number(value, 4);
}
inline std::string fmt_time(double seconds) {
  return format_quantity(seconds, Dimension::time);
}
inline std::string fmt_rate(double flops) {
  return format_quantity(flops, Dimension::compute);
}
inline std::string fmt_bw(double bandwidth) {
  return format_quantity(bandwidth, Dimension::bandwidth);
}
// Decimal prefixes always (derivations compare bytes with bandwidths in B/s).
inline std::string fmt_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  double value = bytes;
  while (std::abs(value) >= 1000.0 && unit < 5) {
    value /= 1000.0;
    ++unit;
  }
  return format_number(value, 4) + " " + kUnits[unit];
}

// Capacities as the specs state them (binary prefixes where exact: "256 KiB", "50 MiB").
inline std::string fmt_capacity(double bytes) {
  return format_quantity(bytes, Dimension::bytes);
}

}  // namespace ridgeline::ops::derivation
