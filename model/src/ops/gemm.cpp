#include "ridgeline/ops/gemm.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "derivation_format.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::ops {

using namespace derivation;

namespace {

constexpr std::size_t kMaxLevels = 8;
using LevelArray = std::array<double, kMaxLevels>;

// Output tile shapes of CUTLASS's and cuBLAS's common tensor-core kernels (CUTLASS profiler
// defaults; cuBLAS and hipBLASLt heuristics pick among the same family). 64 rows is the height of
// Hopper's warpgroup MMA (wgmma m64); skinny problems (decode GEMVs, m ≤ 32) run kernels built on
// the m16n8k16 MMA that every tensor-core generation since Ampere has (CUTLASS's 16- and 32-row
// tiles; TensorRT-LLM's and torch.compile's small-batch GEMV kernels), so 16 and 32 rows are there
// too.
constexpr std::array<std::array<std::int64_t, 2>, 14> kTileShapes{{
    {256, 256},
    {256, 128},
    {128, 256},
    {128, 192},
    {192, 128},
    {128, 128},
    {256, 64},
    {64, 256},
    {128, 64},
    {64, 128},
    {64, 64},
    {32, 128},
    {16, 128},
    {16, 256},
}};
// K-slice depths in bytes of an A row, deepest first (128 B is one TMA/LDS swizzle row: 64 bf16,
// 128 fp8, 256 fp4 elements); the deepest slice whose double buffer fits the SRAM is used.
constexpr std::array<double, 3> kSliceBytes{128, 64, 32};
// Split-K factors tried when the tiles do not fill the units (powers of two, as cuBLAS's and
// CUTLASS's split-K/slice-K kernels use).
constexpr std::array<std::int64_t, 5> kSplits{1, 2, 4, 8, 16};
// Pipeline stages of the K loop (double buffering): the first slice's load is not overlapped.
constexpr double kStages = 2.0;
// Vector ops per dequantized weight element: convert to the activation dtype and apply the scale
// (Marlin/Machete-style mixed-input kernels; Frantar et al., "MARLIN", arXiv:2408.11743, 2024).
constexpr double kDequantOpsPerElement = 2.0;
// Partial sums of split-K are fp32.
constexpr double kPartialBytes = 4.0;

double ceil_div(double a, double b) {
  return std::ceil(a / b);
}

// The accelerator's numbers the GEMM model uses, read once per evaluation.
struct Machine {
  double units = 1;
  std::size_t levels = 0;
  std::size_t stage = 0;  // staging level: innermost per-unit level, else the innermost level
  bool stage_per_unit = false;
  double stage_capacity_per_unit = 0;  // bytes
  std::size_t off = 0;                 // off-chip level
  double rate_per_unit = 0;            // FLOP/s at the MMA dtype
  double vector_rate_per_unit = 0;     // ops/s on the vector units; 0 when the spec has no fp32
  LevelArray bandwidth{};              // achievable, B/s
  LevelArray latency{};                // s
  LevelArray capacity{};               // whole chip, bytes
};

Machine describe(const hw::Accelerator& accelerator, DType mma_dtype) {
  Machine machine;
  machine.levels = accelerator.memory.size();
  if (machine.levels == 0 || machine.levels > kMaxLevels) {
    throw ModelError(accelerator.id + ": the GEMM model needs 1 to " + std::to_string(kMaxLevels) +
                     " memory levels");
  }
  machine.units = static_cast<double>(std::max<std::int64_t>(1, accelerator.compute.units.value));
  machine.off = machine.levels - 1;
  machine.stage = 0;
  for (std::size_t i = 0; i < machine.levels; ++i) {
    if (accelerator.memory[i].scope == hw::Scope::per_unit) {
      machine.stage = i;
      machine.stage_per_unit = true;
      break;
    }
  }
  const auto& stage = accelerator.memory[machine.stage];
  machine.stage_capacity_per_unit = machine.stage_per_unit
                                        ? stage.capacity.value
                                        : hw::chip_capacity(accelerator, stage) / machine.units;
  for (std::size_t i = 0; i < machine.levels; ++i) {
    const auto& level = accelerator.memory[i];
    machine.bandwidth[i] = hw::achievable_bandwidth(level);
    machine.latency[i] = std::max(0.0, level.latency.value);
    machine.capacity[i] = hw::chip_capacity(accelerator, level);
  }
  machine.rate_per_unit = hw::achievable_rate(accelerator, mma_dtype) / machine.units;
  if (hw::supports(accelerator, DType::fp32)) {
    // One op per lane per clock: half the FP32 FLOP rate, which counts an FMA as two.
    machine.vector_rate_per_unit =
        hw::achievable_rate(accelerator, DType::fp32) / 2.0 / machine.units;
  }
  return machine;
}

struct Problem {
  double batch, m, n, k;
  double a_bytes, b_bytes, c_bytes;  // per element
  bool mixed = false;                // B is dequantized to the activation dtype
  bool warm = false;
  double overhead = 0;  // kernel (+ host) fixed cost
};

// One candidate tiling, evaluated.
struct Candidate {
  std::int64_t tile_m = 0, tile_n = 0, tile_k = 0, split = 1;
  double tiles = 0, waves = 0, k_steps = 0;
  double compute_time = 0, dequant_time = 0;
  LevelArray bytes{};
  LevelArray bandwidth{};
  double prologue = 0, epilogue = 0;
  double time = std::numeric_limits<double>::infinity();
  // For the derivation.
  double requests = 0;
  bool operand_resident = false;  // the smaller operand fit in the first cache
  std::size_t serving_level = 0;  // outermost level the loads come from
};

// Bytes of A and B reads a cache of `capacity` passes outward. If it holds the smaller operand of
// every problem in flight (beside the wave's streaming slices), each matrix is read once; otherwise
// every wave's super-tile (r tile rows × c tile columns, r·c = tiles per wave) re-reads its panels:
// A·⌈Nt/c⌉ + B·⌈Mt/r⌉ per problem, never more than the panel loads themselves.
double reads_past_cache(double capacity, const Problem& p, double mt, double nt, double split,
                        double wave_tiles, double streaming, bool& resident) {
  const double a = p.m * p.k * p.a_bytes;
  const double b = p.k * p.n * p.b_bytes;
  const double per_problem_tiles = mt * nt * split;
  const double in_flight =
      std::min(p.batch, std::max(1.0, std::floor(wave_tiles / per_problem_tiles)));
  resident = in_flight * std::min(a, b) + streaming <= capacity;
  if (resident) return p.batch * (a + b);
  const double output_tiles = std::max(1.0, std::floor(wave_tiles / split));
  double best = a * nt + b * mt;
  for (double r = 1; r <= std::min(mt, output_tiles); r *= 2) {
    const double c = std::min(nt, std::max(1.0, std::floor(output_tiles / r)));
    best = std::min(best, a * ceil_div(nt, c) + b * ceil_div(mt, r));
  }
  const double r_all = std::min(mt, output_tiles);
  const double c_rest = std::min(nt, std::max(1.0, std::floor(output_tiles / r_all)));
  best = std::min(best, a * ceil_div(nt, c_rest) + b * ceil_div(mt, r_all));
  return p.batch * best;
}

// `bound`: the time of the best candidate so far; a candidate whose compute alone (plus the fixed
// cost) cannot beat it is returned unfinished, with infinite time.
Candidate evaluate(const Machine& hw, const Problem& p, std::int64_t tile_m, std::int64_t tile_n,
                   std::int64_t tile_k, std::int64_t split,
                   double bound = std::numeric_limits<double>::infinity()) {
  Candidate c;
  c.tile_m = tile_m;
  c.tile_n = tile_n;
  c.tile_k = tile_k;
  c.split = split;
  const double tm = static_cast<double>(tile_m);
  const double tn = static_cast<double>(tile_n);
  const double tk = static_cast<double>(tile_k);
  const double s = static_cast<double>(split);
  const double mt = ceil_div(p.m, tm);
  const double nt = ceil_div(p.n, tn);
  c.tiles = p.batch * mt * nt * s;
  c.waves = ceil_div(c.tiles, hw.units);
  c.k_steps = ceil_div(ceil_div(p.k, s), tk);

  // Compute: every wave costs one tile's time; a tile runs k_steps MMA steps plus one fill step.
  const double tile_mma = 2.0 * tm * tn * tk * (c.k_steps + kStages - 1.0) / hw.rate_per_unit;
  const double tile_dequant =
      p.mixed && hw.vector_rate_per_unit > 0
          ? tn * c.k_steps * tk * kDequantOpsPerElement / hw.vector_rate_per_unit
          : 0.0;
  c.compute_time = c.waves * (tile_mma + tile_dequant);
  c.dequant_time = c.waves * tile_dequant;
  if (c.compute_time + p.overhead >= bound) return c;

  // Traffic.
  const double a = p.batch * p.m * p.k * p.a_bytes;
  const double b = p.batch * p.k * p.n * p.b_bytes;
  const double out = p.batch * p.m * p.n * p.c_bytes;
  const double partials = split > 1 ? p.batch * s * p.m * p.n * kPartialBytes : 0.0;
  c.requests = a * nt + b * mt;
  const double wave_tiles = std::min(hw.units, c.tiles);
  const double in_flight_per_unit = kStages * (tm * p.a_bytes + tn * p.b_bytes) * tk;
  const double streaming = wave_tiles * in_flight_per_unit;
  const double working_set = a + b + out + partials;

  c.bytes.fill(0.0);
  c.serving_level = hw.off;
  if (hw.stage == hw.off) {
    // No on-chip level: each byte moves once.
    c.bytes[hw.off] = a + b + out;
  } else {
    c.bytes[hw.stage] = 2.0 * c.requests + (split > 1 ? partials : out);
    double reads = c.requests + partials;
    double writes = out + partials;
    const auto pass = [&](double capacity) {
      if (p.warm && working_set <= capacity) {
        reads = 0;
        writes = 0;
        return true;
      }
      bool resident = false;
      const double spill = partials > capacity ? partials : 0.0;
      const double passed =
          reads_past_cache(capacity, p, mt, nt, s, wave_tiles, streaming, resident);
      reads = std::min(reads, passed + spill);
      writes = out + spill;
      return false;
    };
    bool first_cache = true;
    if (!hw.stage_per_unit) {
      // A chip-wide scratchpad (TPU VMEM, Gaudi SRAM) is also the cache: it is written only with
      // what comes from outside it, and read by the MMA for every panel.
      const bool fits = pass(hw.capacity[hw.stage]);
      c.operand_resident = reads < c.requests;
      first_cache = false;
      if (fits) c.serving_level = hw.stage;
      c.bytes[hw.stage] = c.requests + reads + (split > 1 ? partials : out);
    }
    for (std::size_t j = hw.stage + 1; j <= hw.off; ++j) {
      if (reads + writes <= 0) break;
      c.bytes[j] = reads + writes;
      if (j == hw.off) break;
      const bool fits = pass(hw.capacity[j]);
      if (first_cache) c.operand_resident = reads < c.requests;
      first_cache = false;
      if (fits) c.serving_level = j;
    }
  }

  // Bandwidth each level reaches: the staging SRAM only on the active units; outer levels at most
  // active units × bytes in flight per unit / latency (Little's law).
  const double active = std::min(hw.units, c.tiles);
  for (std::size_t j = 0; j < hw.levels; ++j) {
    double bandwidth = hw.bandwidth[j];
    if (j == hw.stage && hw.stage_per_unit) {
      bandwidth *= active / hw.units;
    } else if (j > hw.stage && hw.latency[j] > 0) {
      bandwidth = std::min(bandwidth, active * in_flight_per_unit / hw.latency[j]);
    }
    c.bandwidth[j] = bandwidth;
  }

  double busiest = c.compute_time;
  for (std::size_t j = 0; j < hw.levels; ++j) {
    if (c.bytes[j] > 0) busiest = std::max(busiest, c.bytes[j] / c.bandwidth[j]);
  }
  // Prologue: the first K-slices arrive one latency of the level that serves them after the start.
  c.prologue = hw.latency[c.serving_level];
  // Epilogue: the last wave writes its outputs (and split-K partials) after its last MMA.
  const double last_wave_tiles = c.tiles - (c.waves - 1.0) * hw.units;
  const double output_traffic = out + 2.0 * partials;
  c.epilogue = output_traffic * (last_wave_tiles / c.tiles) / c.bandwidth[c.serving_level];
  c.time = busiest + p.overhead + c.prologue + c.epilogue;
  return c;
}

}  // namespace

