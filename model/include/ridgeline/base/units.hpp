#pragma once
// The one parser for quantities with units ("3.35 TB/s", "80 GB", "50 MiB", "6.4 Gb/s",
// "989.4 TFLOP/s"). Everything inside Ridgeline is SI: seconds, bytes, bits, bytes/s, FLOP/s,
// hertz, watts, joules. Decimal prefixes are powers of 1000, binary prefixes (Ki, Mi, ...) of 1024.

#include <stdexcept>
#include <string>
#include <string_view>

namespace ridgeline {

enum class Dimension {
  bytes,           // B, KB..PB (10^3n), KiB..PiB (2^10n)
  bits,            // bit, Kbit.., Kibit..
  bandwidth,       // bytes/s: B/s with byte prefixes; bit rates b/s, Gb/s, Gbps are divided by 8
  bit_rate,        // bits/s per pin: b/s, Gb/s, Gbps, MT/s, GT/s
  compute,         // FLOP/s or OP/s: FLOP/s, TFLOP/s, TFLOPS, TOP/s, TOPS
  time,            // ps, ns, us, µs, ms, s
  frequency,       // Hz, kHz, MHz, GHz
  power,           // mW, W, kW
  energy_per_bit,  // fJ/bit, pJ/bit, nJ/bit
  energy_per_op,   // fJ/FLOP, pJ/FLOP, nJ/FLOP, pJ/op
  count,           // a plain number without a unit (stacks, batch, a scale factor)
};

// Thrown for an unparsable or impossible quantity; the message says what was expected but not
// where (callers that know the file and place wrap it into an InputError).
class UnitError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::string_view dimension_name(Dimension dimension);
// A well-formed example of the dimension, for error messages ("3.35 TB/s").
std::string_view dimension_example(Dimension dimension);

// Plausible SI range of a dimension: values outside are rejected as absurd magnitudes
// (e.g. a bandwidth of 3 EB/s, a latency of a day).
struct PlausibleRange {
  double min;
  double max;
};
PlausibleRange plausible_range(Dimension dimension);

// Parses "<number> [space] <unit>" into SI. Rejects: missing number, missing or unknown unit, a
// unit of another dimension, negative, zero, NaN/inf, and values outside plausible_range().
double parse_quantity(std::string_view text, Dimension expected);

// Formats an SI value with the largest decimal prefix that keeps the mantissa >= 1, with
// `significant` digits ("3.35 TB/s", "80 GB", "989.4 TFLOP/s").
std::string format_quantity(double value_in_si, Dimension dimension, int significant = 4);

// Bytes moved, always in decimal units (kB, MB, GB) so that they compare directly with bandwidths
// in B/s; format_quantity(bytes) prefers KiB/MiB for binary-round sizes such as cache capacities.
std::string format_traffic(double bytes, int significant = 4);

// Formats a plain number with `significant` digits, trailing zeros removed ("0.803", "1.2e+15").
std::string format_number(double value, int significant = 4);

}  // namespace ridgeline
