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
      // Energy (docs/model.md, "Energy"): unknown (nullopt), never 0, without the spec's figures.
      {"energy_per_token", "energy per token: dynamic (FLOPs, bytes per level) + static power",
       Dimension::energy, "J", false,
       [](const Analysis& a) -> std::optional<double> {
         if (!a.energy) return std::nullopt;
         return a.energy->per_token;
       }},
      {"power", "average power over the step (energy per step / step time)", Dimension::power, "W",
       false,
       [](const Analysis& a) -> std::optional<double> {
         if (!a.energy) return std::nullopt;
         return a.energy->average_power;
       }},
      {"price", "purchase price of the accelerator (the spec's energy.price)", Dimension::price,
       "USD", false,
       [](const Analysis& a) -> std::optional<double> {
         if (!a.energy || !a.energy->price) return std::nullopt;
         return *a.energy->price;
       }},
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

}  // namespace ridgeline::explore
