// Speed of the interconnect model. Target (issue 4): a 4 KiB–8 GiB sweep of every collective on
// gb200-nvl72 (72 GPUs) under 50 ms. Reported in docs, not asserted in tests.

#include <benchmark/benchmark.h>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/collective_report.hpp"

namespace {

using namespace ridgeline;

const std::vector<topology::CollectiveOp> kOps{
    topology::CollectiveOp::all_reduce,     topology::CollectiveOp::all_gather,
    topology::CollectiveOp::reduce_scatter, topology::CollectiveOp::all_to_all,
    topology::CollectiveOp::broadcast,      topology::CollectiveOp::send_recv};

// The whole job from the files: load the system (and its accelerator specs), build the graph and
// all routes, price 6 ops × 22 sizes with the library's algorithms.
void BM_Gb200Nvl72SweepAllCollectivesFromFiles(benchmark::State& state) {
  const auto sizes = topology::sweep_sizes(4096, 8.0 * (1 << 30));
  for (auto _ : state) {
    hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);  // fresh: no cache
    const topology::SystemLibrary systems(specs);
    const topology::CollectiveModel model(systems.system("gb200-nvl72"));
    const auto group = topology::whole_system(model.system());
    for (const auto op : kOps) {
      benchmark::DoNotOptimize(topology::sweep(model, op, group, sizes, "auto", false));
    }
  }
}
BENCHMARK(BM_Gb200Nvl72SweepAllCollectivesFromFiles)->Unit(benchmark::kMillisecond);

// The same sweep on a loaded system, with every algorithm of the registry priced too (what the
// --svg chart needs).
void BM_Gb200Nvl72SweepAllCollectivesAllAlgorithms(benchmark::State& state) {
  const hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);
  const topology::SystemLibrary systems(specs);
  const auto system = systems.system("gb200-nvl72");
  const auto sizes = topology::sweep_sizes(4096, 8.0 * (1 << 30));
  for (auto _ : state) {
    const topology::CollectiveModel model(system);
    const auto group = topology::whole_system(model.system());
    for (const auto op : kOps) {
      benchmark::DoNotOptimize(topology::sweep(model, op, group, sizes, "auto", true));
    }
  }
}
BENCHMARK(BM_Gb200Nvl72SweepAllCollectivesAllAlgorithms)->Unit(benchmark::kMillisecond);

// One more size once the shapes are cached: the cost of a call inside a workload model's loop.
void BM_CachedAllReduceCost(benchmark::State& state) {
  const hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);
  const topology::SystemLibrary systems(specs);
  const topology::CollectiveModel model(systems.system("gb200-nvl72"));
  const auto group = topology::first_ranks(model.system(), 8);
  double bytes = 1 << 20;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.cost(topology::CollectiveOp::all_reduce, bytes, group));
    bytes = bytes < 1e9 ? bytes * 1.5 : 1 << 20;
  }
}
BENCHMARK(BM_CachedAllReduceCost)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
