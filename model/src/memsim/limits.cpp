#include "ridgeline/memsim/limits.hpp"

#include <algorithm>
#include <string>

namespace ridgeline::memsim {

namespace {

std::string cycles_text(std::int64_t n) {
  return std::to_string(n) + (n == 1 ? " cycle" : " cycles");
}

}  // namespace

// Least times, in command-clock cycles (t: the device's timings):
//   data bus (per pseudo-channel):  bursts · max(burst, tCCD_S) + turnaround cycles + REFs · tRFC
//     (no data moves during a refresh's tRFC)
//   activation window (per pseudo-channel): n ACTs need (n − 1) · tRRD_S and ⌊(n − 1)/4⌋ · tFAW
//     (four ACTs per tFAW), plus REFs · (tRFC − tFAW) where the refresh holds ACTs back
//   bank cycle (per bank): (n − 1) · tRC between its n ACTs
//   command buses (per controller): one command a cycle on a single bus; with dual issue, the row
//     bus's half cycles (ACT act_bus, PRE/PREA/REF pre_bus) / 2, and one column command a cycle
//   front end: ⌈bursts / issue width⌉ (it hands at most issue-width bursts to the controllers a
//     cycle)
std::vector<ResourceLimit> resource_limits(const DeviceModel& model,
                                           const std::vector<std::unique_ptr<Controller>>& ctrls,
                                           std::uint64_t bytes, std::uint64_t cycles,
                                           std::size_t& bound) {
  const Timing& t = model.timing;
  std::int64_t bus = 0, act = 0, bank = 0, command = 0, row = 0, column = 0;
  std::string bus_detail, act_detail, bank_detail, command_detail, row_detail, column_detail;
  int pc_index = 0, bank_index = 0, ctrl_index = 0;
  for (const auto& c : ctrls) {
    for (const auto& pc : c->pc_state) {
      const auto bursts = static_cast<std::int64_t>(pc.bursts);
      const auto refs = static_cast<std::int64_t>(pc.refreshes);
      const std::int64_t data =
          bursts * std::max(t.burst, t.CCD_S) + pc.turnaround_cycles + refs * t.RFC;
      if (data > bus) {
        bus = data;
        bus_detail = "pseudo-channel " + std::to_string(pc_index) + ": " + std::to_string(bursts) +
                     " bursts × " + cycles_text(std::max(t.burst, t.CCD_S)) + " + " +
                     std::to_string(pc.turnaround_cycles) + " turnaround + " +
                     std::to_string(refs) + " REF × " + cycles_text(t.RFC);
      }
      const auto acts = static_cast<std::int64_t>(pc.acts);
      if (acts > 0) {
        const std::int64_t window = std::max((acts - 1) * t.RRD_S, (acts - 1) / 4 * t.FAW) +
                                    refs * std::max<std::int64_t>(0, t.RFC - t.FAW);
        if (window > act) {
          act = window;
          act_detail = "pseudo-channel " + std::to_string(pc_index) + ": " + std::to_string(acts) +
                       " ACT, 4 per tFAW " + cycles_text(t.FAW) + ", tRRD_S " +
                       cycles_text(t.RRD_S);
        }
      }
      ++pc_index;
    }
    for (const auto& b : c->banks) {
      const auto acts = static_cast<std::int64_t>(b.acts);
      if (acts > 1 && (acts - 1) * t.RC > bank) {
        bank = (acts - 1) * t.RC;
        bank_detail = "bank " + std::to_string(bank_index) + ": " + std::to_string(acts) +
                      " ACT, one per tRC " + cycles_text(t.RC);
      }
      ++bank_index;
    }
    const auto& k = c->stats.commands;
    const std::uint64_t columns = k.rd + k.wr + k.rda + k.wra;
    const std::uint64_t row_commands = k.act + k.pre + k.prea + k.ref + k.refpb;
    if (model.controller.dual_issue) {
      const auto halves =
          static_cast<std::int64_t>(k.act) * t.act_bus_half +
          static_cast<std::int64_t>(k.pre + k.prea + k.ref + k.refpb) * t.pre_bus_half;
      if ((halves + 1) / 2 > row) {
        row = (halves + 1) / 2;
        row_detail = "controller " + std::to_string(ctrl_index) + ": " +
                     std::to_string(row_commands) + " row commands, " + std::to_string(halves) +
                     " half cycles";
      }
      if (static_cast<std::int64_t>(columns) > column) {
        column = static_cast<std::int64_t>(columns);
        column_detail = "controller " + std::to_string(ctrl_index) + ": " +
                        std::to_string(columns) + " column commands, one a cycle";
      }
    } else if (static_cast<std::int64_t>(columns + row_commands) > command) {
      command = static_cast<std::int64_t>(columns + row_commands);
      command_detail = "controller " + std::to_string(ctrl_index) + ": " +
                       std::to_string(columns + row_commands) + " commands, one a cycle";
    }
    ++ctrl_index;
  }
  std::vector<ResourceLimit> limits;
  const auto add = [&](const char* key, const char* resource, std::int64_t least,
                       std::string detail) {
    if (least <= 0) return;
    ResourceLimit limit;
    limit.key = key;
    limit.resource = resource;
    limit.detail = std::move(detail);
    limit.min_cycles = static_cast<std::uint64_t>(least);
    limit.ceiling = static_cast<double>(bytes) / (static_cast<double>(least) * t.tCK);
    limit.reached =
        static_cast<double>(least) / static_cast<double>(std::max<std::uint64_t>(cycles, 1));
    limits.push_back(std::move(limit));
  };
  if (model.controller.issue_width > 0) {
    const auto bursts =
        static_cast<std::int64_t>(bytes / static_cast<std::uint64_t>(model.geometry.burst_bytes));
    const std::int64_t width = model.controller.issue_width;
    add("front_end", "front end (issue width)", (bursts + width - 1) / width,
        std::to_string(bursts) + " bursts, at most " + std::to_string(width) + " a cycle");
  }
  add("data_bus", "data bus (bursts, turnarounds, refresh)", bus, bus_detail);
  add("activation", "activation window (tRRD_S, tFAW)", act, act_detail);
  add("bank_cycle", "bank cycle (tRC)", bank, bank_detail);
  if (model.controller.dual_issue) {
    add("row_bus", "row command bus", row, row_detail);
    add("column_bus", "column command bus", column, column_detail);
  } else {
    add("command_bus", "command bus", command, command_detail);
  }
  bound = 0;
  for (std::size_t i = 1; i < limits.size(); ++i) {
    if (limits[i].min_cycles > limits[bound].min_cycles) bound = i;
  }
  return limits;
}

}  // namespace ridgeline::memsim
