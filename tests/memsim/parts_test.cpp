// The pluggable parts of memsim: address mappings, patterns, the cache, pattern_efficiency.

#include <gtest/gtest.h>

#include "memsim_test_util.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/memsim/cache.hpp"
#include "ridgeline/memsim/efficiency.hpp"
#include "ridgeline/memsim/mapping.hpp"

namespace ridgeline::memsim {
namespace {

TEST(MemsimMapping, RamulatorBitOrder) {
  // memsim-reference §2, LSB to MSB: 0-4 offset, 5-8 channel, 9-13 column, 14 PC, 15 SID,
  // 16-17 bank group, 18-19 bank, 20-32 row.
  const DeviceModel m = make_device_model(testing::ramulator_device(), {});
  const auto map = make_mapping(m.geometry, "RoBaBgSiPcCoCh");
  const std::uint64_t a = 3ull << 5 | 7ull << 9 | 1ull << 14 | 1ull << 15 | 2ull << 16 |
                          3ull << 18 | 1234ull << 20 | 17;
  const Location l = map->map(a);
  EXPECT_EQ(l.channel, 3);
  EXPECT_EQ(l.column, 7);
  EXPECT_EQ(l.pseudo_channel, 1);
  EXPECT_EQ(l.stack_id, 1);
  EXPECT_EQ(l.bank_group, 2);
  EXPECT_EQ(l.bank, 3);
  EXPECT_EQ(l.row, 1234);
}

TEST(MemsimMapping, XorSpreadsRowsOverBanks) {
  // Plain RoRaBgBaChCo: a 32 KiB stride stays in bank 0 of group 0; with +xor the low row bits
  // flip the bank bits, so rows 0..3 land in banks 0..3.
  const DeviceModel m = make_device_model(testing::dramsim3_device(), {});
  const auto plain = make_mapping(m.geometry, "RoRaBgBaChCo");
  const auto hashed = make_mapping(m.geometry, "RoRaBgBaChCo+xor");
  for (int row = 0; row < 4; ++row) {
    EXPECT_EQ(plain->map(static_cast<std::uint64_t>(row) << 15).bank, 0);
    EXPECT_EQ(hashed->map(static_cast<std::uint64_t>(row) << 15).bank, row);
  }
}

TEST(MemsimMapping, BadMappingsAreInputErrors) {
  const DeviceModel m = make_device_model(testing::ramulator_device(), {});
  EXPECT_THROW(make_mapping(m.geometry, "RoBaBgSiPcCo"), InputError);      // no Ch
  EXPECT_THROW(make_mapping(m.geometry, "RoBaBgSiPcCoChCh"), InputError);  // Ch twice
  EXPECT_THROW(make_mapping(m.geometry, "RoXxBgSiPcCoCh"), InputError);    // unknown field
}

// The Ramulator device has no per-bank command queues (controller.command_queue), which the
// DRAMSim3-style scheduler works on: asking for it is an input error naming the flag, not a crash.
TEST(MemsimScheduler, BankRoundRobinNeedsCommandQueues) {
  DeviceOverrides overrides;
  overrides.scheduler = "bank-round-robin";
  try {
    make_device_model(testing::ramulator_device(), overrides);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--scheduler"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("command_queue"), std::string::npos) << e.what();
  }
  // The DRAMSim3 device sets a depth of 8.
  EXPECT_EQ(make_device_model(testing::dramsim3_device(), overrides).controller.command_queue, 8);
}

TEST(MemsimPattern, WritesSpreadEvenly) {
  // read_fraction 2/3 in a sequential pattern: every third request is a write.
  PatternSpec spec;
  spec.requests = 9;
  spec.read_fraction = 2.0 / 3.0;
  auto source = make_pattern(spec, 1 << 20);
  std::string ops;
  Request r;
  while (source->next(r)) ops += r.write ? 'W' : 'R';
  EXPECT_EQ(ops, "RRWRRWRRW");
}

TEST(MemsimPattern, RandomStaysInFootprintAndWritesAtRate) {
  PatternSpec spec;
  spec.name = "random";
  spec.requests = 100'000;
  spec.footprint = 1 << 16;
  spec.read_fraction = 0.75;
  auto source = make_pattern(spec, 1 << 30);
  Request r;
  std::uint64_t writes = 0;
  while (source->next(r)) {
    ASSERT_LT(r.address, 1u << 16);
    ASSERT_EQ(r.address % 64, 0u);
    writes += r.write ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(writes) / 100'000, 0.25, 0.01);  // probability 1 - r
}

TEST(MemsimPattern, KvGatherReadsWholePages) {
  // 4 KiB pages of 64 B requests: 64 consecutive requests per page, the page aligned.
  PatternSpec spec;
  spec.name = "kv-gather";
  spec.requests = 128;
  spec.page_size = 4096;
  auto source = make_pattern(spec, 1 << 30);
  Request r, first;
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(source->next(r));
    if (i == 0) first = r;
    EXPECT_EQ(r.address, first.address + static_cast<std::uint64_t>(i) * 64);
  }
  EXPECT_EQ(first.address % 4096, 0u);
}

TEST(MemsimPattern, UnknownPatternIsAnError) {
  PatternSpec spec;
  spec.name = "zigzag";
  EXPECT_THROW(make_pattern(spec, 1 << 20), InputError);
}

TEST(MemsimCache, SequentialHitsAndWritebacks) {
  // 8 KiB, 2 ways, 128 B lines. Reading 64 B requests sequentially: the first touch of each line
  // misses, the second hits: hit rate 1/2, one 128 B fill per line.
  Cache cache(parse_cache_spec("8KiB:2:128B"));
  std::vector<Request> out;
  for (std::uint64_t a = 0; a < 16384; a += 64) cache.access(a, 64, false, out);
  EXPECT_EQ(cache.stats().accesses, 256u);
  EXPECT_EQ(cache.stats().hits, 128u);
  EXPECT_EQ(out.size(), 128u);
  // Writing the first 16 KiB again evicts lines; the dirty ones come back as writes when the
  // next pass evicts them: 8 KiB of them stay (capacity), 64 lines of 128 B written back.
  out.clear();
  for (std::uint64_t a = 0; a < 16384; a += 128) cache.access(a, 128, true, out);
  for (std::uint64_t a = 65536; a < 65536 + 16384; a += 128) cache.access(a, 128, false, out);
  std::uint64_t writes = 0;
  for (const auto& r : out) writes += r.write ? 1 : 0;
  EXPECT_EQ(writes, 128u);  // all 128 dirty lines of the write pass are evicted by the read pass
  EXPECT_EQ(cache.stats().writebacks, 128u);
}

TEST(MemsimCache, SectorsFetchOnlyWhatIsTouched) {
  // 128 B lines of 32 B sectors: a 32 B read fetches one sector of 32 B.
  Cache cache(parse_cache_spec("4KiB:4:128B:32B"));
  std::vector<Request> out;
  cache.access(0, 32, false, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size, 32u);
  EXPECT_THROW(parse_cache_spec("4KiB:4"), InputError);
  EXPECT_THROW(parse_cache_spec("3KiB:4:128B"), InputError);
}

TEST(MemsimEfficiency, SmallKvPagesCostMoreThanStreaming) {
  clear_pattern_efficiency_cache();
  PatternQuery sequential;
  sequential.requests = 50'000;
  PatternQuery pages = sequential;
  pages.pattern = "kv-gather";
  pages.page_size = 256;  // 8 bursts of 32 B per page: an ACT for every few bursts
  const auto& device = testing::ramulator_device();
  const double streaming = pattern_efficiency(device, sequential);
  const double gather = pattern_efficiency(device, pages);
  EXPECT_GT(streaming, 0.8);
  EXPECT_LT(gather, streaming);
  EXPECT_DOUBLE_EQ(pattern_efficiency(device, sequential), streaming);  // cached
}

}  // namespace
}  // namespace ridgeline::memsim
