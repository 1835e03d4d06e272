#pragma once
// Collective algorithms: one interface, one file per implementation
// (model/src/topology/algorithms/), one line to register it (algorithms/builtin.hpp), in the manner
// of Ramulator 2's registry. An algorithm turns (operation, group, topology) into size-independent
// cost shapes: the steps on the critical path (each with its route's tier and hardware latency)
// and the bandwidth term per byte, from the link loads its traffic puts on the graph. The
// collective model (collective.hpp) then prices every shape with every protocol of the system's
// library for a message size and keeps the fastest.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/topology/topology.hpp"

namespace ridgeline::topology {

// `steps` algorithm steps whose routes are of `tier`, each with `hardware_latency` seconds of wire
// and switch latency (the protocol adds its software cost per step of that tier).
struct StepLatency {
  Tier tier = Tier::scale_up;
  double steps = 0;
  double hardware_latency = 0;
};

// One way to run a collective on a group, independent of the message size.
struct CostShape {
  std::string algorithm;           // registry name ("ring")
  std::string detail;              // the variant, for people ("8 rings of 8 over xgmi")
  std::vector<StepLatency> steps;  // critical path
  double extra_latency = 0;        // fixed cost beyond launch and steps, s
  // Bandwidth term: seconds per byte of the message (nccl-tests size) with every link at its
  // achievable rate; the protocol's bandwidth fraction divides it.
  double seconds_per_byte = 0;
  // > 0: the message goes through a pipeline of this many stages (tree, chain) in 512 KiB
  // chunks, which adds (stages − 1) chunk times of fill to the bandwidth term.
  std::size_t pipeline_stages = 0;
  std::optional<Arc> bottleneck;  // the arc that binds the bandwidth term
  std::string protocol;           // non-empty: the only protocol this shape runs with
};

// What an algorithm sees: the topology, the operation and the group's accelerators (node indices,
// in group order; the first is the root of a broadcast).
struct AlgorithmContext {
  const Topology& topology;
  CollectiveOp op;
  const std::vector<std::size_t>& nodes;
};

class CollectiveAlgorithm {
 public:
  virtual ~CollectiveAlgorithm() = default;
  virtual std::string_view name() const = 0;
  // One sentence, for `--help` and docs.
  virtual std::string_view description() const = 0;
  // The variants this algorithm offers; empty with `why_not` set when it does not apply (the op is
  // not one it implements, the topology lacks what it needs, ...).
  virtual std::vector<CostShape> shapes(const AlgorithmContext& context,
                                        std::string& why_not) const = 0;
};

class AlgorithmRegistry {
 public:
  // Holds the built-in algorithms (algorithms/builtin.hpp).
  static AlgorithmRegistry& instance();

  // Adds an algorithm (a plug-in, a test); throws ModelError if its name is taken.
  void add(std::unique_ptr<CollectiveAlgorithm> algorithm);
  const CollectiveAlgorithm* find(std::string_view name) const;
  std::vector<std::string> names() const;
  const std::vector<std::unique_ptr<CollectiveAlgorithm>>& algorithms() const {
    return algorithms_;
  }

 private:
  AlgorithmRegistry();
  std::vector<std::unique_ptr<CollectiveAlgorithm>> algorithms_;
};

}  // namespace ridgeline::topology
