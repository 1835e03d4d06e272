#include "ridgeline/workload/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::workload {
namespace {

using topology::CollectiveOp;

std::string text(std::int64_t value) {
  return std::to_string(value);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

std::int64_t moe_layer_count(const ModelConfig& model) {
  std::int64_t count = 0;
  for (std::int64_t layer = 0; layer < model.layers; ++layer) count += model.is_moe_layer(layer);
  return count;
}

// Tokens of one micro-batch in the GEMMs (decode: one per sequence).
double microbatch_tokens(const WorkloadSpec& spec, std::int64_t microbatch) {
  return static_cast<double>(spec.phase == Phase::decode ? microbatch : microbatch * spec.prompt);
}

// A row of collective or send/recv time: `count` instances of `cost` per step.
OpResult communication_row(std::string name, const topology::CollectiveCost& cost, double count,
                           bool derivation) {
  OpResult row;
  row.name = std::move(name);
  row.kind = cost.algorithm == "p2p" ? "send-recv" : std::string(topology::op_name(cost.op));
  row.group = OpGroup::communication;
  row.count = count;
  row.cost.name = row.name;
  row.cost.kind = row.kind;
  row.cost.time = cost.time_s;
  row.cost.overhead_time = cost.latency_s;
  row.bound = cost.bound;
  if (derivation) {
    row.cost.derivation = {
        row.kind + " of " + format_quantity(cost.bytes, Dimension::bytes) + " over " +
            std::to_string(cost.ranks) + " ranks: " + cost.algorithm + " (" + cost.protocol + ", " +
            cost.detail + ")",
        "time = " + format_quantity(cost.latency_s, Dimension::time) + " latency + " +
            format_quantity(cost.bandwidth_s, Dimension::time) + " bandwidth; busbw " +
            format_quantity(cost.busbw, Dimension::bandwidth) +
            (cost.bottleneck.empty() ? "" : "; binding link " + cost.bottleneck)};
  }
  return row;
}

// Energy of a parallel step, for the whole system: every device runs the rows of `analysis`
// (its share of the work: step_energy of one device, times the devices), and each sends the
// communication rows' wire bytes over its scale-up links. A send/recv row counts the critical
// path's sends (passes × m × (p − 1)); each device makes 1/p of them on average.
EnergyBreakdown system_energy(const Analysis& analysis, const hw::Accelerator& accelerator,
                              const Parallelism& p, const std::map<std::string, double>& wire) {
  const auto devices = static_cast<double>(p.devices());
  EnergyBreakdown energy = step_energy(accelerator, analysis.ops, analysis.spec.activations,
                                       analysis.step_time, analysis.tokens_per_step);
  double bytes = 0;  // per device per step
  for (const auto& row : analysis.ops) {
    const auto it = wire.find(row.name);
    if (row.group != OpGroup::communication || it == wire.end()) continue;
    const double calls =
        row.kind == "send-recv" ? row.count / static_cast<double>(p.pp) : row.count;
    bytes += it->second * calls;
  }
  energy.devices = p.devices();
  energy.compute *= devices;
  for (double& joules : energy.memory) joules *= devices;
  energy.static_energy *= devices;
  energy.links =
      bytes > 0 ? devices * bytes * 8.0 * hw::scale_up_link_energy_per_bit(accelerator) : 0.0;
  energy.step = energy.compute + energy.static_energy + energy.links;
  for (const double joules : energy.memory) energy.step += joules;
  energy.per_token = energy.step / analysis.tokens_per_step;
  energy.average_power = energy.step / analysis.step_time;
  return energy;
}

}  // namespace

double pipeline_bubble_fraction(std::int64_t stages, std::int64_t microbatches) {
  if (stages < 1 || microbatches < 1) return 0;
  return static_cast<double>(stages - 1) / static_cast<double>(microbatches + stages - 1);
}

void check_parallelism(const ModelConfig& model, const WorkloadSpec& spec,
                       const Parallelism& parallelism, const topology::System& system) {
  const auto& p = parallelism;
  std::vector<InputProblem> problems;
  auto problem = [&](std::string option, std::string message) {
    problems.push_back({"", std::move(option), std::move(message)});
  };
  const std::pair<const char*, std::int64_t> degrees[] = {{"--tp", p.tp},
                                                          {"--pp", p.pp},
                                                          {"--dp", p.dp},
                                                          {"--ep", p.ep},
                                                          {"--microbatches", p.microbatches}};
  for (const auto& [option, value] : degrees) {
    if (value < 1) problem(option, "must be at least 1 (got " + text(value) + ")");
  }
  if (!problems.empty()) throw InputError(std::move(problems));

  if (static_cast<double>(p.tp) * static_cast<double>(p.pp) * static_cast<double>(p.dp) >
      static_cast<double>(system.size())) {
    problem("--tp/--pp/--dp", "--tp × --pp × --dp = " + text(p.tp) + " × " + text(p.pp) + " × " +
                                  text(p.dp) + " = " + text(p.devices()) +
                                  " accelerators, but system '" + system.id + "' has " +
                                  std::to_string(system.size()));
  }
  if (model.heads % p.tp != 0) {
    problem("--tp", "tensor parallelism " + text(p.tp) + " does not divide " + model.id + "'s " +
                        text(model.heads) + " attention heads");
  } else if (!model.uses_mla && model.kv_heads % p.tp != 0 && p.tp % model.kv_heads != 0) {
    problem("--tp", "tensor parallelism " + text(p.tp) + " cannot share " + model.id + "'s " +
                        text(model.kv_heads) +
                        " KV heads evenly (it must divide them, or be a multiple of them)");
  }
  if (model.intermediate % p.tp != 0 || model.moe.expert_intermediate % p.tp != 0) {
    problem("--tp", "tensor parallelism " + text(p.tp) + " does not divide " + model.id +
                        "'s MLP width (" + text(model.intermediate) +
                        (model.is_moe() ? ", experts " + text(model.moe.expert_intermediate) : "") +
                        ")");
  }
  if (p.pp > model.layers) {
    problem("--pp", "pipeline parallelism " + text(p.pp) + " exceeds " + model.id + "'s " +
                        text(model.layers) + " layers");
  }
  if (p.ep > 1) {
    if (!model.is_moe()) {
      problem("--ep", model.id + " is a dense model: expert parallelism needs an MoE model");
    } else if (model.moe.routed_experts % p.ep != 0) {
      problem("--ep", "expert parallelism " + text(p.ep) + " does not divide " + model.id + "'s " +
                          text(model.moe.routed_experts) + " routed experts");
    }
    if (p.dp % p.ep != 0) {
      problem("--ep", "expert parallelism " + text(p.ep) + " must divide data parallelism --dp " +
                          text(p.dp) + " (expert groups are data-parallel ranks)");
    }
  }
  if (spec.batch >= 1 && spec.batch % (p.dp * p.microbatches) != 0) {
    problem("--batch",
            "batch " + text(spec.batch) +
                " must be a multiple of --dp × --microbatches = " + text(p.dp * p.microbatches) +
                " (the global batch is split over replicas and micro-batches)");
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

ModelConfig shard_model(const ModelConfig& model, const Parallelism& parallelism) {
  const std::int64_t t = parallelism.tp;
  ModelConfig shard = model;
  shard.heads = model.heads / t;
  // Fewer KV heads than ranks: each rank keeps a copy of the one its query heads use (vLLM).
  shard.kv_heads = model.kv_heads >= t ? model.kv_heads / t : 1;
  shard.intermediate = model.intermediate / t;
  shard.moe.expert_intermediate = model.moe.expert_intermediate / t;
  shard.moe.routed_experts = model.moe.routed_experts / parallelism.ep;
  shard.vocab = ceil_div(model.vocab, t);  // vocabulary-parallel embedding and LM head
  return shard;
}

namespace {

// The per-device parts for `sequences` per replica (training: per micro-batch) of `tokens` tokens.
MemoryFootprint device_parts(const ModelConfig& model, const WorkloadSpec& spec,
                             const Parallelism& p, std::int64_t sequences, std::int64_t tokens,
                             double capacity_bytes) {
  ModelConfig stage = shard_model(model, p);
  stage.layers = ceil_div(model.layers, p.pp);  // the largest stage
  MemoryFootprint footprint = memory_parts(stage, spec, sequences, tokens, capacity_bytes);
  // With pp > 1 a stage holds the embedding or the LM head (or its tied copy), not both.
  const auto parameters = count_parameters(stage);
  const double stage_parameters = parameters.total() - (p.pp > 1 ? parameters.lm_head : 0.0);
  footprint.weights = stage_parameters * dtype_bytes(spec.weights);
  if (spec.phase == Phase::train) {
    const double act_bytes = dtype_bytes(spec.activations);
    footprint.gradients = stage_parameters * act_bytes;
    footprint.optimizer = stage_parameters * 12.0 / (p.zero1 ? static_cast<double>(p.dp) : 1.0);
    // Korthikanti et al. 2023 eq. 2 (tensor parallel) and eq. 4 (with sequence parallelism),
    // without the attention-score term (FlashAttention): bytes per layer in 16-bit; 1F1B keeps
    // min(p, m) micro-batches of activations in the first stage (§4.2.3).
    const double t = static_cast<double>(p.tp);
    const double per_layer_coefficient = p.sequence_parallel ? 34.0 / t : 10.0 + 24.0 / t;
    const double in_flight = static_cast<double>(std::min(p.pp, p.microbatches));
    footprint.activations = per_layer_coefficient * static_cast<double>(tokens) *
                            static_cast<double>(sequences) * static_cast<double>(model.hidden) *
                            static_cast<double>(stage.layers) * in_flight * act_bytes / 2.0;
  }
  return footprint;
}

}  // namespace

MemoryFootprint parallel_memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                          const Parallelism& parallelism, double capacity_bytes) {
  const auto& p = parallelism;
  std::int64_t sequences = std::max<std::int64_t>(1, spec.batch / p.dp);
  if (spec.phase == Phase::train) sequences = std::max<std::int64_t>(1, sequences / p.microbatches);
  const std::int64_t tokens = cached_tokens(spec);
  MemoryFootprint footprint = device_parts(model, spec, p, sequences, tokens, capacity_bytes);
  auto fits = [&](std::int64_t n, std::int64_t length) {
    return device_parts(model, spec, p, n, length, capacity_bytes).total() <= capacity_bytes;
  };
  constexpr std::int64_t kBatchLimit = 1 << 20;
  footprint.max_batch =
      largest_fitting(kBatchLimit, [&](std::int64_t n) { return fits(n, tokens); });
  footprint.max_tokens =
      largest_fitting(model.max_positions, [&](std::int64_t n) { return fits(sequences, n); });
  return footprint;
}

Analysis analyze(const topology::CollectiveModel& system_model, const Parallelism& parallelism,
                 const Workload& workload, const AnalysisOptions& options) {
  const auto& system = system_model.system();
  const auto& model = workload.model;
  const auto& spec = workload.spec;
  const auto& p = parallelism;
  check_parallelism(model, spec, p, system);

  const hw::Accelerator& accelerator = system.accelerator(0);
  for (std::size_t rank = 1; rank < static_cast<std::size_t>(p.devices()); ++rank) {
    if (system.accelerator(rank).id != accelerator.id) {
      throw ModelError("system '" + system.id + "' mixes accelerators (" + accelerator.id + ", " +
                       system.accelerator(rank).id +
                       ") among the devices used; the parallel model assumes identical devices");
    }
  }

  // One device, one micro-batch: the tensor/expert-sharded model at the micro-batch size.
  ParallelSummary summary;
  summary.system_id = system.id;
  summary.parallelism = p;
  summary.replica_batch = spec.batch / p.dp;
  summary.microbatch = summary.replica_batch / p.microbatches;
  WorkloadSpec device_spec = spec;
  device_spec.batch = summary.microbatch;
  const Workload device = build_workload(shard_model(model, p), device_spec);
  const Analysis one = analyze(accelerator, device, options);

  const auto m = static_cast<double>(p.microbatches);
  const auto stages = static_cast<double>(p.pp);
  const bool train = spec.phase == Phase::train;
  const double passes = train ? 2.0 : 1.0;  // forward (+ backward)
  const double layers = static_cast<double>(model.layers);
  const double act_bytes = dtype_bytes(spec.activations);
  const double tokens = microbatch_tokens(spec, summary.microbatch);
  const topology::ParallelLayout layout{
      static_cast<std::size_t>(p.tp), static_cast<std::size_t>(p.dp),
      static_cast<std::size_t>(p.pp), static_cast<std::size_t>(p.ep)};
  auto group = [&](topology::ParallelAxis axis) {
    return topology::parallel_group(system, layout, axis, 0);
  };

  Analysis analysis;
  analysis.hw_id = accelerator.id;
  analysis.model_id = model.id;
  analysis.level_names = one.level_names;
  analysis.spec = spec;

  // Compute rows: each device runs its stage (1/p of the layers) for every micro-batch; the
  // optimizer runs once per step over the stage's parameters.
  double microbatch_time = 0;  // one micro-batch through the whole (tensor-sharded) model
  double backward_time = 0;    // its backward part
  for (OpResult row : one.ops) {
    if (row.group == OpGroup::optimizer) {
      row.count /= stages;
    } else {
      microbatch_time += row.total_time();
      if (row.name.ends_with(".backward")) backward_time += row.total_time();
      row.count *= m / stages;
    }
    analysis.ops.push_back(std::move(row));
  }

  // Bytes each device sends over its links per call of a communication row (for link energy): a
  // collective's message × its bus-bandwidth factor (nccl-tests: what each rank's link carries);
  // a send/recv's message.
  std::map<std::string, double> wire_bytes;
  const auto wire = [&](const std::string& name, const topology::CollectiveCost& cost) {
    wire_bytes[name] = cost.algorithm == "p2p"
                           ? cost.bytes
                           : cost.bytes * topology::bus_bandwidth_factor(cost.op, cost.ranks);
    return cost;
  };

  // Tensor-parallel collectives, in the micro-batch's critical path.
  std::vector<OpResult> in_pipeline;
  if (p.tp > 1) {
    const auto tensor = group(topology::ParallelAxis::tensor);
    const double bytes = tokens * static_cast<double>(model.hidden) * act_bytes;
    const double per_microbatch = 2.0 * layers * passes;  // after attention and after the MLP
    if (p.sequence_parallel) {
      in_pipeline.push_back(communication_row(
          "tp.reduce-scatter",
          wire("tp.reduce-scatter", system_model.cost(CollectiveOp::reduce_scatter, bytes, tensor)),
          per_microbatch, options.derivation));
      in_pipeline.push_back(communication_row(
          "tp.all-gather",
          wire("tp.all-gather", system_model.cost(CollectiveOp::all_gather, bytes, tensor)),
          per_microbatch, options.derivation));
    } else {
      in_pipeline.push_back(communication_row(
          "tp.all-reduce",
          wire("tp.all-reduce", system_model.cost(CollectiveOp::all_reduce, bytes, tensor)),
          per_microbatch, options.derivation));
    }
    if (!train) {
      // Vocabulary-parallel LM head: the logits of each sequence's last token are gathered.
      const double logits = static_cast<double>(summary.microbatch) *
                            static_cast<double>(shard_model(model, p).vocab * p.tp) * act_bytes;
      in_pipeline.push_back(communication_row(
          "tp.logits.all-gather",
          wire("tp.logits.all-gather", system_model.cost(CollectiveOp::all_gather, logits, tensor)),
          1, options.derivation));
    }
  }
  // Expert-parallel dispatch and combine: each token's hidden state to its top-k experts' ranks
  // and back (nccl-tests all-to-all size: the whole per-rank buffer).
  if (p.ep > 1) {
    const auto experts = group(topology::ParallelAxis::expert);
    const double bytes = tokens * static_cast<double>(model.moe.experts_per_token) *
                         static_cast<double>(model.hidden) * act_bytes;
    in_pipeline.push_back(communication_row(
        "ep.all-to-all",
        wire("ep.all-to-all", system_model.cost(CollectiveOp::all_to_all, bytes, experts)),
        2.0 * static_cast<double>(moe_layer_count(model)) * passes, options.derivation));
  }
  for (OpResult row : in_pipeline) {
    microbatch_time += row.total_time();
    row.count *= m / stages;
    analysis.ops.push_back(std::move(row));
  }

  // Pipeline: (m + p − 1) stage slots of microbatch_time / p each; the p − 1 slots of fill and
  // drain are the bubble. One send/recv per boundary per pass is exposed; the others overlap.
  ParallelSummary& s = summary;
  if (p.pp > 1) {
    const auto pipeline = group(topology::ParallelAxis::pipeline);
    const double bytes = tokens * static_cast<double>(model.hidden) * act_bytes;
    topology::CollectiveCost slowest;
    for (std::size_t i = 0; i + 1 < pipeline.ranks.size(); ++i) {
      const auto cost =
          system_model.point_to_point(pipeline.ranks[i], pipeline.ranks[i + 1], bytes);
      if (cost.time_s > slowest.time_s) slowest = cost;
    }
    OpResult sends = communication_row("pp.send-recv", wire("pp.send-recv", slowest),
                                       passes * m * (stages - 1.0), options.derivation);
    sends.hidden_fraction = (m - 1.0) / m;
    analysis.ops.push_back(std::move(sends));

    s.bubble_fraction = pipeline_bubble_fraction(p.pp, p.microbatches);
    s.bubble_time = (stages - 1.0) * microbatch_time / stages;
    OpResult bubble;
    bubble.name = "pipeline.bubble";
    bubble.kind = "bubble";
    bubble.group = OpGroup::pipeline;
    bubble.cost.name = bubble.name;
    bubble.cost.kind = bubble.kind;
    bubble.cost.time = s.bubble_time;
    bubble.bound = "pipeline bubble";
    if (options.derivation) {
      bubble.cost.derivation = {
          "(p − 1) idle stage slots of " +
          format_quantity(microbatch_time / stages, Dimension::time) +
          ": bubble fraction (p − 1)/(m + p − 1) = " + format_number(s.bubble_fraction, 3)};
    }
    analysis.ops.push_back(std::move(bubble));
  }

  // Data-parallel gradient all-reduce (training), overlapped with the last backward pass.
  if (train && p.dp > 1) {
    const auto data = group(topology::ParallelAxis::data);
    const double stage_parameters = count_parameters(shard_model(model, p)).total() / stages;
    const auto cost =
        wire("dp.gradients.all-reduce",
             system_model.cost(CollectiveOp::all_reduce, stage_parameters * act_bytes, data));
    OpResult row = communication_row("dp.gradients.all-reduce", cost, 1, options.derivation);
    const double overlap = std::min(cost.time_s, backward_time / stages);
    row.hidden_fraction = cost.time_s > 0 ? overlap / cost.time_s : 0.0;
    analysis.ops.push_back(std::move(row));
  }

  for (const auto& row : analysis.ops) {
    analysis.step_time += row.exposed_time();
    analysis.bound_share[row.bound] += row.exposed_time();
    if (row.group == OpGroup::communication) {
      s.comm_exposed += row.exposed_time();
      s.comm_hidden += row.hidden_time();
      s.comm_by_kind[row.kind] += row.total_time();
    }
  }
  for (auto& [resource, time] : analysis.bound_share) time /= analysis.step_time;

  analysis.tokens_per_step = one.tokens_per_step * m * static_cast<double>(p.dp);
  analysis.tokens_per_s = analysis.tokens_per_step / analysis.step_time;
  if (spec.phase == Phase::prefill) analysis.ttft = analysis.step_time + spec.request_overhead;
  if (spec.phase == Phase::decode) analysis.tpot = analysis.step_time;
  // Per device: its share of the model FLOPs and essential bytes over the step.
  analysis.model_flops = one.model_flops * m / stages;
  analysis.essential_bytes = one.essential_bytes * m / stages;
  analysis.mfu =
      analysis.model_flops / (analysis.step_time * hw::peak_rate(accelerator, spec.activations));
  analysis.mbu =
      analysis.essential_bytes / (analysis.step_time * accelerator.off_chip().bandwidth.value);
  analysis.memory =
      parallel_memory_footprint(model, spec, p, accelerator.off_chip().capacity.value);
  if (accelerator.energy) analysis.energy = system_energy(analysis, accelerator, p, wire_bytes);
  analysis.parallel = std::move(summary);
  return analysis;
}

}  // namespace ridgeline::workload
