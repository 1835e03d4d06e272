#pragma once
// Building blocks shared by the collective algorithms (internal to model/src/topology).

#include <cstddef>
#include <string>
#include <vector>

#include "ridgeline/topology/algorithm.hpp"

namespace ridgeline::topology::detail {

// Members grouped by scale-up domain, domains in order of first appearance, members in group order.
std::vector<std::vector<std::size_t>> by_domain(const Topology& topology,
                                                const std::vector<std::size_t>& nodes);

// The rings a ring algorithm runs at once (channels), each an order of all members:
// * members that are all directly linked to each other (a full mesh: MI300X xGMI, Gaudi RoCE):
//   arc-disjoint Hamiltonian cycles found greedily, so the rings together use every link, as
//   RCCL's many rings over the xGMI mesh do;
// * several scale-up domains: one ring per member position, each entering every domain at a
//   different member (NCCL's rings cross servers through a different NIC each);
// * otherwise the group order and its reverse.
std::vector<std::vector<std::size_t>> ring_channels(const Topology& topology,
                                                    const std::vector<std::size_t>& nodes);

// Adds the flows of one ring step: every channel's member i sends `bytes / channels` to member i+1
// (the last to the first when `closed`).
void add_ring_step(const std::vector<std::vector<std::size_t>>& channels, double bytes, bool closed,
                   std::vector<Flow>& flows);

// The latency of walking a channel's hops, split by tier: `steps` steps spread over the tiers in
// proportion to the ring's hops of each tier, with each tier's mean hardware latency.
std::vector<StepLatency> ring_step_latency(const Topology& topology,
                                           const std::vector<std::size_t>& order, double steps,
                                           bool closed);

// One step whose routes are the given pairs: the slowest tier among them and its largest latency.
StepLatency step_over(const Topology& topology,
                      const std::vector<std::pair<std::size_t, std::size_t>>& pairs, double steps);

// Σ of shapes' step lists.
void append_steps(std::vector<StepLatency>& to, const std::vector<StepLatency>& from);

std::string plural(std::size_t count, const std::string& noun);

}  // namespace ridgeline::topology::detail
