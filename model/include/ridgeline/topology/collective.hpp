#pragma once
// Collective communication on a system: all-reduce, all-gather, reduce-scatter, all-to-all,
// broadcast and send/recv over any group of its accelerators. The time of a collective is
//
//     launch + Σ steps × (protocol step latency of the route's tier + route hardware latency)
//            + extra (in-network reduction) + bytes × seconds_per_byte / protocol bandwidth
//            fraction
//
// with seconds_per_byte from the load the algorithm puts on each link of the graph (the most
// loaded link at its achievable rate binds), pipelined in chunks where the algorithm is a pipeline
// (trees, chains). Every algorithm of the system's library is priced with every protocol and the
// fastest is chosen ("auto"), as NCCL's tuner does. Bandwidths follow nccl-tests'
// doc/PERFORMANCE.md: algbw = bytes / time; busbw = algbw × bus_bandwidth_factor(op, n).

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ridgeline/topology/algorithm.hpp"
#include "ridgeline/topology/system.hpp"
#include "ridgeline/topology/topology.hpp"

namespace ridgeline::topology {

std::string_view op_name(CollectiveOp op);  // "all-reduce", ..., "send-recv"
std::optional<CollectiveOp> parse_op(std::string_view text);
std::string op_list();  // "all-reduce, all-gather, ..."

// nccl-tests doc/PERFORMANCE.md: busbw = algbw × 2(n−1)/n for all-reduce; (n−1)/n for all-gather,
// reduce-scatter and all-to-all; 1 for broadcast and send/recv. 0 for a group of one.
double bus_bandwidth_factor(CollectiveOp op, std::size_t ranks);

// Ranks of a system (indices into System::accelerators) in the order the collective uses them; the
// first is the root of a broadcast. Rank order is the order of the system file, server by server.
struct Group {
  std::vector<std::size_t> ranks;
};

Group whole_system(const System& system);
// Ranks first .. first+count−1; throws InputError when they do not exist ("8 GPUs requested,
// dgx-h100 has 8" names both numbers).
Group contiguous_ranks(const System& system, std::size_t first, std::size_t count);
inline Group first_ranks(const System& system, std::size_t count) {
  return contiguous_ranks(system, 0, count);
}

// Parallel layouts in Megatron-LM's rank order: tensor parallel fastest, then data, then pipeline:
// rank = t + tp × (d + dp × p). Tensor-parallel groups are therefore contiguous and stay inside a
// server when tp divides its size. Expert-parallel groups are `ep` consecutive data-parallel ranks
// with the same t and p (ep divides dp). Throws InputError when tp × dp × pp exceeds the system or
// ep does not divide dp.
struct ParallelLayout {
  std::size_t tp = 1;
  std::size_t dp = 1;
  std::size_t pp = 1;
  std::size_t ep = 1;
};
enum class ParallelAxis { tensor, data, pipeline, expert };
// The group of `axis` that contains rank `member`.
Group parallel_group(const System& system, const ParallelLayout& layout, ParallelAxis axis,
                     std::size_t member);

struct CollectiveCost {
  CollectiveOp op = CollectiveOp::all_reduce;
  double bytes = 0;  // message size, nccl-tests convention (all-gather: the gathered total)
  std::size_t ranks = 0;
  double time_s = 0;
  double algbw = 0;        // bytes / time_s, bytes/s
  double busbw = 0;        // algbw × bus_bandwidth_factor, bytes/s
  double latency_s = 0;    // launch + steps + extra (+ pipeline fill)
  double bandwidth_s = 0;  // time_s − latency_s
  double steps = 0;        // algorithm steps on the critical path
  std::string algorithm;   // registry name ("in-switch"), "local" for a group of one
  std::string protocol;    // library protocol ("Simple")
  std::string detail;      // the variant ("NVLS via nvswitch")
  std::string bound;       // "latency" or the link kind that binds ("nvlink4")
  std::string bottleneck;  // the binding link ("gpu0 -> nvswitch (nvlink4)"), empty if latency
  bool in_library = true;  // the algorithm is one the system's library implements
};

// The model of one system; holds the topology and caches the cost shapes of every (op, group,
// algorithm) it has seen, so a size sweep costs one shape computation per algorithm. Thread-safe.
class CollectiveModel {
 public:
  explicit CollectiveModel(System system);
  CollectiveModel(const CollectiveModel&) = delete;
  CollectiveModel& operator=(const CollectiveModel&) = delete;

  const System& system() const { return *system_; }
  const Topology& topology() const { return *topology_; }

  // The fastest algorithm of the library ("auto"), or the named registry algorithm (any, also one
  // the library lacks: a what-if). Throws InputError for bytes <= 0 or a bad group, ModelError for
  // an unknown algorithm or one that does not apply (with the reason).
  CollectiveCost cost(CollectiveOp op, double bytes, const Group& group,
                      std::string_view algorithm = "auto") const;
  // The best variant and protocol of every registry algorithm that applies, fastest first.
  std::vector<CollectiveCost> candidates(CollectiveOp op, double bytes, const Group& group) const;

  // One message from one rank to another (pipeline-parallel activations): the send/recv path with
  // the fastest protocol, over the route between the two.
  CollectiveCost point_to_point(std::size_t from_rank, std::size_t to_rank, double bytes) const;

 private:
  const std::vector<CostShape>& shapes(CollectiveOp op, const std::vector<std::size_t>& nodes,
                                       const CollectiveAlgorithm& algorithm,
                                       std::string& why_not) const;
  CollectiveCost best_of(CollectiveOp op, double bytes, std::size_t ranks,
                         const std::vector<CostShape>& shapes) const;

  std::unique_ptr<System> system_;
  std::unique_ptr<Topology> topology_;
  struct CacheEntry {
    std::vector<CostShape> shapes;
    std::string why_not;
  };
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::unique_ptr<CacheEntry>> cache_;
};

// Convenience for one-off calls (builds the topology each time; use CollectiveModel in loops).
CollectiveCost collective_time(const System& system, CollectiveOp op, double bytes,
                               const Group& group, std::string_view algorithm = "auto");

}  // namespace ridgeline::topology
