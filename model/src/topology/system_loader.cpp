// Loading system files (ridgeline.system/1): parse → check everything → plain structs.
// Node entries with a `count` expand to `id0 … id{count-1}`; link entries connect node entries
// with a pattern (pairs, blocks, stripes, all-to-all, ring, torus) so a 72-GPU rack or a 4x4x4
// torus stays a short file. Every problem is reported with the file and the JSON pointer.

#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "ridgeline/base/error.hpp"
#include "ridgeline/topology/algorithm.hpp"
#include "ridgeline/topology/collective.hpp"
#include "ridgeline/topology/system.hpp"

namespace ridgeline::topology {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxNodesPerEntry = 65536;
constexpr std::int64_t kMaxLinksPerConnection = 4096;
constexpr double kLinkBandwidthTolerance = 0.01;  // system link vs the accelerator's own spec

std::string at(const std::string& parent, std::string_view key) {
  return parent + "/" + pointer_segment(key);
}
std::string at(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// One /nodes entry after expansion: the node indices it produced.
struct Entry {
  std::string id;
  std::vector<std::size_t> members;
};

class SystemParser {
 public:
  SystemParser(const json& document, const std::string& file, const hw::SpecLibrary& library)
      : document_(document), reader_(file), library_(library) {
    system_.file = file;
  }

  System parse() {
    if (!document_.is_object()) {
      throw InputError(reader_.file(), "/",
                       "expected a JSON object at the root, found " + json_type_name(document_));
    }
    reader_.reject_unknown_keys(
        document_, "",
        {"schema", "id", "name", "sources", "notes", "nodes", "links", "collective_library"});
    read_header();
    read_library();  // before the nodes: switches name a protocol of the library
    read_nodes();
    read_links();
    reader_.throw_if_problems();
    check_accelerator_links();
    check_connected();
    reader_.throw_if_problems();
    return std::move(system_);
  }

 private:
  void read_header() {
    const std::string schema = reader_.string(document_, "", "schema");
    if (!schema.empty() && schema != kSystemSchema) {
      reader_.problem("/schema",
                      "expected \"" + std::string(kSystemSchema) + "\", found \"" + schema + "\"");
    }
    system_.id = reader_.string(document_, "", "id");
    const auto valid = [](const std::string& id) {
      const auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
      return !id.empty() && ok(id.front()) && std::all_of(id.begin(), id.end(), [&](char c) {
        return ok(c) || c == '.' || c == '-';
      });
    };
    if (!system_.id.empty() && !valid(system_.id)) {
      reader_.problem("/id", "id '" + system_.id +
                                 "' must match [a-z0-9][a-z0-9.-]* (lower case, digits, '.', '-')");
    }
    system_.name = reader_.string(document_, "", "name");
    if (auto notes = reader_.optional_string(document_, "", "notes")) system_.notes = *notes;
    std::vector<std::string> keys;
    if (const auto* list = reader_.require(document_, "", "sources");
        list != nullptr && reader_.expect_array(*list, "/sources")) {
      if (list->empty()) reader_.problem("/sources", "expected at least one source");
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = at("/sources", i);
        if (!reader_.expect_object((*list)[i], where)) continue;
        reader_.reject_unknown_keys((*list)[i], where, {"key", "url", "note"});
        hw::SourceRef source{reader_.string((*list)[i], where, "key"),
                             reader_.string((*list)[i], where, "url"), ""};
        if (auto note = reader_.optional_string((*list)[i], where, "note")) source.note = *note;
        if (std::find(keys.begin(), keys.end(), source.key) != keys.end()) {
          reader_.problem(at(where, "key"), "source key '" + source.key + "' is listed twice");
        }
        keys.push_back(source.key);
        system_.sources.push_back(std::move(source));
      }
    }
    reader_.set_source_keys(std::move(keys));
  }

  void read_library() {
    const auto* library = reader_.require(document_, "", "collective_library");
    if (library == nullptr || !reader_.expect_object(*library, "/collective_library")) return;
    const std::string where = "/collective_library";
    reader_.reject_unknown_keys(*library, where, {"name", "algorithms", "protocols"});
    auto& out = system_.library;
    out.name = reader_.string(*library, where, "name");
    if (const auto* algorithms = reader_.require(*library, where, "algorithms");
        algorithms != nullptr && reader_.expect_object(*algorithms, at(where, "algorithms"))) {
      const std::string list_at = at(where, "algorithms");
      if (reader_.require(*algorithms, list_at, "default") != nullptr) {
        out.algorithms = algorithm_list(*algorithms, list_at, "default");
      }
      for (const auto& [key, value] : algorithms->items()) {
        if (key == "default") continue;
        const auto op = parse_op(key);
        if (!op) {
          reader_.problem(at(list_at, key), "unknown operation '" + key +
                                                "'; expected default or one of: " + op_list());
          continue;
        }
        out.per_op[*op] = algorithm_list(*algorithms, list_at, key);
      }
    }
    const auto* protocols = reader_.require(*library, where, "protocols");
    if (protocols == nullptr || !reader_.expect_array(*protocols, at(where, "protocols"))) return;
    if (protocols->empty())
      reader_.problem(at(where, "protocols"), "expected at least one protocol");
    for (std::size_t i = 0; i < protocols->size(); ++i) {
      const std::string item = at(at(where, "protocols"), i);
      const json& entry = (*protocols)[i];
      if (!reader_.expect_object(entry, item)) continue;
      reader_.reject_unknown_keys(
          entry, item,
          {"name", "launch_latency", "step_latency", "bandwidth_fraction", "max_bus_bandwidth"});
      Protocol protocol;
      protocol.name = reader_.string(entry, item, "name");
      if (!protocol.name.empty() && system_.protocol(protocol.name) != nullptr) {
        reader_.problem(at(item, "name"), "protocol '" + protocol.name + "' is listed twice");
      }
      protocol.launch_latency =
          reader_.sourced_quantity(entry, item, "launch_latency", Dimension::time);
      if (const auto* steps = reader_.require(entry, item, "step_latency");
          steps != nullptr && reader_.expect_object(*steps, at(item, "step_latency"))) {
        const std::string steps_at = at(item, "step_latency");
        reader_.reject_unknown_keys(*steps, steps_at, {"scale-up", "scale-out", "host"});
        for (const Tier tier : {Tier::scale_up, Tier::scale_out, Tier::host}) {
          const std::string key(tier_name(tier));
          if (reader_.optional(*steps, key) != nullptr) {
            protocol.step_latency[tier] =
                reader_.sourced_quantity(*steps, steps_at, key, Dimension::time);
          }
        }
      }
      protocol.bandwidth_fraction = reader_.sourced_fraction(entry, item, "bandwidth_fraction");
      if (reader_.optional(entry, "max_bus_bandwidth") != nullptr) {
        protocol.max_bus_bandwidth =
            reader_.sourced_quantity(entry, item, "max_bus_bandwidth", Dimension::bandwidth);
      }
      out.protocols.push_back(std::move(protocol));
    }
  }

  std::vector<std::string> algorithm_list(const json& object, const std::string& pointer,
                                          const std::string& key) {
    std::vector<std::string> names;
    const std::string where = at(pointer, key);
    const json& list = object.at(key);
    if (!reader_.expect_array(list, where)) return names;
    if (list.empty()) reader_.problem(where, "expected at least one algorithm");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item = at(where, i);
      if (!list[i].is_string()) {
        reader_.problem(item, "expected an algorithm name, found " + json_type_name(list[i]));
        continue;
      }
      const auto name = list[i].get<std::string>();
      if (AlgorithmRegistry::instance().find(name) == nullptr) {
        reader_.problem(item, "unknown algorithm '" + name + "'; expected one of: " +
                                  join(AlgorithmRegistry::instance().names()));
      } else if (std::find(names.begin(), names.end(), name) != names.end()) {
        reader_.problem(item, "algorithm '" + name + "' is listed twice");
      } else {
        names.push_back(name);
      }
    }
    return names;
  }

