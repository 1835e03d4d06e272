#include "ridgeline/memsim/controller.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "ridgeline/base/error.hpp"

namespace ridgeline::memsim {

// ---------------------------------------------------------------------------------------------
// Latency histogram

void LatencyHistogram::add_rare(std::int64_t cycles) {
  cycles = std::max<std::int64_t>(cycles, 0);
  if (cycles < kExact) {
    const auto bin = static_cast<std::size_t>(cycles);
    if (bin >= exact_.size()) {
      exact_.resize(
          std::min<std::size_t>(std::max<std::size_t>(bin + 1, 2 * exact_.size()), kExact), 0);
    }
    ++exact_[bin];
  } else {
    ++log_[std::bit_width(static_cast<std::uint64_t>(cycles))];
    log_sum_ += cycles;
    log_max_ = std::max(log_max_, cycles);
  }
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.exact_.size() > exact_.size()) exact_.resize(other.exact_.size(), 0);
  for (std::size_t i = 0; i < other.exact_.size(); ++i) exact_[i] += other.exact_[i];
  for (std::size_t i = 0; i < log_.size(); ++i) log_[i] += other.log_[i];
  log_sum_ += other.log_sum_;
  log_max_ = std::max(log_max_, other.log_max_);
}

std::uint64_t LatencyHistogram::count() const {
  std::uint64_t count = 0;
  for (const std::uint64_t n : exact_) count += n;
  for (const std::uint64_t n : log_) count += n;
  return count;
}

double LatencyHistogram::mean() const {
  const std::uint64_t n = count();
  if (n == 0) return 0;
  std::int64_t sum = log_sum_;
  for (std::size_t i = 0; i < exact_.size(); ++i) {
    sum += static_cast<std::int64_t>(i) * static_cast<std::int64_t>(exact_[i]);
  }
  return static_cast<double>(sum) / static_cast<double>(n);
}

std::int64_t LatencyHistogram::max() const {
  if (log_max_ > 0) return log_max_;  // every latency in log_ exceeds the exact part's
  for (std::size_t i = exact_.size(); i > 0; --i) {
    if (exact_[i - 1] != 0) return static_cast<std::int64_t>(i - 1);
  }
  return 0;
}

double LatencyHistogram::percentile(double p) const {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < exact_.size(); ++i) {
    seen += exact_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return static_cast<double>(i);
  }
  for (std::size_t i = 0; i < log_.size(); ++i) {
    seen += log_[i];
    // Upper edge of the bucket [2^(i-1), 2^i).
    if (seen >= rank) return std::ldexp(1.0, static_cast<int>(i));
  }
  return static_cast<double>(max());
}

// ---------------------------------------------------------------------------------------------
// Scheduler registry

namespace {
// The built-in schedulers are listed here rather than registered by static initialisers in their
// own files: the model is a static library, whose unreferenced objects the linker drops.
std::vector<SchedulerKind>& scheduler_registry() {
  static std::vector<SchedulerKind> kinds = {
      {"frfcfs",
       "FR-FCFS over read/write buffers with an active buffer and watermark write drain "
       "(Ramulator 2 generic controller)",
       make_frfcfs_scheduler},
      {"bank-round-robin",
       "Per-bank command queues visited round-robin, row-hit cap, batch write drain, dual issue "
       "(DRAMSim3 controller)",
       make_bank_round_robin_scheduler},
  };
  return kinds;
}
}  // namespace

bool register_scheduler(SchedulerKind kind) {
  scheduler_registry().push_back(std::move(kind));
  return true;
}

const std::vector<SchedulerKind>& scheduler_kinds() {
  return scheduler_registry();
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& name) {
  for (const auto& kind : scheduler_registry()) {
    if (kind.name == name) return kind.factory();
  }
  std::string list;
  for (const auto& kind : scheduler_registry()) list += (list.empty() ? "" : ", ") + kind.name;
  throw InputError("", "--scheduler", "unknown scheduler '" + name + "'; expected one of: " + list);
}

// ---------------------------------------------------------------------------------------------
// Controller

