#include "ridgeline/report/roofline_chart.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::report {

namespace {

using plot::Color;
using plot::DataPoint;

constexpr Color kWhite{0xff, 0xff, 0xff};
constexpr Color kKeyColor{0x00, 0x00, 0x00};
constexpr Color kSharedColor{0x44, 0x44, 0x44};

// Inner levels are lighter: the off-chip level (usually the binding one) keeps the full hue.
double level_lightening(std::size_t levels_outside) {
  constexpr double kSteps[] = {0, 0.4, 0.6, 0.7};
  return kSteps[std::min<std::size_t>(levels_outside, 3)];
}

bool close(double a, double b) {
  return std::fabs(a - b) <= 0.005 * std::max(std::fabs(a), std::fabs(b));
}

template <typename T>
std::size_t index_of(std::vector<T>& distinct, const T& value) {
  const auto found = std::find(distinct.begin(), distinct.end(), value);
  if (found != distinct.end()) return static_cast<std::size_t>(found - distinct.begin());
  distinct.push_back(value);
  return distinct.size() - 1;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

void check(const roofline::Roofline& roofline) {
  if (!(roofline.peak_flops > 0) || !(roofline.achievable_flops > 0)) {
    throw ModelError("roofline chart: " + roofline.hw_id + " has no positive compute peak");
  }
  if (roofline.levels.empty()) {
    throw ModelError("roofline chart: " + roofline.hw_id + " has no memory level");
  }
  for (const auto& level : roofline.levels) {
    if (!(level.bandwidth > 0) || !(level.achievable_bandwidth > 0)) {
      throw ModelError("roofline chart: " + roofline.hw_id + " level " + level.name +
                       " has no positive bandwidth");
    }
  }
}

// Ridge points are recomputed with roofline::ridge_intensity() (the one formula) rather than read
// from LevelCeiling, so a chart of a hand-made Roofline cannot disagree with its own lines.

// One ridge point, possibly shared by several rooflines (H100 and H200 have the same L1 and L2).
struct RidgeGroup {
  std::string level{};
  double intensity = 0;
  double flops = 0;
  std::vector<std::size_t> members{};  // roofline indices
};

// One drawn ceiling line and the rooflines it belongs to. For a memory slope: key = level name,
// rate = bandwidth, end_or_start = the largest ridge among the members (where the slope ends). For
// a compute roof: key = dtype, rate = peak, end_or_start = the smallest ridge (where it starts).
struct SharedLine {
  std::string key{};
  double rate = 0;
  double end_or_start = 0;
  std::vector<std::size_t> members{};
  std::size_t levels_outside = 0;
};

enum class Extent { slope, roof };

void share(std::vector<SharedLine>& lines, Extent extent, const std::string& key, double rate,
           double ridge, std::size_t roofline, std::size_t levels_outside) {
  for (auto& line : lines) {
    if (line.key == key && close(line.rate, rate)) {
      line.end_or_start = extent == Extent::slope ? std::max(line.end_or_start, ridge)
                                                  : std::min(line.end_or_start, ridge);
      line.members.push_back(roofline);
      return;
    }
  }
  lines.push_back({key, rate, ridge, {roofline}, levels_outside});
}

}  // namespace

plot::Chart roofline_chart(const std::vector<roofline::Roofline>& rooflines) {
  if (rooflines.empty()) throw ModelError("roofline chart: no roofline to draw");
  for (const auto& roofline : rooflines) check(roofline);

  std::vector<std::string> hw_ids;
  std::vector<std::string> hw_names;
  std::vector<DType> dtypes;
  for (const auto& roofline : rooflines) {
    if (index_of(hw_ids, roofline.hw_id) == hw_names.size()) hw_names.push_back(roofline.hw_name);
    index_of(dtypes, roofline.dtype);
  }
  const bool several_hw = hw_ids.size() > 1;
  const bool several_dtypes = dtypes.size() > 1;
  // Hue per accelerator; when one accelerator is shown at several precisions, hue per precision.
  auto hue = [&](const roofline::Roofline& roofline) {
    const std::size_t index = several_hw       ? index_of(hw_ids, roofline.hw_id)
                              : several_dtypes ? index_of(dtypes, roofline.dtype)
                                               : 0;
    return plot::kOkabeIto[index % plot::kOkabeIto.size()];
  };
  auto roofline_name = [&](const roofline::Roofline& roofline) {
    std::string name = several_hw ? roofline.hw_name : std::string();
    if (several_dtypes) name += (name.empty() ? "" : " ") + std::string(dtype_name(roofline.dtype));
    return name;
  };

  // Range: from well left of the smallest ridge to 10× the largest, and from where the slowest
  // achievable slope enters the plot to a bit above the highest roof (room for labels there).
  double min_ridge = INFINITY;
  double max_ridge = 0;
  double min_peak = INFINITY;
  double max_peak = 0;
  double min_bandwidth = INFINITY;
  for (const auto& roofline : rooflines) {
    min_peak = std::min(min_peak, roofline.achievable_flops);
    max_peak = std::max({max_peak, roofline.peak_flops, roofline.achievable_flops});
    for (const auto& level : roofline.levels) {
      const double ridge = roofline::ridge_intensity(roofline.peak_flops, level.bandwidth);
      const double achievable_ridge =
          roofline::ridge_intensity(roofline.achievable_flops, level.achievable_bandwidth);
      min_ridge = std::min({min_ridge, ridge, achievable_ridge});
      max_ridge = std::max({max_ridge, ridge, achievable_ridge});
      min_bandwidth = std::min({min_bandwidth, level.bandwidth, level.achievable_bandwidth});
    }
  }
  const double x_min = std::pow(10.0, std::floor(std::log10(std::min(0.1, min_ridge / 100))));
  const double x_max = 10 * max_ridge;
  const double y_min =
      std::pow(10.0, std::floor(std::log10(std::min(x_min * min_bandwidth, 1e-3 * min_peak))));
  // Above the roofs the labels need a row each; more rooflines, more rows.
  const double y_max = (rooflines.size() > 2 ? 10 : 4) * max_peak;

  plot::Chart chart;
  {
    std::vector<std::string> dtype_names;
    for (DType dtype : dtypes) dtype_names.emplace_back(dtype_name(dtype));
    chart.title =
        "Roofline \u2014 " + join(hw_names, " vs ") + " (" + join(dtype_names, ", ") + ")";
  }
  chart.x = {"Arithmetic intensity (FLOP/byte)", plot::AxisScale::log, x_min, x_max};
  chart.y = {"Attainable performance (FLOP/s)", plot::AxisScale::log, y_min, y_max};

  // Achievable ceilings first so the theoretical ones are drawn over them. A line several
  // rooflines share (H100 and H200 have the same L1 and L2; one part at several precisions has
  // the same memory slopes) is drawn once, in neutral grey, not once per hue on top of each other.
  for (const bool theoretical : {false, true}) {
    auto peak_of = [&](std::size_t r) {
      return theoretical ? rooflines[r].peak_flops : rooflines[r].achievable_flops;
    };
    std::vector<SharedLine> slopes;
    std::vector<SharedLine> roofs;
    for (std::size_t r = 0; r < rooflines.size(); ++r) {
      const auto& levels = rooflines[r].levels;
      double first_ridge = INFINITY;
      for (std::size_t i = 0; i < levels.size(); ++i) {
        const double bandwidth = theoretical ? levels[i].bandwidth : levels[i].achievable_bandwidth;
        const double ridge = roofline::ridge_intensity(peak_of(r), bandwidth);
        first_ridge = std::min(first_ridge, ridge);
        // min(P, I × B) left of its ridge is the level's slope; right of it the compute roof.
        share(slopes, Extent::slope, levels[i].name, bandwidth, ridge, r, levels.size() - 1 - i);
      }
      share(roofs, Extent::roof, std::string(dtype_name(rooflines[r].dtype)), peak_of(r),
            first_ridge, r, 0);
    }
    auto style = [&](plot::Series& line) {
      line.width = theoretical ? 2 : 1.5;
      line.style = theoretical ? plot::LineStyle::solid : plot::LineStyle::dashed;
    };
    for (const auto& slope : slopes) {
      plot::Series line;
      const bool shared = slope.members.size() > 1;
      const Color base = shared ? kSharedColor : hue(rooflines[slope.members.front()]);
      line.color = plot::mix(base, kWhite, level_lightening(slope.levels_outside));
      style(line);
      // Up to the largest ridge among the sharers: P_max / B.
      line.points = {{x_min, x_min * slope.rate},
                     {slope.end_or_start, slope.end_or_start * slope.rate}};
      if (theoretical) {
        std::string owners;
        if (slope.members.size() < rooflines.size()) {
          std::vector<std::string> names;
          for (std::size_t r : slope.members) {
            const std::string name = roofline_name(rooflines[r]);
            if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
              names.push_back(name);
            }
          }
          owners = join(names, ", ");
        }
        line.label = (owners.empty() ? "" : owners + " ") + slope.key + "  " +
                     format_quantity(slope.rate, Dimension::bandwidth, 3);
      }
      chart.series.push_back(std::move(line));
    }
    for (const auto& roof : roofs) {
      plot::Series line;
      line.color = roof.members.size() > 1 ? kSharedColor : hue(rooflines[roof.members.front()]);
      style(line);
      line.points = {{roof.end_or_start, roof.rate}, {x_max, roof.rate}};
      chart.series.push_back(std::move(line));
    }
  }
  // Legend-only key for the two line styles.
  chart.series.push_back({"theoretical (datasheet)", {}, kKeyColor, 1.25, plot::LineStyle::solid});
  chart.series.push_back({"achievable (calibrated)", {}, kKeyColor, 1.25, plot::LineStyle::dashed});

