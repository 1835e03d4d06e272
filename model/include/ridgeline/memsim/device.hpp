#pragma once
// A memory device as the timing model sees it: geometry, timings in whole command-clock cycles and
// the controller's configuration, built once from a validated hw::MemoryDevice and the run's
// options. Model code below this point never sees JSON or SI seconds.

#include <cstdint>
#include <string>

#include "ridgeline/hw/spec.hpp"

namespace ridgeline::memsim {

enum class PagePolicy { open, closed };
enum class RefreshMode { all_bank, per_bank, none };

// Geometry of the simulated memory, per pseudo-channel unless said otherwise.
struct Geometry {
  int stacks = 1;
  int channels = 1;  // per stack
  int pseudo_channels = 1;
  int stack_ids = 1;
  int bank_groups = 1;  // per stack ID
  int banks_per_group = 1;
  std::int64_t rows = 1;
  std::int64_t columns = 1;  // bursts per row
  std::int64_t burst_bytes = 32;

  int total_channels() const { return stacks * channels; }
  int banks_per_pseudo_channel() const { return stack_ids * bank_groups * banks_per_group; }
  std::int64_t capacity() const {
    return std::int64_t{total_channels()} * pseudo_channels * banks_per_pseudo_channel() * rows *
           columns * burst_bytes;
  }
};

// DRAM timings in command-clock cycles (rounded up from the spec's seconds).
struct Timing {
  double tCK = 1e-9;       // seconds per cycle
  std::int64_t burst = 2;  // cycles a burst occupies the data bus
  std::int64_t CL = 0, CWL = 0, RCD = 0, RCDWR = 0, RP = 0, RAS = 0, RC = 0, CCD_S = 0, CCD_L = 0,
               CCD_R = 0, RRD_S = 0, RRD_L = 0, FAW = 0, WTR_S = 0, WTR_L = 0, RTW = 0, RTP = 0,
               WR = 0, RFC = 0, RFCpb = 0, REFI = 0, REFIpb = 0, RTRS = 0, PPD = 0;
  int act_bus_half = 2;  // row-command-bus occupancy in half cycles
  int pre_bus_half = 2;
};

// The controller, resolved (device defaults, then command-line overrides).
struct ControllerConfig {
  bool per_channel = false;  // one controller per channel (else per pseudo-channel)
  std::string scheduler = "frfcfs";
  PagePolicy page_policy = PagePolicy::open;
  RefreshMode refresh = RefreshMode::all_bank;
  bool dual_issue = false;
  int read_queue = 64;
  int write_queue = 64;
  int command_queue = 0;  // per-bank command queue depth; 0: none
  int active_queue = 32;
  double write_high = 0.8;
  double write_low = 0.2;
  int write_drain_idle = -1;  // -1: off
  int row_hit_cap = 0;        // 0: no cap
  int issue_width = 0;        // front-end requests per cycle; 0: unlimited
};

struct DeviceModel {
  std::string id;
  std::string name;
  Geometry geometry;
  Timing timing;
  ControllerConfig controller;
  std::string mapping;                                            // bit order, MSB first
  double pin_rate = 0;                                            // bit/s
  double peak_bandwidth = 0;                                      // bytes/s, all stacks
  double energy_read = 0, energy_write = 0, energy_activate = 0;  // J/bit
  std::int64_t row_bits = 0;                                      // bits opened by one ACT
};

// Overrides from the command line (unset: the device file's value, else the default).
struct DeviceOverrides {
  int stacks = 1;
  double pin_rate = 0;  // 0: the device's rated pin rate
  std::string page_policy;
  std::string refresh;
  std::string mapping;
  std::string scheduler;
  int issue_width = -1;  // -1: device default
  int read_queue = 0, write_queue = 0;
};

// Builds the model of a device; throws ModelError for a device memsim cannot simulate (a
// geometry that is not a power of two) and InputError for a bad override.
DeviceModel make_device_model(const hw::MemoryDevice& device, const DeviceOverrides& overrides);

}  // namespace ridgeline::memsim
