// Speed of memsim: requests simulated per second of CPU time on one core, for the patterns of
// the reference runs, and the wall time of --threads (docs/memsim.md, docs/performance.md). Not
// asserted in tests.

#include <benchmark/benchmark.h>

#include <memory>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/memsim/memsim.hpp"
#include "ridgeline/memsim/pattern.hpp"

namespace {

using namespace ridgeline;

std::unique_ptr<memsim::RequestSource> pattern_source(const memsim::DeviceModel& model,
                                                      const char* pattern, std::uint64_t requests,
                                                      std::uint32_t request_size) {
  memsim::PatternSpec spec;
  spec.name = pattern;
  spec.requests = requests;
  spec.request_size = request_size;
  return memsim::make_pattern(spec, static_cast<std::uint64_t>(model.geometry.capacity()));
}

void run(benchmark::State& state, const char* device_id, const char* pattern,
         std::uint32_t request_size) {
  const auto device = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device(device_id);
  const auto model = memsim::make_device_model(device, {});
  const auto requests = static_cast<std::uint64_t>(state.range(0));
  double bandwidth = 0;
  for (auto _ : state) {
    auto source = pattern_source(model, pattern, requests, request_size);
    bandwidth = memsim::simulate(model, {}, *source).bandwidth;
    benchmark::DoNotOptimize(bandwidth);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * requests));
  state.counters["GB/s"] = bandwidth / 1e9;
}

// The front end alone (pattern, address decode) against a sink: the floor under BM_Hbm3Random.
void BM_Hbm3RandomFrontEndOnly(benchmark::State& state) {
  const auto device = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device("ramulator2-hbm3-8hi");
  const auto model = memsim::make_device_model(device, {});
  const auto requests = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto source = pattern_source(model, "random", requests, 32);
    benchmark::DoNotOptimize(memsim::run_front_end(model, {}, *source));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * requests));
}

// --threads on a run whose queues seldom fill (the HBM3 stack, one request per cycle): wall time,
// arg 0 = requests, arg 1 = threads (1: the serial loop).
void BM_Hbm3RandomOnePerCycleThreads(benchmark::State& state) {
  const auto device = hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device("ramulator2-hbm3-8hi");
  memsim::Options options;
  options.device.issue_width = 1;
  options.threads = static_cast<int>(state.range(1));
  const auto model = memsim::make_device_model(device, options.device);
  const auto requests = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto source = pattern_source(model, "random", requests, 32);
    benchmark::DoNotOptimize(memsim::simulate(model, options, *source).bandwidth);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * requests));
}

void BM_Dramsim3Random(benchmark::State& s) {
  run(s, "dramsim3-hbm2-1ch", "random", 64);
}
void BM_Dramsim3Sequential(benchmark::State& s) {
  run(s, "dramsim3-hbm2-1ch", "sequential", 64);
}
void BM_Hbm3Random(benchmark::State& s) {
  run(s, "ramulator2-hbm3-8hi", "random", 32);
}
void BM_Hbm3Sequential(benchmark::State& s) {
  run(s, "ramulator2-hbm3-8hi", "sequential", 32);
}
void BM_Hbm3eRandom(benchmark::State& s) {
  run(s, "hbm3e-8hi", "random", 32);
}

BENCHMARK(BM_Dramsim3Random)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dramsim3Sequential)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hbm3Random)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hbm3Sequential)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hbm3eRandom)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hbm3RandomFrontEndOnly)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Hbm3RandomOnePerCycleThreads)
    ->Args({1'000'000, 1})
    ->Args({1'000'000, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
