#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <limits>
#include <sstream>
#include <thread>

#include "ridgeline/base/error.hpp"
#include "ridgeline/base/units.hpp"
#include "ridgeline/memsim/cache.hpp"
#include "ridgeline/memsim/controller.hpp"
#include "ridgeline/memsim/limits.hpp"
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
  std::uint64_t requests_read = 0;  // requests read from the source up to this burst's (progress)
};

// Where a burst goes: its controller, pseudo-channel within the controller and flat bank from
// the decoded fields, with the controller organisation folded into multipliers (no branches).
struct Placement {
  // controller = channel * controllers_per_channel + pseudo-channel * controllers_per_pc: (1, 0)
  // with a controller per channel, (pseudo-channels, 1) with one per pseudo-channel; the
  // pseudo-channel within the controller is pc_kept (1 or 0) * pseudo-channel.
  int controllers_per_channel = 1;
  int controllers_per_pc = 0;
  int pc_kept = 1;
  int banks_per_pc = 1, banks_per_sid = 1, banks_per_group = 1;

  explicit Placement(const DeviceModel& model) {
    const auto& g = model.geometry;
    const bool per_channel = model.controller.per_channel;
    controllers_per_channel = per_channel ? 1 : g.pseudo_channels;
    controllers_per_pc = per_channel ? 0 : 1;
    pc_kept = per_channel ? 1 : 0;
    banks_per_pc = g.banks_per_pseudo_channel();
    banks_per_sid = g.bank_groups * g.banks_per_group;
    banks_per_group = g.banks_per_group;
  }
  void place(Burst& b, int channel, int pseudo_channel, int stack_id, int bank_group,
             int bank) const {
    b.controller = channel * controllers_per_channel + pseudo_channel * controllers_per_pc;
    b.pc = pseudo_channel * pc_kept;
    b.bank = b.pc * banks_per_pc + stack_id * banks_per_sid + bank_group * banks_per_group + bank;
  }
  // The fields from a mapping's bit slices (`address` inside the device).
  void place_sliced(Burst& b, const SliceLayout& l, std::uint64_t address) const {
    const auto channel = static_cast<int>(l.channel.of(address));
    const auto pseudo_channel = static_cast<int>(l.pseudo_channel.of(address));
    const auto stack_id = static_cast<int>(l.stack_id.of(address));
    auto bank_group = static_cast<int>(l.bank_group.of(address));
    auto bank = static_cast<int>(l.bank.of(address));
    const std::uint64_t row = l.row.of(address);
    b.row = static_cast<std::int64_t>(row);
    if (l.xor_banks) {
      bank ^= static_cast<int>(row & l.bank.mask);
      bank_group ^= static_cast<int>((row >> l.bank_bits) & l.bank_group.mask);
    }
    place(b, channel, pseudo_channel, stack_id, bank_group, bank);
  }
};

// Turns the source's requests (through the optional cache) into bursts, decoded. The source's
// requests are decoded a batch at a time into a block of bursts that the simulation loop then
// takes one by one; the common request (one burst, no cache, a mapping of bit slices) goes
// through a loop of its own.
class FrontEnd {
 public:
  FrontEnd(const DeviceModel& model, const Options& options, RequestSource& source)
      : model_(model),
        source_(source),
        mapping_(make_mapping(model.geometry, model.mapping)),
        placement_(model) {
    if (options.cache) cache_.emplace(*options.cache);
    const auto& g = model.geometry;
    capacity_ = static_cast<std::uint64_t>(g.capacity());
    burst_ = static_cast<std::uint64_t>(g.burst_bytes);
    if ((burst_ & (burst_ - 1)) == 0) burst_mask_ = burst_ - 1;
    default_size_ =
        options.request_size != 0 ? options.request_size : static_cast<std::uint32_t>(burst_);
    sliced_ = mapping_->slice_layout(layout_);
    direct_ = sliced_ && !cache_ && burst_mask_ != 0 && capacity_ % burst_ == 0;
    bursts_.resize(kBlock);
  }

  // The next burst, nullptr at the end; valid until the next call.
  const Burst* next() {
    if (taken_bursts_ == block_size_ && !refill()) return nullptr;
    return &bursts_[taken_bursts_++];
  }

