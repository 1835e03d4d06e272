#pragma once
// Trace-driven timing model of an HBM (or DRAM) device: `ridgeline memsim`. Requests from a
// RequestSource (a trace reader, a synthetic pattern, optionally through a cache) enter an in-order
// front end, then per-channel / per-pseudo-channel controllers with read and write queues, a
// pluggable scheduler, open or closed pages, per-bank state, refresh and every timing constraint
// of the device file. Event-driven: time jumps to the next cycle where anything can happen.
// Equations and mechanisms: docs/model.md "HBM timing model"; user guide: docs/memsim.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ridgeline/hw/spec.hpp"
#include "ridgeline/memsim/device.hpp"

namespace ridgeline::memsim {

// One memory access. `cycle`: not issued before this command-clock cycle (0: as soon as the front
// end can).
struct Request {
  std::uint64_t address = 0;
  std::uint32_t size = 0;  // bytes; 0: one burst
  bool write = false;
  std::uint64_t cycle = 0;
};

// A stream of requests, read once, in order (never held whole).
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // Next request; false at the end.
  virtual bool next(Request& request) = 0;
  // Up to `capacity` next requests into `out`; the count, 0 at the end. The front end reads
  // through this (one virtual call per batch for the sources that override it). The default
  // reads one request, so that where() still names the request being checked: sources whose
  // errors point into a file keep it.
  virtual std::size_t next_batch(Request* out, std::size_t capacity) {
    return capacity > 0 && next(out[0]) ? 1 : 0;
  }
  // Where the last request came from ("file", "line 12"), for errors; empty for synthetic ones.
  virtual std::string file() const { return {}; }
  virtual std::string where() const { return {}; }
  // Number of requests if known (progress bar), else 0.
  virtual std::uint64_t size_hint() const { return 0; }
  // Fraction of the source consumed (for sources that only know their byte size).
  virtual double progress() const { return 0; }
};

// A set-associative cache in front of the memory (item 4): LRU, write-back, write-allocate.
struct CacheConfig {
  std::uint64_t capacity = 0;  // bytes
  int ways = 16;
  std::uint64_t line = 128;  // bytes
  std::uint64_t sector = 0;  // bytes fetched on a miss; 0: the whole line
};
// "4MiB:16:128B" or "4MiB:16:128B:32B" (capacity:ways:line[:sector]); throws InputError.
CacheConfig parse_cache_spec(const std::string& text);

struct Options {
  DeviceOverrides device;
  std::uint32_t request_size = 0;  // bytes per request when the source gives none; 0: one burst
  std::optional<CacheConfig> cache;
  // Called now and then with the fraction done (0..1); the CLI draws its progress bar with it.
  std::function<void(double)> progress;
  // Threads that run the controllers (1: the caller's alone; 0: one per core). The results are
  // the same whatever the number; threads pay when the front end seldom finds a queue full.
  int threads = 1;
};

struct LatencyStats {
  double mean = 0;  // seconds
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

struct CommandCounts {
  std::uint64_t act = 0, pre = 0, prea = 0, rd = 0, wr = 0, rda = 0, wra = 0, ref = 0, refpb = 0;
};

struct ChannelStats {
  int channel = 0;
  std::uint64_t reads = 0, writes = 0;
  std::uint64_t bytes = 0;
  double bandwidth = 0;    // bytes/s
  double utilisation = 0;  // data-bus busy fraction
};

// What bounds a run (docs/model.md "What bounds a run"): for one kind of resource, the least
// time its busiest instance needs for the commands the run gave it. The run cannot be shorter than
// any of them, so each gives a bandwidth ceiling; the largest least time binds.
struct ResourceLimit {
  // front_end | data_bus | activation | bank_cycle | command_bus | row_bus | column_bus
  std::string key;
  std::string resource;  // "activation window (tRRD_S, tFAW)"
  std::string detail;    // the work on the busiest instance: "pseudo-channel 3: 31250 ACT ..."
  std::uint64_t min_cycles = 0;
  double ceiling = 0;  // bytes/s: the run's bytes over min_cycles
  double reached = 0;  // min_cycles / the run's cycles: the achieved share of the ceiling (<= 1)
};

struct CacheStats {
  std::uint64_t accesses = 0, hits = 0, misses = 0, writebacks = 0;
  double hit_rate = 0;
};

struct Result {
  std::string device_id;
  std::string device_name;
  std::string mapping;
  std::string scheduler;
  std::string page_policy;
  int stacks = 1;
  double tCK = 0;
  std::uint64_t requests = 0;  // as given by the source
  std::uint64_t reads = 0;     // memory reads and writes (after the cache)
  std::uint64_t writes = 0;
  std::uint64_t bytes = 0;    // bytes moved by the memory
  std::uint64_t cycles = 0;   // until the last read returned and the last write was issued
  double simulated_time = 0;  // seconds
  double bandwidth = 0;       // bytes/s
  double peak_bandwidth = 0;
  double efficiency = 0;
  LatencyStats read_latency;
  double row_hit_rate = 0, row_miss_rate = 0, row_conflict_rate = 0;
  CommandCounts commands;
  double refresh_time_fraction = 0;     // pseudo-channel time blocked by refresh
  double turnaround_time_fraction = 0;  // data-bus time lost to read/write turnarounds
  std::uint64_t turnarounds = 0;
  double channel_imbalance = 0;  // max / mean bytes per channel
  double energy = 0;             // joules
  std::vector<ChannelStats> channels;
  std::vector<ResourceLimit> limits;
  std::size_t bound = 0;  // index in limits of the largest least time
  std::optional<CacheStats> cache;
  // How the run went, not what it found (not reported): what the front end handed to
  // controllers on worker threads before the run went on serially, in bursts (0: serial).
  std::uint64_t threaded_bursts = 0;
};

// Runs a simulation. Throws InputError for a request beyond the device (naming the source's file
// and line) and ModelError for an impossible configuration.
Result simulate(const hw::MemoryDevice& device, const Options& options, RequestSource& source);
Result simulate(const DeviceModel& model, const Options& options, RequestSource& source);

// The front end alone (source, cache, address decode) feeding a sink that takes every burst at
// once: a checksum of the decoded bursts. For benchmarks: the floor under simulate()'s cost.
std::uint64_t run_front_end(const DeviceModel& model, const Options& options,
                            RequestSource& source);

}  // namespace ridgeline::memsim
