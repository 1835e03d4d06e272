// Speed of the workload model (issue targets, reported in docs/performance.md):
//   one analyze of Llama-3.1-405B prefill in under 1 ms;
//   at least 20 000 decode-step evaluations per second on one core.

#include <benchmark/benchmark.h>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace {

using namespace ridgeline;

const hw::Accelerator& h100() {
  static const hw::Accelerator accelerator =
      hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).accelerator("h100-sxm");
  return accelerator;
}

void BM_Prefill405B(benchmark::State& state) {
  const auto model = workload::load_model_config("llama-3.1-405b");
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::prefill;
  spec.batch = 1;
  spec.prompt = 2048;
  spec.weights = DType::fp8;
  for (auto _ : state) {
    // Build + evaluate: what `analyze` does after loading its inputs.
    benchmark::DoNotOptimize(workload::analyze(h100(), workload::build_workload(model, spec)));
  }
}
BENCHMARK(BM_Prefill405B)->Unit(benchmark::kMicrosecond);

void BM_DecodeStep8B(benchmark::State& state) {
  const auto model = workload::load_model_config("llama-3-8b");
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::decode;
  spec.batch = 8;
  spec.context = 4096;
  const auto built = workload::build_workload(model, spec);
  for (auto _ : state) benchmark::DoNotOptimize(workload::analyze(h100(), built));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeStep8B)->Unit(benchmark::kMicrosecond);

void BM_DecodeStepDeepSeekV3(benchmark::State& state) {
  const auto model = workload::load_model_config("deepseek-v3");
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::decode;
  spec.batch = 64;
  spec.context = 4096;
  spec.weights = DType::fp8;
  const auto built = workload::build_workload(model, spec);
  for (auto _ : state) benchmark::DoNotOptimize(workload::analyze(h100(), built));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeStepDeepSeekV3)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
