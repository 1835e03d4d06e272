// memsim against the cycle-accurate simulators of shared/reference/memsim-reference.md: the
// acceptance tolerances are 5 % in bandwidth, 0.05 in row-hit rate and 10 % in mean read latency.
// The reference runs used 10^6 requests; these use 2-3 x 10^5 (steady state is reached within a
// few thousand), to keep the suite fast. The full runs: docs/validation-memsim.md.

#include <gtest/gtest.h>

#include "memsim_test_util.hpp"

namespace ridgeline::memsim {
namespace {

struct Reference {
  const char* name;
  bool dramsim3;
  const char* pattern;
  std::uint64_t footprint;
  const char* page_policy;
  double bandwidth;  // B/s
  double row_hit_rate;
  double latency;  // s
};

void check(const Reference& ref, std::uint64_t requests) {
  PatternSpec spec;
  spec.name = ref.pattern;
  spec.requests = requests;
  spec.footprint = ref.footprint;
  Options options;
  // The command lines of the reference: --mapping, --request-size, --issue-width, --page-policy.
  if (ref.dramsim3) {
    options.device.mapping = "RoRaBgBaChCo";
    options.device.issue_width = 1;
    spec.request_size = 64;
  } else {
    options.device.mapping = "RoBaBgSiPcCoCh";
    options.device.issue_width = 64;
    spec.request_size = 32;
  }
  options.device.page_policy = ref.page_policy;
  const auto& device = ref.dramsim3 ? testing::dramsim3_device() : testing::ramulator_device();
  const Result r = testing::run_pattern(device, spec, options);
  EXPECT_NEAR(r.bandwidth / ref.bandwidth, 1.0, 0.05) << ref.name << ": " << r.bandwidth;
  EXPECT_NEAR(r.row_hit_rate, ref.row_hit_rate, 0.05) << ref.name;
  EXPECT_NEAR(r.read_latency.mean / ref.latency, 1.0, 0.10)
      << ref.name << ": " << r.read_latency.mean;
}

constexpr std::uint64_t GiB = 1ull << 30;

TEST(MemsimReference, DramSim3SequentialReads) {
  check({"dramsim3 sequential", true, "sequential", 0, "open", 29.41e9, 0.967, 145.5e-9}, 200'000);
}

TEST(MemsimReference, DramSim3RandomReads) {
  check({"dramsim3 random 1 GiB", true, "random", GiB, "open", 7.86e9, 0.0, 767.4e-9}, 200'000);
}

TEST(MemsimReference, DramSim3SequentialClosedPage) {
  check({"dramsim3 sequential closed", true, "sequential", 0, "closed", 5.90e9, 0.0, 723.8e-9},
        100'000);
}

TEST(MemsimReference, Ramulator2Hbm3SequentialReads) {
  check({"ramulator2 sequential", false, "sequential", 0, "open", 699.6e9, 0.968, 108.0e-9},
        300'000);
}

TEST(MemsimReference, Ramulator2Hbm3RandomReads) {
  check({"ramulator2 random 4 GiB", false, "random", 4 * GiB, "open", 242.1e9, 0.0, 161.6e-9},
        300'000);
}

}  // namespace
}  // namespace ridgeline::memsim
