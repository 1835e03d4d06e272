#include "ridgeline/ops/memory_bound.hpp"

#include <algorithm>
#include <cmath>

#include "derivation_format.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/memsim/efficiency.hpp"

namespace ridgeline::ops {

using namespace derivation;

namespace {

void check_shape(const std::string& kind, const RowShape& shape) {
  std::vector<InputProblem> problems;
  if (shape.m < 1) {
    problems.push_back(
        {"", "--m", kind + ": m must be at least 1, got " + std::to_string(shape.m)});
  }
  if (shape.n < 1) {
    problems.push_back(
        {"", "--n", kind + ": n must be at least 1, got " + std::to_string(shape.n)});
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

std::string dims(const RowShape& shape) {
  return std::to_string(shape.m) + "×" + std::to_string(shape.n) + " " +
         std::string(dtype_name(shape.dtype));
}

}  // namespace

double vector_op_rate(const hw::Accelerator& accelerator) {
  if (!hw::supports(accelerator, DType::fp32)) return 0.0;
  return hw::achievable_rate(accelerator, DType::fp32) / 2.0;
}

double paged_kv_efficiency(const hw::Accelerator& accelerator, double run_bytes) {
  if (accelerator.memory.empty() || !accelerator.memory.back().off_chip) return 1;
  return memsim::gather_efficiency(accelerator.memory.back().off_chip->device,
                                   static_cast<std::uint64_t>(std::ceil(run_bytes)));
}

OpCost streaming_cost(const hw::Accelerator& accelerator, const StreamingKernel& kernel,
                      const Conditions& conditions) {
  const auto& memory = accelerator.memory;
  if (memory.empty()) throw ModelError(accelerator.id + " has no memory levels");
  const std::size_t off = memory.size() - 1;
  const double units =
      static_cast<double>(std::max<std::int64_t>(1, accelerator.compute.units.value));
  const double total = kernel.read_bytes + kernel.write_bytes;

  // Where the bytes come from: off-chip, or with a warm cache the innermost chip-wide cache that
  // holds the whole working set (per-unit L1s do not keep data from one kernel to the next).
  std::size_t target = off;
  if (conditions.cache == CacheState::warm) {
    for (std::size_t j = 0; j < off; ++j) {
      if (memory[j].scope == hw::Scope::per_chip &&
          hw::chip_capacity(accelerator, memory[j]) >= total) {
        target = j;
        break;
      }
    }
  }

  // Rows, one per block: the busy fraction of the units.
  double waves = 0;
  double busy = 1.0;
  if (kernel.rows > 0) {
    waves = std::ceil(kernel.rows / units);
    busy = kernel.rows / (waves * units);
  }

  OpCost cost;
  cost.kind = kernel.kind;
  cost.flops = kernel.flops;
  cost.bytes.assign(memory.size(), 0.0);
  std::vector<double> bandwidth(memory.size(), 0.0);
  for (std::size_t j = 0; j < memory.size(); ++j) {
    bandwidth[j] = hw::achievable_bandwidth(memory[j]) * busy;
    if (j <= target) cost.bytes[j] = total;
  }
  bandwidth[off] *= kernel.offchip_efficiency;

  double compute_time = 0.0;
  const double vector_rate = vector_op_rate(accelerator);
  if (kernel.vector_ops > 0 && vector_rate > 0) compute_time += kernel.vector_ops / vector_rate;
  if (kernel.tensor_flops > 0) {
    compute_time += kernel.tensor_flops / (hw::achievable_rate(accelerator, kernel.tensor_dtype) *
                                           kernel.tensor_efficiency);
  }
  compute_time /= busy;
  const double latency = std::max(0.0, memory[target].latency.value);
  cost.overhead_time = kernel_overhead(accelerator, conditions) + latency;
  finish_cost(cost, accelerator, compute_time > 0 ? cost.flops / compute_time : 0.0, bandwidth);

  if (conditions.derivation) {
    auto& d = cost.derivation;
    d = kernel.formula;
    d.push_back("bytes moved: " + fmt_bytes(total) + " (read " + fmt_bytes(kernel.read_bytes) +
                " + write " + fmt_bytes(kernel.write_bytes) + ") at " + memory[target].name +
                (target == off ? "" : " (warm: the working set fits there)") +
                ", streaming through every level inside it");
    if (kernel.rows > 0) {
      d.push_back("rows: " + fmt(kernel.rows) + " over " + fmt(units) + " " +
                  accelerator.compute.unit_name + "s, one row per block → " + fmt(waves) +
                  " wave(s), busy fraction " + fmt(busy));
    }
    if (kernel.offchip_efficiency < 1 && target == off) {
      d.push_back(memory[off].name + " bandwidth × " + fmt(kernel.offchip_efficiency) +
                  " for the access pattern (memsim: gathers against a stream on " +
                  memory[off].off_chip->device.id + ")");
    }
    d.push_back(memory[target].name + ": " + fmt_bytes(total) + " at " + fmt_bw(bandwidth[target]) +
                " → " + fmt_time(cost.level_time[target]));
    if (kernel.vector_ops > 0 && vector_rate <= 0) {
      d.push_back("vector work not costed: " + accelerator.id + " has no fp32 vector rate");
    }
    d.push_back("compute: " + fmt_time(cost.compute_time) +
                (kernel.vector_ops > 0 ? " (" + fmt(kernel.vector_ops) + " vector ops)" : ""));
    d.push_back("overhead = kernel " + fmt_time(kernel_overhead(accelerator, conditions)) + " + " +
                memory[target].name + " latency " + fmt_time(latency) +
                " (Hockney: λ + bytes/bandwidth; bandwidth × latency = " +
                fmt_bytes(hw::achievable_bandwidth(memory[target]) * latency) +
                " in flight needed)");
    d.push_back("time = " + fmt_time(cost.time) + "; bound: " + bound_name(cost, accelerator));
  }
  return cost;
}

OpCost softmax_cost(const hw::Accelerator& accelerator, const RowShape& shape,
                    const Conditions& conditions) {
  check_shape("softmax", shape);
  const double elements = static_cast<double>(shape.m) * static_cast<double>(shape.n);
  const double b = dtype_bytes(shape.dtype);
  StreamingKernel kernel;
  kernel.kind = "softmax";
  kernel.flops = 5.0 * elements;
  kernel.vector_ops = kernel.flops;
  kernel.read_bytes = elements * b;
  kernel.write_bytes = elements * b;
  kernel.rows = static_cast<double>(shape.m);
  if (conditions.derivation) {
    kernel.formula = {"softmax " + dims(shape) + " over rows",
                      "FLOPs = 5·m·n (max, subtract, exp, sum, scale) = " + fmt(kernel.flops),
                      "bytes = m·n·" + fmt(b) + " read + m·n·" + fmt(b) + " written"};
  }
  return streaming_cost(accelerator, kernel, conditions);
}

OpCost layernorm_cost(const hw::Accelerator& accelerator, const RowShape& shape, bool affine,
                      const Conditions& conditions) {
  check_shape("layernorm", shape);
  const double elements = static_cast<double>(shape.m) * static_cast<double>(shape.n);
  const double b = dtype_bytes(shape.dtype);
  const double per_element = affine ? 8.0 : 6.0;
  StreamingKernel kernel;
  kernel.kind = "layernorm";
  kernel.flops = per_element * elements;
  kernel.vector_ops = kernel.flops;
  kernel.read_bytes = elements * b + (affine ? 2.0 * static_cast<double>(shape.n) * b : 0.0);
  kernel.write_bytes = elements * b;
  kernel.rows = static_cast<double>(shape.m);
  if (conditions.derivation) {
    kernel.formula = {"layernorm " + dims(shape) + (affine ? " with γ, β" : " without affine"),
                      "FLOPs = " + fmt(per_element) + "·m·n (mean; variance; normalize" +
                          (affine ? "; affine" : "") + ") = " + fmt(kernel.flops),
                      "bytes = m·n·" + fmt(b) + " read" +
                          (affine ? " + 2·n·" + fmt(b) + " (γ, β)" : "") + " + m·n·" + fmt(b) +
                          " written"};
  }
  return streaming_cost(accelerator, kernel, conditions);
}

OpCost rmsnorm_cost(const hw::Accelerator& accelerator, const RowShape& shape,
                    const Conditions& conditions) {
  check_shape("rmsnorm", shape);
  const double elements = static_cast<double>(shape.m) * static_cast<double>(shape.n);
  const double b = dtype_bytes(shape.dtype);
  StreamingKernel kernel;
  kernel.kind = "rmsnorm";
  kernel.flops = 4.0 * elements;
  kernel.vector_ops = kernel.flops;
  kernel.read_bytes = elements * b + static_cast<double>(shape.n) * b;
  kernel.write_bytes = elements * b;
  kernel.rows = static_cast<double>(shape.m);
  if (conditions.derivation) {
    kernel.formula = {
        "rmsnorm " + dims(shape),
        "FLOPs = 4·m·n (square, add, scale, weight) = " + fmt(kernel.flops),
        "bytes = m·n·" + fmt(b) + " read + n·" + fmt(b) + " weight + m·n·" + fmt(b) + " written"};
  }
  return streaming_cost(accelerator, kernel, conditions);
}

OpCost elementwise_cost(const hw::Accelerator& accelerator, Elementwise op, const RowShape& shape,
                        const Conditions& conditions, std::int64_t rope_head_dim) {
  const double elements = static_cast<double>(shape.m) * static_cast<double>(shape.n);
  const double b = dtype_bytes(shape.dtype);
  StreamingKernel kernel;
  double per_element = 0;
  double inputs = 1;
  double extra_read = 0;
  std::string what;
  switch (op) {
    case Elementwise::gelu:
      kernel.kind = "gelu";
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): x³ (2 mul), fma-like inner (2), scale (1),
      // tanh (1), add (1), two multiplies (2).
      per_element = 9;
      what = "9·elements (tanh GELU: x³, inner polynomial, scale, tanh, add, two multiplies)";
      break;
    case Elementwise::silu_gate:
      kernel.kind = "silu-gate";
      per_element = 5;  // silu(g) = g / (1 + exp(-g)): exp, add, divide, multiply; × up: multiply
      inputs = 2;
      what = "5·elements (exp, add, divide, multiply for silu(gate); multiply by up)";
      break;
    case Elementwise::residual_add:
      kernel.kind = "residual-add";
      per_element = 1;
      inputs = 2;
      what = "1·elements (add)";
      break;
    case Elementwise::rope: {
      kernel.kind = "rope";
      if (rope_head_dim < 1 || shape.n % rope_head_dim != 0) {
        throw InputError("", "--head-dim",
                         "rope: head-dim must divide n (n = heads · head_dim), got head-dim " +
                             std::to_string(rope_head_dim) + " for n " + std::to_string(shape.n));
      }
      per_element = 3;  // x·cos + rotate_half(x)·sin: 2 multiplies, 1 add
      // cos and sin tables: one row of head_dim per token position, shared by the heads.
      extra_read = 2.0 * static_cast<double>(shape.m) * static_cast<double>(rope_head_dim) * b;
      what = "3·elements (x·cos + rotate_half(x)·sin)";
      break;
    }
  }
  check_shape(kernel.kind, shape);
  kernel.flops = per_element * elements;
  kernel.vector_ops = kernel.flops;
  kernel.read_bytes = inputs * elements * b + extra_read;
  kernel.write_bytes = elements * b;
  if (conditions.derivation) {
    kernel.formula = {kernel.kind + " on " + dims(shape) + " (" + fmt(elements) + " elements)",
                      "FLOPs = " + what + " = " + fmt(kernel.flops),
                      "bytes = " + fmt(inputs) + " input(s)·elements·" + fmt(b) +
                          (extra_read > 0 ? " + cos/sin tables 2·m·head_dim·" + fmt(b) : "") +
                          " + elements·" + fmt(b) + " written"};
  }
  return streaming_cost(accelerator, kernel, conditions);
}

OpCost pointwise_cost(const hw::Accelerator& accelerator, const PointwiseShape& shape,
                      const Conditions& conditions) {
  if (!(shape.elements >= 1) || !(shape.read_elements >= 0) || !(shape.flops_per_element >= 0)) {
    throw InputError("", "--elements",
                     "pointwise: expected at least one element written and non-negative reads and "
                     "FLOPs, got " +
                         fmt(shape.elements) + " written, " + fmt(shape.read_elements) + " read, " +
                         fmt(shape.flops_per_element) + " FLOP/element");
  }
  const double in = dtype_bytes(shape.dtype), out = dtype_bytes(shape.out_dtype);
  StreamingKernel kernel;
  kernel.kind = "pointwise";
  kernel.flops = shape.flops_per_element * shape.elements;
  kernel.vector_ops = kernel.flops;
  kernel.read_bytes = shape.read_elements * in;
  kernel.write_bytes = shape.elements * out;
  if (conditions.derivation) {
    kernel.formula = {
        "pointwise: " + fmt(shape.elements) + " elements written (" +
            std::string(dtype_name(shape.out_dtype)) + "), " + fmt(shape.read_elements) +
            " read (" + std::string(dtype_name(shape.dtype)) + ")",
        "FLOPs = " + fmt(shape.flops_per_element) + "·elements = " + fmt(kernel.flops),
        "bytes = " + fmt(shape.read_elements) + "·" + fmt(in) + " read + " + fmt(shape.elements) +
            "·" + fmt(out) + " written"};
  }
  return streaming_cost(accelerator, kernel, conditions);
}

}  // namespace ridgeline::ops
