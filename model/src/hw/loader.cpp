#include "ridgeline/hw/loader.hpp"

#include <algorithm>
#include <cmath>

#include "ridgeline/base/error.hpp"

namespace ridgeline::hw {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxUnits = 10'000'000;  // compute units (Cerebras: 900 000 cores)
constexpr std::int64_t kMaxStacks = 64;         // HBM stacks, GDDR chips or DDR channels
constexpr std::int64_t kMaxLinks = 1024;
constexpr std::int64_t kMaxGeometry = 1 << 24;  // rows, columns, banks
constexpr double kBandwidthTolerance = 0.03;    // stated vs derived off-chip bandwidth
constexpr double kCapacityTolerance = 0.01;     // usable may not exceed physical
constexpr double kPinRateTolerance = 0.10;      // shipped vs device maximum pin rate

std::string ptr(const std::string& parent, std::string_view key) {
  return parent + "/" + pointer_segment(key);
}

std::vector<SourceRef> read_sources(JsonReader& reader, const json& document) {
  std::vector<SourceRef> sources;
  const auto* list = reader.require(document, "", "sources");
  if (list == nullptr || !reader.expect_array(*list, "/sources")) return sources;
  if (list->empty()) reader.problem("/sources", "expected at least one source");
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "/sources/" + std::to_string(i);
    const json& entry = (*list)[i];
    if (!reader.expect_object(entry, where)) continue;
    reader.reject_unknown_keys(entry, where, {"key", "url", "note"});
    SourceRef source;
    source.key = reader.string(entry, where, "key");
    source.url = reader.string(entry, where, "url");
    if (auto note = reader.optional_string(entry, where, "note")) source.note = *note;
    if (std::find(keys.begin(), keys.end(), source.key) != keys.end()) {
      reader.problem(where + "/key", "source key '" + source.key + "' is listed twice");
    }
    keys.push_back(source.key);
    sources.push_back(std::move(source));
  }
  reader.set_source_keys(std::move(keys));
  return sources;
}

void check_schema_and_id(JsonReader& reader, const json& document, std::string_view schema,
                         std::string& id) {
  const std::string found = reader.string(document, "", "schema");
  if (!found.empty() && found != schema) {
    reader.problem("/schema", "expected \"" + std::string(schema) + "\", found \"" + found + "\"");
  }
  id = reader.string(document, "", "id");
  const auto id_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool valid_id =
      !id.empty() && id_char(id.front()) &&
      std::all_of(id.begin(), id.end(), [&](char c) { return id_char(c) || c == '.' || c == '-'; });
  if (!id.empty() && !valid_id) {
    reader.problem("/id",
                   "id '" + id + "' must match [a-z0-9][a-z0-9.-]* (lower case, digits, '.', '-')");
  }
}

void require_at_least(JsonReader& reader, const std::string& where, double value, double minimum,
                      const std::string& what) {
  if (value > 0 && minimum > 0 && value < minimum) reader.problem(where, what);
}

std::optional<Sourced<std::int64_t>> optional_sourced_count(JsonReader& reader, const json& object,
                                                            const std::string& pointer,
                                                            std::string_view key,
                                                            std::int64_t max) {
  if (reader.optional(object, key) == nullptr) return std::nullopt;
  return reader.sourced_count(object, pointer, key, max);
}

std::optional<Sourced<double>> optional_sourced_time(JsonReader& reader, const json& object,
                                                     const std::string& pointer,
                                                     std::string_view key) {
  if (reader.optional(object, key) == nullptr) return std::nullopt;
  return reader.sourced_quantity(object, pointer, key, Dimension::time);
}