double gemm_flops(const GemmShape& shape) {
  return 2.0 * static_cast<double>(shape.batch) * static_cast<double>(shape.m) *
         static_cast<double>(shape.n) * static_cast<double>(shape.k);
}

DType default_output_dtype(DType activation) {
  return dtype_bytes(activation) >= 2.0 ? activation : DType::bf16;
}

namespace {

struct Setup {
  Machine hw;
  Problem p;
  DType weight;
  DType output;
};

Setup setup(const hw::Accelerator& accelerator, const GemmShape& shape,
            const Conditions& conditions) {
  std::vector<InputProblem> problems;
  const auto check = [&](std::int64_t value, const char* name) {
    if (value < 1) {
      problems.push_back(
          {"", std::string("--") + name,
           "gemm: " + std::string(name) + " must be at least 1, got " + std::to_string(value)});
    }
  };
  check(shape.batch, "batch");
  check(shape.m, "m");
  check(shape.n, "n");
  check(shape.k, "k");
  if (!problems.empty()) throw InputError(std::move(problems));

  const DType weight = shape.weight.value_or(shape.activation);
  const DType output = shape.output.value_or(default_output_dtype(shape.activation));
  const Machine hw = describe(accelerator, shape.activation);

  Problem p;
  p.batch = static_cast<double>(shape.batch);
  p.m = static_cast<double>(shape.m);
  p.n = static_cast<double>(shape.n);
  p.k = static_cast<double>(shape.k);
  p.a_bytes = dtype_bytes(shape.activation);
  p.b_bytes = dtype_bytes(weight);
  p.c_bytes = dtype_bytes(output);
  p.mixed = weight != shape.activation;
  p.warm = conditions.cache == CacheState::warm;
  p.overhead = kernel_overhead(accelerator, conditions);
  return {hw, p, weight, output};
}

// The deepest K-slice whose double buffer fits the staging SRAM; 0 if none does.
std::int64_t slice_depth(const Machine& hw, const Problem& p, std::int64_t tile_m,
                         std::int64_t tile_n) {
  for (const auto slice_bytes : kSliceBytes) {
    const auto depth = static_cast<std::int64_t>(slice_bytes / p.a_bytes);
    const double buffer =
        kStages *
        (static_cast<double>(tile_m) * p.a_bytes + static_cast<double>(tile_n) * p.b_bytes) *
        static_cast<double>(depth);
    if (buffer <= hw.stage_capacity_per_unit) return depth;
  }
  return 0;
}

GemmEvaluation build_result(const hw::Accelerator& accelerator, const GemmShape& shape,
                            const Conditions& conditions, const Setup& setup,
                            const Candidate& best);

}  // namespace

