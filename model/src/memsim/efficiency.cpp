#include "ridgeline/memsim/efficiency.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include "ridgeline/memsim/memsim.hpp"
#include "ridgeline/memsim/pattern.hpp"

namespace ridgeline::memsim {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::uint32_t, std::uint64_t,
                       std::uint64_t, std::uint64_t, double, std::uint64_t>;

std::mutex& cache_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<Key, double>& cache() {
  static std::map<Key, double> values;
  return values;
}

}  // namespace

double pattern_efficiency(const hw::MemoryDevice& device, const PatternQuery& query) {
  const Key key{device.id,          device.file,         query.pattern,
                query.request_size, query.stride,        query.page_size,
                query.footprint,    query.read_fraction, query.requests};
  {
    std::lock_guard lock(cache_mutex());
    if (const auto it = cache().find(key); it != cache().end()) return it->second;
  }
  const DeviceModel model = make_device_model(device, DeviceOverrides{});
  PatternSpec spec;
  spec.name = query.pattern;
  spec.requests = query.requests;
  spec.request_size = query.request_size != 0
                          ? query.request_size
                          : static_cast<std::uint32_t>(model.geometry.burst_bytes);
  spec.stride = query.stride;
  spec.page_size = std::max<std::uint64_t>(query.page_size, spec.request_size);  // whole bursts
  spec.footprint = query.footprint;
  spec.read_fraction = query.read_fraction;
  auto source = make_pattern(spec, static_cast<std::uint64_t>(model.geometry.capacity()));
  const double efficiency = simulate(model, Options{}, *source).efficiency;
  std::lock_guard lock(cache_mutex());
  cache()[key] = efficiency;
  return efficiency;
}

double gather_efficiency(const hw::MemoryDevice& device, std::uint64_t run_bytes) {
  PatternQuery gather;
  gather.pattern = "kv-gather";
  gather.page_size = run_bytes;
  const double streaming = pattern_efficiency(device, PatternQuery{});
  return std::min(1.0, pattern_efficiency(device, gather) / streaming);
}

void clear_pattern_efficiency_cache() {
  std::lock_guard lock(cache_mutex());
  cache().clear();
}

}  // namespace ridgeline::memsim