// The optional "controller" object of a memory device (memsim); docs/hwspecs.md.
MemoryControllerSpec read_memory_controller(JsonReader& reader, const json& object) {
  const std::string where = "/controller";
  MemoryControllerSpec spec;
  reader.reject_unknown_keys(
      object, where,
      {"scope", "scheduler", "page_policy", "refresh", "mapping", "dual_issue", "read_queue",
       "write_queue", "command_queue", "active_queue", "write_high", "write_low",
       "write_drain_idle", "row_hit_cap", "issue_width", "act_bus", "pre_bus"});
  const auto choice = [&](std::string_view key, std::string& field,
                          std::initializer_list<std::string_view> allowed) {
    const auto value = reader.optional_string(object, where, key);
    if (!value) return;
    field = *value;
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      std::string list;
      for (const auto name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
      reader.problem(ptr(where, key), "unknown value '" + field + "'; expected one of: " + list);
    }
  };
  choice("scope", spec.scope, {"channel", "pseudo_channel"});
  choice("scheduler", spec.scheduler, {"frfcfs", "bank-round-robin"});
  choice("page_policy", spec.page_policy, {"open", "closed"});
  choice("refresh", spec.refresh, {"all-bank", "per-bank", "none"});
  if (auto mapping = reader.optional_string(object, where, "mapping")) spec.mapping = *mapping;
  if (auto dual = reader.optional_bool(object, where, "dual_issue")) spec.dual_issue = *dual;
  if (reader.optional(object, "read_queue") != nullptr)
    spec.read_queue = reader.sourced_count(object, where, "read_queue", 4096);
  if (reader.optional(object, "write_queue") != nullptr)
    spec.write_queue = reader.sourced_count(object, where, "write_queue", 4096);
  spec.command_queue = optional_sourced_count(reader, object, where, "command_queue", 4096);
  spec.active_queue = optional_sourced_count(reader, object, where, "active_queue", 4096);
  if (reader.optional(object, "write_high") != nullptr)
    spec.write_high = reader.sourced_fraction(object, where, "write_high");
  if (reader.optional(object, "write_low") != nullptr)
    spec.write_low = reader.sourced_fraction(object, where, "write_low");
  if (spec.write_low.value > spec.write_high.value) {
    reader.problem(where + "/write_low", "write_low must not exceed write_high");
  }
  spec.write_drain_idle = optional_sourced_count(reader, object, where, "write_drain_idle", 4096);
  spec.row_hit_cap = optional_sourced_count(reader, object, where, "row_hit_cap", 1 << 20);
  spec.issue_width = optional_sourced_count(reader, object, where, "issue_width", 4096);
  spec.act_bus = optional_sourced_time(reader, object, where, "act_bus");
  spec.pre_bus = optional_sourced_time(reader, object, where, "pre_bus");
  return spec;
}

}  // namespace