Controller::Controller(const DeviceModel& device_model, int pc_count)
    : model(device_model), t(device_model.timing), cfg(device_model.controller), pcs(pc_count) {
  const auto& g = model.geometry;
  banks_per_pc = g.banks_per_pseudo_channel();
  banks.resize(static_cast<std::size_t>(pcs * banks_per_pc));
  groups.resize(static_cast<std::size_t>(pcs * g.stack_ids * g.bank_groups));
  sids.resize(static_cast<std::size_t>(pcs * g.stack_ids));
  pc_state.resize(static_cast<std::size_t>(pcs));
  for (int b = 0; b < static_cast<int>(banks.size()); ++b) {
    auto& bank = banks[static_cast<std::size_t>(b)];
    bank.pc = b / banks_per_pc;
    const int within = b % banks_per_pc;  // sid, group, bank order
    const int per_sid = g.bank_groups * g.banks_per_group;
    bank.sid = bank.pc * g.stack_ids + within / per_sid;
    bank.group = bank.sid * g.bank_groups + (within % per_sid) / g.banks_per_group;
  }
  const int capacity =
      cfg.read_queue + cfg.write_queue + std::max(cfg.active_queue, 0) +
      (cfg.command_queue > 0 ? cfg.command_queue * static_cast<int>(banks.size()) : 0);
  slots.resize(static_cast<std::size_t>(capacity));
  for (int i = capacity - 1; i >= 0; --i) free_slots.push_back(i);
  if (cfg.command_queue > 0) command_q.resize(banks.size());
  mask_words = static_cast<int>((banks.size() + 63) / 64);
  const auto words = static_cast<std::size_t>(mask_words);
  for (int w = 0; w < 2; ++w) {
    bank_q[w].resize(banks.size());
    hit_mask[w].assign(words, 0);
    row_head[w].assign(banks.size(), -1);
    row_key[w].assign(banks.size(), std::numeric_limits<std::uint64_t>::max());
    row_cand[w].assign(words, 0);
    hit_head[w].assign(banks.size(), -1);
  }
  row_local.assign(banks.size(), 0);
  closed_mask.assign(words, 0);
  local_ready.assign(words, 0);
  pc_banks.assign(pc_state.size() * words, 0);
  for (std::size_t b = 0; b < banks.size(); ++b) {
    const std::uint64_t bit = std::uint64_t{1} << (b % 64);
    closed_mask[b / 64] |= bit;
    local_ready[b / 64] |= bit;  // row_local 0 <= local_now 0
    pc_banks[static_cast<std::size_t>(banks[b].pc) * words + b / 64] |= bit;
  }
  group_banks.assign(groups.size() * words, 0);
  group_blocked.assign(words, 0);
  group_releases.resize(groups.size());
  for (std::size_t b = 0; b < banks.size(); ++b) {
    bank_group.push_back(banks[b].group);
    group_banks[static_cast<std::size_t>(banks[b].group) * words + b / 64] |= std::uint64_t{1}
                                                                              << (b % 64);
  }
  wheel.assign(static_cast<std::size_t>(kWheel) * words, 0);
  wheel_pending.assign(words, 0);
  queue_wait.assign(banks.size(), 0);
  row_pc_ready.assign(2 * pc_state.size(), 0);
  active_per_bank.assign(banks.size(), 0);
  for (const auto& bank : banks) row_select.push_back(2 * bank.pc + 1);  // all closed
  bank_bits = std::max(1, static_cast<int>(std::bit_width(banks.size())));
  indexed = cfg.scheduler == "frfcfs";
  // Integer forms of the watermarks: writes > high x capacity, writes < low x capacity.
  write_above_ =
      static_cast<int>(std::floor(cfg.write_high * static_cast<double>(cfg.write_queue)));
  write_below_ = static_cast<int>(std::ceil(cfg.write_low * static_cast<double>(cfg.write_queue)));
  memo_stamp_.assign(banks.size() * 3, 0);
  memo_value_.assign(banks.size() * 3, 0);
  scheduler_ = make_scheduler(cfg.scheduler);

  switch (cfg.refresh) {
    case RefreshMode::all_bank:
      next_refresh = t.REFI;
      break;
    case RefreshMode::per_bank:
      next_refresh = t.REFIpb;
      break;
    case RefreshMode::none:
      next_refresh = kNever;
      break;
  }
}

