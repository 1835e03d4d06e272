#include "ridgeline/report/hw_report.hpp"

#include <sstream>

#include "ridgeline/base/units.hpp"

namespace ridgeline::report {
namespace {

using nlohmann::json;

template <typename T>
json sourced(const Sourced<T>& value) {
  json result{{"value", value.value}, {"source", value.source}};
  if (!value.note.empty()) result["note"] = value.note;
  return result;
}

std::string percent(double fraction) {
  return format_number(fraction * 100.0, 3) + "%";
}

std::string with_source(const std::string& text, const std::string& source) {
  return text + "  [" + source + "]";
}

json link_json(const hw::Link& link) {
  return {{"kind", link.kind},
          {"count", sourced(link.count)},
          {"bandwidth_per_direction", sourced(link.bandwidth_per_direction)},
          {"latency", sourced(link.latency)}};
}

}  // namespace

json accelerator_summary_json(const hw::Accelerator& accelerator) {
  json peaks = json::object();
  for (const auto& [dtype, rate] : accelerator.compute.peak)
    peaks[std::string(dtype_name(dtype))] = rate.value;
  const auto& off_chip = accelerator.off_chip();
  return {{"id", accelerator.id},
          {"name", accelerator.name},
          {"vendor", accelerator.vendor},
          {"kind", accelerator.kind},
          {"peak_flops", peaks},
          {"memory",
           {{"name", off_chip.name},
            {"capacity_bytes", off_chip.capacity.value},
            {"bandwidth", off_chip.bandwidth.value}}},
          {"tdp_w", accelerator.tdp.value}};
}

json memory_device_json(const hw::MemoryDevice& device) {
  const auto& t = device.timing;
  json timing{
      {"tRCD", sourced(t.tRCD)},     {"tRP", sourced(t.tRP)},       {"tRAS", sourced(t.tRAS)},
      {"tCL", sourced(t.tCL)},       {"tCWL", sourced(t.tCWL)},     {"tCCD_S", sourced(t.tCCD_S)},
      {"tCCD_L", sourced(t.tCCD_L)}, {"tRRD_S", sourced(t.tRRD_S)}, {"tRRD_L", sourced(t.tRRD_L)},
      {"tFAW", sourced(t.tFAW)},     {"tWTR_S", sourced(t.tWTR_S)}, {"tWTR_L", sourced(t.tWTR_L)},
      {"tRTW", sourced(t.tRTW)},     {"tRTP", sourced(t.tRTP)},     {"tWR", sourced(t.tWR)},
      {"tRFC", sourced(t.tRFC)},     {"tRFCpb", sourced(t.tRFCpb)}, {"tREFI", sourced(t.tREFI)}};
  return {
      {"id", device.id},
      {"name", device.name},
      {"generation", device.generation},
      {"interface_width_bits", sourced(device.interface_width)},
      {"channels", sourced(device.channels)},
      {"pseudo_channels_per_channel", sourced(device.pseudo_channels_per_channel)},
      {"bank_groups", sourced(device.bank_groups)},
      {"banks_per_group", sourced(device.banks_per_group)},
      {"rows", sourced(device.rows)},
      {"columns", sourced(device.columns)},
      {"burst_length", sourced(device.burst_length)},
      {"pin_rate", sourced(device.pin_rate)},
      {"stack_bandwidth", hw::stack_bandwidth(device.interface_width.value, device.pin_rate.value)},
      {"capacity_per_stack", sourced(device.capacity_per_stack)},
      {"stack_height", sourced(device.stack_height)},
      {"timing_s", timing},
      {"energy_j_per_bit",
       {{"read", sourced(device.energy.read)},
        {"write", sourced(device.energy.write)},
        {"activate", sourced(device.energy.activate)}}}};
}

json accelerator_json(const hw::Accelerator& accelerator) {
  json compute{{"unit_name", accelerator.compute.unit_name},
               {"units", sourced(accelerator.compute.units)},
               {"clock_hz", sourced(accelerator.compute.clock)}};
  for (const auto& [key, map] : {std::pair{"peak", &accelerator.compute.peak},
                                 std::pair{"sparse_peak", &accelerator.compute.sparse_peak},
                                 std::pair{"achievable", &accelerator.compute.achievable}}) {
    json entries = json::object();
    for (const auto& [dtype, value] : *map)
      entries[std::string(dtype_name(dtype))] = sourced(value);
    compute[key] = entries;
  }
  json memory = json::array();
  for (const auto& level : accelerator.memory) {
    json entry{{"name", level.name},
               {"scope", hw::scope_name(level.scope)},
               {"capacity_bytes", sourced(level.capacity)},
               {"chip_capacity_bytes", hw::chip_capacity(accelerator, level)},
               {"bandwidth", sourced(level.bandwidth)},
               {"achievable_bandwidth", hw::achievable_bandwidth(level)},
               {"latency_s", sourced(level.latency)},
               {"achievable_fraction", sourced(level.achievable_fraction)}};
    if (level.off_chip) {
      entry["device"] = memory_device_json(level.off_chip->device);
      entry["stacks"] = sourced(level.off_chip->stacks);
      entry["pin_rate"] = sourced(level.off_chip->pin_rate);
      entry["derived_bandwidth"] = hw::derived_off_chip_bandwidth(*level.off_chip);
    }
    memory.push_back(entry);
  }
  json links = json::array();
  for (const auto& link : accelerator.interconnect) links.push_back(link_json(link));
  json sources = json::array();
  for (const auto& source : accelerator.sources) {
    sources.push_back({{"key", source.key}, {"url", source.url}, {"note", source.note}});
  }
  return {{"id", accelerator.id},
          {"name", accelerator.name},
          {"vendor", accelerator.vendor},
          {"kind", accelerator.kind},
          {"file", accelerator.file},
          {"notes", accelerator.notes},
          {"sources", sources},
          {"compute", compute},
          {"memory", memory},
          {"interconnect", links},
          {"host_link", link_json(accelerator.host_link)},
          {"tdp_w", sourced(accelerator.tdp)},
          {"overheads_s",
           {{"kernel", sourced(accelerator.overheads.kernel)},
            {"host_launch", sourced(accelerator.overheads.host_launch)},
            {"profiled_kernel", accelerator.overheads.profiled_kernel
                                    ? sourced(*accelerator.overheads.profiled_kernel)
                                    : nlohmann::json(nullptr)}}}};
}

Table accelerator_list_table(const std::vector<hw::Accelerator>& accelerators) {
  Table table;
  table.headers = {"id", "name", "kind", "bf16 peak", "memory", "capacity", "bandwidth", "TDP"};
  table.align = {Align::left, Align::left,  Align::left,  Align::right,
                 Align::left, Align::right, Align::right, Align::right};
  for (const auto& accelerator : accelerators) {
    const auto bf16 = accelerator.compute.peak.find(DType::bf16);
    const auto& off_chip = accelerator.off_chip();
    table.rows.push_back({accelerator.id, accelerator.name, accelerator.kind,
                          bf16 == accelerator.compute.peak.end()
                              ? "-"
                              : format_quantity(bf16->second.value, Dimension::compute),
                          off_chip.name, format_quantity(off_chip.capacity.value, Dimension::bytes),
                          format_quantity(off_chip.bandwidth.value, Dimension::bandwidth),
                          format_quantity(accelerator.tdp.value, Dimension::power)});
  }
  return table;
}

std::string accelerator_text(const hw::Accelerator& accelerator) {
  std::ostringstream out;
  out << accelerator.name << " (" << accelerator.id << "), " << accelerator.vendor << ", "
      << accelerator.kind << "\n";
  if (!accelerator.notes.empty()) out << accelerator.notes << "\n";
  const auto& compute = accelerator.compute;
  out << "\nCompute: " << compute.units.value << " " << compute.unit_name << " @ "
      << format_quantity(compute.clock.value, Dimension::frequency) << "\n";
  Table peaks;
  peaks.headers = {"dtype", "dense peak", "sparse peak", "achievable", "source"};
  peaks.align = {Align::left, Align::right, Align::right, Align::right, Align::left};
  for (const auto& [dtype, rate] : compute.peak) {
    const auto sparse = compute.sparse_peak.find(dtype);
    const auto& fraction = compute.achievable.at(dtype);
    peaks.rows.push_back({std::string(dtype_name(dtype)),
                          format_quantity(rate.value, Dimension::compute),
                          sparse == compute.sparse_peak.end()
                              ? "-"
                              : format_quantity(sparse->second.value, Dimension::compute),
                          percent(fraction.value),
                          rate.source + "; achievable: " + fraction.source +
                              (fraction.note.empty() ? "" : " (" + fraction.note + ")")});
  }
  out << render_text(peaks);
  out << "\nMemory hierarchy (innermost first):\n";
  Table levels;
  levels.headers = {"level", "capacity", "bandwidth", "achievable", "latency", "source"};
  levels.align = {Align::left, Align::right, Align::right, Align::right, Align::right, Align::left};
  for (const auto& level : accelerator.memory) {
    levels.rows.push_back(
        {level.name,
         format_quantity(level.capacity.value, Dimension::bytes) +
             (level.scope == hw::Scope::per_unit ? " per " + compute.unit_name : ""),
         format_quantity(level.bandwidth.value, Dimension::bandwidth),
         percent(level.achievable_fraction.value),
         format_quantity(level.latency.value, Dimension::time),
         level.bandwidth.source + "; achievable: " + level.achievable_fraction.source});
  }
  out << render_text(levels);
  if (const auto& off = accelerator.off_chip().off_chip) {
    out << "Off-chip: " << off->stacks.value << " × " << off->device.name << " at "
        << format_quantity(off->pin_rate.value, Dimension::bit_rate) << " → " << off->stacks.value
        << " × " << format_number(off->device.interface_width.value) << " bit × "
        << format_quantity(off->pin_rate.value, Dimension::bit_rate)
        << " / 8 = " << format_quantity(hw::derived_off_chip_bandwidth(*off), Dimension::bandwidth)
        << " (stated "
        << format_quantity(accelerator.off_chip().bandwidth.value, Dimension::bandwidth) << ")\n";
  }
  out << "\nInterconnect:";
  if (accelerator.interconnect.empty()) out << " none";
  out << "\n";
  for (const auto& link : accelerator.interconnect) {
    out << "  " << link.count.value << " × " << link.kind << " at "
        << format_quantity(link.bandwidth_per_direction.value, Dimension::bandwidth)
        << " per direction = "
        << format_quantity(
               static_cast<double>(link.count.value) * link.bandwidth_per_direction.value,
               Dimension::bandwidth)
        << " per direction, latency " << format_quantity(link.latency.value, Dimension::time)
        << "\n";
  }
  out << "Host link: " << accelerator.host_link.kind << " at "
      << format_quantity(accelerator.host_link.bandwidth_per_direction.value, Dimension::bandwidth)
      << " per direction\n";
  out << "Fixed costs: " << format_quantity(accelerator.overheads.kernel.value, Dimension::time)
      << " per kernel, "
      << format_quantity(accelerator.overheads.host_launch.value, Dimension::time)
      << " more per host-timed call";
  if (accelerator.overheads.profiled_kernel) {
    out << ", " << format_quantity(accelerator.overheads.profiled_kernel->value, Dimension::time)
        << " inside a kernel's profiled duration";
  }
  out << "\n";
  out << "TDP: "
      << with_source(format_quantity(accelerator.tdp.value, Dimension::power),
                     accelerator.tdp.source)
      << "\n\nSources:\n";
  for (const auto& source : accelerator.sources) {
    out << "  " << source.key << ": " << source.url
        << (source.note.empty() ? "" : " (" + source.note + ")") << "\n";
  }
  return out.str();
}

json roofline_json(const roofline::Roofline& roofline) {
  json levels = json::array();
  for (const auto& level : roofline.levels) {
    levels.push_back({{"name", level.name},
                      {"bandwidth", level.bandwidth},
                      {"achievable_bandwidth", level.achievable_bandwidth},
                      {"ridge_intensity", level.ridge_intensity},
                      {"achievable_ridge_intensity", level.achievable_ridge_intensity},
                      {"off_chip", level.off_chip}});
  }
  return {{"hw", roofline.hw_id},
          {"hw_name", roofline.hw_name},
          {"dtype", std::string(dtype_name(roofline.dtype))},
          {"peak_flops", roofline.peak_flops},
          {"achievable_flops", roofline.achievable_flops},
          {"levels", levels}};
}

Table roofline_table(const std::vector<roofline::Roofline>& rooflines) {
  Table table;
  table.headers = {"hw",
                   "dtype",
                   "level",
                   "bandwidth",
                   "achievable bw",
                   "ridge (FLOP/B)",
                   "achievable ridge",
                   "peak",
                   "achievable peak"};
  table.align = {Align::left,  Align::left,  Align::left,  Align::right, Align::right,
                 Align::right, Align::right, Align::right, Align::right};
  for (const auto& roofline : rooflines) {
    for (const auto& level : roofline.levels) {
      table.rows.push_back({roofline.hw_id, std::string(dtype_name(roofline.dtype)), level.name,
                            format_quantity(level.bandwidth, Dimension::bandwidth),
                            format_quantity(level.achievable_bandwidth, Dimension::bandwidth),
                            format_number(level.ridge_intensity, 4),
                            format_number(level.achievable_ridge_intensity, 4),
                            format_quantity(roofline.peak_flops, Dimension::compute),
                            format_quantity(roofline.achievable_flops, Dimension::compute)});
    }
  }
  return table;
}

Table roofline_csv_table(const std::vector<roofline::Roofline>& rooflines) {
  Table table;
  table.headers = {"hw",
                   "dtype",
                   "level",
                   "bandwidth",
                   "achievable_bandwidth",
                   "ridge_intensity",
                   "achievable_ridge_intensity",
                   "peak_flops",
                   "achievable_flops"};
  for (const auto& roofline : rooflines) {
    for (const auto& level : roofline.levels) {
      table.rows.push_back(
          {roofline.hw_id, std::string(dtype_name(roofline.dtype)), level.name,
           format_number(level.bandwidth, 10), format_number(level.achievable_bandwidth, 10),
           format_number(level.ridge_intensity, 10),
           format_number(level.achievable_ridge_intensity, 10),
           format_number(roofline.peak_flops, 10), format_number(roofline.achievable_flops, 10)});
    }
  }
  return table;
}

}  // namespace ridgeline::report