  // Ridge points, one marker per distinct point (H100 and H200 share their L1 and L2 ridges: one
  // grey marker). Theoretical ones filled and labelled, achievable ones hollow and unlabelled.
  // Left to right, so the label placement walks along the roof.
  for (const bool theoretical : {false, true}) {
    std::vector<RidgeGroup> groups;
    for (std::size_t r = 0; r < rooflines.size(); ++r) {
      const double peak = theoretical ? rooflines[r].peak_flops : rooflines[r].achievable_flops;
      for (const auto& level : rooflines[r].levels) {
        const double bandwidth = theoretical ? level.bandwidth : level.achievable_bandwidth;
        const double ridge = roofline::ridge_intensity(peak, bandwidth);
        auto same = std::find_if(groups.begin(), groups.end(), [&](const RidgeGroup& group) {
          return group.level == level.name && close(group.intensity, ridge) &&
                 close(group.flops, peak);
        });
        if (same == groups.end()) {
          groups.push_back({level.name, ridge, peak, {}});
          same = groups.end() - 1;
        }
        same->members.push_back(r);
      }
    }
    std::stable_sort(groups.begin(), groups.end(), [](const RidgeGroup& a, const RidgeGroup& b) {
      return a.intensity < b.intensity;
    });
    for (const auto& group : groups) {
      plot::PointSet point;
      point.color = group.members.size() > 1 ? kSharedColor : hue(rooflines[group.members.front()]);
      point.radius = theoretical ? 4 : 3;
      point.hollow = !theoretical;
      std::string text;
      if (theoretical) {
        // No accelerator name: the marker and text take its hue, and short labels fit the crowded
        // space along the roof.
        text = group.level + " ridge " + format_number(group.intensity, 3) + " FLOP/B";
      }
      point.markers.push_back({{group.intensity, group.flops}, text});
      chart.point_sets.push_back(std::move(point));
    }
  }

