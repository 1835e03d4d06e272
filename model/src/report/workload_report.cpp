#include "ridgeline/report/workload_report.hpp"

#include <sstream>

#include "ridgeline/base/units.hpp"

namespace ridgeline::report {

using nlohmann::json;

json analysis_json(const workload::Analysis& analysis) {
  json ops = json::array();
  for (const auto& op : analysis.ops) {
    json bytes = json::object();
    for (std::size_t level = 0; level < op.cost.bytes.size() && level < analysis.level_names.size();
         ++level) {
      bytes[analysis.level_names[level]] = op.cost.bytes[level] * op.count;
    }
    ops.push_back({{"name", op.name},
                   {"kind", op.kind},
                   {"group", std::string(workload::group_name(op.group))},
                   {"count", op.count},
                   {"flops", op.cost.flops * op.count},
                   {"bytes", bytes},
                   {"time_s", op.total_time()},
                   {"time_per_instance_s", op.cost.time},
                   {"bound", op.bound}});
  }
  const auto& m = analysis.memory;
  json result{{"hw", analysis.hw_id},
              {"model", analysis.model_id},
              {"phase", std::string(workload::phase_name(analysis.spec.phase))},
              {"batch", analysis.spec.batch},
              {"weights", std::string(dtype_name(analysis.spec.weights))},
              {"activations", std::string(dtype_name(analysis.spec.activations))},
              {"kv", std::string(dtype_name(analysis.spec.kv))},
              {"runtime", std::string(workload::runtime_name(analysis.spec.runtime))},
              {"step_time_s", analysis.step_time},
              {"tokens_per_step", analysis.tokens_per_step},
              {"tokens_per_s", analysis.tokens_per_s},
              {"mfu", analysis.mfu},
              {"mbu", analysis.mbu},
              {"model_flops", analysis.model_flops},
              {"memory",
               {{"required_bytes", m.total()},
                {"capacity_bytes", m.capacity},
                {"fits", m.fits()},
                {"shortfall_bytes", m.shortfall()},
                {"weights_bytes", m.weights},
                {"kv_cache_bytes", m.kv_cache},
                {"activation_bytes", m.activations},
                {"gradient_bytes", m.gradients},
                {"optimizer_bytes", m.optimizer},
                {"max_batch", m.max_batch},
                {"max_tokens", m.max_tokens}}},
              {"bound_share", analysis.bound_share},
              {"ops", ops}};
  // Energy keys are null (never 0) when the spec has no energy figures.
  result["energy_per_token_j"] = nullptr;
  result["energy_per_step_j"] = nullptr;
  result["average_power_w"] = nullptr;
  result["energy"] = nullptr;
  if (const auto& energy = analysis.energy) {
    result["energy_per_token_j"] = energy->per_token;
    result["energy_per_step_j"] = energy->step;
    result["average_power_w"] = energy->average_power;
    json memory = json::object();
    for (std::size_t level = 0;
         level < energy->memory.size() && level < analysis.level_names.size(); ++level) {
      memory[analysis.level_names[level]] = energy->memory[level];
    }
    result["energy"] = {{"compute_j", energy->compute},
                        {"memory_j", memory},
                        {"static_j", energy->static_energy},
                        {"price_usd", energy->price ? json(*energy->price) : json(nullptr)}};
  }
  if (analysis.spec.phase == workload::Phase::prefill) {
    result["ttft_s"] = analysis.ttft;
    result["prompt"] = analysis.spec.prompt;
  } else if (analysis.spec.phase == workload::Phase::decode) {
    result["tpot_s"] = analysis.tpot;
    result["context"] = analysis.spec.context;
  } else {
    result["prompt"] = analysis.spec.prompt;
  }
  return result;
}

Table analysis_ops_table(const workload::Analysis& analysis) {
  Table table;
  table.headers = {"operator", "kind", "count", "time/step", "share", "FLOP", "achieved", "bound"};
  table.align = {Align::left,  Align::left,  Align::right, Align::right,
                 Align::right, Align::right, Align::right, Align::left};
  for (const auto& op : analysis.ops) {
    const double achieved = op.cost.time > 0 ? op.cost.flops / op.cost.time : 0.0;
    table.rows.push_back({op.name, op.kind, format_number(op.count, 6),
                          format_quantity(op.total_time(), Dimension::time),
                          format_number(100.0 * op.total_time() / analysis.step_time, 3) + "%",
                          format_number(op.cost.flops * op.count, 3),
                          achieved > 0 ? format_quantity(achieved, Dimension::compute) : "-",
                          op.bound});
  }
  return table;
}

Table analysis_ops_csv(const workload::Analysis& analysis) {
  Table table;
  table.headers = {"name",  "kind", "group", "count", "time_s", "time_per_instance_s",
                   "flops", "bound"};
  for (const auto& op : analysis.ops) {
    table.rows.push_back({op.name, op.kind, std::string(workload::group_name(op.group)),
                          format_number(op.count, 10), format_number(op.total_time(), 10),
                          format_number(op.cost.time, 10),
                          format_number(op.cost.flops * op.count, 10), op.bound});
  }
  return table;
}

std::string capacity_sentence(const workload::MemoryFootprint& memory) {
  if (memory.fits()) {
    return "fits: needs " + format_quantity(memory.total(), Dimension::bytes) + " of " +
           format_quantity(memory.capacity, Dimension::bytes);
  }
  return "does not fit: needs " + format_quantity(memory.total(), Dimension::bytes) + " of " +
         format_quantity(memory.capacity, Dimension::bytes) + ", short by " +
         format_quantity(memory.shortfall(), Dimension::bytes);
}

std::string analysis_summary(const workload::Analysis& analysis,
                             const hw::Accelerator& accelerator) {
  std::ostringstream out;
  const auto& spec = analysis.spec;
  out << analysis.model_id << " " << workload::phase_name(spec.phase) << " on " << accelerator.name
      << " (" << accelerator.id << "): batch " << spec.batch;
  if (spec.phase == workload::Phase::decode) {
    out << ", context " << spec.context;
  } else {
    out << ", prompt " << spec.prompt;
  }
  out << "; weights " << dtype_name(spec.weights) << ", activations "
      << dtype_name(spec.activations) << ", KV " << dtype_name(spec.kv) << "\n\n";
  out << "  step time     " << format_quantity(analysis.step_time, Dimension::time) << "\n";
  if (spec.phase == workload::Phase::prefill) {
    out << "  TTFT          " << format_quantity(analysis.ttft, Dimension::time) << "\n";
  }
  if (spec.phase == workload::Phase::decode) {
    out << "  TPOT          " << format_quantity(analysis.tpot, Dimension::time) << "\n";
  }
  out << "  tokens/s      " << format_number(analysis.tokens_per_s, 5) << "\n";
  out << "  MFU           " << format_number(100 * analysis.mfu, 3) << "%\n";
  out << "  MBU           " << format_number(100 * analysis.mbu, 3) << "%\n";
  if (const auto& energy = analysis.energy) {
    out << "  energy/token  " << format_quantity(energy->per_token, Dimension::energy) << " ("
        << format_quantity(energy->step, Dimension::energy) << " per step: compute "
        << format_quantity(energy->compute, Dimension::energy);
    for (std::size_t level = 0;
         level < energy->memory.size() && level < analysis.level_names.size(); ++level) {
      out << ", " << analysis.level_names[level] << " "
          << format_quantity(energy->memory[level], Dimension::energy);
    }
    out << ", static " << format_quantity(energy->static_energy, Dimension::energy)
        << "; average power " << format_quantity(energy->average_power, Dimension::power) << ")\n";
  } else {
    out << "  energy/token  unknown (the spec has no energy figures)\n";
  }
  out << "  time bound by";
  for (const auto& [resource, share] : analysis.bound_share) {
    out << "  " << resource << " " << format_number(100 * share, 3) << "%";
  }
  out << "\n";
  const auto& m = analysis.memory;
  out << "  memory        " << capacity_sentence(m) << " (weights "
      << format_quantity(m.weights, Dimension::bytes) << ", KV cache "
      << format_quantity(m.kv_cache, Dimension::bytes) << ", activations "
      << format_quantity(m.activations, Dimension::bytes);
  if (m.optimizer > 0) {
    out << ", gradients " << format_quantity(m.gradients, Dimension::bytes) << ", optimizer "
        << format_quantity(m.optimizer, Dimension::bytes);
  }
  out << ")\n";
  if (m.max_batch > 0) {
    out << "                largest batch that fits: " << m.max_batch << "; largest "
        << (spec.phase == workload::Phase::decode ? "context" : "prompt")
        << " at this batch: " << m.max_tokens << "\n";
  } else {
    out << "                the weights alone exceed the memory: shard the model (TP/PP) or "
           "quantize it\n";
  }
  return out.str();
}

}  // namespace ridgeline::report
