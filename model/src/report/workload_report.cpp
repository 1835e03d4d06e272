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
    if (analysis.parallel) {
      ops.back()["exposed_time_s"] = op.exposed_time();
      ops.back()["hidden_time_s"] = op.hidden_time();
    }
  }
  const auto& m = analysis.memory;
  json result{{"hw", analysis.hw_id},
              {"model", analysis.model_id},
              {"phase", std::string(workload::phase_name(analysis.spec.phase))},
              {"batch", analysis.spec.batch},
              {"weights", std::string(dtype_name(analysis.spec.weights))},
              {"activations", std::string(dtype_name(analysis.spec.activations))},
              {"kv", std::string(dtype_name(analysis.spec.kv))},
              {"kv_page", analysis.spec.kv_page},
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
  if (analysis.parallel) {
    const auto& p = *analysis.parallel;
    const auto& d = p.parallelism;
    result["system"] = p.system_id;
    result["parallel"] = {{"tp", d.tp},
                          {"pp", d.pp},
                          {"dp", d.dp},
                          {"ep", d.ep},
                          {"microbatches", d.microbatches},
                          {"sequence_parallel", d.sequence_parallel},
                          {"zero1", d.zero1},
                          {"devices", d.devices()},
                          {"replica_batch", p.replica_batch},
                          {"microbatch", p.microbatch},
                          {"comm_exposed_s", p.comm_exposed},
                          {"comm_hidden_s", p.comm_hidden},
                          {"comm_by_kind_s", p.comm_by_kind},
                          {"bubble_s", p.bubble_time},
                          {"bubble_fraction", p.bubble_fraction}};
  }
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
                        {"links_j", energy->links},
                        {"devices", energy->devices},
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
  // Parallel steps: time/step is the exposed time (on the critical path); "hidden" the part of a
  // communication row that overlaps compute.
  const bool parallel = analysis.parallel.has_value();
  if (parallel) {
    table.headers.insert(table.headers.begin() + 4, "hidden");
    table.align.insert(table.align.begin() + 4, Align::right);
  }
  for (const auto& op : analysis.ops) {
    const double achieved = op.cost.time > 0 ? op.cost.flops / op.cost.time : 0.0;
    std::vector<std::string> row = {
        op.name,
        op.kind,
        format_number(op.count, 6),
        format_quantity(op.exposed_time(), Dimension::time),
        format_number(100.0 * op.exposed_time() / analysis.step_time, 3) + "%",
        format_number(op.cost.flops * op.count, 3),
        achieved > 0 ? format_quantity(achieved, Dimension::compute) : "-",
        op.bound};
    if (parallel) {
      row.insert(row.begin() + 4,
                 op.hidden_time() > 0 ? format_quantity(op.hidden_time(), Dimension::time) : "-");
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table analysis_ops_csv(const workload::Analysis& analysis) {
  Table table;
  table.headers = {"name",  "kind", "group", "count", "time_s", "time_per_instance_s",
                   "flops", "bound"};
  const bool parallel = analysis.parallel.has_value();
  if (parallel) {
    table.headers.push_back("exposed_time_s");
    table.headers.push_back("hidden_time_s");
  }
  for (const auto& op : analysis.ops) {
    table.rows.push_back({op.name, op.kind, std::string(workload::group_name(op.group)),
                          format_number(op.count, 10), format_number(op.total_time(), 10),
                          format_number(op.cost.time, 10),
                          format_number(op.cost.flops * op.count, 10), op.bound});
    if (parallel) {
      table.rows.back().push_back(format_number(op.exposed_time(), 10));
      table.rows.back().push_back(format_number(op.hidden_time(), 10));
    }
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
  out << analysis.model_id << " " << workload::phase_name(spec.phase) << " on ";
  if (analysis.parallel) {
    const auto& d = analysis.parallel->parallelism;
    out << analysis.parallel->system_id << " (" << d.devices() << " × " << accelerator.name
        << "; tp " << d.tp << ", pp " << d.pp << ", dp " << d.dp << ", ep " << d.ep
        << ", micro-batches " << d.microbatches
        << (d.sequence_parallel ? ", sequence parallel" : "") << (d.zero1 ? ", ZeRO-1" : "") << ")";
  } else {
    out << accelerator.name << " (" << accelerator.id << ")";
  }
  out << ": batch " << spec.batch;
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
  if (analysis.parallel) {
    const auto& p = *analysis.parallel;
    const auto time = [](double seconds) {
      return seconds > 0 ? format_quantity(seconds, Dimension::time) : std::string("none");
    };
    out << "  communication " << time(p.comm_exposed) << " exposed, " << time(p.comm_hidden)
        << " hidden behind compute (per step)\n";
    for (const auto& op : analysis.ops) {
      if (op.group != workload::OpGroup::communication) continue;
      out << "                " << op.name << ": " << format_number(op.count, 4) << " × "
          << format_quantity(op.cost.time, Dimension::time) << " = "
          << format_quantity(op.total_time(), Dimension::time) << " per step ("
          << (op.bound == "latency" ? "latency-bound" : op.bound + "-bound") << ")\n";
    }
    if (p.parallelism.pp > 1) {
      out << "  bubble        " << format_quantity(p.bubble_time, Dimension::time) << " ("
          << format_number(100 * p.bubble_fraction, 3)
          << "% of the pipeline: (p − 1)/(m + p − 1))\n";
    }
  }
  if (const auto& energy = analysis.energy) {
    out << "  energy/token  " << format_quantity(energy->per_token, Dimension::energy) << " ("
        << format_quantity(energy->step, Dimension::energy) << " per step: compute "
        << format_quantity(energy->compute, Dimension::energy);
    for (std::size_t level = 0;
         level < energy->memory.size() && level < analysis.level_names.size(); ++level) {
      out << ", " << analysis.level_names[level] << " "
          << format_quantity(energy->memory[level], Dimension::energy);
    }
    out << ", static " << format_quantity(energy->static_energy, Dimension::energy);
    if (energy->devices > 1) {
      out << ", links " << format_quantity(energy->links, Dimension::energy) << "; "
          << energy->devices << " devices";
    }
    out << "; average power " << format_quantity(energy->average_power, Dimension::power) << ")\n";
  } else {
    out << "  energy/token  unknown (the spec has no energy figures)\n";
  }
  out << "  time bound by";
  for (const auto& [resource, share] : analysis.bound_share) {
    out << "  " << resource << " " << format_number(100 * share, 3) << "%";
  }
  out << "\n";
  const auto& m = analysis.memory;
  out << "  memory        " << (analysis.parallel ? "per device: " : "") << capacity_sentence(m)
      << " (weights " << format_quantity(m.weights, Dimension::bytes) << ", KV cache "
      << format_quantity(m.kv_cache, Dimension::bytes) << ", activations "
      << format_quantity(m.activations, Dimension::bytes);
  if (m.optimizer > 0) {
    out << ", gradients " << format_quantity(m.gradients, Dimension::bytes) << ", optimizer "
        << format_quantity(m.optimizer, Dimension::bytes);
  }
  out << ")\n";
  if (m.max_batch > 0) {
    const char* per = !analysis.parallel                     ? ""
                      : spec.phase == workload::Phase::train ? " (per micro-batch)"
                                                             : " (per replica)";
    out << "                largest batch that fits" << per << ": " << m.max_batch << "; largest "
        << (spec.phase == workload::Phase::decode ? "context" : "prompt")
        << " at this batch: " << m.max_tokens << "\n";
  } else {
    out << "                even one sequence does not fit: shard the model (TP/PP) or "
           "quantize it\n";
  }
  return out.str();
}

}  // namespace ridgeline::report
