#include "ridgeline/trace/trace_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/ops/operator.hpp"

namespace ridgeline::trace {

namespace {

// One operator call: its kernels' summed time.
struct Call {
  const TraceKernel* first = nullptr;
  double time = 0;
  std::uint64_t kernels = 0;
};

std::string group_key(const TraceKernel& k) {
  if (k.call) {
    std::string key = k.op + "|" + k.call->kind;
    for (const auto& [name, value] : k.call->params) key += "|" + name + "=" + value;
    return key;
  }
  return "?|" + (k.op.empty() ? k.name : k.op) + "|" + k.why_unmodelled;
}

// The call's parameters with the run's conditions, unless the trace gave its own.
std::map<std::string, std::string> with_conditions(const OpCall& call, const std::string& timing,
                                                   ops::CacheState cache) {
  auto params = call.params;
  params.emplace("timing", timing);
  params.emplace("cache", cache == ops::CacheState::warm ? "warm" : "cold");
  return params;
}

ops::OpCost price(const OpCall& call, const hw::Accelerator& accelerator, const std::string& timing,
                  ops::CacheState cache, const std::string& op) {
  const auto& kind = ops::OperatorRegistry::builtin().get(call.kind);
  try {
    return ops::evaluate(kind, accelerator, with_conditions(call, timing, cache));
  } catch (const ModelError& error) {
    throw ModelError((op.empty() ? call.kind : op) + " " + call.shape + " on " + accelerator.id +
                     ": " + error.what() +
                     (timing == "profiler" ? " (ridgeline trace --timing device)" : ""));
  }
}

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string percent(double fraction) {
  return format_number(100 * fraction, 3) + " %";
}

}  // namespace

TraceAnalysis analyze_trace(const OperatorTrace& trace, const hw::Accelerator& accelerator,
                            const TraceAnalysisOptions& options) {
  TraceAnalysis a;
  a.file = trace.file;
  a.format = trace.format;
  a.device_name = trace.device_name;
  a.hw_id = accelerator.id;
  a.hw_name = accelerator.name;
  a.kernels = trace.kernels.size();
  a.cpu_ops = trace.cpu_ops;
  if (trace.kernels.empty()) {
    throw InputError(trace.file, "", "the trace holds no GPU kernel, memset or memcpy");
  }

  // Busy time: the union of the activities' intervals (they arrive in start order).
  double first = trace.kernels.front().start, last = first, busy_end = first;
  for (const auto& k : trace.kernels) {
    a.kernel_time += k.duration;
    const double end = k.start + k.duration;
    if (k.start >= busy_end) {
      a.gpu_busy += k.duration;
    } else if (end > busy_end) {
      a.gpu_busy += end - busy_end;
    }
    busy_end = std::max(busy_end, end);
    first = std::min(first, k.start);
    last = std::max(last, end);
  }
  a.span = last - first;
  a.idle_fraction = a.span > 0 ? std::max(0.0, 1 - a.gpu_busy / a.span) : 0;

  // Calls: kernels sharing a call id are one call.
  std::vector<Call> calls;
  std::unordered_map<std::uint64_t, std::size_t> call_of;
  std::vector<std::size_t> call_of_kernel;
  call_of_kernel.reserve(trace.kernels.size());
  for (const auto& k : trace.kernels) {
    std::size_t index = calls.size();
    if (k.call_id != 0) {
      const auto [it, fresh] = call_of.emplace(k.call_id, calls.size());
      index = it->second;
      if (fresh) calls.push_back({&k, 0, 0});
    } else {
      calls.push_back({&k, 0, 0});
    }
    calls[index].time += k.duration;
    ++calls[index].kernels;
    call_of_kernel.push_back(index);
  }
  a.calls = calls.size();

  // Groups of calls of one operator shape.
  std::unordered_map<std::string, std::size_t> group_of;
  std::vector<std::vector<double>> times;
  std::vector<std::size_t> group_of_call;
  group_of_call.reserve(calls.size());
  for (const auto& call : calls) {
    const TraceKernel& k = *call.first;
    const auto [it, fresh] = group_of.emplace(group_key(k), a.groups.size());
    group_of_call.push_back(it->second);
    if (fresh) {
      KernelGroup g;
      g.op = k.op.empty() ? k.name : k.op;
      g.call = k.call;
      g.kind = k.call ? k.call->kind : "";
      g.shape = k.call ? k.call->shape : "";
      g.why_unmodelled = k.why_unmodelled;
      a.groups.push_back(std::move(g));
      times.emplace_back();
    }
    KernelGroup& g = a.groups[it->second];
    ++g.calls;
    g.kernels += call.kernels;
    g.total += call.time;
    times[it->second].push_back(call.time);
  }
  for (const auto& k : trace.kernels) {  // the distinct kernel names of each group
    const auto it = group_of.find(group_key(k));
    if (it == group_of.end()) continue;
    auto& names = a.groups[it->second].kernel_names;
    if (names.size() < 4 && std::find(names.begin(), names.end(), k.name) == names.end()) {
      names.push_back(k.name);
    }
  }

  a.targets.resize(options.targets.size());
  for (std::size_t t = 0; t < options.targets.size(); ++t) {
    a.targets[t].id = options.targets[t].id;
    a.targets[t].name = options.targets[t].name;
  }
  const std::size_t off_chip = accelerator.memory.size() - 1;
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    KernelGroup& g = a.groups[i];
    const auto& samples = times[i];
    g.median = median_of(samples);
    g.min = *std::min_element(samples.begin(), samples.end());
    g.max = *std::max_element(samples.begin(), samples.end());
    g.projected.assign(options.targets.size(), g.total);
    if (!g.call) {
      for (auto& target : a.targets) target.unmodelled += g.total;
    } else {
      g.model = price(*g.call, accelerator, options.timing, options.cache, g.op);
      g.bound = ops::bound_name(*g.model, accelerator);
      if (g.median > 0) {
        g.roofline_share = g.model->time / g.median;
        g.achieved_flops = g.model->flops / g.median;
        g.achieved_bandwidth = g.model->bytes[off_chip] / g.median;
      }
      a.modelled_time += g.total;
      a.model_time += g.model->time * static_cast<double>(g.calls);
      a.time_by_bound[g.bound] += g.total;
      if (!options.targets.empty()) {
        const double here = price(*g.call, accelerator, "device", options.cache, g.op).time;
        for (std::size_t t = 0; t < options.targets.size(); ++t) {
          const double there =
              price(*g.call, options.targets[t], "device", options.cache, g.op).time;
          g.projected[t] = here > 0 ? g.total * there / here : g.total;
        }
      }
    }
    for (std::size_t t = 0; t < a.targets.size(); ++t) a.targets[t].busy += g.projected[t];
  }
  if (a.kernel_time > a.modelled_time)
    a.time_by_bound["unmodelled"] = a.kernel_time - a.modelled_time;
  a.coverage = a.kernel_time > 0 ? a.modelled_time / a.kernel_time : 0;
  // Largest first; kernel_group follows the groups to their sorted places.
  std::vector<std::size_t> order(a.groups.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return a.groups[x].total > a.groups[y].total;
  });
  std::vector<std::size_t> place(order.size());
  std::vector<KernelGroup> sorted;
  sorted.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    place[order[i]] = i;
    sorted.push_back(std::move(a.groups[order[i]]));
  }
  a.groups = std::move(sorted);
  a.kernel_group.reserve(trace.kernels.size());
  for (const std::size_t call : call_of_kernel)
    a.kernel_group.push_back(place[group_of_call[call]]);

  // Readings.
  if (a.span > 0 && a.idle_fraction > 0.25) {
    a.findings.push_back(
        "The GPU is idle " + percent(a.idle_fraction) + " of the run's span (" +
        format_quantity(a.gpu_busy, Dimension::time) + " busy in " +
        format_quantity(a.span, Dimension::time) +
        "): between kernels it waits for the host to "
        "launch the next one, so faster hardware shortens only the busy part. CUDA graphs or a "
        "compiled runtime remove the gaps; " +
        std::to_string(a.kernels) + " GPU activities, " +
        format_quantity(a.span / static_cast<double>(std::max<std::uint64_t>(a.kernels, 1)),
                        Dimension::time) +
        " of span each.");
  }
  for (const auto& [bound, time] : a.time_by_bound) {
    if (bound != "unmodelled" && time > 0.5 * a.kernel_time) {
      a.findings.push_back(percent(time / a.kernel_time) +
                           " of the kernel time is in calls the "
                           "model finds " +
                           (bound == "compute" ? "compute" : bound) + " bound.");
    }
  }
  for (const auto& g : a.groups) {
    if (g.model && g.total > 0.05 * a.kernel_time && g.roofline_share < 0.5) {
      a.findings.push_back(g.op + " " + g.shape + " takes " + percent(g.total / a.kernel_time) +
                           " of the kernel time at " + percent(g.roofline_share) +
                           " of the model's speed: the kernel, not the hardware, is the place "
                           "to look.");
    }
  }
  if (a.coverage < 0.9) {
    a.findings.push_back("The model prices " + percent(a.coverage) +
                         " of the kernel time; the rest is listed as unmodelled with the reason.");
  }
  return a;
}