MemoryDevice memory_device_from_json(const json& document, const std::string& file) {
  JsonReader reader(file);
  if (!document.is_object()) {
    throw InputError(file, "/",
                     "expected a JSON object at the root, found " + json_type_name(document));
  }
  reader.reject_unknown_keys(document, "",
                             {"schema",
                              "id",
                              "name",
                              "generation",
                              "sources",
                              "notes",
                              "interface_width",
                              "channels",
                              "pseudo_channels_per_channel",
                              "bank_groups",
                              "banks_per_group",
                              "rows",
                              "columns",
                              "burst_length",
                              "pin_rate",
                              "capacity_per_stack",
                              "stack_height",
                              "timing",
                              "energy",
                              "stack_ids",
                              "controller"});
  MemoryDevice device;
  device.file = file;
  device.sources = read_sources(reader, document);
  check_schema_and_id(reader, document, kMemorySchema, device.id);
  device.name = reader.string(document, "", "name");
  device.generation = reader.string(document, "", "generation");
  static const std::vector<std::string> kGenerations{"HBM2",   "HBM2E",   "HBM3",   "HBM3E",
                                                     "HBM4",   "GDDR6",   "GDDR6X", "GDDR7",
                                                     "LPDDR5", "LPDDR5X", "DDR4",   "DDR5"};
  if (!device.generation.empty() && std::find(kGenerations.begin(), kGenerations.end(),
                                              device.generation) == kGenerations.end()) {
    std::string list;
    for (const auto& name : kGenerations) list += (list.empty() ? "" : ", ") + name;
    reader.problem("/generation",
                   "unknown generation '" + device.generation + "'; expected one of: " + list);
  }
  (void)reader.optional_string(document, "", "notes");
  device.interface_width =
      reader.sourced_quantity(document, "", "interface_width", Dimension::bits);
  device.channels = reader.sourced_count(document, "", "channels", 1024);
  device.pseudo_channels_per_channel =
      reader.sourced_count(document, "", "pseudo_channels_per_channel", 16);
  device.bank_groups = reader.sourced_count(document, "", "bank_groups", 64);
  device.banks_per_group = reader.sourced_count(document, "", "banks_per_group", 64);
  device.rows = reader.sourced_count(document, "", "rows", kMaxGeometry);
  device.columns = reader.sourced_count(document, "", "columns", kMaxGeometry);
  device.burst_length = reader.sourced_count(document, "", "burst_length", 64);
  device.pin_rate = reader.sourced_quantity(document, "", "pin_rate", Dimension::bit_rate);
  device.capacity_per_stack =
      reader.sourced_quantity(document, "", "capacity_per_stack", Dimension::bytes);
  device.stack_height = reader.sourced_count(document, "", "stack_height", 32);
  device.stack_ids = optional_sourced_count(reader, document, "", "stack_ids", 16);

  if (const auto* timing = reader.require(document, "", "timing");
      timing != nullptr && reader.expect_object(*timing, "/timing")) {
    auto& t = device.timing;
    const std::vector<std::pair<std::string_view, Sourced<double>*>> fields{
        {"tRCD", &t.tRCD},     {"tRP", &t.tRP},       {"tRAS", &t.tRAS},     {"tCL", &t.tCL},
        {"tCWL", &t.tCWL},     {"tCCD_S", &t.tCCD_S}, {"tCCD_L", &t.tCCD_L}, {"tRRD_S", &t.tRRD_S},
        {"tRRD_L", &t.tRRD_L}, {"tFAW", &t.tFAW},     {"tWTR_S", &t.tWTR_S}, {"tWTR_L", &t.tWTR_L},
        {"tRTW", &t.tRTW},     {"tRTP", &t.tRTP},     {"tWR", &t.tWR},       {"tRFC", &t.tRFC},
        {"tRFCpb", &t.tRFCpb}, {"tREFI", &t.tREFI}};
    reader.reject_unknown_keys(
        *timing, "/timing",
        {"tRCD", "tRP",    "tRAS",   "tCL",    "tCWL",  "tCCD_S", "tCCD_L", "tRRD_S", "tRRD_L",
         "tFAW", "tWTR_S", "tWTR_L", "tRTW",   "tRTP",  "tWR",    "tRFC",   "tRFCpb", "tREFI",
         "tCK",  "tRCDWR", "tRC",    "tCCD_R", "tRTRS", "tPPD",   "tREFIpb"});
    for (const auto& [name, field] : fields) {
      *field = reader.sourced_quantity(*timing, "/timing", name, Dimension::time);
    }
    const std::vector<std::pair<std::string_view, std::optional<Sourced<double>>*>> optional_fields{
        {"tCK", &t.tCK},     {"tRCDWR", &t.tRCDWR}, {"tRC", &t.tRC},        {"tCCD_R", &t.tCCD_R},
        {"tRTRS", &t.tRTRS}, {"tPPD", &t.tPPD},     {"tREFIpb", &t.tREFIpb}};
    for (const auto& [name, field] : optional_fields) {
      *field = optional_sourced_time(reader, *timing, "/timing", name);
    }
    auto order = [&](const Sourced<double>& larger, const Sourced<double>& smaller,
                     std::string_view larger_name, std::string_view smaller_name) {
      require_at_least(reader, "/timing/" + std::string(larger_name), larger.value, smaller.value,
                       std::string(larger_name) + " must be at least " + std::string(smaller_name));
    };
    order(t.tRAS, t.tRCD, "tRAS", "tRCD");
    order(t.tCCD_L, t.tCCD_S, "tCCD_L", "tCCD_S");
    order(t.tRRD_L, t.tRRD_S, "tRRD_L", "tRRD_S");
    order(t.tFAW, t.tRRD_S, "tFAW", "tRRD_S");
    order(t.tWTR_L, t.tWTR_S, "tWTR_L", "tWTR_S");
    if (t.tREFI.value > 0 && t.tRFC.value > 0 && t.tREFI.value <= t.tRFC.value) {
      reader.problem("/timing/tREFI", "tREFI must be longer than tRFC");
    }
  }
  if (const auto* energy = reader.require(document, "", "energy");
      energy != nullptr && reader.expect_object(*energy, "/energy")) {
    reader.reject_unknown_keys(*energy, "/energy", {"read", "write", "activate"});
    device.energy.read =
        reader.sourced_quantity(*energy, "/energy", "read", Dimension::energy_per_bit);
    device.energy.write =
        reader.sourced_quantity(*energy, "/energy", "write", Dimension::energy_per_bit);
    device.energy.activate =
        reader.sourced_quantity(*energy, "/energy", "activate", Dimension::energy_per_bit);
  }
  if (const auto* controller = reader.optional(document, "controller");
      controller != nullptr && reader.expect_object(*controller, "/controller")) {
    device.controller = read_memory_controller(reader, *controller);
  }
  const auto lanes = device.channels.value * device.pseudo_channels_per_channel.value;
  if (lanes > 0 && device.interface_width.value > 0 &&
      std::fmod(device.interface_width.value, static_cast<double>(lanes)) != 0.0) {
    reader.problem("/interface_width", "interface width " +
                                           format_number(device.interface_width.value) +
                                           " bit is not divisible by channels × pseudo-channels (" +
                                           std::to_string(lanes) + ")");
  }
  reader.throw_if_problems();
  return device;
}