  std::uint64_t requests() const { return requests_; }
  const std::optional<Cache>& cache() const { return cache_; }
  std::string mapping_name() const { return mapping_->describe(); }

 private:
  // Bursts decoded at a time (more when a request of many bursts ends the block).
  static constexpr std::size_t kBlock = 64;

  // Decodes the next requests into a new block of bursts; false when the source is done. A
  // request may give no burst (a cache hit), so a block may take several batches. (Out of line:
  // next() stays small enough to inline into the simulation loop.)
  [[gnu::noinline]] bool refill() {
    taken_bursts_ = 0;
    block_size_ = 0;
    while (block_size_ == 0) {
      if (taken_ == batch_size_) {
        batch_size_ = source_.next_batch(batch_.data(), batch_.size());
        taken_ = 0;
        if (batch_size_ == 0) return false;
      }
      while (taken_ < batch_size_ && block_size_ < kBlock) {
        if (direct_ && decode_direct()) continue;
        decode(batch_[taken_++]);
      }
    }
    return true;
  }

  // Decodes the batch's requests from taken_ on while each is one burst inside the device (the
  // common case), until the block is full; false when the first is not (decode() takes it).
  // Everything the loop reads is in locals: its stores into the block could otherwise alias
  // members and force reloads.
  bool decode_direct() {
    const SliceLayout layout = layout_;
    const Placement placement = placement_;
    const std::uint64_t capacity = capacity_, burst = burst_, mask = burst_mask_;
    const std::uint64_t default_size = default_size_;
    const std::size_t first_taken = taken_;
    const std::size_t end = std::min(batch_size_, first_taken + (kBlock - block_size_));
    std::uint64_t requests = requests_;
    Burst* out = bursts_.data() + block_size_;
    std::size_t taken = first_taken;
    for (; taken < end; ++taken) {
      const Request& request = batch_[taken];
      const std::uint64_t bytes = request.size != 0 ? request.size : default_size;
      const std::uint64_t offset = request.address & mask;
      // Within one burst that starts inside the device, so inside it (the capacity is a whole
      // number of bursts).
      if (offset + bytes > burst || request.address >= capacity) break;
      Burst& b = *out++;
      b.address = request.address - offset;
      b.cycle = request.cycle;
      b.write = request.write;
      b.requests_read = ++requests;
      placement.place_sliced(b, layout, b.address);
    }
    block_size_ += taken - first_taken;
    taken_ = taken;
    requests_ = requests;
    return taken != first_taken;
  }

