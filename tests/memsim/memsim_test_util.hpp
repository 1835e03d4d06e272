#pragma once
// Helpers of the memsim tests: the shipped reference devices and a request list as a source.

#include <vector>

#include "ridgeline/hw/library.hpp"
#include "ridgeline/memsim/memsim.hpp"
#include "ridgeline/memsim/pattern.hpp"

namespace ridgeline::memsim::testing {

inline const hw::MemoryDevice& dramsim3_device() {
  static const hw::MemoryDevice device =
      hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device("dramsim3-hbm2-1ch");
  return device;
}

inline const hw::MemoryDevice& ramulator_device() {
  static const hw::MemoryDevice device =
      hw::SpecLibrary(RIDGELINE_HWSPECS_DIR).memory_device("ramulator2-hbm3-8hi");
  return device;
}

class ListSource : public RequestSource {
 public:
  explicit ListSource(std::vector<Request> requests) : requests_(std::move(requests)) {}
  bool next(Request& request) override {
    if (next_ >= requests_.size()) return false;
    request = requests_[next_++];
    return true;
  }

 private:
  std::vector<Request> requests_;
  std::size_t next_ = 0;
};

inline Result run_pattern(const hw::MemoryDevice& device, PatternSpec spec, Options options = {}) {
  const DeviceModel model = make_device_model(device, options.device);
  if (spec.request_size == 0)
    spec.request_size = static_cast<std::uint32_t>(model.geometry.burst_bytes);
  auto source = make_pattern(spec, static_cast<std::uint64_t>(model.geometry.capacity()));
  return simulate(model, options, *source);
}

}  // namespace ridgeline::memsim::testing
