#include "ridgeline/memsim/device.hpp"

#include <cmath>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::memsim {
namespace {

bool power_of_two(std::int64_t value) {
  return value > 0 && (value & (value - 1)) == 0;
}

// Whole cycles for a time: rounded up, except that a time within 1e-4 (relative) of a whole
// number of cycles is that number. Spec files write timings in ns to four or five significant
// figures: HBM3E's tCCD_S of 2 tCK at 2.3 GHz is "0.8696 ns", 2.00008 cycles, which must not
// become 3 (a third of the data bus lost on every stream).
std::int64_t cycles(double seconds, double tCK) {
  if (seconds <= 0) return 0;
  const double exact = seconds / tCK;
  const double nearest = std::round(exact);
  if (std::abs(exact - nearest) <= 1e-4 * exact) return static_cast<std::int64_t>(nearest);
  return static_cast<std::int64_t>(std::ceil(exact));
}

}  // namespace

DeviceModel make_device_model(const hw::MemoryDevice& device, const DeviceOverrides& overrides) {
  DeviceModel model;
  model.id = device.id;
  model.name = device.name;
  auto& g = model.geometry;
  if (overrides.stacks < 1) throw ModelError("--stacks must be at least 1");
  g.stacks = overrides.stacks;
  g.channels = static_cast<int>(device.channels.value);
  g.pseudo_channels = static_cast<int>(device.pseudo_channels_per_channel.value);
  g.stack_ids = device.stack_ids ? static_cast<int>(device.stack_ids->value) : 1;
  g.bank_groups = static_cast<int>(device.bank_groups.value);
  g.banks_per_group = static_cast<int>(device.banks_per_group.value);
  g.rows = device.rows.value;
  g.columns = device.columns.value;
  const double lane_bits =
      device.interface_width.value / static_cast<double>(g.channels * g.pseudo_channels);
  g.burst_bytes = static_cast<std::int64_t>(
      std::llround(lane_bits * static_cast<double>(device.burst_length.value) / 8));
  if (!power_of_two(g.burst_bytes)) {
    throw ModelError("memsim needs a power-of-two burst; " + device.id + " has " +
                     std::to_string(g.burst_bytes) + " B");
  }

  const double rated = device.pin_rate.value;
  model.pin_rate = overrides.pin_rate > 0 ? overrides.pin_rate : rated;
  auto& t = model.timing;
  const auto& s = device.timing;
  // A burst of BL beats occupies BL / pin_rate on the pins. The command clock: the spec's tCK
  // (scaled with the pin rate), else two clocks per burst (HBM2: BL4 at 2 Gb/s, tCK 1 ns; HBM3:
  // BL8 at 6.4 Gb/s, tCK 0.625 ns).
  const double burst_time = static_cast<double>(device.burst_length.value) / model.pin_rate;
  t.tCK = s.tCK ? s.tCK->value * rated / model.pin_rate : burst_time / 2;
  t.burst = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(burst_time / t.tCK)));
  const auto c = [&](double seconds) { return cycles(seconds, t.tCK); };
  t.CL = c(s.tCL.value);
  t.CWL = c(s.tCWL.value);
  t.RCD = c(s.tRCD.value);
  t.RCDWR = s.tRCDWR ? c(s.tRCDWR->value) : t.RCD;
  t.RP = c(s.tRP.value);
  t.RAS = c(s.tRAS.value);
  t.RC = s.tRC ? c(s.tRC->value) : t.RAS + t.RP;
  t.CCD_S = c(s.tCCD_S.value);
  t.CCD_L = c(s.tCCD_L.value);
  t.CCD_R = s.tCCD_R ? c(s.tCCD_R->value) : t.CCD_S;
  t.RRD_S = c(s.tRRD_S.value);
  t.RRD_L = c(s.tRRD_L.value);
  t.FAW = c(s.tFAW.value);
  t.WTR_S = c(s.tWTR_S.value);
  t.WTR_L = c(s.tWTR_L.value);
  t.RTW = c(s.tRTW.value);
  t.RTP = c(s.tRTP.value);
  t.WR = c(s.tWR.value);
  t.RFC = c(s.tRFC.value);
  t.RFCpb = c(s.tRFCpb.value);
  t.REFI = c(s.tREFI.value);
  t.RTRS = s.tRTRS ? c(s.tRTRS->value) : 0;
  t.PPD = s.tPPD ? c(s.tPPD->value) : 0;
  t.REFIpb = s.tREFIpb ? c(s.tREFIpb->value)
                       : std::max<std::int64_t>(1, t.REFI / g.banks_per_pseudo_channel());

  auto& k = model.controller;
  const hw::MemoryControllerSpec spec =
      device.controller ? *device.controller : hw::MemoryControllerSpec{};
  k.per_channel = spec.scope == "channel";
  k.scheduler = overrides.scheduler.empty() ? spec.scheduler : overrides.scheduler;
  const std::string page = overrides.page_policy.empty() ? spec.page_policy : overrides.page_policy;
  if (page == "open") {
    k.page_policy = PagePolicy::open;
  } else if (page == "closed") {
    k.page_policy = PagePolicy::closed;
  } else {
    throw InputError("", "--page-policy",
                     "unknown page policy '" + page + "'; expected open or closed");
  }
  const std::string refresh = overrides.refresh.empty() ? spec.refresh : overrides.refresh;
  if (refresh == "all-bank") {
    k.refresh = RefreshMode::all_bank;
  } else if (refresh == "per-bank") {
    k.refresh = RefreshMode::per_bank;
  } else if (refresh == "none") {
    k.refresh = RefreshMode::none;
  } else {
    throw InputError("", "--refresh",
                     "unknown refresh mode '" + refresh + "'; expected all-bank, per-bank or none");
  }
  k.dual_issue = spec.dual_issue;
  k.read_queue =
      static_cast<int>(overrides.read_queue > 0 ? overrides.read_queue : spec.read_queue.value);
  k.write_queue =
      static_cast<int>(overrides.write_queue > 0 ? overrides.write_queue : spec.write_queue.value);
  k.command_queue = spec.command_queue ? static_cast<int>(spec.command_queue->value) : 0;
  if (k.scheduler == "bank-round-robin" && k.command_queue <= 0) {
    // DRAMSim3's scheduler works on per-bank command queues; without a depth it has none.
    const bool from_flag = !overrides.scheduler.empty();
    throw InputError(from_flag ? "" : device.file,
                     from_flag ? "--scheduler" : "/controller/scheduler",
                     "bank-round-robin needs per-bank command queues, and " + device.id +
                         " sets no controller.command_queue depth; expected frfcfs or a device "
                         "file with command_queue");
  }
  k.active_queue = spec.active_queue ? static_cast<int>(spec.active_queue->value) : 32;
  k.write_high = spec.write_high.value;
  k.write_low = spec.write_low.value;
  k.write_drain_idle = spec.write_drain_idle ? static_cast<int>(spec.write_drain_idle->value) : -1;
  k.row_hit_cap = spec.row_hit_cap ? static_cast<int>(spec.row_hit_cap->value) : 0;
  k.issue_width = overrides.issue_width >= 0
                      ? overrides.issue_width
                      : (spec.issue_width ? static_cast<int>(spec.issue_width->value) : 0);
  // Bus occupancy in half cycles.
  t.act_bus_half = spec.act_bus ? static_cast<int>(cycles(2 * spec.act_bus->value, t.tCK)) : 2;
  t.pre_bus_half = spec.pre_bus ? static_cast<int>(cycles(2 * spec.pre_bus->value, t.tCK)) : 2;
  if (!spec.dual_issue) {
    // One command bus: every command takes a whole cycle of it.
    t.act_bus_half = std::max(t.act_bus_half, 2);
    t.pre_bus_half = std::max(t.pre_bus_half, 2);
  }

  if (!overrides.mapping.empty()) {
    model.mapping = overrides.mapping;
  } else if (!spec.mapping.empty()) {
    model.mapping = spec.mapping;
  } else {
    model.mapping = g.stack_ids > 1 ? "RoBaBgSiPcCoCh" : "RoBaBgPcCoCh";
  }
  // peak = stacks × interface width × pin rate / 8
  model.peak_bandwidth = g.stacks * device.interface_width.value * model.pin_rate / 8.0;
  model.energy_read = device.energy.read.value;
  model.energy_write = device.energy.write.value;
  model.energy_activate = device.energy.activate.value;
  model.row_bits = g.columns * g.burst_bytes * 8;
  return model;
}

}  // namespace ridgeline::memsim