  // Any request: checks it and appends its bursts (through the cache, if any) to the block.
  void decode(Request request) {
    ++requests_;
    if (request.size == 0) request.size = default_size_;
    if (request.address + request.size > capacity_) out_of_range(request);
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

  // Appends the bursts of `request` to the block.
  void split(const Request& request) {
    const std::uint64_t first = align(request.address);
    const std::uint64_t end = request.address + std::max<std::uint32_t>(request.size, 1);
    for (std::uint64_t address = first; address < end; address += burst_) {
      if (block_size_ == bursts_.size()) bursts_.resize(2 * bursts_.size());
      Burst& b = bursts_[block_size_++];
      b.address = address;
      b.cycle = request.cycle;
      b.write = request.write;
      b.requests_read = requests_;
      // (The slices hold inside the device; a cache's write-back could in principle lie beyond.)
      if (sliced_ && address < capacity_) {
        placement_.place_sliced(b, layout_, address);
      } else {
        const Location l = mapping_->map(address);
        b.row = l.row;
        placement_.place(b, l.channel, l.pseudo_channel, l.stack_id, l.bank_group, l.bank);
      }
    }
  }

  const DeviceModel& model_;
  RequestSource& source_;
  std::unique_ptr<AddressMapping> mapping_;
  SliceLayout layout_;
  Placement placement_;
  bool sliced_ = false;
  // decode_direct applies: sliced, no cache, a power-of-two burst dividing the capacity.
  bool direct_ = false;
  std::optional<Cache> cache_;
  std::array<Request, 64> batch_;  // the source's requests, from taken_ on
  std::size_t batch_size_ = 0, taken_ = 0;
  std::vector<Request> scratch_;
  std::vector<Burst> bursts_;  // the block: decoded bursts, from taken_bursts_ on
  std::size_t block_size_ = 0, taken_bursts_ = 0;
  std::uint64_t capacity_ = 0;
  std::uint64_t burst_ = 32;
  std::uint64_t burst_mask_ = 0;     // burst_ - 1 when a power of two, else 0
  std::uint32_t default_size_ = 32;  // of a request that gives none
  std::uint64_t requests_ = 0;
};

// Runs a controller alone through its ticks up to and including cycle `now`. A controller's ticks
// depend only on its own state and on when it accepts requests, so each one runs lazily, up to
// the cycle at which the front end next offers it a request (all at once at the end), and the
// sequence of its ticks is the one a global cycle-by-cycle loop over all controllers would run.
void advance(Controller& c, std::int64_t now) {
  for (std::int64_t wake = c.wake(); wake <= now;) wake = c.tick(wake);
}

// Controllers run on worker threads while the front end (the caller's thread) decides, in order,
// when each request is accepted; the results are those of the serial run, byte for byte.
//
// The only coupling between controllers is the front end: a request is accepted at the first cycle
// its controller has room, and a controller's ticks depend only on its own state and on the cycles
// at which it accepts requests. So the front end hands each accepted request to its controller's
// worker through a queue and publishes its cycle F ("every accept before F is handed over"); a
// worker applies its requests in order and ticks its controllers up to F. The front end needs a
// controller's exact queue occupancy only when an upper bound (the occupancy the worker last
// published plus the requests handed over since) says it might be full: then it waits until the
// worker has caught up to the front end's cycle, and if the queue is full it asks the worker to
// tick that controller alone until it has room, as the serial loop does.
//
// When most requests need that exact check (a saturating front end keeps queues full), the round
// trips between threads cost more than the controllers' work: the run then stops the workers and
// goes on serially from the same state.
class ThreadedControllers {
 public:
  // `threads` >= 2: the caller's thread (the front end, which serves its share of controllers
  // whenever it waits) and threads - 1 workers.
  ThreadedControllers(std::vector<std::unique_ptr<Controller>>& ctrls, int threads)
      : ctrls_(ctrls), shared_(ctrls.size()), workers_(static_cast<std::size_t>(threads)) {
    for (std::size_t i = 0; i < ctrls.size(); ++i) {
      shared_[i].ring.resize(kRing);
      workers_[i % workers_.size()].owned.push_back(i);
    }
    for (std::size_t w = 1; w < workers_.size(); ++w) {
      Worker& worker = workers_[w];
      worker.thread = std::thread([this, &worker] { run(worker); });
    }
  }
  ThreadedControllers(const ThreadedControllers&) = delete;
  ThreadedControllers& operator=(const ThreadedControllers&) = delete;
  ~ThreadedControllers() { stop(); }

  // A controller's queue depths fit the packed published state.
  static bool supported(const DeviceModel& model) {
    return model.controller.read_queue < 0xFFFF && model.controller.write_queue < 0xFFFF;
  }

  // Accepts `burst` at cycle `now` or, when its controller is full, at the first cycle at which
  // it has room; returns that cycle.
  std::int64_t admit(const Burst& burst, std::int64_t now) {
    const auto index = static_cast<std::size_t>(burst.controller);
    Shared& s = shared_[index];
    const Controller& c = *ctrls_[index];
    const int depth = burst.write ? c.cfg.write_queue : c.cfg.read_queue;
    std::uint64_t state = s.state.load(std::memory_order_acquire);
    if (queued(state, burst.write) + in_flight(s, state) >= static_cast<std::uint64_t>(depth)) {
      ++exact_checks_;
      publish(now);
      wait([&] {
        if (s.ticked_through.load(std::memory_order_acquire) < now) return false;
        state = s.state.load(std::memory_order_acquire);
        return in_flight(s, state) == 0;
      });
      if (queued(state, burst.write) >= static_cast<std::uint64_t>(depth)) {
        s.room_time.store(-1, std::memory_order_relaxed);
        s.room_request.store(burst.write ? 2 : 1, std::memory_order_release);
        ring(index);
        std::int64_t at = -1;
        wait([&] { return (at = s.room_time.load(std::memory_order_acquire)) >= 0; });
        now = at;
      }
    }
    // Hand over (the ring has room once the worker has applied the entry kRing places back).
    if (in_flight(s, s.state.load(std::memory_order_acquire)) >= kRing) {
      publish(now);
      wait([&] { return in_flight(s, s.state.load(std::memory_order_acquire)) < kRing; });
    }
    s.ring[s.pushed % kRing] = {burst, now};
    ++s.pushed;
    s.head.store(s.pushed, std::memory_order_release);
    if ((++admitted_ & 255) == 0) {
      publish(now);
      serve_own();
    }
    return now;
  }