bool Controller::accept(std::uint64_t address, bool write, int pc, int bank, std::int64_t row,
                        std::int64_t now) {
  (void)pc;
  if (write) {
    ++stats.writes;
    stats.last_write_done = std::max(stats.last_write_done, now);
    ++pending_writes[address];  // reads to it are forwarded while it waits
  } else {
    ++stats.reads;
    if (!pending_writes.empty() && pending_writes.count(address) != 0) {
      // Forwarded from the write queue: the data returns in the next cycle.
      stats.latency.add(1);
      stats.last_read_done = std::max(stats.last_read_done, now + 1);
      return false;
    }
  }
  const int index = free_slots.back();
  free_slots.pop_back();
  Slot& slot = slots[static_cast<std::size_t>(index)];
  slot.address = address;
  slot.arrive = now;
  slot.row = row;
  slot.bank = bank;
  slot.write = write;
  slot.counted = false;
  slot.seq = next_seq_++;
  ++queued[write ? 1 : 0];
  if (!indexed) {
    wake_ = std::min(wake_, now + 1);
    (write ? write_q : read_q).push_back(index);
    transfer_blocked[write ? 1 : 0] = false;
    return true;
  }
  auto& bank_queue = bank_q[write ? 1 : 0][static_cast<std::size_t>(bank)];
  slot.next = -1;
  slot.prev = bank_queue.tail;
  (bank_queue.tail >= 0 ? slots[static_cast<std::size_t>(bank_queue.tail)].next : bank_queue.head) =
      index;
  bank_queue.tail = index;
  // Joining at the tail, the request is its bank's oldest hit (or oldest non-hit) only if there
  // was none.
  const int kind = write ? 1 : 0;
  const auto b = static_cast<std::size_t>(bank);
  bool head = false;
  if (banks[b].open_row == row) {
    if (hit_head[kind][b] < 0) {
      set_heads(kind, b, index, row_head[kind][b]);
      head = true;
    }
  } else if (row_head[kind][b] < 0) {
    const bool was_candidate = row_candidate(b);
    set_heads(kind, b, hit_head[kind][b], index);
    if (!was_candidate) track_local(b);
    head = true;
  }
  // FR-FCFS looks only at the oldest hit and the oldest non-hit of each bank in the buffer of the
  // current mode: a request behind them, or in the other buffer while the mode stays, changes
  // nothing before the wake-up already set.
  if ((head && write == write_mode) || write_mode_target() != write_mode) {
    wake_ = std::min(wake_, now + 1);
  }
  return true;
}

std::int64_t Controller::ready_time(Cmd cmd, int b) const {
  const auto& bank = banks[static_cast<std::size_t>(b)];
  const auto& pc = pc_state[static_cast<std::size_t>(bank.pc)];
  std::int64_t ready = 0;
  const bool row_command = !is_column(cmd);
  if (cfg.dual_issue) {
    ready = row_command ? (row_bus_half + 1) / 2 : col_bus;
  } else {
    ready = std::max(last_cmd + 1, row_command ? (row_bus_half + 1) / 2 : std::int64_t{0});
  }
  switch (cmd) {
    case Cmd::act: {
      const auto& group = groups[static_cast<std::size_t>(bank.group)];
      const std::int64_t faw = pc.faw[pc.faw_head] + t.FAW;  // oldest of the last four
      return std::max({ready, bank.next_act, group.next_act, pc.next_act, faw});
    }
    case Cmd::pre:
      return std::max({ready, bank.next_pre, pc.next_pre});
    case Cmd::rd:
    case Cmd::rda: {
      const auto& group = groups[static_cast<std::size_t>(bank.group)];
      const auto& sid = sids[static_cast<std::size_t>(bank.sid)];
      return std::max({ready, bank.next_rd, group.next_rd, sid.next_rd, pc.next_rd});
    }
    case Cmd::wr:
    case Cmd::wra: {
      const auto& group = groups[static_cast<std::size_t>(bank.group)];
      const auto& sid = sids[static_cast<std::size_t>(bank.sid)];
      return std::max({ready, bank.next_wr, group.next_wr, sid.next_wr, pc.next_wr});
    }
    default:
      return kNever;
  }
}

