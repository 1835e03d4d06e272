#include "ridgeline/explore/knobs.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/json_input.hpp"
#include "ridgeline/hw/loader.hpp"
#include "ridgeline/workload/parallel.hpp"

namespace ridgeline::explore {
namespace {

using Getter = double (*)(const Design&);
using Setter = void (*)(Design&, double);
using TextSetter = std::function<void(Design&, const std::string&, const hw::SpecLibrary&)>;
using TextGetter = std::string (*)(const Design&);

// A knob and how it reads and changes a design. Numeric knobs have get/set; named ones
// (hbm.device, weights, kv) set_text/get_text.
struct KnobEntry {
  Knob knob{};
  Getter get = nullptr;
  Setter set = nullptr;
  TextSetter set_text{};
  TextGetter get_text = nullptr;
};

std::string source_of(std::string_view knob) {
  return "estimate: what-if --set " + std::string(knob);
}

void require_device(const Design& design, std::string_view knob) {
  if (!design.accelerator.memory.back().off_chip) {
    throw InputError("", std::string(knob),
                     "the off-chip memory of '" + design.accelerator.id +
                         "' names no memory device, so it has no stacks or pin rate to change");
  }
}
hw::OffChipMemory& off_chip_memory(Design& design, std::string_view knob) {
  require_device(design, knob);
  return *design.accelerator.memory.back().off_chip;
}
const hw::OffChipMemory& off_chip_memory(const Design& design, std::string_view knob) {
  require_device(design, knob);
  return *design.accelerator.memory.back().off_chip;
}

// The level the l2.capacity knob changes: the one named "L2".
std::size_t l2_index(const hw::Accelerator& accelerator) {
  for (std::size_t i = 0; i + 1 < accelerator.memory.size(); ++i) {
    if (accelerator.memory[i].name == "L2") return i;
  }
  throw InputError("", "l2.capacity",
                   "'" + accelerator.id +
                       "' has no on-chip level named L2; set its capacity with a JSON pointer "
                       "such as /memory/1/capacity=64MiB");
}

void require_on_chip_level(const hw::Accelerator& accelerator, std::string_view knob) {
  if (accelerator.memory.size() < 2) {
    throw InputError("", std::string(knob),
                     "'" + accelerator.id + "' has no on-chip memory level, only off-chip memory");
  }
}

// Integer knobs hold int64 fields.
std::int64_t whole(double value) {
  return static_cast<std::int64_t>(std::llround(value));
}

const std::vector<KnobEntry>& entries() {
  static const std::vector<KnobEntry> table = [] {
    std::vector<KnobEntry> list;
    const auto hardware = KnobTarget::hardware;
    const auto workload_target = KnobTarget::workload;
    // Swapping the device keeps the stack count and the pin rate (capped at the new device's
    // rating), so that the comparison isolates the device; bandwidth follows stacks × width ×
    // pin rate / 8, and capacity keeps its usable fraction of stacks × capacity per stack.
    list.push_back(
        {{"hbm.device", "off-chip memory device id (hwspecs/hbm/), e.g. hbm3e-12hi", hardware,
          Dimension::count, false, false, false},
         nullptr,
         nullptr,
         [](Design& design, const std::string& id, const hw::SpecLibrary& library) {
           auto& memory = off_chip_memory(design, "hbm.device");
           hw::MemoryDevice device;
           try {
             device = library.memory_device(id);
           } catch (const InputError& error) {
             throw InputError("", "hbm.device",
                              "unknown memory device '" + id + "': " + error.what());
           }
           auto& level = design.accelerator.memory.back();
           const double old_bandwidth = hw::derived_off_chip_bandwidth(memory);
           const double old_physical = hw::physical_off_chip_capacity(memory);
           memory.device = std::move(device);
           if (memory.pin_rate.value > memory.device.pin_rate.value) {
             memory.pin_rate = {memory.device.pin_rate.value, source_of("hbm.device"),
                                "capped at the device's rating"};
           }
           level.bandwidth = {
               level.bandwidth.value * hw::derived_off_chip_bandwidth(memory) / old_bandwidth,
               source_of("hbm.device"), ""};
           level.capacity = {
               level.capacity.value * hw::physical_off_chip_capacity(memory) / old_physical,
               source_of("hbm.device"), ""};
         },
         [](const Design& design) { return off_chip_memory(design, "hbm.device").device.id; }});
    // bandwidth = stacks × interface width × pin rate / 8 and capacity ∝ stacks; the stated
    // figures scale by the ratio, so a spec's small gap to the derived value (usable capacity,
    // rounding of the bandwidth) is kept.
    list.push_back(
        {{"hbm.stacks", "off-chip memory stacks (bandwidth and capacity scale with them)", hardware,
          Dimension::count, true, true, false},
         [](const Design& design) {
           return static_cast<double>(off_chip_memory(design, "hbm.stacks").stacks.value);
         },
         [](Design& design, double value) {
           auto& memory = off_chip_memory(design, "hbm.stacks");
           auto& level = design.accelerator.memory.back();
           const double ratio = value / static_cast<double>(memory.stacks.value);
           memory.stacks = {whole(value), source_of("hbm.stacks"), ""};
           level.bandwidth = {level.bandwidth.value * ratio, source_of("hbm.stacks"), ""};
           level.capacity = {level.capacity.value * ratio, source_of("hbm.stacks"), ""};
         }});
    list.push_back(
        {{"hbm.pin_rate", "off-chip memory pin rate (bandwidth scales with it)", hardware,
          Dimension::bit_rate, false, true, false},
         [](const Design& design) {
           return off_chip_memory(design, "hbm.pin_rate").pin_rate.value;
         },
         [](Design& design, double value) {
           auto& memory = off_chip_memory(design, "hbm.pin_rate");
           auto& level = design.accelerator.memory.back();
           const double ratio = value / memory.pin_rate.value;
           memory.pin_rate = {value, source_of("hbm.pin_rate"), ""};
           level.bandwidth = {level.bandwidth.value * ratio, source_of("hbm.pin_rate"), ""};
         }});
    list.push_back(
        {{"hbm.capacity", "usable off-chip memory capacity (at most stacks × per stack)", hardware,
          Dimension::bytes, false, true, false},
         [](const Design& design) { return design.accelerator.memory.back().capacity.value; },
         [](Design& design, double value) {
           design.accelerator.memory.back().capacity = {value, source_of("hbm.capacity"), ""};
         }});
    list.push_back(
        {{"compute.scale", "factor on every compute peak (dense and sparse)", hardware,
          Dimension::count, false, true, true},
         [](const Design&) { return 1.0; },
         [](Design& design, double value) { hw::scale_compute(design.accelerator, value); }});
    // Peaks are units × clock × FLOP/clock per unit, and a per-unit level's bandwidth (stated for
    // the whole chip) is units × bytes/clock per unit × clock: both scale with the unit count.
    // Per-unit capacities add up by themselves (hw::chip_capacity).
    list.push_back({{"compute.units", "compute units (SMs, CUs, cores); peaks scale with them",
                     hardware, Dimension::count, true, true, false},
                    [](const Design& design) {
                      return static_cast<double>(design.accelerator.compute.units.value);
                    },
                    [](Design& design, double value) {
                      auto& accelerator = design.accelerator;
                      const double ratio =
                          value / static_cast<double>(accelerator.compute.units.value);
                      accelerator.compute.units = {whole(value), source_of("compute.units"), ""};
                      hw::scale_compute(accelerator, ratio);
                      for (auto& level : accelerator.memory) {
                        if (level.scope == hw::Scope::per_unit) level.bandwidth.value *= ratio;
                      }
                    }});
    list.push_back(
        {{"sram.capacity",
          "capacity of the innermost on-chip level (L1/shared memory; per unit where the spec "
          "says per_unit)",
          hardware, Dimension::bytes, false, true, false},
         [](const Design& design) {
           require_on_chip_level(design.accelerator, "sram.capacity");
           return design.accelerator.memory.front().capacity.value;
         },
         [](Design& design, double value) {
           require_on_chip_level(design.accelerator, "sram.capacity");
           design.accelerator.memory.front().capacity = {value, source_of("sram.capacity"), ""};
         }});
    list.push_back({{"l2.capacity", "capacity of the on-chip level named L2", hardware,
                     Dimension::bytes, false, true, false},
                    [](const Design& design) {
                      return design.accelerator.memory[l2_index(design.accelerator)].capacity.value;
                    },
                    [](Design& design, double value) {
                      design.accelerator.memory[l2_index(design.accelerator)].capacity = {
                          value, source_of("l2.capacity"), ""};
                    }});
    // The aggregate per direction; every link kind scales by the same factor.
    list.push_back(
        {{"link.bandwidth",
          "aggregate scale-up link bandwidth per direction (all links scale together)", hardware,
          Dimension::bandwidth, false, true, false},
         [](const Design& design) { return hw::scale_up_bandwidth(design.accelerator); },
         [](Design& design, double value) {
           const double total = hw::scale_up_bandwidth(design.accelerator);
           if (total <= 0) {
             throw InputError("", "link.bandwidth",
                              "'" + design.accelerator.id + "' has no scale-up links to change");
           }
           for (auto& link : design.accelerator.interconnect) {
             link.bandwidth_per_direction = {link.bandwidth_per_direction.value * value / total,
                                             source_of("link.bandwidth"), ""};
           }
         }});
    list.push_back({{"tp", "tensor-parallel degree (a design on a multi-accelerator --system)",
                     workload_target, Dimension::count, true, true, false},
                    [](const Design& design) { return static_cast<double>(design.parallelism.tp); },
                    [](Design& design, double value) {
                      if (!design.system) {
                        throw InputError(
                            "", "tp",
                            "tensor parallelism needs a multi-accelerator design: name it with "
                            "--system (and --tp) instead of --hw");
                      }
                      design.parallelism.tp = whole(value);
                    }});
    list.push_back(
        {{"batch", "sequences per step", workload_target, Dimension::count, true, true, false},
         [](const Design& design) { return static_cast<double>(design.workload.batch); },
         [](Design& design, double value) { design.workload.batch = whole(value); }});
    list.push_back(
        {{"context", "tokens already in the KV cache (decode)", workload_target, Dimension::count,
          true, true, false},
         [](const Design& design) { return static_cast<double>(design.workload.context); },
         [](Design& design, double value) { design.workload.context = whole(value); }});
    list.push_back(
        {{"prompt", "prompt tokens per sequence (prefill, train)", workload_target,
          Dimension::count, true, true, false},
         [](const Design& design) { return static_cast<double>(design.workload.prompt); },
         [](Design& design, double value) { design.workload.prompt = whole(value); }});
    const auto dtype_knob = [](std::string name, std::string description,
                               DType workload::WorkloadSpec::*field) {
      KnobEntry entry{{name, std::move(description), KnobTarget::workload, Dimension::count, false,
                       false, false}};
      entry.set_text = [name, field](Design& design, const std::string& text,
                                     const hw::SpecLibrary&) {
        const auto dtype = parse_dtype(text);
        if (!dtype) {
          throw InputError("", name,
                           "unknown dtype '" + text + "'; expected one of: " + dtype_list());
        }
        design.workload.*field = *dtype;
      };
      return entry;
    };
    auto weights = dtype_knob("weights", "weight dtype (bf16, fp8, int4, ...)",
                              &workload::WorkloadSpec::weights);
    weights.get_text = [](const Design& design) {
      return std::string(dtype_name(design.workload.weights));
    };
    list.push_back(std::move(weights));
    auto kv = dtype_knob("kv", "KV cache dtype (bf16, fp8, int8)", &workload::WorkloadSpec::kv);
    kv.get_text = [](const Design& design) { return std::string(dtype_name(design.workload.kv)); };
    list.push_back(std::move(kv));
    // A name-valued knob, so that a sweep can put the contiguous cache beside page sizes.
    KnobEntry kv_page{{"kv_page",
                       "paged KV cache: tokens per page (vLLM block size), or 'contiguous'",
                       KnobTarget::workload, Dimension::count, true, false, false}};
    kv_page.set_text = [](Design& design, const std::string& text, const hw::SpecLibrary&) {
      if (text == "contiguous") {
        design.workload.kv_page = 0;
        return;
      }
      double tokens = 0;
      try {
        tokens = parse_quantity(text, Dimension::count);
      } catch (const UnitError& error) {
        throw InputError("", "kv_page", error.what());
      }
      if (!(tokens >= 1) || tokens != std::round(tokens)) {
        throw InputError(
            "", "kv_page",
            "expected 'contiguous' or a whole number of tokens per page, got '" + text + "'");
      }
      design.workload.kv_page = static_cast<std::int64_t>(tokens);
    };
    kv_page.get_text = [](const Design& design) {
      return design.workload.kv_page == 0 ? std::string("contiguous")
                                          : std::to_string(design.workload.kv_page);
    };
    list.push_back(std::move(kv_page));
    return list;
  }();
  return table;
}

const KnobEntry& find_entry(std::string_view name) {
  for (const auto& entry : entries()) {
    if (entry.knob.name == name) return entry;
  }
  std::string known;
  for (const auto& entry : entries()) known += (known.empty() ? "" : ", ") + entry.knob.name;
  throw InputError("", std::string(name),
                   "unknown knob '" + std::string(name) + "'; known knobs: " + known +
                       ", or a JSON pointer into the accelerator spec (/memory/0/bandwidth)");
}

// Re-checks the design as a spec file would be checked; problems are reported against the knob.
void check_design(const Design& design, std::string_view knob) {
  try {
    if (find_entry(knob).knob.target == KnobTarget::hardware) {
      hw::check_accelerator(design.accelerator);
    } else {
      workload::check_spec(design.model, design.workload);
      if (design.system) {
        workload::check_parallelism(design.model, design.workload, design.parallelism,
                                    *design.system);
      }
    }
  } catch (const InputError& error) {
    std::string message;
    for (const auto& problem : error.problems()) {
      message += (message.empty() ? "" : "; ") + problem.message;
    }
    throw InputError("", std::string(knob), "impossible design: " + message);
  }
}

// The JSON value that replaces a field: a number where the file has a number and the text is one,
// a boolean for a boolean, otherwise the text (a quantity with units, a name).
nlohmann::json patch_value(const nlohmann::json& old_value, const std::string& text) {
  if (old_value.is_number()) {
    try {
      std::size_t used = 0;
      const double number = std::stod(text, &used);
      if (used == text.size()) {
        if (old_value.is_number_integer() && std::floor(number) == number)
          return static_cast<std::int64_t>(number);
        return number;
      }
    } catch (const std::exception&) {
    }
  }
  if (old_value.is_boolean() && (text == "true" || text == "false")) return text == "true";
  return text;
}

void apply_pointer_settings(Design& design, const std::vector<Assignment>& settings,
                            const hw::SpecLibrary& library) {
  if (settings.empty()) return;
  const std::string& file = design.accelerator.file;
  if (file.empty()) {
    throw InputError("", settings.front().name,
                     "the accelerator was not read from a spec file, so a JSON pointer has no "
                     "field to change");
  }
  nlohmann::json document = parse_json_file(file);
  for (const auto& setting : settings) {
    nlohmann::json::json_pointer pointer;
    try {
      pointer = nlohmann::json::json_pointer(setting.name);
    } catch (const nlohmann::json::exception& error) {
      throw InputError("", setting.name, "not a valid JSON pointer: " + std::string(error.what()));
    }
    if (!document.contains(pointer)) {
      throw InputError(file, setting.name,
                       "no field at this JSON pointer in the spec file; --set takes a pointer to "
                       "an existing field (see docs/hwspecs.md)");
    }
    auto& node = document[pointer];
    if (node.is_object() && node.contains("value")) {
      node["value"] = patch_value(node["value"], setting.value);
      node["source"] = "estimate: what-if --set " + setting.name;
      node.erase("note");
    } else {
      node = patch_value(node, setting.value);
    }
  }
  try {
    design.accelerator = library.accelerator_from_document(document, file);
  } catch (const InputError& error) {
    std::string message;
    for (const auto& problem : error.problems()) {
      message += (message.empty() ? "" : "; ") + problem.where + ": " + problem.message;
    }
    std::string names;
    for (const auto& setting : settings) names += (names.empty() ? "" : ", ") + setting.name;
    throw InputError(file, names, "impossible design after --set: " + message);
  }
}

}  // namespace

const std::vector<Knob>& knob_registry() {
  static const std::vector<Knob> knobs = [] {
    std::vector<Knob> list;
    for (const auto& entry : entries()) list.push_back(entry.knob);
    return list;
  }();
  return knobs;
}

const Knob& find_knob(std::string_view name) {
  return find_entry(name).knob;
}

bool is_pointer_setting(std::string_view name) {
  return !name.empty() && name.front() == '/';
}

double knob_value(const Design& design, std::string_view name) {
  const auto& entry = find_entry(name);
  if (!entry.knob.numeric) {
    throw InputError("", std::string(name),
                     "knob '" + std::string(name) + "' takes names, not numbers");
  }
  return entry.get(design);
}

void set_knob(Design& design, std::string_view name, double value_si) {
  const auto& entry = find_entry(name);
  const std::string knob(name);
  if (!entry.knob.numeric) {
    throw InputError("", knob, "knob '" + knob + "' takes names, not numbers");
  }
  if (!std::isfinite(value_si) || value_si <= 0) {
    throw InputError("", knob,
                     "impossible design: " + knob + " must be a positive number, got " +
                         format_number(value_si));
  }
  if (entry.knob.integer && std::fabs(value_si - std::round(value_si)) > 1e-9 * value_si) {
    throw InputError("", knob, knob + " takes whole numbers, got " + format_number(value_si, 8));
  }
  entry.set(design, value_si);
  check_design(design, knob);
}

double parse_knob_value(const Knob& knob, std::string_view text) {
  double value = 0;
  try {
    value = parse_quantity(text, knob.dimension);
  } catch (const UnitError& error) {
    throw InputError("", knob.name, error.what());
  }
  if (knob.integer && std::fabs(value - std::round(value)) > 1e-9 * value) {
    throw InputError("", knob.name,
                     knob.name + " takes whole numbers, got '" + std::string(text) + "'");
  }
  return value;
}

Assignment split_assignment(std::string_view assignment, std::string_view flag) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == assignment.size()) {
    throw InputError("", std::string(flag),
                     "expected KNOB=VALUE, got '" + std::string(assignment) + "'");
  }
  return {std::string(assignment.substr(0, equals)), std::string(assignment.substr(equals + 1))};
}

