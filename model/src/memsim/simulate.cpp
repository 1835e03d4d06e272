#include <algorithm>
#include <array>
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

// Turns the source's requests (through the optional cache) into bursts, decoded. A request of one
// burst (the common case) is decoded straight into the caller's Burst; longer ones and the cache's
// output go through a small buffer.
class FrontEnd {
 public:
  FrontEnd(const DeviceModel& model, const Options& options, RequestSource& source)
      : model_(model),
        options_(options),
        source_(source),
        mapping_(make_mapping(model.geometry, model.mapping)) {
    if (options.cache) cache_.emplace(*options.cache);
    const auto& g = model.geometry;
    capacity_ = static_cast<std::uint64_t>(g.capacity());
    burst_ = static_cast<std::uint64_t>(g.burst_bytes);
    if ((burst_ & (burst_ - 1)) == 0) burst_mask_ = burst_ - 1;
    sliced_ = mapping_->slice_layout(layout_);
    per_channel_ = model.controller.per_channel;
    pseudo_channels_ = g.pseudo_channels;
    banks_per_pc_ = g.banks_per_pseudo_channel();
    bank_groups_ = g.bank_groups;
    banks_per_group_ = g.banks_per_group;
  }

  bool next(Burst& burst) {
    if (buffered_ < buffer_.size()) {
      burst = buffer_[buffered_++];
      return true;
    }
    while (true) {
      if (taken_ == batch_size_) {
        batch_size_ = source_.next_batch(batch_.data(), batch_.size());
        taken_ = 0;
        if (batch_size_ == 0) return false;
      }
      Request request = batch_[taken_++];
      ++requests_;
      if (request.size == 0) request.size = options_.request_size;
      if (request.size == 0) request.size = static_cast<std::uint32_t>(burst_);
      if (request.address + request.size > capacity_) out_of_range(request);
      if (!cache_) {
        const std::uint64_t first = align(request.address);
        if (request.address + request.size <= first + burst_) {
          decode(first, request, burst);
          return true;
        }
      }
      buffer_.clear();
      buffered_ = 0;
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
      if (!buffer_.empty()) {
        burst = buffer_[buffered_++];
        return true;
      }
    }
  }

  std::uint64_t requests() const { return requests_; }
  const std::optional<Cache>& cache() const { return cache_; }
  std::string mapping_name() const { return mapping_->describe(); }

 private:
  [[noreturn]] void out_of_range(const Request& request) const {
    throw InputError(source_.file(), source_.where(),
                     "address " + hex(request.address) + " (+" + std::to_string(request.size) +
                         " B) is beyond the device: " + model_.id + " x " +
                         std::to_string(model_.geometry.stacks) + " stack(s) holds " +
                         format_quantity(static_cast<double>(capacity_), Dimension::bytes) + " (" +
                         hex(capacity_) + ")");
  }

  std::uint64_t align(std::uint64_t address) const {
    return burst_mask_ != 0 ? address & ~burst_mask_ : address / burst_ * burst_;
  }

  void split(const Request& request) {
    const std::uint64_t first = align(request.address);
    const std::uint64_t end = request.address + std::max<std::uint32_t>(request.size, 1);
    for (std::uint64_t address = first; address < end; address += burst_) {
      decode(address, request, buffer_.emplace_back());
    }
  }

  // The burst at `address` (inside the device) of `request`: its controller, pseudo-channel within
  // the controller, flat bank and row.
  void decode(std::uint64_t address, const Request& request, Burst& b) const {
    b.address = address;
    b.cycle = request.cycle;
    b.write = request.write;
    int channel, pseudo_channel, stack_id, bank_group, bank;
    // (The slices hold inside the device; a cache's write-back could in principle lie beyond.)
    if (sliced_ && address < capacity_) {
      channel = static_cast<int>(layout_.channel.of(address));
      pseudo_channel = static_cast<int>(layout_.pseudo_channel.of(address));
      stack_id = static_cast<int>(layout_.stack_id.of(address));
      bank_group = static_cast<int>(layout_.bank_group.of(address));
      bank = static_cast<int>(layout_.bank.of(address));
      const std::uint64_t row = layout_.row.of(address);
      b.row = static_cast<std::int64_t>(row);
      if (layout_.xor_banks) {
        bank ^= static_cast<int>(row & layout_.bank.mask);
        bank_group ^= static_cast<int>((row >> layout_.bank_bits) & layout_.bank_group.mask);
      }
    } else {
      const Location l = mapping_->map(address);
      channel = l.channel;
      pseudo_channel = l.pseudo_channel;
      stack_id = l.stack_id;
      bank_group = l.bank_group;
      bank = l.bank;
      b.row = l.row;
    }
    b.controller = per_channel_ ? channel : channel * pseudo_channels_ + pseudo_channel;
    b.pc = per_channel_ ? pseudo_channel : 0;
    b.bank =
        b.pc * banks_per_pc_ + (stack_id * bank_groups_ + bank_group) * banks_per_group_ + bank;
  }