std::int64_t Controller::refresh_ready(const RefreshJob& job, Cmd& cmd) const {
  std::int64_t ready =
      cfg.dual_issue ? (row_bus_half + 1) / 2 : std::max(last_cmd + 1, (row_bus_half + 1) / 2);
  if (job.bank >= 0) {
    const auto& bank = banks[static_cast<std::size_t>(job.bank)];
    if (bank.open_row >= 0) {
      cmd = Cmd::pre;
      return ready_time(Cmd::pre, job.bank);
    }
    cmd = Cmd::refpb;
    return std::max(ready, bank.next_act);
  }
  const int first = job.pc * banks_per_pc;
  bool open = false;
  std::int64_t pre_ready = ready, ref_ready = ready;
  for (int b = first; b < first + banks_per_pc; ++b) {
    const auto& bank = banks[static_cast<std::size_t>(b)];
    if (bank.open_row >= 0) {
      open = true;
      pre_ready = std::max(pre_ready, bank.next_pre);
    }
    ref_ready = std::max(ref_ready, bank.next_act);
  }
  if (open) {
    cmd = Cmd::prea;
    return std::max(pre_ready, pc_state[static_cast<std::size_t>(job.pc)].next_pre);
  }
  cmd = Cmd::ref;
  return ref_ready;
}

bool Controller::refresh_closing_blocked(const RefreshJob& job) const {
  if (job.bank >= 0) return active_holds_bank(job.bank);
  return active_holds_pc(job.pc);
}

void Controller::dequeue_at(bool write, std::size_t position) {
  auto& queue = write ? write_q : read_q;
  queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(position));
  --queued[write ? 1 : 0];
}

void Controller::dequeue(bool write, int index, bool reindex) {
  if (!indexed) {
    const auto& queue = write ? write_q : read_q;
    dequeue_at(write, static_cast<std::size_t>(std::find(queue.begin(), queue.end(), index) -
                                               queue.begin()));
    return;
  }
  --queued[write ? 1 : 0];
  const Slot& slot = slots[static_cast<std::size_t>(index)];
  const auto b = static_cast<std::size_t>(slot.bank);
  auto& bank_queue = bank_q[write ? 1 : 0][b];
  (slot.prev >= 0 ? slots[static_cast<std::size_t>(slot.prev)].next : bank_queue.head) = slot.next;
  (slot.next >= 0 ? slots[static_cast<std::size_t>(slot.next)].prev : bank_queue.tail) = slot.prev;
  if (!reindex) return;
  // Only a head leaving changes the heads: the next hit / non-hit lies behind it.
  const int kind = write ? 1 : 0;
  int hit = hit_head[kind][b], head = row_head[kind][b];
  if (hit != index && head != index) return;
  const bool was_candidate = row_candidate(b);
  const bool need_hit = hit == index, need_head = head == index;
  if (need_hit) hit = -1;
  if (need_head) head = -1;
  find_heads(slot.next, banks[b].open_row, need_hit, need_head, hit, head);
  set_heads(kind, b, hit, head);
  if (!was_candidate && row_candidate(b)) track_local(b);
}

// Sets a bank's open row (-1: closed) and finds its buffered requests' oldest hit and non-hit.
void Controller::open_row(BankState& bank, int b, std::int64_t row) {
  bank.open_row = row;
  if (active_per_bank[static_cast<std::size_t>(b)] > 0) {
    active_wait = 0;
    for (std::size_t i = 0; i < active_q.size(); ++i) {
      if (slots[static_cast<std::size_t>(active_q[i])].bank == b) active_bound[i] = 0;
    }
  }
  queue_wait[static_cast<std::size_t>(b)] = 0;
  if (!indexed) return;
  const auto index = static_cast<std::size_t>(b);
  const bool was_candidate = row_candidate(index);
  for (int kind = 0; kind < 2; ++kind) {
    auto& bank_queue = bank_q[kind][index];
    // Empty and indexed so (a request leaving without a reindex leaves its heads to this call).
    if (bank_queue.head < 0 && row_head[kind][index] < 0 && hit_head[kind][index] < 0) continue;
    // The oldest hit and the oldest non-hit (a closed bank: every request misses).
    int hit = -1, head = row < 0 ? bank_queue.head : -1;
    if (row >= 0) find_heads(bank_queue.head, row, true, true, hit, head);
    set_heads(kind, index, hit, head);
  }
  if (!was_candidate && row_candidate(index)) track_local(index);
}

// From slot `from` on along its bank queue, the first request that hits row `open` (into `hit`,
// if want_hit) and the first that does not (into `head`, if want_head); the wanted ones start at -1
// and stay so when there is none. Stops once it has found what it wants.
void Controller::find_heads(int from, std::int64_t open, bool want_hit, bool want_head, int& hit,
                            int& head) const {
  for (int at = from; at >= 0 && ((want_hit && hit < 0) || (want_head && head < 0));) {
    const Slot& slot = slots[static_cast<std::size_t>(at)];
    int& found = slot.row == open ? hit : head;
    if (found < 0) found = at;
    at = slot.next;
  }
}

