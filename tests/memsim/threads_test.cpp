// Controllers on worker threads give the serial run's results, byte for byte (simulate.cpp's
// ThreadedControllers): the front end's acceptance cycles, every controller's ticks, the drain and
// errors are the same whatever the number of threads.

#include <gtest/gtest.h>

#include <random>

#include "memsim_test_util.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/memsim/report.hpp"

namespace ridgeline::memsim {
namespace {

using testing::ListSource;
using testing::ramulator_device;
using testing::run_pattern;

// Everything a run reports: the JSON record, the summary (command counts, refresh and turnaround
// time) and the per-channel rows.
std::string json_of(const Result& r) {
  return result_json(r).dump() + report::render_csv(summary_csv(r)) +
         report::render_csv(channel_table(r));
}

Options with_threads(int threads, DeviceOverrides device = {}) {
  Options options;
  options.device = std::move(device);
  options.threads = threads;
  return options;
}

// Patterns that keep the queues partly empty (one request per cycle over 16 channels: the threads
// run freely) and ones that fill them (64 per cycle: exact checks, room requests, and the switch
// back to the serial loop), with writes (forwarding from queued writes) and both schedulers.
TEST(MemsimThreads, PatternsMatchTheSerialRun) {
  struct Case {
    const char* pattern;
    int issue_width;
    double read_fraction;
    const char* scheduler;
    const char* page_policy;
    const char* device = "ramulator2-hbm3-8hi";
  };
  const Case cases[] = {
      {"random", 1, 1.0, "", ""},
      {"random", 64, 1.0, "", ""},
      {"random", 2, 0.6, "", ""},
      {"sequential", 64, 0.5, "", ""},
      {"random", 1, 0.7, "", "", RIDGELINE_TEST_DATA_DIR "/memsim-variants/ram.json"},
      {"strided", 4, 1.0, "", "closed"},
      {"kv-gather", 0, 0.9, "", ""},
  };
  for (const Case& c : cases) {
    PatternSpec spec;
    spec.name = c.pattern;
    spec.requests = 60'000;
    spec.read_fraction = c.read_fraction;
    spec.stride = 4096;
    spec.footprint = c.read_fraction < 1 ? 1 << 20 : 0;  // small footprint: reads hit queued writes
    DeviceOverrides device;
    device.issue_width = c.issue_width;
    device.scheduler = c.scheduler;
    device.page_policy = c.page_policy;
    const hw::MemoryDevice mem = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device(c.device);
    const std::string serial = json_of(run_pattern(mem, spec, with_threads(1, device)));
    for (const int threads : {2, 3, 16}) {
      SCOPED_TRACE(std::string(c.pattern) + " width " + std::to_string(c.issue_width) +
                   " threads " + std::to_string(threads));
      const Result threaded = run_pattern(mem, spec, with_threads(threads, device));
      EXPECT_EQ(json_of(threaded), serial);
      // One request per cycle leaves the queues partly empty: threads run the whole pattern. 64
      // per cycle fills them: the run goes on serially after its first windows of 4096 requests.
      if (c.issue_width == 1) {
        EXPECT_EQ(threaded.threaded_bursts, threaded.reads + threaded.writes);
      }
      if (c.issue_width == 64) {
        EXPECT_LE(threaded.threaded_bursts, 5u * 4096);
      }
    }
  }
}

// A trace with cycle stamps, gaps and bursts of requests in one cycle.
TEST(MemsimThreads, StampedTraceMatchesTheSerialRun) {
  std::mt19937_64 rng(7);
  std::vector<Request> requests;
  std::uint64_t cycle = 0;
  for (int i = 0; i < 40'000; ++i) {
    if (rng() % 8 == 0) cycle += rng() % 200;  // idle gaps: controllers drain, refresh goes on
    Request r;
    r.address = (rng() % (std::uint64_t{1} << 32)) & ~std::uint64_t{31};
    r.write = rng() % 4 == 0;
    r.cycle = cycle;
    r.size = 32;
    requests.push_back(r);
  }
  const DeviceModel model = make_device_model(ramulator_device(), {});
  ListSource serial_source(requests);
  const std::string serial = json_of(simulate(model, with_threads(1), serial_source));
  ListSource threaded_source(requests);
  const Result threaded = simulate(model, with_threads(4), threaded_source);
  EXPECT_EQ(json_of(threaded), serial);
  EXPECT_GT(threaded.threaded_bursts, 0u);
}

// An address beyond the device stops a threaded run with the serial run's error, and the workers
// are stopped (no hang, no leak under the sanitizers).
TEST(MemsimThreads, BadRequestStopsTheRun) {
  std::vector<Request> requests(20'000);
  for (std::size_t i = 0; i < requests.size(); ++i) requests[i].address = i * 32;
  requests[15'000].address = std::uint64_t{1} << 40;
  const DeviceModel model = make_device_model(ramulator_device(), {});
  ListSource source(requests);
  EXPECT_THROW(simulate(model, with_threads(3), source), InputError);
}

}  // namespace
}  // namespace ridgeline::memsim
