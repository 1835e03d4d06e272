#include <algorithm>
#include <deque>
#include <sstream>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/memsim/cache.hpp"
#include "ridgeline/memsim/controller.hpp"
#include "ridgeline/memsim/mapping.hpp"
#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::memsim {
namespace {

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

// One burst on its way to a controller.
struct Burst {
  std::uint64_t address = 0;
  std::uint64_t cycle = 0;
  bool write = false;
  int controller = 0;
  int pc = 0;
  int bank = 0;
  std::int64_t row = 0;
};

// Turns the source's requests (through the optional cache) into bursts, decoded.
class FrontEnd {
 public:
  FrontEnd(const DeviceModel& model, const Options& options, RequestSource& source)
      : model_(model),
        options_(options),
        source_(source),
        mapping_(make_mapping(model.geometry, model.mapping)) {
    if (options.cache) cache_.emplace(*options.cache);
    capacity_ = static_cast<std::uint64_t>(model.geometry.capacity());
    burst_ = static_cast<std::uint64_t>(model.geometry.burst_bytes);
  }

  bool next(Burst& burst) {
    while (queue_.empty()) {
      Request request;
      if (!source_.next(request)) return false;
      ++requests_;
      if (request.size == 0) request.size = options_.request_size;
      if (request.size == 0) request.size = static_cast<std::uint32_t>(burst_);
      if (request.address + request.size > capacity_) {
        throw InputError(source_.file(), source_.where(),
                         "address " + hex(request.address) + " (+" + std::to_string(request.size) +
                             " B) is beyond the device: " + model_.id + " x " +
                             std::to_string(model_.geometry.stacks) + " stack(s) holds " +
                             format_quantity(static_cast<double>(capacity_), Dimension::bytes) +
                             " (" + hex(capacity_) + ")");
      }
      if (cache_) {
        scratch_.clear();
        cache_->access(request.address, request.size, request.write, scratch_);
        for (auto& r : scratch_) {
          r.cycle = request.cycle;
          split(r);
        }
      } else {
        split(request);
      }
    }
    burst = queue_.front();
    queue_.pop_front();
    return true;
  }

  std::uint64_t requests() const { return requests_; }
  const std::optional<Cache>& cache() const { return cache_; }
  std::string mapping_name() const { return mapping_->describe(); }

 private:
  void split(const Request& request) {
    const std::uint64_t first = request.address / burst_ * burst_;
    const std::uint64_t end = request.address + std::max<std::uint32_t>(request.size, 1);
    for (std::uint64_t address = first; address < end; address += burst_) {
      const Location l = mapping_->map(address);
      const auto& g = model_.geometry;
      Burst b;
      b.address = address;
      b.cycle = request.cycle;
      b.write = request.write;
      const bool per_channel = model_.controller.per_channel;
      b.controller = per_channel ? l.channel : l.channel * g.pseudo_channels + l.pseudo_channel;
      b.pc = per_channel ? l.pseudo_channel : 0;
      b.bank = b.pc * g.banks_per_pseudo_channel() +
               (l.stack_id * g.bank_groups + l.bank_group) * g.banks_per_group + l.bank;
      b.row = l.row;
      queue_.push_back(b);
    }
  }

  const DeviceModel& model_;
  const Options& options_;
  RequestSource& source_;
  std::unique_ptr<AddressMapping> mapping_;
  std::optional<Cache> cache_;
  std::vector<Request> scratch_;
  std::deque<Burst> queue_;
  std::uint64_t capacity_ = 0;
  std::uint64_t burst_ = 32;
  std::uint64_t requests_ = 0;
};

}  // namespace

Result simulate(const hw::MemoryDevice& device, const Options& options, RequestSource& source) {
  return simulate(make_device_model(device, options.device), options, source);
}

