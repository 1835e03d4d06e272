#pragma once
// What bounds a memsim run: per kind of resource (data bus, activation window, bank cycle, command
// buses), the least time its busiest instance needs for the commands the run issued to it. Internal
// to memsim: simulate() fills Result::limits with it.

#include <memory>
#include <vector>

#include "ridgeline/memsim/controller.hpp"
#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::memsim {

// `bytes` and `cycles` are the run's; returns the limits and sets `bound` to the binding one.
std::vector<ResourceLimit> resource_limits(const DeviceModel& model,
                                           const std::vector<std::unique_ptr<Controller>>& ctrls,
                                           std::uint64_t bytes, std::uint64_t cycles,
                                           std::size_t& bound);

}  // namespace ridgeline::memsim
