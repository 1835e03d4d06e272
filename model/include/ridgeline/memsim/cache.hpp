#pragma once
// A set-associative cache in front of the memory: LRU replacement, write-back, write-allocate,
// optional sectors (a miss fetches only the sector touched). It turns a stream of requests into
// the stream of memory requests an L2 would send: sector fills (reads) and dirty evictions
// (writes). Functional only: it adds no latency of its own.

#include <cstdint>
#include <vector>

#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::memsim {

class Cache {
 public:
  explicit Cache(const CacheConfig& config);
  // Feeds one access; appends the memory requests it causes to `out`.
  void access(std::uint64_t address, std::uint32_t size, bool write, std::vector<Request>& out);
  // Writes back every dirty sector (end of the run is not flushed by default; see docs).
  const CacheStats& stats() const { return stats_; }

 private:
  struct Line {
    std::uint64_t tag = 0;
    std::uint64_t last_use = 0;
    std::uint32_t valid = 0;  // sector bit masks
    std::uint32_t dirty = 0;
    bool present = false;
  };
  void touch_line(std::uint64_t line_address, std::uint32_t sector_mask, bool write,
                  std::vector<Request>& out);

  CacheConfig config_;
  std::uint64_t sets_ = 1;
  std::uint32_t sectors_ = 1;
  std::uint64_t clock_ = 0;
  std::vector<Line> lines_;
  CacheStats stats_;
};

}  // namespace ridgeline::memsim