Setting parse_setting(std::string_view assignment) {
  auto [name, text] = split_assignment(assignment);
  Setting setting{name, text, 0.0};
  if (is_pointer_setting(name)) return setting;
  const auto& knob = find_knob(name);
  if (knob.numeric) setting.quantity = parse_knob_value(knob, text);
  return setting;
}

std::string setting_text(const Setting& setting) {
  if (is_pointer_setting(setting.name)) return setting.text;
  const auto& knob = find_knob(setting.name);
  if (!knob.numeric) return setting.text;
  if (knob.dimension == Dimension::count) return format_number(setting.quantity, 12);
  return format_quantity(setting.quantity, knob.dimension);
}

void apply_parsed_settings(Design& design, const std::vector<Setting>& settings,
                           const hw::SpecLibrary& library) {
  std::vector<Assignment> pointers;
  std::map<std::size_t, const Setting*> knobs;  // registry index → setting; the last one holds
  for (const auto& setting : settings) {
    if (is_pointer_setting(setting.name)) {
      pointers.push_back({setting.name, setting.text});
      continue;
    }
    const auto& entry = find_entry(setting.name);
    knobs[static_cast<std::size_t>(&entry - entries().data())] = &setting;
  }
  apply_pointer_settings(design, pointers, library);
  for (const auto& [index, setting] : knobs) {
    const auto& entry = entries()[index];
    if (entry.knob.numeric) {
      set_knob(design, entry.knob.name, setting->quantity);
    } else {
      entry.set_text(design, setting->text, library);
      check_design(design, entry.knob.name);
    }
  }
}

void apply_setting(Design& design, std::string_view assignment, const hw::SpecLibrary& library) {
  apply_settings(design, {std::string(assignment)}, library);
}

void apply_settings(Design& design, const std::vector<std::string>& assignments,
                    const hw::SpecLibrary& library) {
  std::vector<Setting> settings;
  for (const auto& assignment : assignments) settings.push_back(parse_setting(assignment));
  apply_parsed_settings(design, settings, library);
}

std::string knob_text(const Design& design, std::string_view name) {
  const auto& entry = find_entry(name);
  if (!entry.knob.numeric) return entry.get_text(design);
  const double value = entry.get(design);
  if (entry.knob.dimension == Dimension::count) return format_number(value, 12);
  return format_quantity(value, entry.knob.dimension);
}

}  // namespace ridgeline::explore