GemmEvaluation gemm_evaluate(const hw::Accelerator& accelerator, const GemmShape& shape,
                             const Conditions& conditions) {
  const Setup ready = setup(accelerator, shape, conditions);
  const Machine& hw = ready.hw;
  const Problem& p = ready.p;
  Candidate best;
  const double base_tiles_limit = hw.units;
  for (const auto& [tile_m, tile_n] : kTileShapes) {
    const std::int64_t tile_k = slice_depth(hw, p, tile_m, tile_n);
    if (tile_k == 0) continue;
    const double base_tiles = p.batch * ceil_div(p.m, static_cast<double>(tile_m)) *
                              ceil_div(p.n, static_cast<double>(tile_n));
    const double total_steps = ceil_div(p.k, static_cast<double>(tile_k));
    for (const auto split : kSplits) {
      const double s = static_cast<double>(split);
      if (split > 1 && (base_tiles * s > base_tiles_limit || s > total_steps)) break;
      const Candidate candidate = evaluate(hw, p, tile_m, tile_n, tile_k, split, best.time);
      if (candidate.time < best.time) best = candidate;
    }
  }
  if (!std::isfinite(best.time)) {
    // No tile's double buffer fits the staging SRAM: run the smallest tile anyway, and say so.
    best = evaluate(hw, p, 64, 64, static_cast<std::int64_t>(kSliceBytes.back() / p.a_bytes), 1);
  }
  return build_result(accelerator, shape, conditions, ready, best);
}

