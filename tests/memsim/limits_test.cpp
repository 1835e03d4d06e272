// What bounds a run (limits.cpp): each resource's least time for the commands the run gave its
// busiest instance, derived by hand from the DRAMSim3 HBM2 channel's timings (tCK 1 ns; burst 2,
// tCCD_S 1, tRRD_S 4, tFAW 30, tRC 48, tRFC 260 cycles; one pseudo-channel of 16 banks).

#include <algorithm>

#include <gtest/gtest.h>

#include "memsim_test_util.hpp"

namespace ridgeline::memsim {
namespace {

const ResourceLimit& limit(const Result& r, const std::string& key) {
  const auto it = std::find_if(r.limits.begin(), r.limits.end(),
                               [&](const ResourceLimit& l) { return l.key == key; });
  EXPECT_NE(it, r.limits.end()) << key;
  return *it;
}

Result dramsim3(const char* pattern, std::uint64_t footprint = 0) {
  PatternSpec spec;
  spec.name = pattern;
  spec.requests = 20'000;
  spec.footprint = footprint;
  spec.request_size = 64;
  Options options;
  options.device.mapping = "RoRaBgBaChCo";
  options.device.issue_width = 1;
  return testing::run_pattern(testing::dramsim3_device(), spec, options);
}

TEST(MemsimLimits, RandomReadsAreBoundByTheActivationWindow) {
  const Result r = dramsim3("random", 1ull << 30);
  // Every read opens a row on the one pseudo-channel: n ACTs need max((n − 1)·tRRD_S,
  // ⌊(n − 1)/4⌋·tFAW) = ⌊(n − 1)/4⌋ · 30 cycles (tFAW/4 = 7.5 > tRRD_S = 4), and each all-bank
  // REF holds ACTs back tRFC − tFAW = 230 cycles more. 64 B per ACT at 4 per 30 ns: 8.53 GB/s.
  const auto n = static_cast<std::int64_t>(r.commands.act);
  const auto refs = static_cast<std::int64_t>(r.commands.ref);
  const auto& act = limit(r, "activation");
  EXPECT_EQ(static_cast<std::int64_t>(act.min_cycles), (n - 1) / 4 * 30 + refs * 230);
  EXPECT_DOUBLE_EQ(act.ceiling,
                   static_cast<double>(r.bytes) / (static_cast<double>(act.min_cycles) * 1e-9));
  EXPECT_LT(act.ceiling, 64 * 4 / 30e-9);
  EXPECT_EQ(r.limits[r.bound].key, "activation");
  // The run cannot beat a least time; DRAMSim3's own run reaches 92 % of 8.5 GB/s.
  EXPECT_LE(act.reached, 1.0);
  EXPECT_GT(act.reached, 0.9);
  EXPECT_DOUBLE_EQ(act.reached,
                   static_cast<double>(act.min_cycles) / static_cast<double>(r.cycles));
}

TEST(MemsimLimits, SequentialReadsAreBoundByTheDataBus) {
  const Result r = dramsim3("sequential");
  // 20 000 bursts of 2 cycles (tCCD_S = 1 is shorter) and no write: 40 000 cycles, plus 260 per
  // all-bank REF.
  const auto& bus = limit(r, "data_bus");
  EXPECT_EQ(bus.min_cycles, 20'000u * 2 + r.commands.ref * 260);
  EXPECT_EQ(r.limits[r.bound].key, "data_bus");
  EXPECT_LE(bus.reached, 1.0);
  EXPECT_GT(bus.reached, 0.95);
  // The reference's front end hands over one request a cycle: 20 000 cycles at least.
  EXPECT_EQ(limit(r, "front_end").min_cycles, 20'000u);
  // Row hits: one ACT per 2 KiB row (32 bursts), so the activation window is far from binding.
  EXPECT_LT(limit(r, "activation").reached, 0.3);
}

TEST(MemsimLimits, NoLimitIsBeyondTheRun) {
  // Each limit is a least time, so it can never exceed the run's cycles, whatever the pattern,
  // page policy or device (a limit over 1 would mean a wrong formula).
  for (const char* pattern : {"sequential", "random", "strided", "gemm-tile", "kv-gather"}) {
    for (const char* page : {"open", "closed"}) {
      PatternSpec spec;
      spec.name = pattern;
      spec.requests = 8'000;
      spec.read_fraction = 2.0 / 3.0;
      Options options;
      options.device.page_policy = page;
      for (const auto* device : {&testing::dramsim3_device(), &testing::ramulator_device()}) {
        const Result r = testing::run_pattern(*device, spec, options);
        ASSERT_FALSE(r.limits.empty());
        for (const auto& l : r.limits) {
          EXPECT_LE(l.reached, 1.0) << device->id << " " << pattern << " " << page << " " << l.key;
          EXPECT_GT(l.ceiling, r.bandwidth * 0.999) << device->id << " " << pattern << " " << l.key;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ridgeline::memsim