MemoryDevice load_memory_device(const std::filesystem::path& path) {
  return memory_device_from_json(parse_json_file(path), path.string());
}

namespace {

std::map<DType, Sourced<double>> read_dtype_map(JsonReader& reader, const json& object,
                                                const std::string& pointer, bool fractions,
                                                bool required) {
  std::map<DType, Sourced<double>> result;
  const json* map = required ? reader.require(object, pointer.substr(0, pointer.rfind('/')),
                                              pointer.substr(pointer.rfind('/') + 1))
                             : reader.optional(object, pointer.substr(pointer.rfind('/') + 1));
  if (map == nullptr || !reader.expect_object(*map, pointer)) return result;
  if (required && map->empty())
    reader.problem(pointer, "expected at least one dtype (" + dtype_list() + ")");
  for (const auto& [key, value] : map->items()) {
    const auto dtype = parse_dtype(key);
    if (!dtype) {
      reader.problem(ptr(pointer, key),
                     "unknown dtype '" + key + "'; expected one of: " + dtype_list());
      continue;
    }
    result[*dtype] = fractions ? reader.sourced_fraction(*map, pointer, key)
                               : reader.sourced_quantity(*map, pointer, key, Dimension::compute);
  }
  return result;
}

Link read_link(JsonReader& reader, const json& object, const std::string& pointer,
               bool with_count) {
  Link link;
  if (!reader.expect_object(object, pointer)) return link;
  if (with_count) {
    reader.reject_unknown_keys(object, pointer,
                               {"kind", "count", "bandwidth_per_direction", "latency"});
  } else {
    reader.reject_unknown_keys(object, pointer, {"kind", "bandwidth_per_direction", "latency"});
  }
  link.kind = reader.string(object, pointer, "kind");
  if (with_count) {
    link.count = reader.sourced_count(object, pointer, "count", kMaxLinks);
  } else {
    link.count.value = 1;
    link.count.source = "derived: one host link";
  }
  link.bandwidth_per_direction =
      reader.sourced_quantity(object, pointer, "bandwidth_per_direction", Dimension::bandwidth);
  link.latency = reader.sourced_quantity(object, pointer, "latency", Dimension::time);
  return link;
}

bool is_off_chip_name(const std::string& name) {
  return name.find("HBM") != std::string::npos || name.find("GDDR") != std::string::npos ||
         name.find("DDR") != std::string::npos;
}

// The optional "energy" object (docs/hwspecs.md). When present it must be complete: a figure for
// every dtype of /compute/peak, every on-chip memory level and every link kind, so that no energy
// is ever taken as 0 because a file forgot it.
EnergySpec read_energy(JsonReader& reader, const json& object, const Accelerator& accelerator) {
  const std::string where = "/energy";
  EnergySpec energy;
  if (!reader.expect_object(object, where)) return energy;
  reader.reject_unknown_keys(object, where,
                             {"compute", "memory", "links", "static_power", "price"});
  if (const auto* compute = reader.require(object, where, "compute");
      compute != nullptr && reader.expect_object(*compute, where + "/compute")) {
    for (const auto& [key, value] : compute->items()) {
      const auto dtype = parse_dtype(key);
      if (!dtype) {
        reader.problem(ptr(where + "/compute", key),
                       "unknown dtype '" + key + "'; expected one of: " + dtype_list());
      } else if (accelerator.compute.peak.count(*dtype) == 0) {
        reader.problem(ptr(where + "/compute", key),
                       "energy for " + key + ", which has no entry in /compute/peak");
      } else {
        energy.compute[*dtype] =
            reader.sourced_quantity(*compute, where + "/compute", key, Dimension::energy_per_op);
      }
    }
    for (const auto& [dtype, rate] : accelerator.compute.peak) {
      if (compute->find(std::string(dtype_name(dtype))) == compute->end()) {
        reader.problem(ptr(where + "/compute", dtype_name(dtype)),
                       "missing energy per FLOP for " + std::string(dtype_name(dtype)) +
                           " (every dtype in /compute/peak needs one), e.g. '0.4 pJ/FLOP'");
      }
    }
  }
  // Named maps (memory levels, link kinds): every expected name present, no other.
  const auto named_map = [&](std::string_view key, const std::vector<std::string>& names,
                             std::map<std::string, Sourced<double>>& out, const std::string& what) {
    const std::string pointer = ptr(where, key);
    const auto* map =
        names.empty() ? reader.optional(object, key) : reader.require(object, where, key);
    if (map == nullptr || !reader.expect_object(*map, pointer)) return;
    for (const auto& [name, value] : map->items()) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string list;
        for (const auto& known : names) list += (list.empty() ? "" : ", ") + known;
        reader.problem(ptr(pointer, name),
                       "unknown " + what + " '" + name +
                           "'; expected one of: " + (list.empty() ? "(none)" : list));
        continue;
      }
      out[name] = reader.sourced_quantity(*map, pointer, name, Dimension::energy_per_bit);
    }
    for (const auto& name : names) {
      if (map->find(name) == map->end()) {
        reader.problem(ptr(pointer, name),
                       "missing energy per bit for " + what + " '" + name + "', e.g. '0.5 pJ/bit'");
      }
    }
  };
  std::vector<std::string> on_chip;
  for (std::size_t i = 0; i + 1 < accelerator.memory.size(); ++i) {
    on_chip.push_back(accelerator.memory[i].name);
  }
  named_map("memory", on_chip, energy.memory, "on-chip memory level");
  std::vector<std::string> link_kinds;
  for (const auto& link : accelerator.interconnect) link_kinds.push_back(link.kind);
  if (!accelerator.host_link.kind.empty()) link_kinds.push_back(accelerator.host_link.kind);
  named_map("links", link_kinds, energy.links, "link kind");
  energy.static_power = reader.sourced_quantity(object, where, "static_power", Dimension::power);
  if (energy.static_power.value > 0 && accelerator.tdp.value > 0 &&
      energy.static_power.value >= accelerator.tdp.value) {
    reader.problem(where + "/static_power",
                   "static power " + format_quantity(energy.static_power.value, Dimension::power) +
                       " must be below the TDP (" +
                       format_quantity(accelerator.tdp.value, Dimension::power) + ")");
  }
  if (reader.optional(object, "price") != nullptr) {
    energy.price = reader.sourced_quantity(object, where, "price", Dimension::price);
  }
  return energy;
}

}  // namespace

