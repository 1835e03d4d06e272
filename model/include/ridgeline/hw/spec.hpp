#pragma once
// Hardware descriptions as plain structs with SI values. Built only by the loader (hw/loader.hpp),
// which checks them completely; model code trusts these structs and never sees JSON.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ridgeline/base/dtype.hpp"
#include "ridgeline/base/json_input.hpp"

namespace ridgeline::hw {

struct SourceRef {
  std::string key;
  std::string url;
  std::string note;
};

// DRAM timing parameters, seconds. Names follow JEDEC (JESD235/238/270).
struct DramTiming {
  Sourced<double> tRCD, tRP, tRAS, tCL, tCWL, tCCD_S, tCCD_L, tRRD_S, tRRD_L, tFAW, tWTR_S, tWTR_L,
      tRTW, tRTP, tWR, tRFC, tRFCpb, tREFI;
  // Optional (memsim, docs/hwspecs.md): command clock period (absent: a burst takes 2 clocks,
  // tCK = burst_length / pin_rate / 2, as in HBM2/HBM3); write tRCD (absent: tRCD); tRC (absent:
  // tRAS + tRP); column-to-column delay between stack IDs (absent: tCCD_S); rank/stack-ID
  // switch (absent: 0); precharge-to-precharge (absent: 0); per-bank refresh interval (absent:
  // tREFI / banks of a pseudo-channel).
  std::optional<Sourced<double>> tCK, tRCDWR, tRC, tCCD_R, tRTRS, tPPD, tREFIpb;
};

// How the memory controller in front of a device behaves, for the trace-driven timing model
// (memsim). Optional in a device file; absent fields take the defaults of docs/hwspecs.md.
struct MemoryControllerSpec {
  std::string scope = "pseudo_channel";  // one controller per "channel" or per "pseudo_channel"
  std::string scheduler = "frfcfs";      // memsim scheduler registry name
  std::string page_policy = "open";      // open | closed
  std::string refresh = "all-bank";      // all-bank | per-bank | none
  std::string mapping;                   // default address mapping (bit order, MSB first)
  bool dual_issue = false;               // a row and a column command in the same cycle
  Sourced<std::int64_t> read_queue{64, "estimate", ""};
  Sourced<std::int64_t> write_queue{64, "estimate", ""};
  std::optional<Sourced<std::int64_t>> command_queue;     // per-bank command queues of this depth
  std::optional<Sourced<std::int64_t>> active_queue;      // requests whose row is being opened
  Sourced<double> write_high{0.8, "estimate", ""};        // write mode above this fill fraction
  Sourced<double> write_low{0.2, "estimate", ""};         // back to reads below this fill fraction
  std::optional<Sourced<std::int64_t>> write_drain_idle;  // drain when idle with more writes
  std::optional<Sourced<std::int64_t>> row_hit_cap;       // hits before a conflict may close a row
  std::optional<Sourced<std::int64_t>> issue_width;       // front-end requests per cycle
  std::optional<Sourced<double>> act_bus;  // row-command-bus occupancy of ACT, seconds
  std::optional<Sourced<double>> pre_bus;  // of PRE and REF, seconds
};

struct DramEnergy {
  Sourced<double> read;      // J/bit transferred
  Sourced<double> write;     // J/bit transferred
  Sourced<double> activate;  // J/bit of row opened
};

// One memory device: an HBM stack, a GDDR chip or a DDR channel (hwspecs/hbm/*.json).
struct MemoryDevice {
  std::string id;
  std::string name;
  std::string generation;  // HBM2, HBM2E, HBM3, HBM3E, HBM4, GDDR6, GDDR6X, LPDDR5X, DDR5
  std::string file;
  std::vector<SourceRef> sources;
  Sourced<double> interface_width;  // bits per stack / chip / channel
  Sourced<std::int64_t> channels;
  Sourced<std::int64_t> pseudo_channels_per_channel;
  Sourced<std::int64_t> bank_groups;
  Sourced<std::int64_t> banks_per_group;
  Sourced<std::int64_t> rows;
  Sourced<std::int64_t> columns;
  Sourced<std::int64_t> burst_length;
  Sourced<double> pin_rate;            // bit/s per pin, maximum rated
  Sourced<double> capacity_per_stack;  // bytes
  Sourced<std::int64_t> stack_height;
  std::optional<Sourced<std::int64_t>> stack_ids;  // per pseudo-channel; bank_groups are per ID
  DramTiming timing;
  DramEnergy energy;
  std::optional<MemoryControllerSpec> controller;
};

enum class Scope { per_unit, per_chip };

// The off-chip level's reference to its memory device, with the shipped configuration.
struct OffChipMemory {
  MemoryDevice device;
  Sourced<std::int64_t> stacks;
  Sourced<double> pin_rate;  // bit/s per pin as shipped
};

struct MemoryLevel {
  std::string name;
  Scope scope = Scope::per_chip;
  Sourced<double> capacity;   // bytes, per unit or per chip according to scope
  Sourced<double> bandwidth;  // bytes/s, whole chip, theoretical
  Sourced<double> latency;    // seconds
  Sourced<double> achievable_fraction;
  std::optional<OffChipMemory> off_chip;  // set on the outermost level only
};

struct Link {
  std::string kind;
  Sourced<std::int64_t> count;
  Sourced<double> bandwidth_per_direction;  // bytes/s per link
  Sourced<double> latency;
};

struct ComputeSpec {
  std::string unit_name;
  Sourced<std::int64_t> units;
  Sourced<double> clock;                         // Hz
  std::map<DType, Sourced<double>> peak;         // dense FLOP/s (OP/s for integers)
  std::map<DType, Sourced<double>> sparse_peak;  // 2:4 structured sparsity
  std::map<DType, Sourced<double>> achievable;   // fraction of dense peak
};

// Fixed costs that no roofline shows: a kernel's launch/ramp/tail on the device, and the host's
// launch + synchronize when a kernel is timed from the host (as some published measurements are).
struct Overheads {
  Sourced<double> kernel;       // s per kernel, device side (CUDA events / graphs)
  Sourced<double> host_launch;  // s per call, host side launch + synchronize
  // s per kernel inside the kernel's own duration as a profiler (CUPTI / Kineto) records it:
  // ramp-up and tail, without the launch latency that CUDA events include. Optional.
  std::optional<Sourced<double>> profiled_kernel;
};

// Energy figures of an accelerator (docs/hwspecs.md "energy"; the equation in docs/model.md):
//   E = Σ FLOPs × compute[dtype] + Σ_levels bits moved × J/bit(level) + static_power × time.
// The off-chip level has no entry here: it takes its memory device's read + activate energy.
struct EnergySpec {
  std::map<DType, Sourced<double>> compute;       // J/FLOP (J/OP for integers), every peak dtype
  std::map<std::string, Sourced<double>> memory;  // J/bit per on-chip level, by level name
  std::map<std::string, Sourced<double>> links;   // J/bit per link kind (interconnect and host)
  Sourced<double> static_power;                   // W drawn while busy whatever the work
  std::optional<Sourced<double>> price;           // USD per accelerator
};

struct Accelerator {
  std::string id;
  std::string name;
  std::string vendor;
  std::string kind;  // gpu, npu, tpu, cpu
  std::string notes;
  std::string file;
  std::vector<SourceRef> sources;
  ComputeSpec compute;
  std::vector<MemoryLevel> memory;  // innermost first; back() is off-chip
  std::vector<Link> interconnect;
  Link host_link;
  Sourced<double> tdp;  // W
  Overheads overheads;
  std::optional<EnergySpec> energy;  // absent: energy figures are unknown (never taken as 0)

