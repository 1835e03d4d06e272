// Memory-access trace readers on tiny files whose counts are written here (tests/data/traces/).
// Ramulator 2's first load/store reader swapped LD and ST; these tests pin LD = read, ST = write.

#include <filesystem>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/trace/mem_trace.hpp"

namespace ridgeline::trace {
namespace {

const std::string kDir = std::string(RIDGELINE_TEST_DATA_DIR) + "/traces/";

struct Counts {
  std::uint64_t reads = 0, writes = 0;
  std::uint64_t last_address = 0, last_cycle = 0;
};

Counts count(const std::string& file, const std::string& format) {
  auto reader = open_mem_trace(kDir + file, format);
  Counts c;
  Request r;
  while (reader->next(r)) {
    (r.write ? c.writes : c.reads) += 1;
    c.last_address = r.address;
    c.last_cycle = r.cycle;
  }
  return c;
}

InputProblem problem_of(const std::string& file, const std::string& format) {
  try {
    count(file, format);
  } catch (const InputError& error) {
    return error.problems().front();
  }
  ADD_FAILURE() << file << " was accepted";
  return {};
}

TEST(TraceReaders, RamulatorLoadsAreReadsStoresAreWrites) {
  // small.ramulator.trace: 200 requests, every fourth (i % 4 == 3) an ST: 150 LD, 50 ST; a
  // comment and a blank line; every tenth address in decimal. Last: LD at 199 x 64 = 0x31c0.
  const Counts c = count("small.ramulator.trace", "ramulator");
  EXPECT_EQ(c.reads, 150u);
  EXPECT_EQ(c.writes, 50u);
  EXPECT_EQ(c.last_address, 199u * 64);
}

TEST(TraceReaders, RamulatorFirstRequestIsALoad) {
  auto reader = open_mem_trace(kDir + "small.ramulator.trace", "");  // format guessed
  Request r;
  ASSERT_TRUE(reader->next(r));
  EXPECT_FALSE(r.write);  // "LD 0"
  EXPECT_EQ(r.address, 0u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader->next(r));
  EXPECT_TRUE(r.write);  // the fourth: "ST 0xc0"
  EXPECT_EQ(r.address, 0xc0u);
  EXPECT_EQ(reader->where(), "line 6");  // after a comment and a blank line
}

TEST(TraceReaders, DramSim3ReadsWritesAndCycles) {
  // small.dramsim3.trace: 120 requests every 4 cycles, i % 4 == 1 a WRITE: 90 READ, 30 WRITE;
  // last: 0x... = 119 x 128, cycle 476.
  const Counts c = count("small.dramsim3.trace", "dramsim3");
  EXPECT_EQ(c.reads, 90u);
  EXPECT_EQ(c.writes, 30u);
  EXPECT_EQ(c.last_address, 119u * 128);
  EXPECT_EQ(c.last_cycle, 476u);
  EXPECT_EQ(count("small.dramsim3.trace", "").reads, 90u);  // guessed
}

TEST(TraceReaders, BinaryRecords) {
  // small.bin: 10 records of 64 B, odd ones writes, 1 cycle apart.
  auto reader = open_mem_trace(kDir + "small.bin", "");
  Request r;
  int reads = 0, writes = 0;
  while (reader->next(r)) (r.write ? writes : reads) += 1;
  EXPECT_EQ(reads, 5);
  EXPECT_EQ(writes, 5);
  EXPECT_EQ(r.address, 9u * 64);
  EXPECT_EQ(r.size, 64u);
  EXPECT_EQ(r.cycle, 10u);
}

TEST(TraceReaders, ConvertRoundTrip) {
  const auto out = std::filesystem::temp_directory_path() / "ridgeline-trace-test.bin";
  EXPECT_EQ(convert_to_binary(kDir + "small.dramsim3.trace", "", out.string()), 120u);
  auto text = open_mem_trace(kDir + "small.dramsim3.trace", "dramsim3");
  auto binary = open_mem_trace(out.string(), "bin");
  Request a, b;
  while (text->next(a)) {
    ASSERT_TRUE(binary->next(b));
    EXPECT_EQ(a.address, b.address);
    EXPECT_EQ(a.write, b.write);
    EXPECT_EQ(a.cycle, b.cycle);
  }
  EXPECT_FALSE(binary->next(b));
  std::filesystem::remove(out);
}

TEST(TraceReaders, GarbageLineNamesFileAndLine) {
  const auto p = problem_of("garbage.trace", "ramulator");
  EXPECT_NE(p.file.find("garbage.trace"), std::string::npos);
  EXPECT_EQ(p.where, "line 3");
  EXPECT_NE(p.message.find("expected 'LD ADDRESS'"), std::string::npos) << p.message;
}

TEST(TraceReaders, UnknownOperationNamesLine) {
  const auto p = problem_of("unknown-op.trace", "dramsim3");
  EXPECT_EQ(p.where, "line 2");
  EXPECT_NE(p.message.find("unknown operation 'FETCH'"), std::string::npos) << p.message;
}

TEST(TraceReaders, TruncatedBinaryNamesRecord) {
  // truncated.bin: 3 whole records, then 7 bytes of the fourth.
  const auto p = problem_of("truncated.bin", "bin");
  EXPECT_EQ(p.where, "record 4");
  EXPECT_NE(p.message.find("truncated"), std::string::npos) << p.message;
}

TEST(TraceReaders, NotABinaryTrace) {
  EXPECT_THROW(open_mem_trace(kDir + "small.ramulator.trace", "bin"), InputError);
}

TEST(TraceReaders, MissingFile) {
  EXPECT_THROW(open_mem_trace(kDir + "no-such.trace", "ramulator"), InputError);
}

TEST(TraceReaders, RegistryListsFormats) {
  std::vector<std::string> names;
  for (const auto& f : trace_formats()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ramulator", "dramsim3", "bin"}));
}

}  // namespace
}  // namespace ridgeline::trace
