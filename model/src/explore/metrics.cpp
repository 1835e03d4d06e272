#include "ridgeline/explore/metrics.hpp"

#include "ridgeline/base/error.hpp"

namespace ridgeline::explore {

const std::vector<Metric>& metric_registry() {
  using workload::Analysis;
  using workload::Phase;
  static const std::vector<Metric> metrics{
      {"step_time", "time of one step (the DAG's critical path)", Dimension::time, "s", false,
       [](const Analysis& a) -> std::optional<double> { return a.step_time; }},
      {"tokens_per_s", "tokens processed (prefill, train) or generated (decode) per second",
       Dimension::count, "tokens/s", true,
       [](const Analysis& a) -> std::optional<double> { return a.tokens_per_s; }},
      {"ttft", "time to first token (prefill)", Dimension::time, "s", false,
       [](const Analysis& a) -> std::optional<double> {
         if (a.spec.phase != Phase::prefill) return std::nullopt;
         return a.ttft;
       }},
      {"tpot", "time per output token (decode)", Dimension::time, "s", false,
       [](const Analysis& a) -> std::optional<double> {
         if (a.spec.phase != Phase::decode) return std::nullopt;
         return a.tpot;
       }},
      {"mfu", "model FLOPs utilisation", Dimension::count, "", true,
       [](const Analysis& a) -> std::optional<double> { return a.mfu; }},
      {"mbu", "memory bandwidth utilisation (weights + KV cache per step)", Dimension::count, "",
       true, [](const Analysis& a) -> std::optional<double> { return a.mbu; }},
      {"memory", "memory needed: weights + KV cache + activations (+ training state)",
       Dimension::bytes, "B", false,
       [](const Analysis& a) -> std::optional<double> { return a.memory.total(); }},
      // Energy per token joins here once the specs carry energy figures (issue 8, item 6).
  };
  return metrics;
}

const Metric& find_metric(std::string_view name, std::string_view flag) {
  std::string known;
  for (const auto& metric : metric_registry()) {
    if (metric.name == name) return metric;
    known += (known.empty() ? "" : ", ") + metric.name;
  }
  throw InputError("", std::string(flag),
                   "unknown metric '" + std::string(name) + "'; known metrics: " + known);
}

std::string dominant_bound(const workload::Analysis& analysis) {
  std::string bound;
  double largest = -1;
  for (const auto& [resource, share] : analysis.bound_share) {
    if (share > largest) {
      largest = share;
      bound = resource;
    }
  }
  return bound;
}

}  // namespace ridgeline::explore