  // Compute roofs: one label per distinct peak and dtype, at the right end of the roof.
  std::vector<bool> labelled(rooflines.size(), false);
  for (std::size_t r = 0; r < rooflines.size(); ++r) {
    if (labelled[r]) continue;
    std::vector<std::string> owners;
    std::size_t members = 0;
    for (std::size_t s = r; s < rooflines.size(); ++s) {
      if (labelled[s] || !close(rooflines[s].peak_flops, rooflines[r].peak_flops) ||
          rooflines[s].dtype != rooflines[r].dtype) {
        continue;
      }
      labelled[s] = true;
      ++members;
      if (several_hw) owners.push_back(rooflines[s].hw_name);
    }
    std::string text = std::string(dtype_name(rooflines[r].dtype)) + " peak " +
                       format_quantity(rooflines[r].peak_flops, Dimension::compute, 4);
    if (members < rooflines.size() && !owners.empty()) text = join(owners, ", ") + " " + text;
    const Color color = members > 1 ? kSharedColor : plot::mix(hue(rooflines[r]), {0, 0, 0}, 0.25);
    chart.annotations.push_back({{x_max / 1.15, rooflines[r].peak_flops}, text, color, 11, false});
  }
  // Highest roof first: each label then finds room above its own roof before a lower one takes it.
  std::stable_sort(
      chart.annotations.begin(), chart.annotations.end(),
      [](const plot::Annotation& a, const plot::Annotation& b) { return a.anchor.y > b.anchor.y; });
  return chart;
}

}  // namespace ridgeline::report