  void read_nodes() {
    const auto* nodes = reader_.require(document_, "", "nodes");
    if (nodes == nullptr || !reader_.expect_array(*nodes, "/nodes")) return;
    std::map<std::string, std::string> used;  // node or entry id → pointer of its entry
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      const std::string where = at("/nodes", i);
      const json& entry = (*nodes)[i];
      if (!reader_.expect_object(entry, where)) continue;
      const std::string kind =
          entry.is_object() && entry.contains("kind") && entry["kind"].is_string()
              ? entry["kind"].get<std::string>()
              : std::string();
      if (kind == "accelerator") {
        reader_.reject_unknown_keys(entry, where, {"id", "kind", "name", "count", "accelerator"});
      } else if (kind == "switch") {
        reader_.reject_unknown_keys(
            entry, where, {"id", "kind", "name", "count", "latency", "in_network_reduction"});
      } else if (kind == "nic") {
        reader_.reject_unknown_keys(entry, where, {"id", "kind", "name", "count", "latency"});
      } else {
        reader_.reject_unknown_keys(entry, where, {"id", "kind", "name", "count"});
      }
      Node node;
      node.pointer = where;
      const std::string id = reader_.string(entry, where, "id");
      const std::string kind_text = reader_.string(entry, where, "kind");
      if (kind_text == "accelerator") {
        node.kind = NodeKind::accelerator;
      } else if (kind_text == "switch") {
        node.kind = NodeKind::switch_chip;
      } else if (kind_text == "nic") {
        node.kind = NodeKind::nic;
      } else if (kind_text == "host") {
        node.kind = NodeKind::host;
      } else if (!kind_text.empty()) {
        reader_.problem(at(where, "kind"), "unknown node kind '" + kind_text +
                                               "'; expected accelerator, switch, nic or host");
      }
      node.name = reader_.optional_string(entry, where, "name").value_or(id);
      const auto count = reader_.optional_count(entry, where, "count", kMaxNodesPerEntry);
      if (node.kind == NodeKind::accelerator) {
        node.accelerator = reader_.string(entry, where, "accelerator");
        resolve_accelerator(node.accelerator, at(where, "accelerator"));
      }
      if (node.kind == NodeKind::switch_chip || node.kind == NodeKind::nic) {
        node.latency = reader_.sourced_quantity(entry, where, "latency", Dimension::time);
      }
      if (node.kind == NodeKind::switch_chip) read_reduction(entry, where, node);
      Entry expanded{id, {}};
      if (!id.empty()) {
        if (const auto it = used.find(id); it != used.end()) {
          reader_.problem(at(where, "id"),
                          "duplicate node id '" + id + "': also used by " + it->second);
        }
        used.emplace(id, where);
      }
      const std::size_t copies = count ? static_cast<std::size_t>(*count) : 1;
      for (std::size_t k = 0; k < copies && !id.empty(); ++k) {
        Node copy = node;
        copy.group = id;
        copy.group_index = k;
        copy.id = count ? id + std::to_string(k) : id;
        if (count) {
          if (const auto it = used.find(copy.id); it != used.end()) {
            reader_.problem(at(where, "id"), "node '" + copy.id + "' (entry '" + id + "' × " +
                                                 std::to_string(copies) +
                                                 ") duplicates the id of " + it->second);
          }
          used.emplace(copy.id, where);
        }
        expanded.members.push_back(system_.nodes.size());
        if (copy.kind == NodeKind::accelerator)
          system_.accelerators.push_back(system_.nodes.size());
        system_.nodes.push_back(std::move(copy));
      }
      entries_.push_back(std::move(expanded));
    }
    if (system_.accelerators.empty() && reader_.ok()) {
      reader_.problem("/nodes", "a system needs at least one node of kind accelerator");
    }
  }

  void resolve_accelerator(const std::string& id, const std::string& where) {
    if (id.empty() || system_.accelerator_specs.count(id) != 0) return;
    try {
      system_.accelerator_specs.emplace(id, library_.accelerator(id));
    } catch (const InputError& error) {
      reader_.problem(where, "accelerator '" + id + "' could not be loaded: " + error.what());
    }
  }

  void read_reduction(const json& entry, const std::string& where, Node& node) {
    const auto* reduction = reader_.optional(entry, "in_network_reduction");
    if (reduction == nullptr) return;
    const std::string here = at(where, "in_network_reduction");
    if (!reader_.expect_object(*reduction, here)) return;
    reader_.reject_unknown_keys(*reduction, here, {"name", "protocol", "efficiency", "latency"});
    InNetworkReduction out;
    out.name = reader_.string(*reduction, here, "name");
    out.protocol = reader_.string(*reduction, here, "protocol");
    if (!out.protocol.empty() && system_.protocol(out.protocol) == nullptr &&
        !system_.library.protocols.empty()) {
      std::vector<std::string> names;
      for (const auto& protocol : system_.library.protocols) names.push_back(protocol.name);
      reader_.problem(at(here, "protocol"), "protocol '" + out.protocol +
                                                "' is not one of /collective_library/protocols (" +
                                                join(names) + ")");
    }
    out.efficiency = reader_.sourced_fraction(*reduction, here, "efficiency");
    out.latency = reader_.sourced_quantity(*reduction, here, "latency", Dimension::time);
    node.reduction = std::move(out);
  }

  // A link end: a /nodes entry id (all its members) or one node id ("gpu3").
  std::optional<std::vector<std::size_t>> resolve_end(const json& link, const std::string& where,
                                                      std::string_view key, std::string& name) {
    name = reader_.string(link, where, key);
    if (name.empty()) return std::nullopt;
    for (const auto& entry : entries_) {
      if (entry.id == name) return entry.members;
    }
    for (std::size_t i = 0; i < system_.nodes.size(); ++i) {
      if (system_.nodes[i].id == name) return std::vector<std::size_t>{i};
    }
    std::vector<std::string> ids;
    for (const auto& entry : entries_) ids.push_back(entry.id);
    reader_.problem(at(where, key), "link to a missing node '" + name +
                                        "'; expected a /nodes id (" + join(ids) +
                                        ") or one of its members (id0, id1, ...)");
    return std::nullopt;
  }

  void read_links() {
    const auto* links = reader_.require(document_, "", "links");
    if (links == nullptr || !reader_.expect_array(*links, "/links")) return;
    std::map<std::pair<std::size_t, std::size_t>, std::string> connected;
    for (std::size_t i = 0; i < links->size(); ++i) {
      const std::string where = at("/links", i);
      const json& entry = (*links)[i];
      if (!reader_.expect_object(entry, where)) continue;
      reader_.reject_unknown_keys(
          entry, where,
          {"from", "to", "pattern", "dims", "kind", "tier", "count", "bandwidth_per_direction",
           "latency", "achievable_fraction", "note"});
      (void)reader_.optional_string(entry, where, "note");
      SystemLink link;
      link.pointer = where;
      link.kind = reader_.string(entry, where, "kind");
      const std::string tier = reader_.string(entry, where, "tier");
      if (tier == "scale-up") {
        link.tier = Tier::scale_up;
      } else if (tier == "scale-out") {
        link.tier = Tier::scale_out;
      } else if (tier == "host") {
        link.tier = Tier::host;
      } else if (!tier.empty()) {
        reader_.problem(at(where, "tier"),
                        "unknown tier '" + tier + "'; expected scale-up, scale-out or host");
      }
      link.count = reader_.sourced_count(entry, where, "count", kMaxLinksPerConnection);
      link.bandwidth_per_direction =
          reader_.sourced_quantity(entry, where, "bandwidth_per_direction", Dimension::bandwidth);
      link.latency = reader_.sourced_quantity(entry, where, "latency", Dimension::time);
      link.achievable_fraction = reader_.sourced_fraction(entry, where, "achievable_fraction");
      check_tier_latency(link.tier, at(where, "tier"));
      std::string from_name;
      std::string to_name;
      const auto from = resolve_end(entry, where, "from", from_name);
      const auto to = resolve_end(entry, where, "to", to_name);
      if (!from || !to) continue;
      const auto pairs = expand_pattern(entry, where, *from, *to, from_name, to_name);
      for (const auto& [a, b] : pairs) {
        if (a == b) {
          reader_.problem(where, "links node '" + system_.nodes[a].id + "' to itself");
          continue;
        }
        const auto key = std::minmax(a, b);
        if (const auto it = connected.find(key); it != connected.end()) {
          reader_.problem(where, "nodes '" + system_.nodes[a].id + "' and '" + system_.nodes[b].id +
                                     "' are already linked by " + it->second +
                                     "; give one entry with a larger count");
          continue;
        }
        connected.emplace(key, where);
        SystemLink copy = link;
        copy.a = a;
        copy.b = b;
        system_.links.push_back(std::move(copy));
      }
    }
  }

  void check_tier_latency(Tier tier, const std::string& where) {
    for (const auto& protocol : system_.library.protocols) {
      if (protocol.step_latency.count(tier) == 0 &&
          checked_tiers_.insert({protocol.name, tier}).second) {
        reader_.problem(where, "protocol '" + protocol.name +
                                   "' of /collective_library has no step_latency for tier '" +
                                   std::string(tier_name(tier)) + "', which this link uses");
      }
    }
  }

  std::vector<std::pair<std::size_t, std::size_t>> expand_pattern(
      const json& entry, const std::string& where, const std::vector<std::size_t>& from,
      const std::vector<std::size_t>& to, const std::string& from_name,
      const std::string& to_name) {
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    const auto pattern = reader_.optional_string(entry, where, "pattern");
    const std::string pattern_at = at(where, "pattern");
    const bool same = from == to;
    const auto n = from.size();
    const auto m = to.size();
    if (reader_.optional(entry, "dims") != nullptr && pattern.value_or("") != "torus") {
      reader_.problem(at(where, "dims"), "'dims' belongs to pattern \"torus\" only");
    }
    if (!pattern) {
      if (n != 1 || m != 1) {
        reader_.problem(where, "'" + from_name + "' and '" + to_name + "' name " +
                                   std::to_string(n) + " and " + std::to_string(m) +
                                   " nodes; give a pattern (pairs, blocks, stripes, all-to-all, "
                                   "ring, torus)");
      } else {
        pairs.emplace_back(from[0], to[0]);
      }
      return pairs;
    }
    auto need = [&](bool condition, const std::string& message) {
      if (!condition) reader_.problem(pattern_at, message);
      return condition;
    };
    const std::string sizes = "'" + from_name + "' has " + std::to_string(n) + " nodes, '" +
                              to_name + "' has " + std::to_string(m);
    if (*pattern == "pairs") {
      if (need(n == m && !same,
               "pattern \"pairs\" links from[i] to to[i] of two different "
               "entries of equal size; " +
                   sizes)) {
        for (std::size_t i = 0; i < n; ++i) pairs.emplace_back(from[i], to[i]);
      }
    } else if (*pattern == "blocks") {
      if (need(!same && m > 0 && n % m == 0,
               "pattern \"blocks\" links consecutive blocks of n/m 'from' nodes to each 'to' "
               "node, so the 'to' size must divide the 'from' size; " +
                   sizes)) {
        for (std::size_t i = 0; i < n; ++i) pairs.emplace_back(from[i], to[i / (n / m)]);
      }
    } else if (*pattern == "stripes") {
      if (need(!same && m <= n,
               "pattern \"stripes\" links from[i] to to[i mod m] (rails); it "
               "needs at least as many 'from' as 'to' nodes; " +
                   sizes)) {
        for (std::size_t i = 0; i < n; ++i) pairs.emplace_back(from[i], to[i % m]);
      }
    } else if (*pattern == "all-to-all") {
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = same ? i + 1 : 0; j < m; ++j) pairs.emplace_back(from[i], to[j]);
      }
    } else if (*pattern == "ring") {
      if (need(same && n >= 3,
               "pattern \"ring\" links one entry's nodes i and i+1 (mod n); "
               "'from' and 'to' must be the same entry of at least 3 nodes")) {
        for (std::size_t i = 0; i < n; ++i) pairs.emplace_back(from[i], from[(i + 1) % n]);
      }
    } else if (*pattern == "torus") {
      expand_torus(entry, where, from, same, pairs);
    } else {
      reader_.problem(pattern_at, "unknown pattern '" + *pattern +
                                      "'; expected pairs, blocks, stripes, all-to-all, ring or "
                                      "torus");
    }
    return pairs;
  }

  void expand_torus(const json& entry, const std::string& where,
                    const std::vector<std::size_t>& members, bool same,
                    std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
    if (!same) {
      reader_.problem(at(where, "pattern"),
                      "pattern \"torus\" links one entry's nodes; 'from' and 'to' must be equal");
      return;
    }
    const auto* dims_value = reader_.require(entry, where, "dims");
    if (dims_value == nullptr || !reader_.expect_array(*dims_value, at(where, "dims"))) return;
    std::vector<std::size_t> dims;
    for (const auto& d : *dims_value) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 2 || d.get<std::int64_t>() > 4096) {
        reader_.problem(at(where, "dims"), "torus dimensions must be whole numbers from 2 to 4096");
        return;
      }
      dims.push_back(d.get<std::size_t>());
    }
    const auto product =
        std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
    if (dims.empty() || product != members.size()) {
      reader_.problem(at(where, "dims"), "the product of the torus dimensions (" +
                                             std::to_string(product) + ") must equal the " +
                                             std::to_string(members.size()) + " nodes linked");
      return;
    }
    // Row-major coordinates; neighbours ±1 with wrap-around (a dimension of 2 has one link).
    std::size_t stride = 1;
    for (std::size_t d = dims.size(); d-- > 0;) {
      for (std::size_t i = 0; i < members.size(); ++i) {
        const std::size_t coordinate = (i / stride) % dims[d];
        const std::size_t next = (coordinate + 1) % dims[d];
        if (dims[d] == 2 && coordinate == 1) continue;
        const std::size_t j = i + (next * stride) - (coordinate * stride);
        pairs.emplace_back(members[i], members[j]);
      }
      stride *= dims[d];
    }
    system_.tori.push_back({dims, members});
  }

  // An accelerator cannot use more links of a kind than it has, nor faster ones.
  void check_accelerator_links() {
    for (const std::size_t node_index : system_.accelerators) {
      const Node& node = system_.nodes[node_index];
      const auto spec = system_.accelerator_specs.find(node.accelerator);
      if (spec == system_.accelerator_specs.end()) continue;
      std::map<std::string, std::int64_t> used;
      std::map<std::string, std::string> first_pointer;
      for (const auto& link : system_.links) {
        if (link.a != node_index && link.b != node_index) continue;
        for (std::size_t k = 0; k < spec->second.interconnect.size(); ++k) {
          const auto& own = spec->second.interconnect[k];
          if (own.kind != link.kind) continue;
          used[link.kind] += link.count.value;
          first_pointer.emplace(link.kind, link.pointer);
          if (link.bandwidth_per_direction.value >
              own.bandwidth_per_direction.value * (1 + kLinkBandwidthTolerance)) {
            reader_.problem(
                at(link.pointer, "bandwidth_per_direction"),
                "a " + link.kind + " link of " +
                    format_quantity(link.bandwidth_per_direction.value, Dimension::bandwidth) +
                    " exceeds the " +
                    format_quantity(own.bandwidth_per_direction.value, Dimension::bandwidth) +
                    " per link of accelerator '" + node.accelerator + "' (" + spec->second.file +
                    " /interconnect/" + std::to_string(k) + ")");
          }
        }
      }
      for (const auto& own : spec->second.interconnect) {
        const auto it = used.find(own.kind);
        if (it != used.end() && it->second > own.count.value) {
          reader_.problem(at(first_pointer[own.kind], "count"),
                          "node '" + node.id + "' uses " + std::to_string(it->second) + " " +
                              own.kind + " links, but accelerator '" + node.accelerator + "' has " +
                              std::to_string(own.count.value));
        }
      }
    }
  }

  // Every accelerator must reach every other one (union-find over all links).
  void check_connected() {
    std::vector<std::size_t> parent(system_.nodes.size());
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
      return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    for (const auto& link : system_.links) parent[find(link.a)] = find(link.b);
    if (system_.accelerators.size() < 2) return;
    const std::size_t root = find(system_.accelerators.front());
    std::vector<std::string> cut_off;
    for (const std::size_t node : system_.accelerators) {
      if (find(node) != root) cut_off.push_back(system_.nodes[node].id);
    }
    if (!cut_off.empty()) {
      reader_.problem("/links", "disconnected accelerators: " + join(cut_off) + " cannot reach '" +
                                    system_.nodes[system_.accelerators.front()].id +
                                    "' over any link; add the links that join them");
    }
  }

  const json& document_;
  JsonReader reader_;
  const hw::SpecLibrary& library_;
  System system_;
  std::vector<Entry> entries_;
  std::set<std::pair<std::string, Tier>> checked_tiers_;
};

}  // namespace