nlohmann::json trace_analysis_json(const TraceAnalysis& a) {
  nlohmann::json j;
  j["trace"] = a.file;
  j["format"] = a.format;
  j["device_name"] = a.device_name;
  j["hw"] = a.hw_id;
  j["kernels"] = a.kernels;
  j["calls"] = a.calls;
  j["cpu_ops"] = a.cpu_ops;
  j["kernel_time_s"] = a.kernel_time;
  j["gpu_busy_s"] = a.gpu_busy;
  j["span_s"] = a.span;
  j["idle_fraction"] = a.idle_fraction;
  j["modelled_time_s"] = a.modelled_time;
  j["coverage"] = a.coverage;
  j["model_time_s"] = a.model_time;
  j["time_by_bound_s"] = a.time_by_bound;
  j["groups"] = nlohmann::json::array();
  for (const auto& g : a.groups) {
    nlohmann::json r;
    r["op"] = g.op;
    r["kind"] = g.kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.kind);
    r["shape"] = g.shape;
    r["params"] = g.call ? nlohmann::json(g.call->params) : nlohmann::json(nullptr);
    r["calls"] = g.calls;
    r["kernels"] = g.kernels;
    r["kernel_names"] = g.kernel_names;
    r["measured_s"] = {{"total", g.total}, {"median", g.median}, {"min", g.min}, {"max", g.max}};
    if (g.model) {
      r["model_s"] = g.model->time;
      r["bound"] = g.bound;
      r["roofline_share"] = g.roofline_share;
      r["flops"] = g.model->flops;
      r["achieved_flops"] = g.achieved_flops;
      r["achieved_bandwidth"] = g.achieved_bandwidth;
    } else {
      r["model_s"] = nullptr;
      r["unmodelled"] = g.why_unmodelled;
    }
    if (!a.targets.empty()) {
      nlohmann::json p = nlohmann::json::object();
      for (std::size_t t = 0; t < a.targets.size(); ++t) p[a.targets[t].id] = g.projected[t];
      r["projected_total_s"] = p;
    }
    j["groups"].push_back(std::move(r));
  }
  j["projections"] = nlohmann::json::array();
  for (const auto& t : a.targets) {
    j["projections"].push_back({{"hw", t.id},
                                {"name", t.name},
                                {"kernel_time_s", t.busy},
                                {"unmodelled_kept_s", t.unmodelled},
                                {"speedup", t.busy > 0 ? a.kernel_time / t.busy : 0.0}});
  }
  j["findings"] = a.findings;
  return j;
}

}  // namespace ridgeline::trace
