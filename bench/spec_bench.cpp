// Speed of the foundation: parsing + validating a spec file, building a roofline, parsing units.
// Results are reported in docs/performance.md, not asserted in tests.

#include <benchmark/benchmark.h>

#include "ridgeline/base/units.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/roofline/roofline.hpp"

namespace {

void BM_ParseQuantity(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ridgeline::parse_quantity("3.35 TB/s", ridgeline::Dimension::bandwidth));
  }
}
BENCHMARK(BM_ParseQuantity);

void BM_LoadAcceleratorSpec(benchmark::State& state) {
  for (auto _ : state) {
    ridgeline::hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);  // fresh: no cache
    benchmark::DoNotOptimize(library.accelerator("h100-sxm"));
  }
}
BENCHMARK(BM_LoadAcceleratorSpec)->Unit(benchmark::kMicrosecond);

void BM_BuildRoofline(benchmark::State& state) {
  ridgeline::hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  const auto accelerator = library.accelerator("h100-sxm");
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ridgeline::roofline::build_roofline(accelerator, ridgeline::DType::bf16));
  }
}
BENCHMARK(BM_BuildRoofline);

}  // namespace

BENCHMARK_MAIN();