Accelerator accelerator_from_json(const json& document, const std::string& file,
                                  const MemoryDeviceResolver& resolve) {
  if (!document.is_object()) {
    throw InputError(file, "/",
                     "expected a JSON object at the root, found " + json_type_name(document));
  }
  JsonReader reader(file);
  reader.reject_unknown_keys(
      document, "",
      {"schema", "id", "name", "vendor", "kind", "sources", "notes", "compute", "memory",
       "interconnect", "host_link", "tdp", "overheads", "energy"});
  Accelerator accelerator;
  accelerator.file = file;
  accelerator.sources = read_sources(reader, document);
  check_schema_and_id(reader, document, kAcceleratorSchema, accelerator.id);
  accelerator.name = reader.string(document, "", "name");
  accelerator.vendor = reader.string(document, "", "vendor");
  accelerator.kind = reader.string(document, "", "kind");
  if (!accelerator.kind.empty() && accelerator.kind != "gpu" && accelerator.kind != "npu" &&
      accelerator.kind != "tpu" && accelerator.kind != "cpu") {
    reader.problem("/kind",
                   "unknown kind '" + accelerator.kind + "'; expected gpu, npu, tpu or cpu");
  }
  if (auto notes = reader.optional_string(document, "", "notes")) accelerator.notes = *notes;

  // Compute.
  if (const auto* compute = reader.require(document, "", "compute");
      compute != nullptr && reader.expect_object(*compute, "/compute")) {
    reader.reject_unknown_keys(
        *compute, "/compute", {"unit_name", "units", "clock", "peak", "sparse_peak", "achievable"});
    auto& spec = accelerator.compute;
    spec.unit_name = reader.string(*compute, "/compute", "unit_name");
    spec.units = reader.sourced_count(*compute, "/compute", "units", kMaxUnits);
    spec.clock = reader.sourced_quantity(*compute, "/compute", "clock", Dimension::frequency);
    spec.peak = read_dtype_map(reader, *compute, "/compute/peak", false, true);
    spec.sparse_peak = read_dtype_map(reader, *compute, "/compute/sparse_peak", false, false);
    spec.achievable = read_dtype_map(reader, *compute, "/compute/achievable", true, true);
    for (const auto& [dtype, rate] : spec.peak) {
      if (spec.achievable.count(dtype) == 0) {
        reader.problem("/compute/achievable/" + std::string(dtype_name(dtype)),
                       "missing achievable fraction for " + std::string(dtype_name(dtype)) +
                           " (every dtype in /compute/peak needs one, with its measurement)");
      }
    }
    for (const auto& [dtype, fraction] : spec.achievable) {
      if (spec.peak.count(dtype) == 0) {
        reader.problem("/compute/achievable/" + std::string(dtype_name(dtype)),
                       "achievable fraction for " + std::string(dtype_name(dtype)) +
                           ", which has no entry in /compute/peak");
      }
    }
    for (const auto& [dtype, sparse] : spec.sparse_peak) {
      const auto dense = spec.peak.find(dtype);
      const std::string where = "/compute/sparse_peak/" + std::string(dtype_name(dtype));
      if (dense == spec.peak.end()) {
        reader.problem(where, "sparse peak for a dtype without a dense peak in /compute/peak");
      } else if (sparse.value > 0 && dense->second.value > 0 &&
                 sparse.value < dense->second.value) {
        reader.problem(
            where, "sparse peak is below the dense peak; /compute/peak must hold dense figures");
      }
    }
  }

  // Memory hierarchy.
  if (const auto* memory = reader.require(document, "", "memory");
      memory != nullptr && reader.expect_array(*memory, "/memory")) {
    if (memory->empty())
      reader.problem("/memory", "expected at least one memory level (the off-chip one)");
    for (std::size_t i = 0; i < memory->size(); ++i) {
      const std::string where = "/memory/" + std::to_string(i);
      const json& entry = (*memory)[i];
      if (!reader.expect_object(entry, where)) continue;
      const bool outermost = i + 1 == memory->size();
      if (outermost) {
        reader.reject_unknown_keys(entry, where,
                                   {"name", "scope", "capacity", "bandwidth", "latency",
                                    "achievable_fraction", "device", "stacks", "pin_rate"});
      } else {
        reader.reject_unknown_keys(
            entry, where,
            {"name", "scope", "capacity", "bandwidth", "latency", "achievable_fraction"});
      }
      MemoryLevel level;
      level.name = reader.string(entry, where, "name");
      for (const auto& previous : accelerator.memory) {
        if (!level.name.empty() && previous.name == level.name) {
          reader.problem(where + "/name", "memory level name '" + level.name + "' is used twice");
        }
      }
      const std::string scope = reader.string(entry, where, "scope");
      if (scope == "per_unit") {
        level.scope = Scope::per_unit;
      } else if (scope == "per_chip") {
        level.scope = Scope::per_chip;
      } else if (!scope.empty()) {
        reader.problem(where + "/scope",
                       "unknown scope '" + scope + "'; expected per_unit or per_chip");
      }
      level.capacity = reader.sourced_quantity(entry, where, "capacity", Dimension::bytes);
      level.bandwidth = reader.sourced_quantity(entry, where, "bandwidth", Dimension::bandwidth);
      level.latency = reader.sourced_quantity(entry, where, "latency", Dimension::time);
      level.achievable_fraction = reader.sourced_fraction(entry, where, "achievable_fraction");
      if (outermost) {
        if (!level.name.empty() && !is_off_chip_name(level.name)) {
          reader.problem(where + "/name",
                         "the off-chip (last) level's name must contain HBM, GDDR or DDR, found '" +
                             level.name + "'");
        }
        if (level.scope != Scope::per_chip) {
          reader.problem(where + "/scope", "the off-chip level must be per_chip");
        }
        OffChipMemory off_chip;
        const std::string device_id = reader.string(entry, where, "device");
        off_chip.stacks = reader.sourced_count(entry, where, "stacks", kMaxStacks);
        off_chip.pin_rate = reader.sourced_quantity(entry, where, "pin_rate", Dimension::bit_rate);
        if (!device_id.empty()) {
          try {
            off_chip.device = resolve(device_id);
          } catch (const InputError& error) {
            reader.problem(where + "/device", "memory device '" + device_id +
                                                  "' could not be loaded: " + error.what());
          }
        }
        level.off_chip = std::move(off_chip);
      }
      accelerator.memory.push_back(std::move(level));
    }
  }

  // Links and power.
  if (const auto* links = reader.require(document, "", "interconnect");
      links != nullptr && reader.expect_array(*links, "/interconnect")) {
    for (std::size_t i = 0; i < links->size(); ++i) {
      accelerator.interconnect.push_back(
          read_link(reader, (*links)[i], "/interconnect/" + std::to_string(i), true));
    }
  }
  if (const auto* host = reader.require(document, "", "host_link")) {
    accelerator.host_link = read_link(reader, *host, "/host_link", false);
  }
  accelerator.tdp = reader.sourced_quantity(document, "", "tdp", Dimension::power);
  if (const auto* overheads = reader.require(document, "", "overheads");
      overheads != nullptr && reader.expect_object(*overheads, "/overheads")) {
    reader.reject_unknown_keys(*overheads, "/overheads",
                               {"kernel", "host_launch", "profiled_kernel"});
    accelerator.overheads.kernel =
        reader.sourced_quantity(*overheads, "/overheads", "kernel", Dimension::time);
    accelerator.overheads.host_launch =
        reader.sourced_quantity(*overheads, "/overheads", "host_launch", Dimension::time);
    accelerator.overheads.profiled_kernel =
        optional_sourced_time(reader, *overheads, "/overheads", "profiled_kernel");
  }
  if (const auto* energy = reader.optional(document, "energy")) {
    accelerator.energy = read_energy(reader, *energy, accelerator);
  }
  reader.throw_if_problems();
  check_accelerator(accelerator);
  return accelerator;
}

