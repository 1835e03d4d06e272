#pragma once
// Classic and hierarchical roofline (Williams, Waterman, Patterson, "Roofline: an insightful visual
// performance model for multicore architectures", CACM 52(4), 2009; hierarchical form: Yang et al.,
// "Hierarchical Roofline analysis", arXiv:2009.02449, 2020).
//
//   attainable(I) = min(P, I × B)        P: compute ceiling (FLOP/s), B: a level's bandwidth (B/s)
//   ridge point   = P / B                intensity where the two ceilings meet (FLOP/byte)
//
// Theoretical ceilings use datasheet peaks; achievable ceilings use the calibrated fractions of the
// spec (best-case GEMM for compute, STREAM-like triad for bandwidth).

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/hw/spec.hpp"

namespace ridgeline::roofline {

double attainable(double peak_flops, double bandwidth, double intensity);
double ridge_intensity(double peak_flops, double bandwidth);

struct LevelCeiling {
  std::string name;
  double bandwidth = 0;                   // B/s, theoretical
  double achievable_bandwidth = 0;        // B/s
  double ridge_intensity = 0;             // FLOP/byte: peak / bandwidth
  double achievable_ridge_intensity = 0;  // achievable peak / achievable bandwidth
  bool off_chip = false;
};

struct Roofline {
  std::string hw_id;
  std::string hw_name;
  DType dtype = DType::bf16;
  double peak_flops = 0;  // dense
  double achievable_flops = 0;
  std::vector<LevelCeiling> levels;  // innermost first, as in the spec

  const LevelCeiling& off_chip() const { return levels.back(); }
};

// Throws ModelError if the accelerator has no peak for `dtype`.
Roofline build_roofline(const hw::Accelerator& accelerator, DType dtype);

enum class Ceiling { theoretical, achievable };

// What binds at a point: the compute ceiling or one memory level.
struct Binding {
  double attainable_flops = 0;
  bool compute_bound = false;
  std::size_t level = 0;  // index into Roofline::levels; meaningful when !compute_bound
};

// Classic roofline at one level: min(P, I × B_level).
Binding attainable_at(const Roofline& roofline, double intensity, std::size_t level,
                      Ceiling ceiling);

// Hierarchical roofline: `intensities[i]` is FLOPs per byte moved at level i (the same kernel has a
// higher intensity against inner levels, which reuse data). Attainable = min(P, min_i I_i × B_i);
// the arg-min is the binding ceiling. Levels whose traffic is zero pass infinity.
Binding hierarchical_attainable(const Roofline& roofline, std::span<const double> intensities,
                                Ceiling ceiling);

}  // namespace ridgeline::roofline