GemmEvaluation gemm_evaluate_tiling(const hw::Accelerator& accelerator, const GemmShape& shape,
                                    const GemmTiling& tiling, const Conditions& conditions) {
  if (tiling.tile_m < 1 || tiling.tile_n < 1 || tiling.split_k < 1) {
    throw InputError("", "", "gemm tiling: tile_m, tile_n and split_k must be at least 1");
  }
  const Setup ready = setup(accelerator, shape, conditions);
  std::int64_t tile_k = slice_depth(ready.hw, ready.p, tiling.tile_m, tiling.tile_n);
  if (tile_k == 0) tile_k = static_cast<std::int64_t>(kSliceBytes.back() / ready.p.a_bytes);
  const Candidate candidate =
      evaluate(ready.hw, ready.p, tiling.tile_m, tiling.tile_n, tile_k, tiling.split_k);
  return build_result(accelerator, shape, conditions, ready, candidate);
}

namespace {

GemmEvaluation build_result(const hw::Accelerator& accelerator, const GemmShape& shape,
                            const Conditions& conditions, const Setup& setup,
                            const Candidate& best) {
  const Machine& hw = setup.hw;
  const Problem& p = setup.p;
  const DType weight = setup.weight;
  const DType output = setup.output;
  GemmEvaluation result;
  auto& plan = result.plan;
  plan.tile_m = best.tile_m;
  plan.tile_n = best.tile_n;
  plan.tile_k = best.tile_k;
  plan.split_k = best.split;
  plan.tiles = static_cast<std::int64_t>(best.tiles);
  plan.waves = static_cast<std::int64_t>(best.waves);
  plan.k_steps = static_cast<std::int64_t>(best.k_steps);
  plan.wave_efficiency = best.tiles / (best.waves * hw.units);
  plan.fill_efficiency = best.k_steps / (best.k_steps + kStages - 1.0);
  const double mt = ceil_div(p.m, static_cast<double>(best.tile_m));
  const double nt = ceil_div(p.n, static_cast<double>(best.tile_n));
  plan.padding_efficiency =
      (p.m * p.n) / (mt * static_cast<double>(best.tile_m) * nt * static_cast<double>(best.tile_n));
  plan.dequant_time = best.dequant_time;
  plan.prologue_time = best.prologue;
  plan.epilogue_time = best.epilogue;
  plan.staging_level = hw.stage;

  auto& cost = result.cost;
  cost.kind = shape.batch > 1 ? "batched-gemm" : "gemm";
  cost.flops = gemm_flops(shape);
  cost.bytes.assign(best.bytes.begin(), best.bytes.begin() + static_cast<long>(hw.levels));
  cost.overhead_time = p.overhead + best.prologue + best.epilogue;
  const double compute_rate = best.compute_time > 0 ? cost.flops / best.compute_time : 0.0;
  finish_cost(cost, accelerator, compute_rate,
              std::span<const double>(best.bandwidth.data(), hw.levels));

  if (conditions.derivation) {
    auto& d = cost.derivation;
    const auto& levels = accelerator.memory;
    const std::string unit = accelerator.compute.unit_name;
    d.push_back("FLOPs = 2·batch·m·n·k = 2·" + std::to_string(shape.batch) + "·" +
                std::to_string(shape.m) + "·" + std::to_string(shape.n) + "·" +
                std::to_string(shape.k) + " = " + fmt(cost.flops));
    d.push_back("dtypes: A " + std::string(dtype_name(shape.activation)) + ", B " +
                std::string(dtype_name(weight)) + ", C " + std::string(dtype_name(output)) +
                "; MMA at the " + std::string(dtype_name(shape.activation)) + " rate " +
                fmt_rate(hw.rate_per_unit * hw.units) + " achievable (" +
                fmt_rate(hw.rate_per_unit) + " per " + unit + ")");
    d.push_back("tile " + std::to_string(best.tile_m) + "×" + std::to_string(best.tile_n) +
                ", K-slice " + std::to_string(best.tile_k) + ": double-buffered A+B slices " +
                fmt_capacity(kStages *
                             (static_cast<double>(best.tile_m) * p.a_bytes +
                              static_cast<double>(best.tile_n) * p.b_bytes) *
                             static_cast<double>(best.tile_k)) +
                " of " + fmt_capacity(hw.stage_capacity_per_unit) + " " + levels[hw.stage].name +
                " per " + unit);
    d.push_back("tiles = batch·⌈m/" + std::to_string(best.tile_m) + "⌉·⌈n/" +
                std::to_string(best.tile_n) + "⌉·split-K " + std::to_string(best.split) + " = " +
                fmt(best.tiles) + " over " + fmt(hw.units) + " " + unit + "s → " + fmt(best.waves) +
                " wave(s), wave efficiency " + fmt(plan.wave_efficiency) +
                (best.split > 1 ? " (split-K: fewer output tiles than units)" : ""));
    d.push_back("per tile " + fmt(best.k_steps) + " K-steps + 1 fill step → fill efficiency " +
                fmt(plan.fill_efficiency) + "; tile padding efficiency " +
                fmt(plan.padding_efficiency));
    d.push_back("compute = waves × tile time = " + fmt_time(best.compute_time) +
                (best.dequant_time > 0
                     ? " (of which dequantization " + fmt_time(best.dequant_time) + ")"
                     : "") +
                " → " + fmt_rate(compute_rate) + " effective");
    if (p.mixed && hw.vector_rate_per_unit <= 0) {
      d.push_back("dequantization not costed: " + accelerator.id + " has no fp32 vector rate");
    }
    for (std::size_t j = 0; j < hw.levels; ++j) {
      if (cost.bytes[j] <= 0) {
        d.push_back(levels[j].name + ": no traffic");
        continue;
      }
      std::string what;
      if (j == hw.stage && hw.stage != hw.off) {
        what = "panel loads written and read by the MMA (2 × " + fmt_bytes(best.requests) +
               ") + output";
      } else if (j == hw.stage + 1 && hw.stage_per_unit) {
        what = "every tile's A and B panels (A·⌈n/tile_n⌉ + B·⌈m/tile_m⌉) + output";
      } else {
        what = best.operand_resident ? "the smaller operand held by the cache inside: A and B "
                                       "once + output"
                                     : "panels re-read per wave super-tile + output";
      }
      d.push_back(levels[j].name + ": " + fmt_bytes(cost.bytes[j]) + " (" + what + ") at " +
                  fmt_bw(best.bandwidth[j]) + " → " + fmt_time(cost.level_time[j]));
    }
    d.push_back("overhead = kernel " + fmt_time(p.overhead) + " + prologue (" +
                levels[best.serving_level].name + " latency) " + fmt_time(best.prologue) +
                " + last-wave epilogue " + fmt_time(best.epilogue));
    d.push_back("time = max(compute, levels) + overhead = " + fmt_time(cost.time) + " → " +
                fmt_rate(achieved_flops(cost)) + "; bound: " + bound_name(cost, accelerator));
  }
  return result;
}

}  // namespace

OpCost gemm_cost(const hw::Accelerator& accelerator, const GemmShape& shape,
                 const Conditions& conditions) {
  return gemm_evaluate(accelerator, shape, conditions).cost;
}

}  // namespace ridgeline::ops