// Bank b's oldest hit and oldest non-hit in buffer `kind` (-1: none), and the masks and the age key
// the decision reads.
void Controller::set_heads(int kind, std::size_t b, int hit, int head) {
  const std::uint64_t bit = std::uint64_t{1} << (b % 64);
  auto& hit_word = hit_mask[kind][b / 64];
  hit_word = hit >= 0 ? (hit_word | bit) : (hit_word & ~bit);
  hit_head[kind][b] = hit;
  row_head[kind][b] = head;
  row_key[kind][b] = head < 0 ? std::numeric_limits<std::uint64_t>::max()
                              : (slots[static_cast<std::size_t>(head)].seq << bank_bits) | b;
  auto& cand = row_cand[kind][b / 64];
  cand = head >= 0 ? (cand | bit) : (cand & ~bit);
}

// Sets local_ready for bank b, or puts it on the wheel (banks without a row candidate are not
// tracked: their row candidates would not look at it).
void Controller::track_local(std::size_t b) {
  const std::uint64_t bit = std::uint64_t{1} << (b % 64);
  auto& ready_word = local_ready[b / 64];
  if (row_local[b] <= local_now) {
    ready_word |= bit;
  } else {
    ready_word &= ~bit;
    schedule_local(b, row_local[b]);
  }
}

// row_local of banks [first, first + count): what the bank adds to the ready time of
// the bank's next row command (ready_time less the bus and pseudo-channel terms).
void Controller::update_row_local(int first, int count) {
  if (!indexed) return;
  for (int b = first; b < first + count; ++b) {
    const auto index = static_cast<std::size_t>(b);
    const auto& bank = banks[index];
    // Selected by index rather than by a branch: whether the bank is open alternates with its
    // commands.
    const int closed = bank.open_row < 0 ? 1 : 0;
    const std::int32_t select = 2 * bank.pc + closed;
    const std::int64_t row_terms[2] = {bank.next_pre, bank.next_act};
    const std::int64_t local = row_terms[closed];
    if (select == row_select[index] && local == row_local[index]) continue;
    row_select[index] = select;
    row_local[index] = local;
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    auto& closed_word = closed_mask[index / 64];
    closed_word = (closed_word & ~bit) | (bit & (std::uint64_t{0} - static_cast<unsigned>(closed)));
    if (((row_cand[0][index / 64] | row_cand[1][index / 64]) & bit) != 0) track_local(index);
  }
}

