#pragma once
// Synthetic access patterns for study and teaching, each a RequestSource generated on the fly
// (constant memory for any length). Pluggable: each pattern registers itself by name.
//
// Writes: with read_fraction r < 1, the sequential, strided, gemm-tile and kv-gather patterns
// spread the writes evenly (r = 2/3: every third request is a write); the random ones make each
// request a write with probability 1 - r (a fixed-seed generator: runs are reproducible).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::memsim {

struct PatternSpec {
  std::string name = "sequential";
  std::uint64_t requests = 1'000'000;
  std::uint64_t footprint = 0;  // bytes; 0: the whole device
  std::uint64_t stride = 0;     // strided: bytes between requests (0: 2 x request size);
                                // gemm-tile: the matrix row pitch (0: 16 KiB)
  double read_fraction = 1.0;
  std::uint32_t request_size = 64;
  std::uint64_t page_size = 4096;  // kv-gather: bytes per KV-cache page; gemm-tile: tile row bytes
  std::uint64_t seed = 1;
};

using PatternFactory = std::function<std::unique_ptr<RequestSource>(const PatternSpec&)>;
struct PatternKind {
  std::string name;
  std::string description;
  PatternFactory factory;
};
bool register_pattern(PatternKind kind);
const std::vector<PatternKind>& pattern_kinds();

// `capacity`: the simulated memory's bytes (the default footprint). Throws InputError for an
// unknown name or impossible parameters.
std::unique_ptr<RequestSource> make_pattern(PatternSpec spec, std::uint64_t capacity);

}  // namespace ridgeline::memsim
