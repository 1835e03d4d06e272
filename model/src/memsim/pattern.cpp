#include "ridgeline/memsim/pattern.hpp"

#include <algorithm>
#include <cmath>

#include "ridgeline/base/error.hpp"

namespace ridgeline::memsim {
namespace {

// splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Base of the generated patterns: counts, the write decision and progress. `Pattern` supplies
// address(i), called for i = 0, 1, 2, ... in turn, and kRandomWrites; it derives from
// PatternSource<Pattern> (CRTP), so that a batch of requests costs one virtual call and the
// addresses none.
template <typename Pattern>
class PatternSource : public RequestSource {
 public:
  explicit PatternSource(const PatternSpec& spec)
      : spec_(spec), rng_(spec.seed), write_fraction_(1.0 - spec.read_fraction) {}

  bool next(Request& request) override { return next_batch(&request, 1) == 1; }
  std::size_t next_batch(Request* out, std::size_t capacity) override {
    const auto count =
        static_cast<std::size_t>(std::min<std::uint64_t>(capacity, spec_.requests - index_));
    auto& pattern = static_cast<Pattern&>(*this);
    for (std::size_t k = 0; k < count; ++k) {
      Request& request = out[k];
      request.address = pattern.address(index_);  // before is_write: both may draw from rng_
      request.size = spec_.request_size;
      request.write = is_write(index_);
      request.cycle = 0;
      ++index_;
    }
    return count;
  }
  std::uint64_t size_hint() const override { return spec_.requests; }

 protected:
  bool is_write(std::uint64_t i) {
    const double w = write_fraction_;
    if (w <= 0) return false;
    if (Pattern::kRandomWrites) {
      return static_cast<double>(splitmix(rng_) >> 11) * 0x1.0p-53 < w;
    }
    // Evenly spread: request i is a write when floor((i + 1) w) > floor(i w).
    return std::floor(static_cast<double>(i + 1) * w + 1e-9) >
           std::floor(static_cast<double>(i) * w + 1e-9);
  }

  // Uniform below n, as splitmix % n (a mask when n is a power of two: the same value, no
  // division).
  std::uint64_t random_below(std::uint64_t n) {
    const std::uint64_t x = splitmix(rng_);
    return (n & (n - 1)) == 0 ? x & (n - 1) : x % n;
  }

  PatternSpec spec_;
  std::uint64_t rng_;
  double write_fraction_;
  std::uint64_t index_ = 0;
};

class Sequential : public PatternSource<Sequential> {
 public:
  static constexpr bool kRandomWrites = false;
  using PatternSource::PatternSource;
  // i * request_size % footprint, stepped (the footprint is a multiple of the request size).
  std::uint64_t address(std::uint64_t) {
    const std::uint64_t address = next_;
    next_ += spec_.request_size;
    if (next_ >= spec_.footprint) next_ -= spec_.footprint;
    return address;
  }

 private:
  std::uint64_t next_ = 0;
};

class Strided : public PatternSource<Strided> {
 public:
  static constexpr bool kRandomWrites = false;
  using PatternSource::PatternSource;
  std::uint64_t address(std::uint64_t i) {
    // Walk the footprint with the stride; when it wraps, start again one request further on, so
    // that every request-sized block is visited once per pass.
    const std::uint64_t per_pass = std::max<std::uint64_t>(spec_.footprint / spec_.stride, 1);
    const std::uint64_t pass = i / per_pass;
    return ((i % per_pass) * spec_.stride + pass * spec_.request_size) % spec_.footprint;
  }
};

class Random : public PatternSource<Random> {
 public:
  static constexpr bool kRandomWrites = true;
  explicit Random(const PatternSpec& spec)
      : PatternSource(spec), blocks_(spec.footprint / spec.request_size) {}
  std::uint64_t address(std::uint64_t) { return random_below(blocks_) * spec_.request_size; }

