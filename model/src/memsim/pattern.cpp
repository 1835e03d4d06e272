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
  // (`out` is restrict: its stores cannot change the pattern's state, which then stays in
  // registers through the loop.)
  std::size_t next_batch(Request* __restrict out, std::size_t capacity) override {
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
  explicit Strided(const PatternSpec& spec)
      : PatternSource(spec), per_pass_(std::max<std::uint64_t>(spec.footprint / spec.stride, 1)) {}
  // Walk the footprint with the stride; when it wraps, start again one request further on, so
  // that every request-sized block is visited once per pass: ((i % per_pass) * stride + (i /
  // per_pass) * request_size) % footprint, stepped without a division (both terms stay below the
  // footprint, so their sum wraps at most once).
  std::uint64_t address(std::uint64_t) {
    std::uint64_t address = in_pass_ + pass_offset_;
    if (address >= spec_.footprint) address -= spec_.footprint;
    in_pass_ += spec_.stride;
    if (++step_ == per_pass_) {
      step_ = 0;
      in_pass_ = 0;
      pass_offset_ += spec_.request_size;
      if (pass_offset_ >= spec_.footprint) pass_offset_ -= spec_.footprint;
    }
    return address;
  }

 private:
  std::uint64_t per_pass_;
  std::uint64_t step_ = 0;         // i % per_pass
  std::uint64_t in_pass_ = 0;      // (i % per_pass) * stride
  std::uint64_t pass_offset_ = 0;  // (i / per_pass) * request_size % footprint
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

// A GEMM operand read tile by tile: each tile is kTileRows (128) rows of page_size bytes (the tile
// width) at the matrix row pitch `stride`; tiles advance along the row, then down.
class GemmTile : public PatternSource<GemmTile> {
 public:
  static constexpr bool kRandomWrites = false;
  explicit GemmTile(const PatternSpec& spec)
      : PatternSource(spec),
        per_row_(std::max<std::uint64_t>(spec.page_size / spec.request_size, 1)),
        tiles_across_(std::max<std::uint64_t>(spec.stride / spec.page_size, 1)) {}
  // Request i: tile = i / (per_row * kTileRows) at (tile / tiles_across, tile % tiles_across),
  // row within it and column within the row from the rest; the indices are stepped as counters.
  std::uint64_t address(std::uint64_t) {
    const std::uint64_t row = tile_row_ * kTileRows + row_in_tile_;
    const std::uint64_t address =
        (row * spec_.stride + tile_col_ * spec_.page_size + column_ * spec_.request_size) %
        spec_.footprint;
    if (++column_ == per_row_) {
      column_ = 0;
      if (++row_in_tile_ == kTileRows) {
        row_in_tile_ = 0;
        if (++tile_col_ == tiles_across_) {
          tile_col_ = 0;
          ++tile_row_;
        }
      }
    }
    return address;
  }

 private:
  static constexpr std::uint64_t kTileRows = 128;
  std::uint64_t per_row_, tiles_across_;
  std::uint64_t column_ = 0, row_in_tile_ = 0, tile_col_ = 0, tile_row_ = 0;
};

// Decode attention over a paged KV cache: pages of page_size bytes at random places of the
// footprint (a page table), each read whole, in order.
class KvGather : public PatternSource<KvGather> {
 public:
  static constexpr bool kRandomWrites = false;
  explicit KvGather(const PatternSpec& spec)
      : PatternSource(spec),
        per_page_(std::max<std::uint64_t>(spec.page_size / spec.request_size, 1)),
        pages_(spec.footprint / spec.page_size) {}
  std::uint64_t address(std::uint64_t) {
    if (in_page_ == 0) page_ = random_below(pages_);
    const std::uint64_t address = page_ * spec_.page_size + in_page_ * spec_.request_size;
    if (++in_page_ == per_page_) in_page_ = 0;  // i % per_page
    return address;
  }

 private:
  std::uint64_t per_page_, pages_;
  std::uint64_t in_page_ = 0;
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
