// Parallel analysis (workload/parallel.hpp): sharding, per-device capacity, the collectives a
// split implies, the pipeline bubble, overlap, and the bad-input classes, each naming its flag.

#include "ridgeline/workload/parallel.hpp"

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/library.hpp"

namespace ridgeline::workload {
namespace {

const hw::SpecLibrary& specs() {
  static const hw::SpecLibrary library(RIDGELINE_HWSPECS_DIR);
  return library;
}

const topology::CollectiveModel& system(const std::string& id) {
  static std::map<std::string, std::unique_ptr<topology::CollectiveModel>> models;
  static const topology::SystemLibrary systems(specs());
  auto& model = models[id];
  if (!model) model = std::make_unique<topology::CollectiveModel>(systems.system(id));
  return *model;
}

WorkloadSpec decode(std::int64_t batch, std::int64_t context) {
  WorkloadSpec spec;
  spec.phase = Phase::decode;
  spec.batch = batch;
  spec.context = context;
  return spec;
}

WorkloadSpec with_prompt(Phase phase, std::int64_t batch, std::int64_t prompt) {
  WorkloadSpec spec;
  spec.phase = phase;
  spec.batch = batch;
  spec.prompt = prompt;
  return spec;
}

Parallelism degrees(std::int64_t tp, std::int64_t pp = 1, std::int64_t dp = 1,
                    std::int64_t microbatches = 1) {
  Parallelism p;
  p.tp = tp;
  p.pp = pp;
  p.dp = dp;
  p.microbatches = microbatches;
  return p;
}

Analysis run(const std::string& system_id, const std::string& model, const WorkloadSpec& spec,
             const Parallelism& parallelism) {
  return analyze(system(system_id), parallelism, build_workload(load_model_config(model), spec));
}

const OpResult* row(const Analysis& analysis, const std::string& name) {
  for (const auto& op : analysis.ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

TEST(ParallelBubble, HandDerivedFraction) {
  // Narayanan et al. 2021 §2.2.1: with p stages and m micro-batches the pipeline runs m + p − 1
  // slots of which p − 1 are fill and drain: (p − 1)/(m + p − 1).
  EXPECT_DOUBLE_EQ(pipeline_bubble_fraction(4, 8), 3.0 / 11.0);
  EXPECT_DOUBLE_EQ(pipeline_bubble_fraction(8, 1), 7.0 / 8.0);  // one micro-batch: 1 busy slot of 8
  EXPECT_DOUBLE_EQ(pipeline_bubble_fraction(1, 16), 0.0);       // no pipeline, no bubble
}

TEST(ParallelBubble, StepOfAPipelinedPrefillHasTheBubbleShare) {
  // llama-3-8b prefill, batch 8 × 1024 tokens, pp = 4, m = 4 on dgx-h100 (no tp, no dp). Every
  // row but the exposed sends is a pipeline slot: compute rows are m/p of one micro-batch's work
  // (m slots), the bubble p − 1 slots, so bubble / (compute + bubble) = 3/7 = (p − 1)/(m + p − 1).
  const auto analysis =
      run("dgx-h100", "llama-3-8b", with_prompt(Phase::prefill, 8, 1024), degrees(1, 4, 1, 4));
  ASSERT_TRUE(analysis.parallel);
  EXPECT_DOUBLE_EQ(analysis.parallel->bubble_fraction, 3.0 / 7.0);
  EXPECT_EQ(analysis.parallel->microbatch, 2);
  double slots = 0;
  for (const auto& op : analysis.ops) {
    if (op.group != OpGroup::communication) slots += op.exposed_time();
  }
  EXPECT_NEAR(analysis.parallel->bubble_time / slots, 3.0 / 7.0, 1e-12);
  // The exposed sends: one per stage boundary (3), the other 3 × 3 overlap: 12 sends in all.
  const auto* sends = row(analysis, "pp.send-recv");
  ASSERT_NE(sends, nullptr);
  EXPECT_DOUBLE_EQ(sends->count, 12.0);
  EXPECT_NEAR(sends->exposed_time(), 3.0 * sends->cost.time, 1e-15);
  EXPECT_NEAR(analysis.step_time, slots + sends->exposed_time(), 1e-12 * analysis.step_time);
}

TEST(ParallelShard, MegatronSplitOfLlama3_70b) {
  // tp = 8: 64 heads → 8, 8 KV heads → 1, MLP 28672 → 3584, vocabulary 128256 → 16032 per rank.
  const auto shard = shard_model(load_model_config("llama-3-70b"), degrees(8));
  EXPECT_EQ(shard.heads, 8);
  EXPECT_EQ(shard.kv_heads, 1);
  EXPECT_EQ(shard.intermediate, 3584);
  EXPECT_EQ(shard.vocab, 16032);
  EXPECT_EQ(shard.hidden, 8192);  // the residual stream is replicated
}

TEST(ParallelCapacity, Llama3_70bBf16FitsOnTwoH100sNotOne) {
  // 70.6 B parameters × 2 B = 141 GB: above one H100's 80 GB; over tp = 2 each GPU holds about
  // 70.6 GB of weights plus half the KV cache (4097 tokens × 80 layers × 2 × 8 heads × 128 × 2 B
  // = 1.34 GB, so 0.67 GB): fits.
  const auto spec = decode(1, 4096);
  const auto one = run("dgx-h100", "llama-3-70b", spec, degrees(1));
  const auto two = run("dgx-h100", "llama-3-70b", spec, degrees(2));
  EXPECT_FALSE(one.memory.fits());
  EXPECT_TRUE(two.memory.fits());
  EXPECT_NEAR(two.memory.weights, one.memory.weights / 2, 0.01 * one.memory.weights);
  EXPECT_NEAR(two.memory.kv_cache, 1.342e9 / 2, 0.01e9);
}

TEST(ParallelCapacity, PipelineStagesHoldTheirLayers) {
  // pp = 4 on 80 layers: 20 layers per stage, and the embedding or the LM head, not both.
  const auto model = load_model_config("llama-3-70b");
  const auto p = count_parameters(model);
  const auto footprint = parallel_memory_footprint(model, decode(1, 4096), degrees(1, 4), 80e9);
  const double expected = ((p.attention + p.mlp + p.norms) / 4.0 + p.embedding) * 2.0;
  EXPECT_NEAR(footprint.weights, expected, 1e-6 * expected);
}

TEST(ParallelCapacity, TrainingShardsActivationsAndZero1ShardsTheOptimizer) {
  // llama-3-8b training, 4096 tokens per sequence, micro-batch 1, tp = 4: activations per layer
  // (10 + 24/4)·s·b·h = 16 × 4096 × 4096 B (Korthikanti et al. eq. 2, 16-bit) × 32 layers;
  // with sequence parallelism 34/4·s·b·h. Adam's 12 B per parameter is halved by ZeRO-1 over
  // dp = 2.
  const auto model = load_model_config("llama-3-8b");
  const auto spec = with_prompt(Phase::train, 2, 4096);
  auto p = degrees(4, 1, 2);
  const auto plain = parallel_memory_footprint(model, spec, p, 80e9);
  EXPECT_NEAR(plain.activations, 16.0 * 4096 * 4096 * 32, 1.0);
  p.sequence_parallel = true;
  p.zero1 = true;
  const auto sharded = parallel_memory_footprint(model, spec, p, 80e9);
  EXPECT_NEAR(sharded.activations, 8.5 * 4096 * 4096 * 32, 1.0);
  EXPECT_NEAR(sharded.optimizer, plain.optimizer / 2, 1e-9 * plain.optimizer);
  EXPECT_NEAR(plain.optimizer, 6.0 * plain.gradients, 1e-9 * plain.optimizer);  // 12 B vs 2 B
}

TEST(ParallelCollectives, TensorParallelDecodeAllReduces) {
  // Megatron: an all-reduce after attention (o-projection) and after the MLP (down): 2 per layer,
  // 160 for llama-3-70b's 80 layers, each of batch × hidden × 2 B = 1 × 8192 × 2 = 16 KiB over
  // the tp group {gpu0, gpu1}.
  const auto analysis = run("dgx-h100", "llama-3-70b", decode(1, 4096), degrees(2));
  const auto* all_reduce = row(analysis, "tp.all-reduce");
  ASSERT_NE(all_reduce, nullptr);
  EXPECT_DOUBLE_EQ(all_reduce->count, 160.0);
  const auto expected =
      system("dgx-h100").cost(topology::CollectiveOp::all_reduce, 16384.0, topology::Group{{0, 1}});
  EXPECT_DOUBLE_EQ(all_reduce->cost.time, expected.time_s);
  EXPECT_EQ(all_reduce->bound, "latency");      // 16 KiB is far below NVLink's bandwidth regime
  EXPECT_EQ(all_reduce->hidden_fraction, 0.0);  // on the critical path in inference
  EXPECT_GT(analysis.bound_share.at("latency"), 0.0);
  EXPECT_NEAR(analysis.parallel->comm_by_kind.at("all-reduce"), 160 * expected.time_s, 1e-12);
}

TEST(ParallelCollectives, SequenceParallelSwapsAllReduceForReduceScatterAndAllGather) {
  auto p = degrees(4);
  p.sequence_parallel = true;
  const auto analysis = run("dgx-h100", "llama-3-8b", with_prompt(Phase::prefill, 1, 2048), p);
  EXPECT_EQ(row(analysis, "tp.all-reduce"), nullptr);
  ASSERT_NE(row(analysis, "tp.reduce-scatter"), nullptr);
  ASSERT_NE(row(analysis, "tp.all-gather"), nullptr);
  EXPECT_DOUBLE_EQ(row(analysis, "tp.all-gather")->count, 64.0);  // 2 × 32 layers
}

TEST(ParallelCollectives, OneDeviceIsTheSingleAcceleratorAnalysis) {
  // tp = pp = dp = 1: no communication, no bubble; the same step as analyze(accelerator, ...).
  const auto spec = decode(4, 1024);
  const auto parallel = run("dgx-h100", "llama-3-8b", spec, degrees(1));
  const auto single = analyze(system("dgx-h100").system().accelerator(0),
                              build_workload(load_model_config("llama-3-8b"), spec));
  EXPECT_NEAR(parallel.step_time, single.step_time, 1e-12 * single.step_time);
  EXPECT_EQ(parallel.parallel->comm_exposed, 0.0);
}

TEST(ParallelCollectives, DataParallelGradientsOverlapTheBackwardPass) {
  // Training with dp = 2: one all-reduce of the device's gradients (8.0 B parameters × 2 B), of
  // which up to the backward pass's time is hidden; exposed + hidden = total.
  const auto analysis =
      run("dgx-h100", "llama-3-8b", with_prompt(Phase::train, 2, 2048), degrees(4, 1, 2));
  const auto* gradients = row(analysis, "dp.gradients.all-reduce");
  ASSERT_NE(gradients, nullptr);
  EXPECT_GT(gradients->hidden_time(), 0.0);
  EXPECT_NEAR(gradients->exposed_time() + gradients->hidden_time(), gradients->total_time(), 1e-15);
  EXPECT_GT(analysis.parallel->comm_hidden, 0.0);
  // Training doubles the tensor-parallel all-reduces (forward and backward): 4 × 32 layers.
  EXPECT_DOUBLE_EQ(row(analysis, "tp.all-reduce")->count, 128.0);
  // Every replica counts: 2 sequences × 2048 tokens per step.
  EXPECT_DOUBLE_EQ(analysis.tokens_per_step, 4096.0);
}

TEST(ParallelCollectives, ExpertParallelAllToAll) {
  // mixtral-8x7b, ep = 2 over dp = 2: dispatch and combine per MoE layer: 2 × 32.
  auto p = degrees(1, 1, 2);
  p.ep = 2;
  const auto analysis = run("dgx-h100", "mixtral-8x7b", decode(2, 1024), p);
  const auto* all_to_all = row(analysis, "ep.all-to-all");
  ASSERT_NE(all_to_all, nullptr);
  EXPECT_DOUBLE_EQ(all_to_all->count, 64.0);
  EXPECT_EQ(all_to_all->kind, "all-to-all");
}

void expect_problem(const std::string& system_id, const std::string& model,
                    const WorkloadSpec& spec, const Parallelism& p, const std::string& option) {
  try {
    run(system_id, model, spec, p);
    ADD_FAILURE() << "no error for " << option;
  } catch (const InputError& error) {
    ASSERT_FALSE(error.problems().empty());
    EXPECT_EQ(error.problems().at(0).where, option) << error.what();
  }
}

TEST(ParallelErrors, EachBadInputNamesItsFlag) {
  const auto spec = decode(1, 4096);
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(3), "--tp");   // 64 heads
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(0), "--tp");   // zero
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(-2), "--tp");  // negative
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(1, 0), "--pp");
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(1, 1, 1, 0), "--microbatches");
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(16), "--tp/--pp/--dp");  // 8 GPUs
  expect_problem("dgx-h100", "llama-3-70b", spec, degrees(4, 2, 2), "--tp/--pp/--dp");
  expect_problem("gb200-nvl72", "llama-3-8b", spec, degrees(1, 33), "--pp");  // 32 layers
  expect_problem("dgx-h100", "llama-3-70b", decode(3, 4096), degrees(1, 1, 2), "--batch");
  auto dense_ep = degrees(1, 1, 2);
  dense_ep.ep = 2;
  expect_problem("dgx-h100", "llama-3-70b", decode(2, 4096), dense_ep, "--ep");
  auto ep_not_dividing = degrees(1, 1, 2);
  ep_not_dividing.ep = 4;
  expect_problem("dgx-h100", "mixtral-8x7b", decode(2, 4096), ep_not_dividing, "--ep");
}