  const DeviceModel& model_;
  const Options& options_;
  RequestSource& source_;
  std::unique_ptr<AddressMapping> mapping_;
  SliceLayout layout_;
  bool sliced_ = false;
  bool per_channel_ = false;
  int pseudo_channels_ = 1, banks_per_pc_ = 1, bank_groups_ = 1, banks_per_group_ = 1;
  std::optional<Cache> cache_;
  std::array<Request, 64> batch_;  // the source's requests, from taken_ on
  std::size_t batch_size_ = 0, taken_ = 0;
  std::vector<Request> scratch_;
  std::vector<Burst> buffer_;  // bursts of the last multi-burst request, from buffered_ on
  std::size_t buffered_ = 0;
  std::uint64_t capacity_ = 0;
  std::uint64_t burst_ = 32;
  std::uint64_t burst_mask_ = 0;  // burst_ - 1 when a power of two, else 0
  std::uint64_t requests_ = 0;
};

// Runs a controller alone through its ticks up to and including cycle `now`. A controller's ticks
// depend only on its own state and on when it accepts requests, so each one runs lazily, up to
// the cycle at which the front end next offers it a request (all at once at the end), and the
// sequence of its ticks is the one a global cycle-by-cycle loop over all controllers would run.
void advance(Controller& c, std::int64_t now) {
  while (c.wake() <= now) c.tick(c.wake());
}

}  // namespace

std::uint64_t run_front_end(const DeviceModel& model, const Options& options,
                            RequestSource& source) {
  FrontEnd front(model, options, source);
  std::uint64_t sum = 0;
  for (Burst burst; front.next(burst);) {
    sum += static_cast<std::uint64_t>(burst.controller) ^ static_cast<std::uint64_t>(burst.bank) ^
           static_cast<std::uint64_t>(burst.row) ^ burst.address;
  }
  return sum;
}

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
  const std::uint64_t hint = source.size_hint();
  std::uint64_t accepted = 0;
  // The front end's cycle and the requests it has issued in it.
  std::int64_t now = 0;
  int issued = 0;
  Burst pending;
  bool have = front.next(pending);
  while (have) {
    if (width > 0 && issued == width) {
      ++now;
      issued = 0;
    }
    if (static_cast<std::int64_t>(pending.cycle) > now) {
      now = static_cast<std::int64_t>(pending.cycle);
      issued = 0;
    }
    Controller& c = *ctrls[static_cast<std::size_t>(pending.controller)];
    advance(c, now);
    // A full queue blocks the front end until its controller makes room, which only the
    // controller's own ticks do: the front end resumes at the first of them that leaves room.
    while (!c.can_accept(pending.write)) {
      now = c.wake();
      c.tick(now);
      issued = 0;
    }
    c.accept(pending.address, pending.write, pending.pc, pending.bank, pending.row, now);
    ++issued;
    ++accepted;
    if ((accepted & 0xFFFF) == 0 && options.progress) {
      const double done = hint > 0
                              ? static_cast<double>(front.requests()) / static_cast<double>(hint)
                              : source.progress();
      options.progress(std::min(done, 1.0));
    }
    have = front.next(pending);
  }
  // Drain: every controller runs on to the first cycle at which all are idle (refresh keeps a
  // controller's ticks going and may make an idle one busy again, so they end together).
  for (auto& c : ctrls) advance(*c, now);
  while (true) {
    std::int64_t next = kNever;
    bool busy = false;
    for (auto& c : ctrls) {
      busy = busy || !c->idle();
      next = std::min(next, c->wake());
    }
    if (!busy) break;
    now = std::max(next, now + 1);
    for (auto& c : ctrls) {
      if (c->wake() <= now) c->tick(now);
    }
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
