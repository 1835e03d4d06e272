#pragma once
// Multi-accelerator systems (hwspecs/systems/*.json, schema ridgeline.system/1) as plain structs
// with SI values: the nodes (accelerators, switches, NICs, hosts), the links between them, and the
// collective library that runs on them (NCCL, RCCL, ...). Built only by the loader below, which
// checks everything (unknown accelerator ids, links to missing nodes, duplicate node ids,
// disconnected accelerators, ...) and reports every problem with the file and the JSON pointer.
// Model code trusts these structs and never sees JSON.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ridgeline/base/json_input.hpp"
#include "ridgeline/hw/library.hpp"
#include "ridgeline/hw/spec.hpp"

namespace ridgeline::topology {

inline constexpr std::string_view kSystemSchema = "ridgeline.system/1";

enum class NodeKind { accelerator, switch_chip, nic, host };

// Where a link sits. Scale-up links (NVLink, xGMI, ICI, Gaudi's RoCE mesh) join accelerators into
// a scale-up domain (one server, one NVL72 rack, one TPU slice); scale-out links (InfiniBand,
// Ethernet, the PCIe path to a NIC) join domains; host links (PCIe to a CPU) carry no collective
// traffic where a better path exists. The tier also selects a protocol's per-step latency.
enum class Tier { scale_up, scale_out, host };

std::string_view node_kind_name(NodeKind kind);
std::string_view tier_name(Tier tier);

// In-network reduction of a switch: NVLink SHARP (NVLS) in NVSwitch gen 3+, SHARP in InfiniBand
// switches. The switch adds the contributions of every attached accelerator and returns the sum,
// so each accelerator sends and receives the message once (instead of 2(n-1)/n times in a ring).
struct InNetworkReduction {
  std::string name;            // "NVLS", "SHARP"
  std::string protocol;        // the library protocol it runs with (NCCL's NVLS: "Simple")
  Sourced<double> efficiency;  // sustained fraction of the links' achievable rate
  Sourced<double> latency;     // fixed extra cost per collective, s
};

struct Node {
  std::string id;               // "gpu3"; unique in the system
  std::string group;            // the /nodes entry it was expanded from ("gpu")
  std::size_t group_index = 0;  // position within that entry
  NodeKind kind = NodeKind::accelerator;
  std::string name;         // display name of the entry
  std::string accelerator;  // accelerator id (accelerators only)
  Sourced<double> latency;  // switches and NICs: port-to-port latency, s; 0 for others
  std::optional<InNetworkReduction> reduction;  // switches only
  std::string pointer;                          // JSON pointer of its /nodes entry, for messages
};

// One connection between two nodes: `count` parallel links (or lane groups) of
// `bandwidth_per_direction` each.
struct SystemLink {
  std::size_t a = 0;  // node indices
  std::size_t b = 0;
  std::string kind;  // "nvlink4", "xgmi", "ici", "ib-ndr", "pcie5-x16", ...
  Tier tier = Tier::scale_up;
  Sourced<std::int64_t> count;
  Sourced<double> bandwidth_per_direction;  // bytes/s per link
  Sourced<double> latency;                  // s, one way
  Sourced<double> achievable_fraction;      // sustained / line rate, with its measurement
  std::string pointer;                      // JSON pointer of its /links entry

  // count × bandwidth_per_direction: the line rate of the connection, per direction.
  double bandwidth() const;
  // bandwidth() × achievable_fraction.
  double achievable_bandwidth() const;
};

// A library protocol (NCCL/RCCL: LL, LL128, Simple): a trade of latency against bandwidth.
struct Protocol {
  std::string name;
  Sourced<double> launch_latency;                    // fixed cost per collective, s
  std::map<Tier, Sourced<double>> step_latency;      // software cost per algorithm step, per tier
  Sourced<double> bandwidth_fraction;                // of the links' achievable rate (Simple: 1)
  std::optional<Sourced<double>> max_bus_bandwidth;  // per-accelerator cap on busbw, bytes/s
};

enum class CollectiveOp {
  all_reduce,
  all_gather,
  reduce_scatter,
  all_to_all,
  broadcast,
  send_recv
};

struct CollectiveLibrary {
  std::string name;  // "NCCL 2.18"
  // The algorithms the library implements here, among which "auto" picks: `algorithms` for every
  // operation, unless `per_op` lists the operation (NCCL: all-to-all and send/recv are direct
  // point-to-point exchanges, all-reduce is ring, tree or NVLS).
  std::vector<std::string> algorithms;
  std::map<CollectiveOp, std::vector<std::string>> per_op;
  std::vector<Protocol> protocols;

  const std::vector<std::string>& algorithms_for(CollectiveOp op) const;
  bool implements(CollectiveOp op, std::string_view algorithm) const;
};

// A torus declared by a "torus" link pattern: its members in row-major coordinate order.
struct Torus {
  std::vector<std::size_t> dims;
  std::vector<std::size_t> members;  // node indices; member i has coordinates unravel(i, dims)
};

struct System {
  std::string id;
  std::string name;
  std::string notes;
  std::string file;
  std::vector<hw::SourceRef> sources;
  std::vector<Node> nodes;
  std::vector<SystemLink> links;
  std::vector<std::size_t> accelerators;  // node indices in rank order (the file's order)
  std::map<std::string, hw::Accelerator> accelerator_specs;  // by accelerator id
  std::vector<Torus> tori;
  CollectiveLibrary library;

  std::size_t size() const { return accelerators.size(); }
  const Node& rank_node(std::size_t rank) const { return nodes.at(accelerators.at(rank)); }
  const hw::Accelerator& accelerator(std::size_t rank) const;
  const Protocol* protocol(const std::string& name) const;
};

// Resolves accelerator ids of a system file (normally SpecLibrary::accelerator).
System system_from_json(const nlohmann::json& document, const std::string& file,
                        const hw::SpecLibrary& library);
System load_system(const std::filesystem::path& path, const hw::SpecLibrary& library);

// The shipped systems (hwspecs/systems/ beside the spec library's accelerators/).
class SystemLibrary {
 public:
  explicit SystemLibrary(const hw::SpecLibrary& specs);
  std::vector<std::string> ids() const;
  // An id of hwspecs/systems/, or a path to a file (anything containing '/' or ending in .json).
  // Throws InputError (unknown id: with the list of known ones).
  System system(const std::string& id_or_path) const;
  const hw::SpecLibrary& specs() const { return specs_; }

 private:
  const hw::SpecLibrary& specs_;
  mutable std::map<std::string, System> cache_;
};

// Result of checking one system file (system validate).
struct SystemFileCheck {
  std::string file;
  std::string id;
  std::vector<InputProblem> problems;  // empty: valid
};
std::vector<SystemFileCheck> validate_system_files(const std::vector<std::string>& paths,
                                                   const hw::SpecLibrary& library);

}  // namespace ridgeline::topology