std::string_view node_kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::accelerator:
      return "accelerator";
    case NodeKind::switch_chip:
      return "switch";
    case NodeKind::nic:
      return "nic";
    case NodeKind::host:
      return "host";
  }
  return "";
}

std::string_view tier_name(Tier tier) {
  switch (tier) {
    case Tier::scale_up:
      return "scale-up";
    case Tier::scale_out:
      return "scale-out";
    case Tier::host:
      return "host";
  }
  return "";
}

double SystemLink::bandwidth() const {
  return static_cast<double>(count.value) * bandwidth_per_direction.value;
}
double SystemLink::achievable_bandwidth() const {
  return bandwidth() * achievable_fraction.value;
}

const hw::Accelerator& System::accelerator(std::size_t rank) const {
  return accelerator_specs.at(rank_node(rank).accelerator);
}

const std::vector<std::string>& CollectiveLibrary::algorithms_for(CollectiveOp op) const {
  const auto it = per_op.find(op);
  return it == per_op.end() ? algorithms : it->second;
}

bool CollectiveLibrary::implements(CollectiveOp op, std::string_view algorithm) const {
  const auto& list = algorithms_for(op);
  return std::find(list.begin(), list.end(), algorithm) != list.end();
}

const Protocol* System::protocol(const std::string& protocol_name) const {
  for (const auto& protocol : library.protocols) {
    if (protocol.name == protocol_name) return &protocol;
  }
  return nullptr;
}

System system_from_json(const json& document, const std::string& file,
                        const hw::SpecLibrary& library) {
  return SystemParser(document, file, library).parse();
}

System load_system(const std::filesystem::path& path, const hw::SpecLibrary& library) {
  return system_from_json(parse_json_file(path), path.string(), library);
}

}  // namespace ridgeline::topology