void Controller::schedule_local(std::size_t b, std::int64_t local) {
  const auto slot = static_cast<std::size_t>(
      static_cast<std::uint64_t>(std::min(local, local_now + kWheel - 1)) % kWheel);
  wheel[slot * static_cast<std::size_t>(mask_words) + b / 64] |= std::uint64_t{1} << (b % 64);
  wheel_busy[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

void Controller::advance_local_ready(std::int64_t now) {
  if (now <= local_now) return;
  const auto words = static_cast<std::size_t>(mask_words);
  const std::int64_t span = std::min<std::int64_t>(now - local_now, kWheel);
  bool any = false;
  const auto fire = [&](std::size_t slot) {
    wheel_busy[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
    any = true;
    std::uint64_t* bits = wheel.data() + slot * words;
    for (std::size_t w = 0; w < words; ++w) {
      wheel_pending[w] |= bits[w];
      bits[w] = 0;
    }
  };
  // The slots of cycles local_now + 1 .. now.
  const auto slot_of = [](std::int64_t cycle) {
    return static_cast<std::size_t>(static_cast<std::uint64_t>(cycle) % kWheel);
  };
  if (span <= 64) {
    // A busy controller ticks every few cycles: the busy bits of the slots passed, as one word cut
    // from the two-word ring (few branches: their outcome depends on the data).
    static_assert(kWheel == 128, "the ring is two 64-bit words");
    const std::size_t start = slot_of(local_now + 1);
    const std::size_t offset = start % 64;
    std::uint64_t passed = wheel_busy[start / 64] >> offset;
    if (offset != 0) passed |= wheel_busy[1 - start / 64] << (64 - offset);
    if (span < 64) passed &= (std::uint64_t{1} << span) - 1;
    for (; passed != 0; passed &= passed - 1) {
      fire((start + static_cast<std::size_t>(std::countr_zero(passed))) % kWheel);
    }
  } else {
    // After a longer sleep: every busy slot within the span, in any order.
    const std::size_t start = slot_of(local_now + 1);
    for (std::size_t i = 0; i < kWheel / 64; ++i) {
      for (std::uint64_t busy = wheel_busy[i]; busy != 0; busy &= busy - 1) {
        const std::size_t slot = i * 64 + static_cast<std::size_t>(std::countr_zero(busy));
        if (static_cast<std::int64_t>((slot + kWheel - start) % kWheel) < span) fire(slot);
      }
    }
  }
  local_now = now;
  while (release_count > 0 && group_releases[release_head].time <= now) {
    const auto g = static_cast<std::size_t>(group_releases[release_head].group);
    if (groups[g].next_act <= now) {
      for (std::size_t w = 0; w < words; ++w) group_blocked[w] &= ~group_banks[g * words + w];
    }
    if (++release_head == group_releases.size()) release_head = 0;
    --release_count;
  }
  if (!any) return;
  for (std::size_t w = 0; w < words; ++w) {
    for (std::uint64_t bits = wheel_pending[w]; bits != 0; bits &= bits - 1) {
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      const std::int64_t local = row_local[b];
      if (((row_cand[0][w] | row_cand[1][w]) >> (b % 64) & 1) == 0) {
        // No longer a candidate: untracked.
      } else if (local <= now) {
        local_ready[w] |= std::uint64_t{1} << (b % 64);
      } else {
        schedule_local(b, local);  // stale, or further than the wheel reaches
      }
    }
    wheel_pending[w] = 0;
  }
}

std::int64_t Controller::earliest_row_ready(const std::uint64_t* banks_mask,
                                            const std::int64_t* pc_ready,
                                            std::int64_t bound) const {
  const auto words = static_cast<std::size_t>(mask_words);
  // Slots in time order from local_now + 1: positions start..kWheel-1, then 0..start-1. Every
  // bank of the mask has an entry at or before its row_local, so once the slots reach the best
  // ready time found, the banks not seen yet cannot beat it.
  const auto start = static_cast<std::size_t>(static_cast<std::uint64_t>(local_now + 1) % kWheel);
  for (std::size_t k = 0; k < kWheel && local_now + 1 + static_cast<std::int64_t>(k) < bound;) {
    const std::size_t slot = (start + k) % kWheel;
    // Skip to the next busy slot within this 64-slot word (or the word's end).
    const std::uint64_t busy = wheel_busy[slot / 64] >> (slot % 64);
    if (busy == 0) {
      k += 64 - slot % 64;
      continue;
    }
    const auto skip = static_cast<std::size_t>(std::countr_zero(busy));
    k += skip;
    if (k >= kWheel || local_now + 1 + static_cast<std::int64_t>(k) >= bound) break;
    const std::uint64_t* bits = wheel.data() + (slot + skip) * words;
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t hit = bits[w] & banks_mask[w]; hit != 0; hit &= hit - 1) {
        const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(hit));
        const std::int32_t select = row_select[b];
        const std::int64_t group_act =
            (select & 1) != 0 ? groups[static_cast<std::size_t>(bank_group[b])].next_act : 0;
        bound = std::min(
            bound, std::max({row_local[b], pc_ready[static_cast<std::size_t>(select)], group_act}));
      }
    }
    ++k;
  }
  return bound;
}

bool Controller::active_holds_bank(int bank) const {
  return active_per_bank[static_cast<std::size_t>(bank)] > 0;
}

bool Controller::active_holds_pc(int pc) const {
  for (const int index : active_q) {
    if (slots[static_cast<std::size_t>(index)].bank / banks_per_pc == pc) return true;
  }
  return false;
}