Result simulate(const DeviceModel& model, const Options& options, RequestSource& source) {
  FrontEnd front(model, options, source);
  const auto& g = model.geometry;
  const bool per_channel = model.controller.per_channel;
  const int controllers = per_channel ? g.total_channels() : g.total_channels() * g.pseudo_channels;
  std::vector<std::unique_ptr<Controller>> ctrls;
  for (int i = 0; i < controllers; ++i) {
    ctrls.push_back(std::make_unique<Controller>(model, per_channel ? g.pseudo_channels : 1));
  }
  const int width = model.controller.issue_width;
  Burst pending;
  bool have = front.next(pending);
  std::int64_t now = 0;
  std::uint64_t accepted = 0;
  const std::uint64_t hint = source.size_hint();
  while (true) {
    // Run the controllers due now; gather when each needs to run next and whether any is busy.
    std::int64_t next = kNever;
    bool busy = false;
    for (auto& c : ctrls) {
      if (c->wake() <= now) c->tick(now);
      busy = busy || !c->idle();
      next = std::min(next, c->wake());
    }
    int issued = 0;
    bool blocked = false;
    while (have && (width <= 0 || issued < width) &&
           static_cast<std::int64_t>(pending.cycle) <= now) {
      auto& c = *ctrls[static_cast<std::size_t>(pending.controller)];
      if (!c.can_accept(pending.write)) {
        blocked = true;
        break;
      }
      if (c.accept(pending.address, pending.write, pending.pc, pending.bank, pending.row, now)) {
        busy = true;
        next = std::min(next, c.wake());
      }
      ++issued;
      ++accepted;
      if (options.progress && (accepted & 0xFFFF) == 0) {
        const double done = hint > 0
                                ? static_cast<double>(front.requests()) / static_cast<double>(hint)
                                : source.progress();
        options.progress(std::min(done, 1.0));
      }
      have = front.next(pending);
    }
    if (!have && !busy) break;
    if (have && !blocked) {
      next = std::min(next, std::max(now + 1, static_cast<std::int64_t>(pending.cycle)));
    }
    now = std::max(next, now + 1);
  }
  if (options.progress) options.progress(1.0);

  Result r;
  r.device_id = model.id;
  r.device_name = model.name;
  r.mapping = front.mapping_name();
  r.scheduler = model.controller.scheduler;
  r.page_policy = model.controller.page_policy == PagePolicy::open ? "open" : "closed";
  r.stacks = g.stacks;
  r.tCK = model.timing.tCK;
  r.requests = front.requests();
  LatencyHistogram latency;
  std::int64_t end = 0;
  std::uint64_t hits = 0, misses = 0, conflicts = 0;
  std::int64_t refresh_blocked = 0, turnaround = 0;
  std::vector<ChannelStats> channels(static_cast<std::size_t>(g.total_channels()));
  for (int i = 0; i < controllers; ++i) {
    const auto& c = *ctrls[static_cast<std::size_t>(i)];
    const auto& s = c.stats;
    latency.merge(s.latency);
    end = std::max({end, s.last_read_done, s.last_write_done});
    r.reads += s.reads;
    r.writes += s.writes;
    hits += s.hits;
    misses += s.misses;
    conflicts += s.conflicts;
    r.turnarounds += s.turnarounds;
    turnaround += s.turnaround_cycles;
    auto& k = r.commands;
    k.act += s.commands.act;
    k.pre += s.commands.pre;
    k.prea += s.commands.prea;
    k.rd += s.commands.rd;
    k.wr += s.commands.wr;
    k.rda += s.commands.rda;
    k.wra += s.commands.wra;
    k.ref += s.commands.ref;
    k.refpb += s.commands.refpb;
    for (const auto& pc : c.pc_state) refresh_blocked += pc.refresh_blocked;
    auto& ch = channels[static_cast<std::size_t>(per_channel ? i : i / g.pseudo_channels)];
    ch.channel = per_channel ? i : i / g.pseudo_channels;
    ch.reads += s.reads;
    ch.writes += s.writes;
    ch.bytes += s.bursts * static_cast<std::uint64_t>(g.burst_bytes);
    ch.utilisation +=
        static_cast<double>(s.bursts * static_cast<std::uint64_t>(model.timing.burst));
  }
  r.cycles = static_cast<std::uint64_t>(std::max<std::int64_t>(end, 1));
  r.simulated_time = static_cast<double>(r.cycles) * model.timing.tCK;
  r.bytes = (r.reads + r.writes) * static_cast<std::uint64_t>(g.burst_bytes);
  r.bandwidth = static_cast<double>(r.bytes) / r.simulated_time;
  r.peak_bandwidth = model.peak_bandwidth;
  r.efficiency = r.bandwidth / r.peak_bandwidth;
  r.read_latency.mean = latency.mean() * model.timing.tCK;
  r.read_latency.p50 = latency.percentile(0.5) * model.timing.tCK;
  r.read_latency.p99 = latency.percentile(0.99) * model.timing.tCK;
  r.read_latency.max = static_cast<double>(latency.max()) * model.timing.tCK;
  const double accesses =
      static_cast<double>(std::max<std::uint64_t>(hits + misses + conflicts, 1));
  r.row_hit_rate = static_cast<double>(hits) / accesses;
  r.row_miss_rate = static_cast<double>(misses) / accesses;
  r.row_conflict_rate = static_cast<double>(conflicts) / accesses;
  const double pc_cycles = static_cast<double>(r.cycles) * g.total_channels() * g.pseudo_channels;
  r.refresh_time_fraction = static_cast<double>(refresh_blocked) / pc_cycles;
  r.turnaround_time_fraction = static_cast<double>(turnaround) / pc_cycles;
  double max_bytes = 0, sum_bytes = 0;
  for (auto& ch : channels) {
    ch.bandwidth = static_cast<double>(ch.bytes) / r.simulated_time;
    ch.utilisation /= static_cast<double>(r.cycles) * g.pseudo_channels;
    max_bytes = std::max(max_bytes, static_cast<double>(ch.bytes));
    sum_bytes += static_cast<double>(ch.bytes);
  }
  r.channel_imbalance =
      sum_bytes > 0 ? max_bytes / (sum_bytes / static_cast<double>(channels.size())) : 1;
  r.channels = std::move(channels);
  // Energy: bits read and written at their per-bit energies, plus the bits of every row opened.
  r.energy = static_cast<double>(r.reads * static_cast<std::uint64_t>(g.burst_bytes) * 8) *
                 model.energy_read +
             static_cast<double>(r.writes * static_cast<std::uint64_t>(g.burst_bytes) * 8) *
                 model.energy_write +
             static_cast<double>(r.commands.act) * static_cast<double>(model.row_bits) *
                 model.energy_activate;
  if (front.cache()) r.cache = front.cache()->stats();
  return r;
}

}  // namespace ridgeline::memsim