  // Too many requests needed the exact check since the last look (1 in 64 or more of the last
  // 4096): its round trip between threads costs more than simulating several requests.
  bool saturated() {
    if (admitted_ - window_start_ < 4096) return false;
    const bool busy = exact_checks_ * 64 >= admitted_ - window_start_;
    window_start_ = admitted_;
    exact_checks_ = 0;
    return busy;
  }

  std::uint64_t admitted() const { return admitted_; }

  // Brings every controller through cycle `now` with all its requests accepted and stops the
  // workers: the controllers are then as the serial run leaves them (lazily advanced, or further).
  void finish(std::int64_t now) {
    publish(now);
    for (std::size_t i = 0; i < shared_.size(); ++i) {
      Shared& s = shared_[i];
      wait([&] {
        return s.ticked_through.load(std::memory_order_acquire) >= now &&
               in_flight(s, s.state.load(std::memory_order_acquire)) == 0;
      });
    }
    stop();
  }

 private:
  static constexpr std::uint64_t kRing = 1024;

  struct Entry {
    Burst burst;
    std::int64_t at = 0;
  };
  // One controller's hand-over queue and what its worker publishes, on cache lines of their own.
  struct alignas(64) Shared {
    std::vector<Entry> ring;
    std::uint64_t pushed = 0;            // front end only
    std::atomic<std::uint64_t> head{0};  // entries handed over
    std::uint64_t taken = 0;             // worker only
    // Packed: read queue (16 bits), write queue (16 bits), entries applied (low 32 bits).
    std::atomic<std::uint64_t> state{0};
    std::atomic<std::int64_t> ticked_through{-1};
    std::atomic<int> room_request{0};  // 1: room for a read, 2: for a write
    std::atomic<std::int64_t> room_time{-1};
  };
  struct Worker {
    std::vector<std::size_t> owned;
    std::thread thread;
    std::atomic<std::uint64_t> bell{0};
  };

  static std::uint64_t queued(std::uint64_t state, bool write) {
    return write ? (state >> 16) & 0xFFFF : state & 0xFFFF;
  }
  // Handed over and not yet applied (the state holds the low 32 bits of the applied count).
  static std::uint64_t in_flight(const Shared& s, std::uint64_t state) {
    return (s.pushed - (state >> 32)) & 0xFFFFFFFF;
  }

  void ring(std::size_t index) {
    const std::size_t w = index % workers_.size();
    if (w == 0) return;  // the front end's own
    workers_[w].bell.fetch_add(1, std::memory_order_release);
    workers_[w].bell.notify_one();
  }
  void publish(std::int64_t now) {
    if (now != published_) {
      published_ = now;
      horizon_.store(now, std::memory_order_release);
    }
    for (std::size_t w = 1; w < workers_.size(); ++w) {
      workers_[w].bell.fetch_add(1, std::memory_order_release);
      workers_[w].bell.notify_one();
    }
  }
  bool serve_own() {
    bool worked = false;
    for (const std::size_t index : workers_[0].owned) worked = serve(index) || worked;
    return worked;
  }
  // Waits for a worker, serving the front end's own controllers meanwhile.
  template <typename Ready>
  void wait(Ready ready) {
    for (int spin = 0; !ready(); ++spin) {
      if (failure_.load(std::memory_order_acquire)) rethrow();
      if (serve_own()) continue;
      if (spin > 64) std::this_thread::yield();
    }
  }
  [[noreturn]] void rethrow() {
    stop();
    std::rethrow_exception(error_);
  }
  void stop() {
    if (stopped_) return;
    stopped_ = true;
    stop_.store(true, std::memory_order_release);
    for (auto& worker : workers_) {
      worker.bell.fetch_add(1, std::memory_order_release);
      worker.bell.notify_one();
    }
    for (auto& worker : workers_) {
      if (worker.thread.joinable()) worker.thread.join();
    }
  }