  const MemoryLevel& off_chip() const { return memory.back(); }
};

// stack bandwidth = interface width × pin rate / 8 (bytes/s), e.g. HBM3: 1024 × 6.4e9 / 8 = 819.2
// GB/s.
double stack_bandwidth(double interface_width_bits, double pin_rate);
// Off-chip bandwidth derived from the device: stacks × interface width × pin rate / 8.
double derived_off_chip_bandwidth(const OffChipMemory& memory);
// Physical capacity of the off-chip memory: stacks × capacity per stack.
double physical_off_chip_capacity(const OffChipMemory& memory);
// Capacity of a level for the whole chip (per-unit capacity × units where scope is per_unit).
double chip_capacity(const Accelerator& accelerator, const MemoryLevel& level);
double achievable_bandwidth(const MemoryLevel& level);

bool supports(const Accelerator& accelerator, DType dtype);
// Dense peak and achievable rate of a dtype; throw ModelError if the part has no such peak.
double peak_rate(const Accelerator& accelerator, DType dtype);
double achievable_rate(const Accelerator& accelerator, DType dtype);
// Multiplies every compute peak, dense and sparse, by `factor` (what-if designs: compute.scale).
void scale_compute(Accelerator& accelerator, double factor);

// Aggregate scale-up link bandwidth per direction (sum over link kinds of count × per-link).
double scale_up_bandwidth(const Accelerator& accelerator);

std::string_view scope_name(Scope scope);

// Energy per bit moved at memory level `level` (J/bit): the on-chip level's figure, or for the
// off-chip level its device's read + activate energy (a streaming access opens each row once for
// as many bits as it transfers; writes cost as reads in every shipped device). Throws ModelError
// when the accelerator has no energy figures.
double level_energy_per_bit(const Accelerator& accelerator, std::size_t level);
// Energy per FLOP of a dtype (J); throws ModelError without energy figures or for that dtype.
double compute_energy_per_flop(const Accelerator& accelerator, DType dtype);
// Energy per bit sent over the accelerator's scale-up links (J/bit): the `energy.links` figure of
// its first interconnect link's kind. Throws ModelError without energy figures or that figure.
double scale_up_link_energy_per_bit(const Accelerator& accelerator);

}  // namespace ridgeline::hw
