#include "ridgeline/roofline/roofline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ridgeline/base/error.hpp"

namespace ridgeline::roofline {

double attainable(double peak_flops, double bandwidth, double intensity) {
  return std::min(peak_flops, intensity * bandwidth);
}

double ridge_intensity(double peak_flops, double bandwidth) {
  return peak_flops / bandwidth;
}

Roofline build_roofline(const hw::Accelerator& accelerator, DType dtype) {
  Roofline result;
  result.hw_id = accelerator.id;
  result.hw_name = accelerator.name;
  result.dtype = dtype;
  result.peak_flops = hw::peak_rate(accelerator, dtype);
  result.achievable_flops = hw::achievable_rate(accelerator, dtype);
  for (const auto& level : accelerator.memory) {
    LevelCeiling ceiling;
    ceiling.name = level.name;
    ceiling.bandwidth = level.bandwidth.value;
    ceiling.achievable_bandwidth = hw::achievable_bandwidth(level);
    ceiling.ridge_intensity = ridge_intensity(result.peak_flops, ceiling.bandwidth);
    ceiling.achievable_ridge_intensity =
        ridge_intensity(result.achievable_flops, ceiling.achievable_bandwidth);
    ceiling.off_chip = level.off_chip.has_value();
    result.levels.push_back(std::move(ceiling));
  }
  return result;
}

namespace {
double compute_ceiling(const Roofline& roofline, Ceiling ceiling) {
  return ceiling == Ceiling::theoretical ? roofline.peak_flops : roofline.achievable_flops;
}
double bandwidth_ceiling(const LevelCeiling& level, Ceiling ceiling) {
  return ceiling == Ceiling::theoretical ? level.bandwidth : level.achievable_bandwidth;
}
}  // namespace

Binding attainable_at(const Roofline& roofline, double intensity, std::size_t level,
                      Ceiling ceiling) {
  if (level >= roofline.levels.size()) {
    throw ModelError("memory level " + std::to_string(level) + " does not exist on " +
                     roofline.hw_id);
  }
  if (!(intensity > 0) || !std::isfinite(intensity)) {
    throw ModelError("arithmetic intensity must be a positive finite number of FLOP/byte");
  }
  const double compute = compute_ceiling(roofline, ceiling);
  const double memory = intensity * bandwidth_ceiling(roofline.levels[level], ceiling);
  return memory < compute ? Binding{memory, false, level} : Binding{compute, true, level};
}

Binding hierarchical_attainable(const Roofline& roofline, std::span<const double> intensities,
                                Ceiling ceiling) {
  if (intensities.size() != roofline.levels.size()) {
    throw ModelError("hierarchical roofline needs one intensity per memory level (" +
                     std::to_string(roofline.levels.size()) + "), got " +
                     std::to_string(intensities.size()));
  }
  Binding binding{compute_ceiling(roofline, ceiling), true, 0};
  for (std::size_t i = 0; i < intensities.size(); ++i) {
    if (std::isinf(intensities[i])) continue;
    if (!(intensities[i] > 0)) throw ModelError("arithmetic intensity must be positive");
    const double memory = intensities[i] * bandwidth_ceiling(roofline.levels[i], ceiling);
    if (memory < binding.attainable_flops) binding = {memory, false, i};
  }
  return binding;
}

}  // namespace ridgeline::roofline