  void run(Worker& worker) {
    try {
      while (!stop_.load(std::memory_order_acquire)) {
        const std::uint64_t bell = worker.bell.load(std::memory_order_acquire);
        bool worked = false;
        for (const std::size_t index : worker.owned) worked = serve(index) || worked;
        if (!worked) worker.bell.wait(bell, std::memory_order_acquire);
      }
    } catch (...) {
      if (!claimed_.exchange(true)) {
        error_ = std::current_exception();
        failure_.store(true, std::memory_order_release);
      }
    }
  }

  // Applies the controller's handed-over requests, ticks it up to the front end's cycle, answers a
  // request for room, and publishes its state; true when it did anything.
  bool serve(std::size_t index) {
    Shared& s = shared_[index];
    Controller& c = *ctrls_[index];
    const std::int64_t horizon = horizon_.load(std::memory_order_acquire);
    const int request = s.room_request.load(std::memory_order_acquire);
    const std::uint64_t head = s.head.load(std::memory_order_acquire);
    bool worked = false;
    std::int64_t through = s.ticked_through.load(std::memory_order_relaxed);
    for (; s.taken < head; ++s.taken) {
      const Entry& e = s.ring[s.taken % kRing];
      advance(c, e.at);
      c.accept(e.burst.address, e.burst.write, e.burst.pc, e.burst.bank, e.burst.row, e.at);
      through = std::max(through, e.at);
      worked = true;
    }
    // Every accept before `horizon` was handed over before the horizon was published, so the
    // controller may run its ticks up to it (accepts at the horizon itself come after its ticks).
    if (horizon > through) {
      advance(c, horizon);
      through = horizon;
      worked = true;
    }
    if (request != 0) {
      // The front end is blocked on this controller: nothing is accepted anywhere until it has
      // room, so it may run ahead alone.
      std::int64_t at = through;
      while (!c.can_accept(request == 2)) {
        at = c.wake();
        c.tick(at);
      }
      through = std::max(through, at);
      s.room_request.store(0, std::memory_order_relaxed);
      publish_state(s, c, through);
      s.room_time.store(at, std::memory_order_release);
      return true;
    }
    if (worked) publish_state(s, c, through);
    return worked;
  }

  static void publish_state(Shared& s, const Controller& c, std::int64_t through) {
    const std::uint64_t state = static_cast<std::uint64_t>(c.queued[0] & 0xFFFF) |
                                (static_cast<std::uint64_t>(c.queued[1] & 0xFFFF) << 16) |
                                ((s.taken & 0xFFFFFFFF) << 32);
    // The front end reads ticked_through first: the state it then reads is at least as recent.
    s.state.store(state, std::memory_order_release);
    s.ticked_through.store(through, std::memory_order_release);
  }

  std::vector<std::unique_ptr<Controller>>& ctrls_;
  std::vector<Shared> shared_;
  std::vector<Worker> workers_;
  std::atomic<std::int64_t> horizon_{-1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> claimed_{false}, failure_{false};
  std::exception_ptr error_;
  std::int64_t published_ = -1;
  std::uint64_t admitted_ = 0, window_start_ = 0, exact_checks_ = 0;
  bool stopped_ = false;
};

// The front end's cycle: bursts leave in order, at most `per_cycle` of them in a cycle, none
// before the cycle its request names, and none while its controller's queue is full.
struct IssueClock {
  std::int64_t now = 0;
  std::int64_t issued = 0;     // bursts that left in cycle `now`
  std::int64_t per_cycle = 0;  // the issue width (no limit: the largest std::int64_t)

