// Speed of design-space sweeps (issue 8 target, reported in docs/performance.md): a 10 000-point
// sweep of Llama-3-70B decode on 2 cores in under 10 s.

#include <benchmark/benchmark.h>

#include "ridgeline/explore/sweep.hpp"
#include "ridgeline/hw/library.hpp"

namespace {

using namespace ridgeline;

const hw::SpecLibrary& library() {
  static const hw::SpecLibrary specs(RIDGELINE_HWSPECS_DIR);
  return specs;
}

explore::SweepPlan plan_70b(const std::vector<std::string>& sets) {
  explore::SweepPlan plan;
  plan.base.accelerator = library().accelerator("h200");
  plan.base.model = workload::load_model_config("llama-3-70b");
  plan.base.workload.phase = workload::Phase::decode;
  plan.base.workload.context = 4096;
  plan.base.workload.weights = DType::fp8;
  for (const auto& set : sets) plan.axes.push_back(explore::parse_axis(set));
  return plan;
}

void run(benchmark::State& state, const explore::SweepPlan& plan) {
  std::vector<std::size_t> points(explore::point_count(plan));
  for (std::size_t i = 0; i < points.size(); ++i) points[i] = i;
  explore::SweepOptions options;
  options.threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(explore::run_sweep(plan, points, library(), options));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(points.size()));
}

// 100 pin rates × 100 batch sizes: every point rebuilds the workload (batch is a workload knob).
void BM_Sweep70BDecodePinRateBatch(benchmark::State& state) {
  run(state, plan_70b({"hbm.pin_rate=6.4Gb/s:9.6Gb/s:0.0323Gb/s", "batch=1:100:1"}));
}
BENCHMARK(BM_Sweep70BDecodePinRateBatch)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// 10 000 hardware points (stacks × pin rate × compute scale): one shared workload.
void BM_Sweep70BDecodeHardware(benchmark::State& state) {
  run(state, plan_70b({"hbm.stacks=4:8:1", "hbm.pin_rate=6.4Gb/s:9.6Gb/s:0.0323Gb/s",
                       "compute.scale=0.5:2.45:0.1"}));
}
BENCHMARK(BM_Sweep70BDecodeHardware)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
