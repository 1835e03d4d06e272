#include "ridgeline/hw/spec.hpp"

#include "ridgeline/base/error.hpp"

namespace ridgeline::hw {

double stack_bandwidth(double interface_width_bits, double pin_rate) {
  return interface_width_bits * pin_rate / 8.0;
}

double derived_off_chip_bandwidth(const OffChipMemory& memory) {
  return static_cast<double>(memory.stacks.value) *
         stack_bandwidth(memory.device.interface_width.value, memory.pin_rate.value);
}

double physical_off_chip_capacity(const OffChipMemory& memory) {
  return static_cast<double>(memory.stacks.value) * memory.device.capacity_per_stack.value;
}

double chip_capacity(const Accelerator& accelerator, const MemoryLevel& level) {
  return level.scope == Scope::per_unit
             ? level.capacity.value * static_cast<double>(accelerator.compute.units.value)
             : level.capacity.value;
}

double achievable_bandwidth(const MemoryLevel& level) {
  return level.bandwidth.value * level.achievable_fraction.value;
}

bool supports(const Accelerator& accelerator, DType dtype) {
  return accelerator.compute.peak.count(dtype) != 0;
}

double peak_rate(const Accelerator& accelerator, DType dtype) {
  const auto it = accelerator.compute.peak.find(dtype);
  if (it == accelerator.compute.peak.end()) {
    std::string available;
    for (const auto& [supported, rate] : accelerator.compute.peak) {
      available += (available.empty() ? "" : ", ") + std::string(dtype_name(supported));
    }
    throw ModelError(accelerator.id + " has no " + std::string(dtype_name(dtype)) +
                     " compute peak; it supports: " + available);
  }
  return it->second.value;
}

double achievable_rate(const Accelerator& accelerator, DType dtype) {
  return peak_rate(accelerator, dtype) * accelerator.compute.achievable.at(dtype).value;
}

double scale_up_bandwidth(const Accelerator& accelerator) {
  double total = 0.0;
  for (const auto& link : accelerator.interconnect) {
    total += static_cast<double>(link.count.value) * link.bandwidth_per_direction.value;
  }
  return total;
}

std::string_view scope_name(Scope scope) {
  return scope == Scope::per_unit ? "per_unit" : "per_chip";
}

namespace {
const EnergySpec& energy_of(const Accelerator& accelerator) {
  if (!accelerator.energy) {
    throw ModelError(accelerator.id + " has no energy figures (the \"energy\" object of " +
                     accelerator.file + ", docs/hwspecs.md)");
  }
  return *accelerator.energy;
}
}  // namespace

double level_energy_per_bit(const Accelerator& accelerator, std::size_t level) {
  const EnergySpec& energy = energy_of(accelerator);
  const MemoryLevel& memory = accelerator.memory.at(level);
  if (memory.off_chip) {
    const DramEnergy& device = memory.off_chip->device.energy;
    return device.read.value + device.activate.value;
  }
  const auto it = energy.memory.find(memory.name);
  if (it == energy.memory.end()) {
    throw ModelError(accelerator.id + " has no energy per bit for memory level '" + memory.name +
                     "'");
  }
  return it->second.value;
}

double scale_up_link_energy_per_bit(const Accelerator& accelerator) {
  const EnergySpec& energy = energy_of(accelerator);
  if (accelerator.interconnect.empty()) {
    throw ModelError(accelerator.id + " has no scale-up links to price");
  }
  const std::string& kind = accelerator.interconnect.front().kind;
  const auto it = energy.links.find(kind);
  if (it == energy.links.end()) {
    throw ModelError(accelerator.id + " has no energy per bit for its '" + kind + "' links");
  }
  return it->second.value;
}

double compute_energy_per_flop(const Accelerator& accelerator, DType dtype) {
  const EnergySpec& energy = energy_of(accelerator);
  const auto it = energy.compute.find(dtype);
  if (it == energy.compute.end()) {
    throw ModelError(accelerator.id + " has no " + std::string(dtype_name(dtype)) +
                     " energy per FLOP");
  }
  return it->second.value;
}

void scale_compute(Accelerator& accelerator, double factor) {
  for (auto& [dtype, peak] : accelerator.compute.peak) peak.value *= factor;
  for (auto& [dtype, peak] : accelerator.compute.sparse_peak) peak.value *= factor;
}

}  // namespace ridgeline::hw
