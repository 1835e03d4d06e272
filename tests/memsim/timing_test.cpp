// Hand-derived checks of the HBM timing model: each expected value is computed from the device's
// timings in the comment beside it. Device: dramsim3-hbm2-1ch (memsim-reference.md §1): tCK = 1 ns,
// 64 B per burst on a 128-bit channel (2 cycles of data bus, peak 32 GB/s), tRCD 14, CL 14, tRP 14,
// tRAS 34, tRC 48, tRRD_S/L 4/6, tFAW 30, tRFC 260, tREFI 3900; mapping RoRaBgBaChCo: offset bits
// 0-5, column 6-10, bank 11-12, bank group 13-14, row 15-29.

#include <fstream>

#include <gtest/gtest.h>

#include "memsim_test_util.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/loader.hpp"

namespace ridgeline::memsim {
namespace {

using testing::dramsim3_device;
using testing::ListSource;
using testing::ramulator_device;
using testing::run_pattern;

Options no_refresh() {
  Options options;
  options.device.refresh = "none";
  return options;
}

TEST(MemsimTiming, SequentialReadsReachPeakWithoutRefresh) {
  // 20 000 reads of 64 B stream over the data bus at one burst per 2 cycles; the next bank's ACT
  // overlaps the current row's reads, so the only loss is the pipeline fill: the first request is
  // accepted at cycle 0, moved to its bank queue at 1, ACT at 2, RD at 2 + tRCD = 16, and the last
  // of the N reads returns CL + burst = 16 cycles after it issues at 16 + 2 (N - 1):
  // cycles = 2N + 30 = 40 030, efficiency = 40 000 / 40 030 = 0.99925.
  PatternSpec spec;
  spec.requests = 20'000;
  const Result r = run_pattern(dramsim3_device(), spec, no_refresh());
  EXPECT_EQ(r.cycles, 40'030u);
  EXPECT_NEAR(r.efficiency, 40'000.0 / 40'030.0, 1e-9);
  // One ACT per 2 KiB row of 32 bursts: 625 rows, 31 hits in each.
  EXPECT_EQ(r.commands.act, 625u);
  EXPECT_DOUBLE_EQ(r.row_hit_rate, 31.0 / 32.0);
}

TEST(MemsimTiming, SequentialReadsLoseRefreshTime) {
  // Every tREFI = 3900 cycles the channel stops for: the last read's tRTP (5) before the
  // precharge, tRP (14) before REF, tRFC (260) before the next ACT, tRCD (14) before data flows
  // again: 293 cycles. Efficiency = 1 - 293 / 3900 = 0.9249 (the reference measured 0.919 for
  // DRAMSim3; the rest is the two banks opened again after each refresh).
  PatternSpec spec;
  spec.requests = 200'000;
  const Result r = run_pattern(dramsim3_device(), spec);
  EXPECT_NEAR(r.efficiency, 1.0 - 293.0 / 3900.0, 0.01);
  // Refresh time per pseudo-channel: REF issued ~19 cycles after it is due, then tRFC:
  // (19 + 260) / 3900 = 0.0715, plus the drain of the last requests.
  EXPECT_NEAR(r.refresh_time_fraction, 279.0 / 3900.0, 0.01);
  EXPECT_EQ(r.turnarounds, 0u);  // reads only: no turnaround
  EXPECT_EQ(r.commands.ref, r.cycles / 3900);
}

TEST(MemsimTiming, RowMissOnOneBankIsBoundByTrc) {
  // A 32 KiB stride moves one row up in the same bank: every access is PRE + ACT + RD on bank 0,
  // and ACT to ACT on one bank takes tRC = 48 cycles: 64 B / 48 ns = 1.333 GB/s.
  PatternSpec spec;
  spec.name = "strided";
  spec.stride = 32 * 1024;
  spec.requests = 5'000;
  const Result r = run_pattern(dramsim3_device(), spec, no_refresh());
  EXPECT_NEAR(r.bandwidth, 64.0 / 48e-9, 0.001 * 64.0 / 48e-9);
  EXPECT_EQ(r.row_hit_rate, 0.0);
  EXPECT_EQ(r.commands.act, 5'000u);
}

TEST(MemsimTiming, RowMissOverFourBanksIsBoundByTrc) {
  // A 40 KiB stride (32 KiB + 8 KiB) moves one row up and one bank group on: the stream cycles
  // over bank 0 of the 4 bank groups, a new row each time. Each bank opens a row every tRC = 48
  // cycles; four of them: 4 x 64 B / 48 ns = 5.33 GB/s. (tRRD_S = 4 and tFAW = 30 would allow
  // one ACT every 7.5 cycles: not binding.)
  PatternSpec spec;
  spec.name = "strided";
  spec.stride = 40 * 1024;
  spec.requests = 8'000;
  const Result r = run_pattern(dramsim3_device(), spec, no_refresh());
  EXPECT_NEAR(r.bandwidth, 4 * 64.0 / 48e-9, 0.01 * 4 * 64.0 / 48e-9);
}

TEST(MemsimTiming, RandomRowMissesAreBoundByTfaw) {
  // Uniform random over 1 GiB: every access opens a row (hit rate ~0). The 16 banks would allow
  // 16 x 64 B / tRC = 21.3 GB/s and tRRD_S one ACT per 4 cycles (16 GB/s), but tFAW allows four
  // ACTs per 30 cycles: 4 x 64 B / 30 ns = 8.533 GB/s.
  PatternSpec spec;
  spec.name = "random";
  spec.requests = 60'000;
  const Result r = run_pattern(dramsim3_device(), spec, no_refresh());
  EXPECT_NEAR(r.bandwidth, 4 * 64.0 / 30e-9, 0.01 * 4 * 64.0 / 30e-9);
  EXPECT_LT(r.row_hit_rate, 0.001);
}

TEST(MemsimTiming, RowMissesBoundByTrrdWhenTfawIsLoose) {
  // Same device with tFAW = tRRD_L = tRRD_S = 4 ns: rotating over the 16 banks (each bank every
  // 16 accesses = 64 cycles > tRC = 48), a new row each time: one ACT every tRRD = 4 cycles,
  // 64 B / 4 ns = 16 GB/s. (With tRRD_L = 6 the round-robin over bank queues sometimes puts two
  // ACTs of one group back to back, and the stream lands between the tRRD_S and tRRD_L bounds.)
  auto json = nlohmann::json::parse(
      std::ifstream(std::string(RIDGELINE_HWSPECS_DIR) + "/hbm/dramsim3-hbm2-1ch.json"));
  json["timing"]["tFAW"]["value"] = "4 ns";
  json["timing"]["tRRD_L"]["value"] = "4 ns";
  const hw::MemoryDevice device = hw::memory_device_from_json(json, "loose-tfaw.json");
  std::vector<Request> requests;
  for (std::uint64_t i = 0; i < 8'000; ++i) {
    const std::uint64_t group = i % 4, bank = (i / 4) % 4, row = i;
    requests.push_back({group << 13 | bank << 11 | row << 15, 64, false, 0});
  }
  ListSource source(std::move(requests));
  const Result r = simulate(device, no_refresh(), source);
  EXPECT_NEAR(r.bandwidth, 64.0 / 4e-9, 0.02 * 64.0 / 4e-9);
}

TEST(MemsimTiming, PerBankRefreshCostsLessThanAllBank) {
  // All-bank refresh stops a whole pseudo-channel for tRFC every tREFI (HBM3 device: 416 of 6240
  // cycles, 6.7 %); per-bank refresh takes one bank of 32 for tRFCpb = 320 cycles every
  // tREFIpb = 195, so each bank is out 320 / (32 x 195) = 5.1 % of the time while the 31 others
  // keep serving. A bank-parallel stream (random) loses less with per-bank refresh, on both
  // devices.
  for (const auto* device : {&ramulator_device(), &dramsim3_device()}) {
    PatternSpec spec;
    spec.name = "random";
    spec.requests = 60'000;
    Options all, per;
    all.device.refresh = "all-bank";
    per.device.refresh = "per-bank";
    const Result a = run_pattern(*device, spec, all);
    const Result p = run_pattern(*device, spec, per);
    EXPECT_GT(p.bandwidth, a.bandwidth) << device->id;
    EXPECT_LT(p.refresh_time_fraction, a.refresh_time_fraction) << device->id;
    EXPECT_GT(p.commands.refpb, 0u);
    EXPECT_EQ(p.commands.ref, 0u);
  }
  // The all-bank figure itself on HBM3: tRFC / tREFI = 416 / 6240 = 0.0667, plus the PREA/tRP
  // before each REF: between 6.7 % and 8 %.
  PatternSpec spec;
  spec.name = "random";
  spec.requests = 100'000;
  const Result a = run_pattern(ramulator_device(), spec);
  EXPECT_GT(a.refresh_time_fraction, 416.0 / 6240.0);
  EXPECT_LT(a.refresh_time_fraction, 0.08);
}

TEST(MemsimTiming, ReadWriteTurnaroundsCostBandwidth) {
  // Sequential with every other request a write: the controller batches writes (drains when the
  // 32-entry buffer is full), so turnarounds are few but each costs tRTW - burst = 12 cycles
  // (read to write) or CWL + tWTR_S = 10 (write to read): the mix runs below the pure-read stream
  // and reports its turnarounds.
  PatternSpec reads, mix;
  reads.requests = mix.requests = 40'000;
  mix.read_fraction = 0.5;
  const Result r = run_pattern(dramsim3_device(), reads, no_refresh());
  const Result m = run_pattern(dramsim3_device(), mix, no_refresh());
  EXPECT_EQ(m.writes, 20'000u);
  EXPECT_GT(m.turnarounds, 0u);
  EXPECT_LT(m.efficiency, r.efficiency);
  EXPECT_GT(m.turnaround_time_fraction, 0.0);
}

TEST(MemsimTiming, ClosedPageNeverHits) {
  // Closed page: every access is ACT + RDA, so no row hit, and a bank's accesses are tRC apart.
  PatternSpec spec;
  spec.requests = 20'000;
  Options options = no_refresh();
  options.device.page_policy = "closed";
  const Result r = run_pattern(dramsim3_device(), spec, options);
  EXPECT_EQ(r.row_hit_rate, 0.0);
  EXPECT_EQ(r.commands.rda, 20'000u);
  EXPECT_EQ(r.commands.act, 20'000u);
}

TEST(MemsimTiming, AddressBeyondDeviceIsAnError) {
  // 1 GiB device: 0x40000000 is the first byte beyond it.
  ListSource source({{0x40, 64, false, 0}, {0x40000000, 64, false, 0}});
  EXPECT_THROW(simulate(dramsim3_device(), Options{}, source), InputError);
}

TEST(MemsimTiming, StacksMultiplyChannelsAndPeak) {
  // Two stacks of the HBM3 device: 2 x 819.2 GB/s peak; sequential spreads over 32 channels.
  PatternSpec spec;
  spec.requests = 50'000;
  Options options;
  options.device.stacks = 2;
  const Result r = run_pattern(ramulator_device(), spec, options);
  EXPECT_DOUBLE_EQ(r.peak_bandwidth, 2 * 1024 * 6.4e9 / 8);
  EXPECT_EQ(r.channels.size(), 32u);
  EXPECT_NEAR(r.channel_imbalance, 1.0, 0.01);
}

TEST(MemsimTiming, SpecTimingsRoundToTheCyclesTheyStandFor) {
  // Spec files give timings in ns to four or five significant figures. HBM3E 8-high at 9.2 Gb/s:
  // tCK = BL8 / 9.2 Gb/s / 2 = 0.434783 ns; tCCD_S "0.8696 ns" = 2.00008 cycles is 2 tCK (not 3),
  // tCCD_L "1.7391 ns" = 3.99993 is 4; tRCD 19.375 ns = 44.56 cycles is a real fraction: 45.
  const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  const DeviceModel hbm3e = make_device_model(library.memory_device("hbm3e-8hi"), {});
  EXPECT_EQ(hbm3e.timing.CCD_S, 2);
  EXPECT_EQ(hbm3e.timing.CCD_L, 4);
  EXPECT_EQ(hbm3e.timing.RCD, 45);
  // HBM3E 12-high at 9.6 Gb/s: tCK = 0.416667 ns, tCCD_L "1.6667 ns" = 4.00008 cycles: 4.
  EXPECT_EQ(make_device_model(library.memory_device("hbm3e-12hi"), {}).timing.CCD_L, 4);
  // Exact decimals stay exact: 19.375 ns / 0.625 ns = 31 (memsim-reference §2).
  EXPECT_EQ(make_device_model(ramulator_device(), {}).timing.RCD, 31);

  // What it is worth: with tCCD_S = the 2-cycle burst a sequential stream can keep the data bus
  // busy, so it gets more than the 2/3 that a 3-cycle tCCD_S would allow, and less than what
  // refresh leaves (1 - tRFC / tREFI = 1 - 350 / 3900 = 0.910).
  PatternSpec spec;
  spec.requests = 100'000;
  const Result r = run_pattern(library.memory_device("hbm3e-8hi"), spec);
  EXPECT_GT(r.efficiency, 0.75);
  EXPECT_LT(r.efficiency, 1.0 - 350.0 / 3900.0);
}

}  // namespace
}  // namespace ridgeline::memsim
