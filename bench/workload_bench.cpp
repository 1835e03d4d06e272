// Speed of the workload model (issue targets, reported in docs/performance.md):
//   one analyze of Llama-3.1-405B prefill in under 1 ms;
//   at least 20 000 decode-step evaluations per second on one core.

#include <benchmark/benchmark.h>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/workload/analysis.hpp"
#include "ridgeline/workload/parallel.hpp"

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

// The parallel form, as a tp sweep would call it: build + evaluate Llama-3-70B decode over tp = 8
// of a DGX H100, and a 3D-parallel training step on 4 DGX H100 (the collective model is built
// once, its cost shapes cached across iterations, as in a sweep).
void BM_ParallelDecode70B(benchmark::State& state) {
  static const hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);
  const topology::CollectiveModel system(topology::SystemLibrary(specs).system("dgx-h100"));
  const auto model = workload::load_model_config("llama-3-70b");
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::decode;
  spec.batch = 1;
  spec.context = 4096;
  workload::Parallelism parallelism;
  parallelism.tp = 8;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        workload::analyze(system, parallelism, workload::build_workload(model, spec)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParallelDecode70B)->Unit(benchmark::kMicrosecond);

void BM_ParallelTrain70B(benchmark::State& state) {
  static const hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);
  const topology::CollectiveModel system(topology::SystemLibrary(specs).system("dgx-h100-x4"));
  const auto model = workload::load_model_config("llama-3-70b");
  workload::WorkloadSpec spec;
  spec.phase = workload::Phase::train;
  spec.batch = 32;
  spec.prompt = 4096;
  workload::Parallelism parallelism;
  parallelism.tp = 8;
  parallelism.pp = 2;
  parallelism.dp = 2;
  parallelism.microbatches = 8;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        workload::analyze(system, parallelism, workload::build_workload(model, spec)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParallelTrain70B)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