void check_accelerator(const Accelerator& accelerator) {
  JsonReader reader(accelerator.file);
  // Capacity grows outwards. Compared per unit against the whole chip, since non-inclusive CPU
  // caches can hold less chip-wide than the private levels inside them (Xeon 8480+: 56 × 2 MB L2,
  // 105 MB L3).
  for (std::size_t i = 0; i + 1 < accelerator.memory.size(); ++i) {
    const auto& inner = accelerator.memory[i];
    const auto& outer = accelerator.memory[i + 1];
    const double inner_capacity = inner.capacity.value;
    const double outer_capacity = chip_capacity(accelerator, outer);
    if (inner_capacity >= outer_capacity) {
      reader.problem("/memory/" + std::to_string(i + 1) + "/capacity",
                     "capacity grows outwards: '" + outer.name + "' holds " +
                         format_quantity(outer_capacity, Dimension::bytes) +
                         " for the chip, not more than '" + inner.name + "' (" +
                         format_quantity(inner_capacity, Dimension::bytes) +
                         (inner.scope == Scope::per_unit ? " per unit" : "") + ")");
    }
  }
  if (!accelerator.memory.empty() && accelerator.off_chip().off_chip) {
    const auto& level = accelerator.off_chip();
    const auto& memory = *level.off_chip;
    const std::string where = "/memory/" + std::to_string(accelerator.memory.size() - 1);
    const double derived = derived_off_chip_bandwidth(memory);
    const double stated = level.bandwidth.value;
    if (std::fabs(derived - stated) > kBandwidthTolerance * stated) {
      reader.problem(where + "/bandwidth",
                     "stated bandwidth " + format_quantity(stated, Dimension::bandwidth) +
                         " is more than 3% from the derived " +
                         std::to_string(memory.stacks.value) + " stacks × " +
                         format_number(memory.device.interface_width.value) + " bit × " +
                         format_quantity(memory.pin_rate.value, Dimension::bit_rate) +
                         " / 8 = " + format_quantity(derived, Dimension::bandwidth) +
                         "; fix stacks, pin_rate or bandwidth");
    }
    const double physical = physical_off_chip_capacity(memory);
    if (level.capacity.value > physical * (1.0 + kCapacityTolerance)) {
      reader.problem(where + "/capacity",
                     "capacity " + format_quantity(level.capacity.value, Dimension::bytes) +
                         " exceeds the physical " + std::to_string(memory.stacks.value) + " × " +
                         format_quantity(memory.device.capacity_per_stack.value, Dimension::bytes) +
                         " of device '" + memory.device.id +
                         "' = " + format_quantity(physical, Dimension::bytes));
    }
    if (memory.pin_rate.value > memory.device.pin_rate.value * (1.0 + kPinRateTolerance)) {
      reader.problem(where + "/pin_rate",
                     "pin rate " + format_quantity(memory.pin_rate.value, Dimension::bit_rate) +
                         " exceeds device '" + memory.device.id + "' maximum of " +
                         format_quantity(memory.device.pin_rate.value, Dimension::bit_rate) +
                         " by more than 10%");
    }
  }
  reader.throw_if_problems();
}

Accelerator load_accelerator(const std::filesystem::path& path,
                             const MemoryDeviceResolver& resolve) {
  return accelerator_from_json(parse_json_file(path), path.string(), resolve);
}

}  // namespace ridgeline::hw
