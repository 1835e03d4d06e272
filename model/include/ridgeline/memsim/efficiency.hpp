#pragma once
// Back into the analytic model: the fraction of peak bandwidth an access pattern gets from a
// memory device, as memsim measures it. The operator model scales the off-chip bandwidth of a
// paged KV cache's gathers by gather_efficiency (below), so that a paged KV cache with small pages
// shows its real cost; streams keep the spec's measured achievable bandwidth.
//
// Results are cached per (device file, pattern parameters): the first call simulates
// `requests` requests (a few milliseconds), later ones are a lookup. Thread-safe.

#include <cstdint>
#include <string>

#include "ridgeline/hw/spec.hpp"

namespace ridgeline::memsim {

struct PatternQuery {
  std::string pattern = "sequential";  // sequential, strided, random, gemm-tile, kv-gather
  std::uint32_t request_size = 0;      // bytes; 0: one burst of the device
  std::uint64_t stride = 0;            // strided / gemm-tile (see pattern.hpp)
  std::uint64_t page_size = 4096;      // kv-gather: bytes per KV-cache page
  std::uint64_t footprint = 0;         // 0: the whole device
  double read_fraction = 1.0;
  std::uint64_t requests = 200'000;
};

// Achieved / peak bandwidth in (0, 1]. Throws ModelError / InputError like memsim::simulate.
double pattern_efficiency(const hw::MemoryDevice& device, const PatternQuery& query);

// What a gather of contiguous runs of `run_bytes` at random places (a paged KV cache read page
// by page) gets of a sequential stream's bandwidth on `device`: pattern_efficiency of kv-gather
// over that of sequential, at most 1. The operator model scales the spec's achievable off-chip
// bandwidth (a STREAM-like measurement) by it, so the calibration of streams is kept and only the
// gather's extra row misses are added.
double gather_efficiency(const hw::MemoryDevice& device, std::uint64_t run_bytes);

// Empties the cache (tests).
void clear_pattern_efficiency_cache();

}  // namespace ridgeline::memsim