void Controller::issue(Cmd cmd, int b, std::int64_t now, Slot* slot) {
  invalidate();
  queue_wait[static_cast<std::size_t>(b)] = 0;
  auto& bank = banks[static_cast<std::size_t>(b)];
  auto& pc = pc_state[static_cast<std::size_t>(bank.pc)];
  auto& group = groups[static_cast<std::size_t>(bank.group)];
  if (slot != nullptr && !slot->counted) {
    slot->counted = true;
    if (is_column(cmd)) {
      ++stats.hits;
    } else if (cmd == Cmd::act) {
      ++stats.misses;
    } else {
      ++stats.conflicts;
    }
  }
  if (is_column(cmd)) {
    col_bus = now + 1;
  } else {
    ++row_epoch;
    row_bus_half = 2 * now + (cmd == Cmd::act ? t.act_bus_half : t.pre_bus_half);
  }
  last_cmd = now;
  const int first_sid = bank.pc * model.geometry.stack_ids;
  switch (cmd) {
    case Cmd::act:
      ++stats.commands.act;
      ++pc.acts;
      ++bank.acts;
      open_row(bank, b, slot != nullptr ? slot->row : 0);
      bank.hits = 0;
      bank.act_time = now;
      bank.next_act = std::max(bank.next_act, now + t.RC);
      bank.next_rd = std::max(bank.next_rd, now + t.RCD);
      bank.next_wr = std::max(bank.next_wr, now + t.RCDWR);
      bank.next_pre = std::max(bank.next_pre, now + t.RAS);
      group.next_act = std::max(group.next_act, now + t.RRD_L);
      pc.next_act = std::max(pc.next_act, now + t.RRD_S);
      pc.faw[pc.faw_head] = now;
      pc.faw_head = (pc.faw_head + 1) % 4;
      break;
    case Cmd::pre:
      ++stats.commands.pre;
      open_row(bank, b, -1);
      bank.next_act = std::max(bank.next_act, now + t.RP);
      pc.next_pre = std::max(pc.next_pre, now + t.PPD);
      break;
    case Cmd::rd:
    case Cmd::rda:
    case Cmd::wr:
    case Cmd::wra: {
      const bool write = cmd == Cmd::wr || cmd == Cmd::wra;
      const bool auto_pre = cmd == Cmd::rda || cmd == Cmd::wra;
      if (cmd == Cmd::rd) ++stats.commands.rd;
      if (cmd == Cmd::rda) ++stats.commands.rda;
      if (cmd == Cmd::wr) ++stats.commands.wr;
      if (cmd == Cmd::wra) ++stats.commands.wra;
      ++stats.bursts;
      ++pc.bursts;
      ++bank.hits;
      if (pc.any_column && pc.last_write != write) {
        ++stats.turnarounds;
        // Nominal data-bus time lost to the switch: the turnaround less the burst.
        const std::int64_t lost =
            write ? std::max<std::int64_t>(0, t.RTW - t.burst) : t.CWL + t.WTR_S;
        stats.turnaround_cycles += lost;
        pc.turnaround_cycles += lost;
      }
      pc.any_column = true;
      pc.last_write = write;
      const std::int64_t same_group = now + std::max(t.burst, t.CCD_L);
      const std::int64_t same_sid = now + std::max(t.burst, t.CCD_S);
      const std::int64_t other_sid = now + std::max(t.burst, t.CCD_R);
      auto& mine = write ? group.next_wr : group.next_rd;
      mine = std::max(mine, same_group);
      for (int s = 0; s < model.geometry.stack_ids; ++s) {
        auto& sid = sids[static_cast<std::size_t>(first_sid + s)];
        auto& next = write ? sid.next_wr : sid.next_rd;
        next = std::max(next, first_sid + s == bank.sid ? same_sid : other_sid);
      }
      if (write) {
        // Write to read: CWL + burst + tWTR (long within the bank group).
        const std::int64_t wtr_s = now + t.CWL + t.burst + t.WTR_S;
        const std::int64_t wtr_l = now + t.CWL + t.burst + t.WTR_L;
        pc.next_rd = std::max(pc.next_rd, wtr_s);
        group.next_rd = std::max(group.next_rd, wtr_l);
        pc.next_wr = std::max(pc.next_wr, now + t.burst);
        const std::int64_t write_recovery = now + t.CWL + t.burst + t.WR;
        bank.next_pre = std::max(bank.next_pre, write_recovery);
        if (auto_pre) {
          open_row(bank, b, -1);
          bank.next_act = std::max({bank.next_act, write_recovery + t.RP, bank.act_time + t.RC});
        }
        stats.last_write_done = std::max(stats.last_write_done, now + t.CWL + t.burst);
      } else {
        pc.next_wr = std::max(pc.next_wr, now + t.RTW);
        pc.next_rd = std::max(pc.next_rd, now + t.burst);
        bank.next_pre = std::max(bank.next_pre, now + t.RTP);
        if (auto_pre) {
          open_row(bank, b, -1);
          bank.next_act =
              std::max({bank.next_act, now + t.burst + t.RTP + t.RP, bank.act_time + t.RC});
        }
        if (slot != nullptr) {
          const std::int64_t done = now + t.CL + t.burst;
          stats.latency.add(done - slot->arrive);
          stats.last_read_done = std::max(stats.last_read_done, done);
        }
      }
      break;
    }
    default:
      break;
  }
  update_row_local(b, 1);
  if (cmd == Cmd::act && indexed && group.next_act > local_now) {
    const auto words = static_cast<std::size_t>(mask_words);
    const auto g = static_cast<std::size_t>(bank.group);
    for (std::size_t w = 0; w < words; ++w) group_blocked[w] |= group_banks[g * words + w];
    std::size_t tail = release_head + release_count;
    if (tail >= group_releases.size()) tail -= group_releases.size();
    group_releases[tail] = {group.next_act, bank.group};
    ++release_count;
  }
}

