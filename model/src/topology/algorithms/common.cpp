#include "common.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>

namespace ridgeline::topology::detail {
namespace {

constexpr std::size_t kMeshRingLimit = 16;         // greedy cycle search only for small meshes
constexpr std::size_t kCycleSearchBudget = 20000;  // DFS expansions per cycle
constexpr std::uint32_t kCycleSearchRestarts = 64;

int tier_order(Tier tier) {
  return tier == Tier::scale_up ? 0 : tier == Tier::host ? 1 : 2;
}

bool directly_linked(const Topology& topology, std::size_t a, std::size_t b) {
  const auto route = topology.route(a, b);
  return route.arcs.size() == 1;
}

// Depth-first search for a Hamiltonian cycle over unused arcs, starting at member 0, trying the
// candidates in a random order.
bool find_cycle(std::size_t n, const std::vector<std::vector<bool>>& used, std::mt19937& random,
                std::vector<std::size_t>& path, std::vector<bool>& visited, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  const std::size_t last = path.back();
  if (path.size() == n) return !used[last][path.front()];
  std::vector<std::size_t> candidates;
  for (std::size_t next = 0; next < n; ++next) {
    if (!visited[next] && !used[last][next]) candidates.push_back(next);
  }
  std::shuffle(candidates.begin(), candidates.end(), random);
  for (const auto next : candidates) {
    visited[next] = true;
    path.push_back(next);
    if (find_cycle(n, used, random, path, visited, budget)) return true;
    path.pop_back();
    visited[next] = false;
  }
  return false;
}

// Arc-disjoint directed Hamiltonian cycles of the complete graph on the members: greedy with
// seeded random restarts, keeping the largest set. The complete directed graph on n vertices
// splits into n−1 such cycles for every n except 4 and 6 (Tillson, "A Hamiltonian decomposition of
// K*_2m, 2m >= 8", J. Combin. Theory B 29, 1980); the search usually finds them in a few restarts.
std::vector<std::vector<std::size_t>> mesh_cycles(const std::vector<std::size_t>& nodes) {
  const std::size_t n = nodes.size();
  std::vector<std::vector<std::size_t>> best;
  for (std::uint32_t seed = 0; seed < kCycleSearchRestarts && best.size() + 1 < n; ++seed) {
    std::mt19937 random(seed);
    std::vector<std::vector<bool>> used(n, std::vector<bool>(n, false));
    std::vector<std::vector<std::size_t>> cycles;
    while (true) {
      std::vector<std::size_t> path{0};
      std::vector<bool> visited(n, false);
      visited[0] = true;
      std::size_t budget = kCycleSearchBudget;
      if (!find_cycle(n, used, random, path, visited, budget)) break;
      std::vector<std::size_t> order;
      for (std::size_t i = 0; i < n; ++i) {
        used[path[i]][path[(i + 1) % n]] = true;
        order.push_back(nodes[path[i]]);
      }
      cycles.push_back(std::move(order));
    }
    if (cycles.size() > best.size()) best = std::move(cycles);
  }
  return best;
}

}  // namespace

std::vector<std::vector<std::size_t>> by_domain(const Topology& topology,
                                                const std::vector<std::size_t>& nodes) {
  std::vector<std::vector<std::size_t>> domains;
  std::map<std::size_t, std::size_t> index;
  for (const auto node : nodes) {
    const auto [it, added] = index.emplace(topology.domain_of(node), domains.size());
    if (added) domains.emplace_back();
    domains[it->second].push_back(node);
  }
  return domains;
}

std::vector<std::vector<std::size_t>> ring_channels(const Topology& topology,
                                                    const std::vector<std::size_t>& nodes) {
  const std::size_t n = nodes.size();
  if (n <= 2) return {nodes};
  const auto domains = by_domain(topology, nodes);
  if (domains.size() > 1) {
    std::size_t positions = n;
    for (const auto& domain : domains) positions = std::min(positions, domain.size());
    std::vector<std::vector<std::size_t>> channels;
    for (std::size_t c = 0; c < positions; ++c) {
      std::vector<std::size_t> order;
      for (const auto& domain : domains) {
        for (std::size_t k = 0; k < domain.size(); ++k) {
          order.push_back(domain[(k + c) % domain.size()]);
        }
      }
      channels.push_back(std::move(order));
    }
    return channels;
  }
  bool mesh = n <= kMeshRingLimit;
  for (std::size_t i = 0; mesh && i < n; ++i) {
    for (std::size_t j = 0; mesh && j < n; ++j) {
      if (i != j && !directly_linked(topology, nodes[i], nodes[j])) mesh = false;
    }
  }
  if (mesh) {
    auto cycles = mesh_cycles(nodes);
    if (cycles.size() >= 2) return cycles;
  }
  std::vector<std::size_t> reversed(nodes.rbegin(), nodes.rend());
  return {nodes, reversed};
}

void add_ring_step(const std::vector<std::vector<std::size_t>>& channels, double bytes, bool closed,
                   std::vector<Flow>& flows) {
  const double per_channel = bytes / static_cast<double>(channels.size());
  for (const auto& order : channels) {
    const std::size_t n = order.size();
    for (std::size_t i = 0; i + (closed ? 0 : 1) < n; ++i) {
      flows.push_back({order[i], order[(i + 1) % n], per_channel});
    }
  }
}

std::vector<StepLatency> ring_step_latency(const Topology& topology,
                                           const std::vector<std::size_t>& order, double steps,
                                           bool closed) {
  std::map<int, std::pair<std::size_t, double>> per_tier;  // tier order → (hops, Σ latency)
  std::map<int, Tier> tiers;
  std::size_t hops = 0;
  for (std::size_t i = 0; i + (closed ? 0 : 1) < order.size(); ++i) {
    const auto route = topology.route(order[i], order[(i + 1) % order.size()]);
    auto& entry = per_tier[tier_order(route.tier)];
    ++entry.first;
    entry.second += route.latency;
    tiers[tier_order(route.tier)] = route.tier;
    ++hops;
  }
  std::vector<StepLatency> result;
  for (const auto& [key, entry] : per_tier) {
    result.push_back({tiers[key],
                      steps * static_cast<double>(entry.first) / static_cast<double>(hops),
                      entry.second / static_cast<double>(entry.first)});
  }
  return result;
}

StepLatency step_over(const Topology& topology,
                      const std::vector<std::pair<std::size_t, std::size_t>>& pairs, double steps) {
  StepLatency step;
  step.steps = steps;
  for (const auto& [from, to] : pairs) {
    const auto route = topology.route(from, to);
    if (tier_order(route.tier) > tier_order(step.tier)) step.tier = route.tier;
    step.hardware_latency = std::max(step.hardware_latency, route.latency);
  }
  return step;
}

void append_steps(std::vector<StepLatency>& to, const std::vector<StepLatency>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

std::string plural(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace ridgeline::topology::detail
