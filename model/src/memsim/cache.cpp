#include "ridgeline/memsim/cache.hpp"

#include <algorithm>
#include <sstream>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"

namespace ridgeline::memsim {
namespace {
bool power_of_two(std::uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}
}  // namespace

CacheConfig parse_cache_spec(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    throw InputError("", "--cache",
                     "cache '" + text + "': " + why +
                         " (expected CAPACITY:WAYS:LINE[:SECTOR], e.g. 4MiB:16:128B:32B)");
  };
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ':');) parts.push_back(part);
  if (parts.size() < 3 || parts.size() > 4) bad("expected 3 or 4 fields");
  CacheConfig config;
  try {
    config.capacity = static_cast<std::uint64_t>(parse_quantity(parts[0], Dimension::bytes));
    config.line = static_cast<std::uint64_t>(parse_quantity(parts[2], Dimension::bytes));
    if (parts.size() == 4) {
      config.sector = static_cast<std::uint64_t>(parse_quantity(parts[3], Dimension::bytes));
    }
  } catch (const UnitError& error) {
    bad(error.what());
  }
  try {
    std::size_t used = 0;
    config.ways = std::stoi(parts[1], &used);
    if (used != parts[1].size() || config.ways < 1) bad("ways must be a whole number >= 1");
  } catch (const std::logic_error&) {
    bad("ways must be a whole number >= 1");
  }
  if (!power_of_two(config.line)) bad("the line size must be a power of two");
  if (config.sector == 0) config.sector = config.line;
  if (!power_of_two(config.sector) || config.sector > config.line ||
      config.line / config.sector > 32)
    bad("the sector must be a power of two, at most the line and at least line / 32");
  const std::uint64_t set_bytes = config.line * static_cast<std::uint64_t>(config.ways);
  if (config.capacity < set_bytes || config.capacity % set_bytes != 0 ||
      !power_of_two(config.capacity / set_bytes))
    bad("capacity / (ways x line) must be a power of two");
  return config;
}

Cache::Cache(const CacheConfig& config) : config_(config) {
  sets_ = config.capacity / (config.line * static_cast<std::uint64_t>(config.ways));
  sectors_ = static_cast<std::uint32_t>(config.line / config.sector);
  lines_.resize(sets_ * static_cast<std::uint64_t>(config.ways));
}

void Cache::access(std::uint64_t address, std::uint32_t size, bool write,
                   std::vector<Request>& out) {
  const std::uint64_t end = address + std::max<std::uint32_t>(size, 1);
  for (std::uint64_t line = address / config_.line * config_.line; line < end;
       line += config_.line) {
    const std::uint64_t lo = std::max(line, address), hi = std::min(line + config_.line, end);
    const auto first = static_cast<std::uint32_t>((lo - line) / config_.sector);
    const auto last = static_cast<std::uint32_t>((hi - 1 - line) / config_.sector);
    std::uint32_t mask = 0;
    for (std::uint32_t s = first; s <= last; ++s) mask |= 1u << s;
    touch_line(line, mask, write, out);
  }
}

void Cache::touch_line(std::uint64_t line_address, std::uint32_t mask, bool write,
                       std::vector<Request>& out) {
  ++stats_.accesses;
  ++clock_;
  const std::uint64_t line_number = line_address / config_.line;
  const std::uint64_t set = line_number % sets_;
  const std::uint64_t tag = line_number / sets_;
  Line* base = &lines_[set * static_cast<std::uint64_t>(config_.ways)];
  Line* victim = base;
  Line* found = nullptr;
  for (int w = 0; w < config_.ways; ++w) {
    Line& line = base[w];
    if (line.present && line.tag == tag) {
      found = &line;
      break;
    }
    if (!line.present || (victim->present && line.last_use < victim->last_use)) victim = &line;
  }
  const auto fetch = [&](Line& line, std::uint32_t sectors) {
    for (std::uint32_t s = 0; s < sectors_; ++s) {
      if ((sectors >> s) & 1u) {
        out.push_back({line_address + s * config_.sector,
                       static_cast<std::uint32_t>(config_.sector), false, 0});
      }
    }
    line.valid |= sectors;
  };
  if (found != nullptr && (found->valid & mask) == mask) {
    ++stats_.hits;
  } else {
    ++stats_.misses;
    if (found == nullptr) {
      found = victim;
      if (found->present && found->dirty != 0) {
        const std::uint64_t old = (found->tag * sets_ + set) * config_.line;
        for (std::uint32_t s = 0; s < sectors_; ++s) {
          if ((found->dirty >> s) & 1u) {
            out.push_back(
                {old + s * config_.sector, static_cast<std::uint32_t>(config_.sector), true, 0});
            ++stats_.writebacks;
          }
        }
      }
      *found = Line{tag, 0, 0, 0, true};
    }
    // Write-allocate: a write miss fetches the sector too.
    fetch(*found, mask & ~found->valid);
  }
  found->last_use = clock_;
  if (write) found->dirty |= mask;
  stats_.hit_rate = static_cast<double>(stats_.hits) /
                    static_cast<double>(std::max<std::uint64_t>(stats_.accesses, 1));
}

}  // namespace ridgeline::memsim