// Energy of a tp 2 decode step on dgx-h100 (Llama-3-70B, batch 1, bf16 activations), for the whole
// system: both devices run the step's compute rows (step_energy of one device × 2) and each sends
// over its NVLink (h100-sxm: 5 pJ/bit, estimate): 160 all-reduces of 1 token × 8192 × 2 B =
// 16 384 B, × bus factor 2(n − 1)/n = 1, plus one all-gather of the 128 256 logits × 2 B =
// 256 512 B × (n − 1)/n = 128 256 B: 2 × (160 × 16 384 + 128 256) B × 8 × 5 pJ = 219.98 uJ.
TEST(ParallelAnalysis, EnergyAddsUpTheDevicesAndTheirLinks) {
  const auto analysis = run("dgx-h100", "llama-3-70b", decode(1, 4096), degrees(2));
  ASSERT_TRUE(analysis.energy.has_value());
  const auto& energy = *analysis.energy;
  const auto& h100 = specs().accelerator("h100-sxm");
  const auto one = step_energy(h100, analysis.ops, analysis.spec.activations, analysis.step_time,
                               analysis.tokens_per_step);
  EXPECT_EQ(energy.devices, 2);
  EXPECT_NEAR(energy.links, 2.0 * (160 * 16384.0 + 128256.0) * 8 * 5e-12, 1e-12);
  EXPECT_NEAR(energy.compute, 2 * one.compute, 1e-9);
  EXPECT_NEAR(energy.static_energy, 2 * h100.energy->static_power.value * analysis.step_time, 1e-9);
  EXPECT_NEAR(energy.step, 2 * one.step + energy.links, 1e-9);
  EXPECT_NEAR(energy.per_token, energy.step / analysis.tokens_per_step, 1e-12);
}

}  // namespace
}  // namespace ridgeline::workload
