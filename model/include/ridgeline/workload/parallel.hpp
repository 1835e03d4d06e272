#pragma once
// One step of a workload split over the accelerators of a system (Megatron-LM's 3D parallelism
// plus expert parallelism), evaluated into the same Analysis as the single-accelerator analyze():
// per-device operator costs, the collectives and send/recv the split implies (costed by the
// topology's collective model over the devices of each group), the pipeline bubble, the overlap of
// communication with compute, and the memory footprint per device.
//
// Model (docs/model.md, "Parallelism"):
//   tensor parallel t (Shoeybi et al. 2019, Megatron-LM §3): attention heads, KV heads and the MLP
//     width split t ways (column-parallel QKV/up, row-parallel O/down; vocabulary-parallel LM
//     head); 2 all-reduces of tokens × hidden per layer forward (4 with the backward), or with
//     sequence parallelism (Korthikanti et al. 2023) a reduce-scatter + all-gather for each.
//     In the critical path: the runtimes (vLLM, TensorRT-LLM, Megatron without
//     --tp-comm-overlap) run them in-stream, between the GEMMs that need their result.
//   pipeline parallel p: layers split into p stages; m micro-batches per step; a step takes
//     (m + p − 1) stage slots, so the bubble is (p − 1)/(m + p − 1) of it (Narayanan et al.
//     2021, "Efficient Large-Scale Language Model Training on GPU Clusters", §2.2.1, 1F1B).
//     One send/recv of a micro-batch's activations per stage boundary per pass is exposed; the
//     other micro-batches' sends overlap compute.
//   data parallel d: replicas of the model, batch / d sequences each; training all-reduces the
//     gradients of each device's parameters over its d replicas, overlapped with the backward
//     pass of the last micro-batch (PyTorch DDP / Megatron --overlap-grad-reduce buckets); the
//     part longer than that backward is exposed. Optimizer states are replicated unless zero1
//     shards them over the replicas.
//   expert parallel e (divides d): routed experts split e ways; each MoE layer dispatches and
//     combines its tokens with two all-to-alls (GShard, Lepikhin et al. 2021) in the critical path.

#include <string>

#include "ridgeline/topology/collective.hpp"
#include "ridgeline/workload/analysis.hpp"

namespace ridgeline::workload {

// Checks the degrees against the model, the spec and the system; throws InputError naming the
// flag (--tp, --pp, --dp, --ep, --microbatches, --batch): a degree below 1, more devices than the
// system has, --tp not dividing the attention heads (or the KV heads not shared evenly), --pp
// beyond the layers, --ep not dividing --dp or the routed experts (or set on a dense model),
// --batch not divisible by --dp × --microbatches.
void check_parallelism(const ModelConfig& model, const WorkloadSpec& spec,
                       const Parallelism& parallelism, const topology::System& system);

// The part of the model one device holds under tensor and expert parallelism: heads, KV heads,
// MLP and expert widths / tp, vocabulary / tp, routed experts / ep (layers unchanged).
ModelConfig shard_model(const ModelConfig& model, const Parallelism& parallelism);

// Per-device memory: the largest pipeline stage (ceil(layers / pp) layers, with the embedding or
// the LM head) of the sharded model, KV cache of the replica's batch, activations of one
// micro-batch (training: of the min(pp, m) micro-batches 1F1B keeps in flight, with Korthikanti et
// al.'s (10 + 24/t)·s·b·h per layer, 34/t·s·b·h with sequence parallelism), gradients and
// Adam states (/ dp with zero1) of the device's parameters. max_batch is in sequences per replica
// (training: per micro-batch).
MemoryFootprint parallel_memory_footprint(const ModelConfig& model, const WorkloadSpec& spec,
                                          const Parallelism& parallelism, double capacity_bytes);

// One step of `workload` (the whole model, the global batch) on the first tp × pp × dp devices of
// the collective model's system, in Megatron's rank order (topology::parallel_group). The result's
// operator rows are per device per step: compute rows for the average pipeline stage over all
// micro-batches, collective and send/recv rows (group communication, bound "latency" or a link
// kind), and a "pipeline.bubble" row; step_time is the sum of their exposed times. tokens_per_s
// counts every replica. Throws InputError (check_parallelism) and ModelError (dtype the devices
// cannot run, a heterogeneous group).
Analysis analyze(const topology::CollectiveModel& system, const Parallelism& parallelism,
                 const Workload& workload, const AnalysisOptions& options = {});

// The bubble fraction of a pipeline of `stages` stages running `microbatches` micro-batches:
// (p − 1)/(m + p − 1).
double pipeline_bubble_fraction(std::int64_t stages, std::int64_t microbatches);

}  // namespace ridgeline::workload