void Controller::issue_refresh(const RefreshJob& job, Cmd cmd, std::int64_t now) {
  invalidate();
  ++row_epoch;
  row_bus_half = 2 * now + t.pre_bus_half;
  last_cmd = now;
  auto& pc = pc_state[static_cast<std::size_t>(job.pc)];
  if (cmd == Cmd::pre) {
    issue(Cmd::pre, job.bank, now, nullptr);
    return;
  }
  const int first = job.pc * banks_per_pc;
  if (cmd == Cmd::prea) {
    ++stats.commands.prea;
    for (int b = first; b < first + banks_per_pc; ++b) {
      auto& bank = banks[static_cast<std::size_t>(b)];
      if (bank.open_row >= 0) {
        open_row(bank, b, -1);
        bank.next_act = std::max(bank.next_act, now + t.RP);
      }
    }
    pc.next_pre = std::max(pc.next_pre, now + t.PPD);
    update_row_local(first, banks_per_pc);
    return;
  }
  if (cmd == Cmd::ref) {
    ++stats.commands.ref;
    ++pc.refreshes;
    for (int b = first; b < first + banks_per_pc; ++b) {
      auto& bank = banks[static_cast<std::size_t>(b)];
      bank.next_act = std::max(bank.next_act, now + t.RFC);
    }
    pc.refresh_blocked += now + t.RFC - job.due;
  } else {
    ++stats.commands.refpb;
    auto& bank = banks[static_cast<std::size_t>(job.bank)];
    bank.next_act = std::max(bank.next_act, now + t.RFCpb);
    // One bank of banks_per_pc is out: count its share of the pseudo-channel's time.
    pc.refresh_blocked += (now + t.RFCpb - job.due) / banks_per_pc;
  }
  update_row_local(first, banks_per_pc);
  refresh_q.erase(refresh_q.begin());
}

void Controller::finish(int index, std::int64_t now) {
  (void)now;
  Slot& slot = slots[static_cast<std::size_t>(index)];
  if (slot.write) {
    auto it = pending_writes.find(slot.address);
    if (it != pending_writes.end() && --it->second == 0) pending_writes.erase(it);
  }
  free_slots.push_back(index);
}

void Controller::schedule_refresh(std::int64_t now) {
  while (next_refresh <= now) {
    if (cfg.refresh == RefreshMode::all_bank) {
      for (int p = 0; p < pcs; ++p) refresh_q.push_back({p, -1, next_refresh});
      next_refresh += t.REFI;
    } else {
      for (int p = 0; p < pcs; ++p) {
        auto& pc = pc_state[static_cast<std::size_t>(p)];
        refresh_q.push_back({p, p * banks_per_pc + pc.refresh_bank, next_refresh});
        pc.refresh_bank = (pc.refresh_bank + 1) % banks_per_pc;
      }
      next_refresh += t.REFIpb;
    }
  }
}

std::int64_t Controller::tick(std::int64_t now) {
  invalidate();
  if (next_refresh <= now) schedule_refresh(now);
  std::int64_t next = scheduler_->step(*this, now);
  next = std::max(next, now + 1);
  wake_ = std::min(next, next_refresh);
  return wake_;
}

}  // namespace ridgeline::memsim