  // The first cycle at which `burst` may leave (before its controller is asked).
  std::int64_t offer(const Burst& burst) {
    if (issued == per_cycle) resume_at(now + 1);
    if (static_cast<std::int64_t>(burst.cycle) > now)
      resume_at(static_cast<std::int64_t>(burst.cycle));
    return now;
  }
  // The controller took the burst at `cycle` (>= now).
  void took(std::int64_t cycle) {
    resume_at(cycle);
    ++issued;
  }
  void resume_at(std::int64_t cycle) {
    if (cycle != now) {
      now = cycle;
      issued = 0;
    }
  }
};

// Calls Options::progress now and then (every 65536 bursts) with the fraction of the source read.
class ProgressReport {
 public:
  ProgressReport(const Options& options, RequestSource& source)
      : options_(&options), source_(&source), hint_(source.size_hint()) {}
  // Counts a burst handed to its controller.
  void count(const Burst& burst) {
    if ((++bursts_ & 0xFFFF) == 0 && options_->progress) report(burst);
  }

 private:
  void report(const Burst& burst) const {
    const double done = hint_ > 0
                            ? static_cast<double>(burst.requests_read) / static_cast<double>(hint_)
                            : source_->progress();
    options_->progress(std::min(done, 1.0));
  }
  const Options* options_;  // (pointers: a copy lives in registers in the loop)
  RequestSource* source_;
  std::uint64_t hint_;
  std::uint64_t bursts_ = 0;
};

// Hands `burst` and the rest of the front end's bursts to the controllers on this thread. The
// clock and the progress count live in locals here (in registers across the controllers' calls).
[[gnu::noinline]] void issue_serially(FrontEnd& front, const Burst* burst,
                                      const std::vector<std::unique_ptr<Controller>>& ctrls,
                                      IssueClock& issue_clock, ProgressReport& report) {
  IssueClock clock = issue_clock;
  ProgressReport progress = report;
  for (; burst; burst = front.next()) {
    std::int64_t now = clock.offer(*burst);
    Controller& c = *ctrls[static_cast<std::size_t>(burst->controller)];
    advance(c, now);
    // A full queue blocks the front end until its controller makes room, which only the
    // controller's own ticks do: the front end resumes at the first of them that leaves room.
    while (!c.can_accept(burst->write)) {
      now = c.wake();
      c.tick(now);
    }
    c.accept(burst->address, burst->write, burst->pc, burst->bank, burst->row, now);
    clock.took(now);
    progress.count(*burst);
  }
  issue_clock = clock;
  report = progress;
}

}  // namespace

std::uint64_t run_front_end(const DeviceModel& model, const Options& options,
                            RequestSource& source) {
  FrontEnd front(model, options, source);
  std::uint64_t sum = 0;
  while (const Burst* burst = front.next()) {
    sum += static_cast<std::uint64_t>(burst->controller) ^ static_cast<std::uint64_t>(burst->bank) ^
           static_cast<std::uint64_t>(burst->row) ^ burst->address;
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
  IssueClock clock;
  clock.per_cycle = model.controller.issue_width > 0 ? model.controller.issue_width
                                                     : std::numeric_limits<std::int64_t>::max();
  ProgressReport progress(options, source);
  const Burst* burst = front.next();
  const int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  std::uint64_t threaded_bursts = 0;
  if (burst && threads > 1 && controllers > 1 && ThreadedControllers::supported(model)) {
    ThreadedControllers threaded(ctrls, std::min(threads, controllers));
    for (; burst; burst = front.next()) {
      clock.took(threaded.admit(*burst, clock.offer(*burst)));
      progress.count(*burst);
      if (threaded.saturated()) {
        burst = front.next();
        break;  // on serially, from the same state
      }
    }
    threaded.finish(clock.now);
    threaded_bursts = threaded.admitted();
  }
  issue_serially(front, burst, ctrls, clock, progress);
  std::int64_t now = clock.now;
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
  r.limits = resource_limits(model, ctrls, r.bytes, r.cycles, r.bound);
  if (front.cache()) r.cache = front.cache()->stats();
  r.threaded_bursts = threaded_bursts;
  return r;
}

}  // namespace ridgeline::memsim