 private:
  std::uint64_t blocks_;
};

// A GEMM operand read tile by tile: each tile is `tile_rows` rows of page_size bytes (the tile
// width) at the matrix row pitch `stride`; tiles advance along the row, then down.
class GemmTile : public PatternSource<GemmTile> {
 public:
  static constexpr bool kRandomWrites = false;
  using PatternSource::PatternSource;
  std::uint64_t address(std::uint64_t i) {
    const std::uint64_t per_row = std::max<std::uint64_t>(spec_.page_size / spec_.request_size, 1);
    const std::uint64_t tile_rows = 128;
    const std::uint64_t per_tile = per_row * tile_rows;
    const std::uint64_t tile = i / per_tile, within = i % per_tile;
    const std::uint64_t tiles_across = std::max<std::uint64_t>(spec_.stride / spec_.page_size, 1);
    const std::uint64_t tile_col = tile % tiles_across, tile_row = tile / tiles_across;
    const std::uint64_t row = tile_row * tile_rows + within / per_row;
    return (row * spec_.stride + tile_col * spec_.page_size +
            (within % per_row) * spec_.request_size) %
           spec_.footprint;
  }
};

// Decode attention over a paged KV cache: pages of page_size bytes at random places of the
// footprint (a page table), each read whole, in order.
class KvGather : public PatternSource<KvGather> {
 public:
  static constexpr bool kRandomWrites = false;
  using PatternSource::PatternSource;
  std::uint64_t address(std::uint64_t i) {
    const std::uint64_t per_page = std::max<std::uint64_t>(spec_.page_size / spec_.request_size, 1);
    if (i % per_page == 0) page_ = random_below(spec_.footprint / spec_.page_size);
    return page_ * spec_.page_size + (i % per_page) * spec_.request_size;
  }

 private:
  std::uint64_t page_ = 0;
};

std::vector<PatternKind>& registry() {
  static std::vector<PatternKind> kinds;
  return kinds;
}

template <typename T>
PatternFactory factory() {
  return [](const PatternSpec& spec) { return std::make_unique<T>(spec); };
}

const bool kRegistered = [] {
  register_pattern(
      {"sequential", "Consecutive requests through the footprint", factory<Sequential>()});
  register_pattern(
      {"strided", "Requests --stride apart, wrapping over the footprint", factory<Strided>()});
  register_pattern({"random", "Uniform random over --footprint (small footprint: row locality)",
                    factory<Random>()});
  register_pattern({"gemm-tile",
                    "GEMM operand tiles: 128 rows of --page-size bytes at row pitch --stride",
                    factory<GemmTile>()});
  register_pattern({"kv-gather",
                    "Paged KV cache: random pages of --page-size bytes, each read whole",
                    factory<KvGather>()});
  return true;
}();

}  // namespace

bool register_pattern(PatternKind kind) {
  registry().push_back(std::move(kind));
  return true;
}

const std::vector<PatternKind>& pattern_kinds() {
  return registry();
}

std::unique_ptr<RequestSource> make_pattern(PatternSpec spec, std::uint64_t capacity) {
  (void)kRegistered;
  const auto bad = [](const std::string& where, const std::string& why) {
    throw InputError("", where, why);
  };
  if (spec.request_size == 0) bad("--request-size", "the request size must be positive");
  if (spec.footprint == 0) spec.footprint = capacity;
  if (spec.footprint > capacity) {
    bad("--footprint", "footprint of " + std::to_string(spec.footprint) +
                           " B exceeds the simulated memory (" + std::to_string(capacity) + " B)");
  }
  if (spec.footprint < spec.request_size) bad("--footprint", "footprint smaller than one request");
  spec.footprint = spec.footprint / spec.request_size * spec.request_size;
  if (spec.stride == 0) spec.stride = spec.name == "gemm-tile" ? 16384 : 2 * spec.request_size;
  if (spec.page_size < spec.request_size) bad("--page-size", "page smaller than one request");
  if (spec.name == "kv-gather" && spec.footprint < spec.page_size)
    bad("--footprint", "footprint smaller than one page");
  if (!(spec.read_fraction >= 0 && spec.read_fraction <= 1))
    bad("--read-fraction", "expected a fraction between 0 and 1");
  for (const auto& kind : registry()) {
    if (kind.name == spec.name) return kind.factory(spec);
  }
  std::string list;
  for (const auto& kind : registry()) list += (list.empty() ? "" : ", ") + kind.name;
  bad("--pattern", "unknown pattern '" + spec.name + "'; expected one of: " + list);
  return nullptr;
}

}  // namespace ridgeline::memsim
