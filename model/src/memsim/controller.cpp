#include "ridgeline/memsim/controller.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "ridgeline/base/error.hpp"

namespace ridgeline::memsim {

// ---------------------------------------------------------------------------------------------
// Latency histogram

void LatencyHistogram::add(std::int64_t cycles) {
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
  }
  ++count_;
  sum_ += cycles;
  max_ = std::max(max_, cycles);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.exact_.size() > exact_.size()) exact_.resize(other.exact_.size(), 0);
  for (std::size_t i = 0; i < other.exact_.size(); ++i) exact_[i] += other.exact_[i];
  for (std::size_t i = 0; i < log_.size(); ++i) log_[i] += other.log_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(count_)));
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
  return static_cast<double>(max_);
}

// ---------------------------------------------------------------------------------------------
// Scheduler registry

namespace {
std::vector<SchedulerKind>& scheduler_registry() {
  static std::vector<SchedulerKind> kinds;
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
  for (int w = 0; w < 2; ++w) {
    bank_q[w].resize(banks.size());
    hit_mask[w].assign((banks.size() + 63) / 64, 0);
    row_head[w].assign(banks.size(), -1);
    row_key[w].assign(banks.size(), std::numeric_limits<std::uint64_t>::max());
  }
  row_local.assign(banks.size(), 0);
  queue_wait.assign(banks.size(), 0);
  row_pc_ready.assign(2 * pc_state.size(), 0);
  active_per_bank.assign(banks.size(), 0);
  for (const auto& bank : banks) row_select.push_back(2 * bank.pc + 1);  // all closed
  bank_bits = std::max(1, static_cast<int>(std::bit_width(banks.size())));
  indexed = cfg.scheduler == "frfcfs";
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

bool Controller::can_accept(bool write) const {
  return write ? queued[1] < cfg.write_queue : queued[0] < cfg.read_queue;
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
  wake_ = std::min(wake_, now + 1);
  if (!indexed) {
    (write ? write_q : read_q).push_back(index);
    transfer_blocked[write ? 1 : 0] = false;
    return true;
  }
  auto& bank_queue = bank_q[write ? 1 : 0][static_cast<std::size_t>(bank)];
  bank_queue.slots.push_back(index);
  if (banks[static_cast<std::size_t>(bank)].open_row == row) ++bank_queue.hits;
  index_bank(bank, write ? 2 : 1);
  return true;
}

Cmd Controller::command_for(const Slot& slot) const {
  const auto& bank = banks[static_cast<std::size_t>(slot.bank)];
  if (bank.open_row == slot.row) {
    const bool closed = cfg.page_policy == PagePolicy::closed;
    if (slot.write) return closed ? Cmd::wra : Cmd::wr;
    return closed ? Cmd::rda : Cmd::rd;
  }
  return bank.open_row < 0 ? Cmd::act : Cmd::pre;
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

void Controller::dequeue(bool write, int index) {
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
  bank_queue.slots.erase(std::find(bank_queue.slots.begin(), bank_queue.slots.end(), index));
  if (slot.row == banks[b].open_row) --bank_queue.hits;
  index_bank(static_cast<int>(b), write ? 2 : 1);
}

// Sets a bank's open row (-1: closed) and recounts the buffered requests that hit it.
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
  for (auto& kind : bank_q) {
    auto& bank_queue = kind[static_cast<std::size_t>(b)];
    bank_queue.hits = 0;
    if (row < 0) continue;
    for (const int index : bank_queue.slots) {
      if (slots[static_cast<std::size_t>(index)].row == row) ++bank_queue.hits;
    }
  }
  index_bank(b, 3);
}

void Controller::index_bank(int b, int kinds) {
  const auto bank = static_cast<std::size_t>(b);
  const std::int64_t open = banks[bank].open_row;
  for (int w = 0; w < 2; ++w) {
    if ((kinds & (1 << w)) == 0) continue;
    const auto& queue = bank_q[w][bank];
    const std::uint64_t bit = std::uint64_t{1} << (bank % 64);
    auto& word = hit_mask[w][bank / 64];
    word = queue.hits > 0 ? (word | bit) : (word & ~bit);
    int head = -1;
    if (queue.hits < static_cast<int>(queue.slots.size())) {
      for (const int index : queue.slots) {
        if (slots[static_cast<std::size_t>(index)].row != open) {
          head = index;
          break;
        }
      }
    }
    row_head[w][bank] = head;
    const std::uint64_t key =
        head < 0 ? std::numeric_limits<std::uint64_t>::max()
                 : (slots[static_cast<std::size_t>(head)].seq << bank_bits) | std::uint64_t{bank};
    auto& old_key = row_key[w][bank];
    if (key == old_key) continue;
    auto& order = row_order[w];
    if (old_key != std::numeric_limits<std::uint64_t>::max()) {
      order.erase(std::lower_bound(order.begin(), order.end(), old_key));
    }
    if (key != std::numeric_limits<std::uint64_t>::max()) {
      order.insert(std::upper_bound(order.begin(), order.end(), key), key);
    }
    old_key = key;
  }
}

// row_local of banks [first, first + count): what the bank and its group add to the ready time of
// the bank's next row command (ready_time less the bus and pseudo-channel terms).
void Controller::update_row_local(int first, int count) {
  if (!indexed) return;
  for (int b = first; b < first + count; ++b) {
    const auto& bank = banks[static_cast<std::size_t>(b)];
    const bool closed = bank.open_row < 0;
    row_select[static_cast<std::size_t>(b)] = 2 * bank.pc + (closed ? 1 : 0);
    row_local[static_cast<std::size_t>(b)] =
        closed ? std::max(bank.next_act, groups[static_cast<std::size_t>(bank.group)].next_act)
               : bank.next_pre;
  }
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
    row_bus_half = 2 * now + (cmd == Cmd::act ? t.act_bus_half : t.pre_bus_half);
  }
  last_cmd = now;
  const int first_sid = bank.pc * model.geometry.stack_ids;
  switch (cmd) {
    case Cmd::act:
      ++stats.commands.act;
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
      ++bank.hits;
      if (pc.any_column && pc.last_write != write) {
        ++stats.turnarounds;
        // Nominal data-bus time lost to the switch: the turnaround less the burst.
        stats.turnaround_cycles +=
            write ? std::max<std::int64_t>(0, t.RTW - t.burst) : t.CWL + t.WTR_S;
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
  const int per_group = model.geometry.banks_per_group;
  update_row_local(b - b % per_group, per_group);
}

void Controller::issue_refresh(const RefreshJob& job, Cmd cmd, std::int64_t now) {
  invalidate();
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

void Controller::update_write_mode() {
  const auto writes = static_cast<double>(queued[1]);
  const auto capacity = static_cast<double>(cfg.write_queue);
  const bool no_reads = queued[0] == 0, no_writes = queued[1] == 0;
  if (!write_mode) {
    if (writes > cfg.write_high * capacity || (no_reads && !no_writes)) {
      write_mode = true;
    }
  } else if ((writes < cfg.write_low * capacity && !no_reads) || no_writes) {
    write_mode = false;
  }
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
  schedule_refresh(now);
  std::int64_t next = scheduler_->step(*this, now);
  next = std::max(next, now + 1);
  wake_ = std::min(next, next_refresh);
  return wake_;
}

// ---------------------------------------------------------------------------------------------
// FR-FCFS over read and write buffers, as Ramulator 2's generic controller: requests whose row is
// being opened wait in an active buffer and go first; a refresh at the head of the priority queue
// stops everything else until its command is ready; otherwise the oldest ready request of the
// current mode's buffer issues its next command, unless that command would close a row an active
// request still waits for.

namespace {

class FrFcfs : public Scheduler {
 public:
  std::int64_t step(Controller& c, std::int64_t now) override {
    std::int64_t earliest = kNever;
    bool issued = false;
    // With dual issue a row and a column command may share the cycle: a second pass finds only
    // commands of the other bus, since the first occupies its own.
    for (int pass = 0; pass < (c.cfg.dual_issue ? 2 : 1); ++pass) {
      if (!try_issue(c, now, earliest)) break;
      issued = true;
    }
    return issued ? now + 1 : earliest;
  }

 private:
  static bool try_issue(Controller& c, std::int64_t now, std::int64_t& earliest) {
    // 1. Requests whose row is being opened, unless the bound of their ready times from the last
    // scan still holds. A busy bus bounds the commands that need it.
    if (c.active_wait > now) {
      earliest = std::min(earliest, c.active_wait);
    } else {
      const std::int64_t row_bus = c.row_bus_ready();
      const std::int64_t col_bus = c.col_bus_ready();
      std::int64_t wait = kNever;
      std::int64_t* bounds = c.active_bound.data();
      for (std::size_t i = 0; i < c.active_q.size(); ++i) {
        if (bounds[i] > now) {
          wait = std::min(wait, bounds[i]);
          continue;
        }
        const int index = c.active_q[i];
        Slot& slot = c.slots[static_cast<std::size_t>(index)];
        const Cmd cmd = c.command_for(slot);
        const std::int64_t bus = is_column(cmd) ? col_bus : row_bus;
        if (bus > now) {
          wait = std::min(wait, bus);
          bounds[i] = bus;
          continue;
        }
        // The bank's own tRCD / tRCDWR bounds the column command (ready_time takes the maximum).
        if (is_column(cmd)) {
          const auto& bank = c.banks[static_cast<std::size_t>(slot.bank)];
          const std::int64_t own = slot.write ? bank.next_wr : bank.next_rd;
          if (own > now) {
            wait = std::min(wait, own);
            bounds[i] = own;
            continue;
          }
        }
        const std::int64_t ready = c.cached_ready(cmd, slot.bank);
        if (ready <= now) {
          c.issue(cmd, slot.bank, now, &slot);
          if (is_column(cmd)) {
            c.active_q.erase(c.active_q.begin() + static_cast<std::ptrdiff_t>(i));
            c.active_bound.erase(c.active_bound.begin() + static_cast<std::ptrdiff_t>(i));
            --c.active_per_bank[static_cast<std::size_t>(slot.bank)];
            c.finish(index, now);
          }
          return true;
        }
        wait = std::min(wait, ready);
        bounds[i] = ready;
      }
      c.active_wait = wait;
      earliest = std::min(earliest, wait);
    }
    // 2. Refresh. An all-bank refresh at the head of the priority queue stops everything else
    // until its command is ready (Ramulator); a per-bank one holds back only its bank.
    int refreshing_bank = -1;
    if (!c.refresh_q.empty()) {
      const RefreshJob job = c.refresh_q.front();
      Cmd cmd = Cmd::none;
      const std::int64_t ready = c.refresh_ready(job, cmd);
      if (ready <= now &&
          !((cmd == Cmd::prea || cmd == Cmd::pre) && c.refresh_closing_blocked(job))) {
        c.issue_refresh(job, cmd, now);
        return true;
      }
      earliest = std::min(earliest, std::max(ready, now + 1));
      if (job.bank < 0) return false;
      refreshing_bank = job.bank;
    }
    // 3. The oldest ready request of the read or the write buffer, unless its command would close
    // a row that an active request waits for (then the cycle goes unused, as in Ramulator).
    // Requests of one bank that all hit (or all miss) its open row share their next command and its
    // ready time, so only the oldest hit and the oldest non-hit of each bank are candidates; the
    // oldest ready candidate is the oldest ready request.
    c.update_write_mode();
    const bool write = c.write_mode;
    const Candidate best = oldest_ready(c, now, write, refreshing_bank, earliest);
    if (best.index < 0) return false;
    if (best.cmd == Cmd::pre && c.active_holds_bank(best.bank)) return false;
    c.issue(best.cmd, best.bank, now, &c.slots[static_cast<std::size_t>(best.index)]);
    if (is_column(best.cmd)) {
      c.dequeue(write, best.index);
      c.finish(best.index, now);
    } else if (best.cmd == Cmd::act && static_cast<int>(c.active_q.size()) < c.cfg.active_queue) {
      c.dequeue(write, best.index);
      c.active_q.push_back(best.index);
      c.active_bound.push_back(0);
      ++c.active_per_bank[static_cast<std::size_t>(best.bank)];
      c.active_wait = 0;
    }
    return true;
  }

  struct Candidate {
    int index = -1;
    int bank = -1;
    Cmd cmd = Cmd::none;
    std::uint64_t seq = std::numeric_limits<std::uint64_t>::max();
  };

  // The oldest request of the buffer whose next command can issue at `now`. `earliest` takes a
  // lower bound of the ready times of the others (a busy bus bounds every command that needs it).
  static Candidate oldest_ready(Controller& c, std::int64_t now, bool write, int refreshing_bank,
                                std::int64_t& earliest) {
    const int kind = write ? 1 : 0;
    Candidate best;
    // Row commands (ACT for a closed bank, PRE for a conflict): ready_time is the latest of the
    // row bus, the pseudo-channel's tRRD_S / tFAW (ACT) or tPPD (PRE) and row_local.
    const std::int64_t row_bus = c.row_bus_ready();
    const auto& order = c.row_order[kind];
    if (!order.empty()) {
      // The pseudo-channels' tPPD (PRE, [2p]) and tRRD_S / tFAW (ACT, [2p + 1]) bound every row
      // command.
      std::int64_t* pc_ready = c.row_pc_ready.data();
      std::int64_t pc_bound = kNever;
      for (std::size_t p = 0; p < c.pc_state.size(); ++p) {
        const auto& pc = c.pc_state[p];
        pc_ready[2 * p] = pc.next_pre;
        pc_ready[2 * p + 1] = std::max(pc.next_act, pc.faw[pc.faw_head] + c.t.FAW);
        pc_bound = std::min({pc_bound, pc_ready[2 * p], pc_ready[2 * p + 1]});
      }
      if (row_bus > now || pc_bound > now) {
        earliest = std::min(earliest, std::max(row_bus, pc_bound));
      } else {
        // Oldest first: the first ready candidate is the oldest; the ones before it bound
        // `earliest`.
        const std::uint64_t bank_field = (std::uint64_t{1} << c.bank_bits) - 1;
        const std::int64_t* local = c.row_local.data();
        const std::int32_t* select = c.row_select.data();
        for (const std::uint64_t key : order) {
          const auto b = static_cast<std::size_t>(key & bank_field);
          const std::int64_t ready =
              std::max(local[b], pc_ready[static_cast<std::size_t>(select[b])]);
          if (ready > now) {
            earliest = std::min(earliest, ready);
          } else if (static_cast<int>(b) != refreshing_bank) {
            best = {c.row_head[kind][b], static_cast<int>(b), (select[b] & 1) ? Cmd::act : Cmd::pre,
                    key >> c.bank_bits};
            break;
          }
        }
      }
    }
    // Column commands: the oldest row hit of each bank that has one.
    const std::int64_t col_bus = c.col_bus_ready();
    const auto& mask = c.hit_mask[kind];
    const auto& bank_queues = c.bank_q[kind];
    for (std::size_t w = 0; w < mask.size(); ++w) {
      for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        if (col_bus > now) {
          earliest = std::min(earliest, col_bus);
          break;
        }
        const int b = static_cast<int>(w * 64) + std::countr_zero(bits);
        if (b == refreshing_bank) continue;
        const auto& bank = c.banks[static_cast<std::size_t>(b)];
        // The bank's own tRCD / tCCD / turnaround bounds its column command.
        const std::int64_t own = write ? bank.next_wr : bank.next_rd;
        if (own > now) {
          earliest = std::min(earliest, own);
          continue;
        }
        const std::int64_t open = bank.open_row;
        for (const int index : bank_queues[static_cast<std::size_t>(b)].slots) {
          const Slot& slot = c.slots[static_cast<std::size_t>(index)];
          if (slot.row != open) continue;
          const Cmd cmd = c.command_for(slot);
          const std::int64_t ready = c.cached_ready(cmd, b);
          if (ready > now) {
            earliest = std::min(earliest, ready);
          } else if (slot.seq < best.seq) {
            best = {index, b, cmd, slot.seq};
          }
          break;
        }
      }
    }
    return best;
  }
};

// DRAMSim3's controller: read and write transaction queues feed per-bank command queues, one
// transaction per cycle (the first whose bank queue has room; writes in drains); each cycle the
// bank queues are visited round-robin and the first with a ready command issues (a row and a
// column command may pair up with dual issue). Within a bank queue the oldest request whose next
// command is ready goes first; a precharge for a conflicting request waits while a request to the
// open row is still queued, unless the row has served row_hit_cap hits.

class BankRoundRobin : public Scheduler {
 public:
  std::int64_t step(Controller& c, std::int64_t now) override {
    std::int64_t earliest = kNever;
    bool issued = false;
    int blocked_pc = -1, blocked_bank = -1;
    if (!c.refresh_q.empty()) {
      const RefreshJob job = c.refresh_q.front();
      Cmd cmd = Cmd::none;
      const std::int64_t ready = c.refresh_ready(job, cmd);
      if (ready <= now) {
        c.issue_refresh(job, cmd, now);
        issued = true;
      } else {
        earliest = std::min(earliest, ready);
      }
      if (!issued || cmd != Cmd::ref) {
        if (job.bank >= 0) {
          blocked_bank = job.bank;
        } else {
          blocked_pc = job.pc;
        }
      }
    }
    bool row_used = issued, col_used = false;
    int attempts = issued ? (c.cfg.dual_issue ? 1 : 0) : (c.cfg.dual_issue ? 2 : 1);
    int start = c.round_robin;
    while (attempts-- > 0) {
      Candidate found = find(c, now, start, blocked_pc, blocked_bank, earliest);
      if (found.queue < 0) break;
      start = found.queue;
      c.round_robin = found.queue;
      const bool column = is_column(found.cmd);
      if ((column && col_used) || (!column && row_used)) break;  // dual issue pairs only
      auto& queue = c.command_q[static_cast<std::size_t>(found.queue)];
      const int index = queue[static_cast<std::size_t>(found.position)];
      Slot& slot = c.slots[static_cast<std::size_t>(index)];
      c.issue(found.cmd, slot.bank, now, &slot);
      issued = true;
      (column ? col_used : row_used) = true;
      if (column) {
        queue.erase(queue.begin() + found.position);
        if (queue.empty()) live_ &= ~(std::uint64_t{1} << (found.queue & 63));
        --c.command_queued;
        c.transfer_blocked[0] = c.transfer_blocked[1] = false;
        c.finish(index, now);
      }
      if (!c.cfg.dual_issue) break;
    }
    const bool moved = transfer(c);
    if (issued || moved) return now + 1;
    return earliest;
  }

 private:
  struct Candidate {
    int queue = -1;
    int position = -1;
    Cmd cmd = Cmd::none;
  };

  // The first bank queue after `start`, round-robin, with a command ready at `now`. `earliest`
  // takes a lower bound of the ready times of the queues visited (all of them when none is ready;
  // when one is, the caller issues and `earliest` is not used).
  Candidate find(Controller& c, std::int64_t now, int start, int blocked_pc, int blocked_bank,
                 std::int64_t& earliest) {
    const int queues = static_cast<int>(c.command_q.size());
    if (queues > 64) return find_walk(c, now, start, blocked_pc, blocked_bank, earliest);
    // Up to 64 queues: only the non-empty, unblocked ones whose bound has expired are visited, in
    // round-robin order; the bounds of the others go into `earliest` (a minimum, so the order of
    // the walk does not change it).
    std::uint64_t live = live_;
    if (blocked_bank >= 0) live &= ~(std::uint64_t{1} << blocked_bank);
    if (blocked_pc >= 0) {
      const std::uint64_t pc_bits =
          c.banks_per_pc >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << c.banks_per_pc) - 1;
      live &= ~(pc_bits << (blocked_pc * c.banks_per_pc));
    }
    std::uint64_t due = 0;
    const std::int64_t* waits = c.queue_wait.data();
    for (std::uint64_t bits = live; bits != 0; bits &= bits - 1) {
      const int q = std::countr_zero(bits);
      const std::int64_t wait = waits[q];
      if (wait > now) {
        earliest = std::min(earliest, wait);
      } else {
        due |= std::uint64_t{1} << q;
      }
    }
    // Queues start + 1 .. queues - 1 first, then 0 .. start.
    const int first = start < 0 ? 0 : start % queues + 1;
    const std::uint64_t after = first >= 64 ? 0 : due & (~std::uint64_t{0} << first);
    for (std::uint64_t part : {after, due & ~after}) {
      for (; part != 0; part &= part - 1) {
        const Candidate found = visit(c, now, std::countr_zero(part), earliest);
        if (found.queue >= 0) return found;
      }
    }
    return {};
  }

  // The walk over every queue (more than 64 queues).
  Candidate find_walk(Controller& c, std::int64_t now, int start, int blocked_pc, int blocked_bank,
                      std::int64_t& earliest) {
    const int queues = static_cast<int>(c.command_q.size());
    int q = start < 0 ? queues - 1 : start % queues;
    for (int k = 1; k <= queues; ++k) {
      if (++q == queues) q = 0;  // (start + k) % queues
      const auto& queue = c.command_q[static_cast<std::size_t>(q)];
      if (queue.empty()) continue;
      if (q == blocked_bank || (blocked_pc >= 0 && q / c.banks_per_pc == blocked_pc)) continue;
      const std::int64_t wait = c.queue_wait[static_cast<std::size_t>(q)];
      if (wait > now) {
        earliest = std::min(earliest, wait);
        continue;
      }
      const Candidate found = visit(c, now, q, earliest);
      if (found.queue >= 0) return found;
    }
    return {};
  }

  // A non-empty queue whose bound has expired: its ready command, or none (then its new bound goes
  // into queue_wait and `earliest`).
  static Candidate visit(Controller& c, std::int64_t now, int q, std::int64_t& earliest) {
    const auto& queue = c.command_q[static_cast<std::size_t>(q)];
    const std::int64_t row_bus = c.row_bus_ready();
    const std::int64_t col_bus = c.col_bus_ready();
    auto& wait = c.queue_wait[static_cast<std::size_t>(q)];
    const auto& bank = c.banks[static_cast<std::size_t>(q)];
    if (bank.open_row < 0) {
      // Every request of a closed bank needs the same ACT: the oldest decides.
      const std::int64_t ready = c.cached_ready(Cmd::act, q);
      if (ready <= now) return {q, 0, Cmd::act};
      earliest = std::min(earliest, ready);
      wait = ready;
      return {};
    }
    // An open bank's commands are a PRE or column commands: the bank's tRAS / tRTP / tWR and
    // tRCD terms and the busy buses bound them all (a lower bound only wakes the controller
    // early, where it finds nothing to do).
    const std::int64_t bound = std::min(std::max(row_bus, bank.next_pre),
                                        std::max(col_bus, std::min(bank.next_rd, bank.next_wr)));
    if (bound > now) {
      earliest = std::min(earliest, bound);
      wait = bound;
      return {};
    }
    std::int64_t queue_ready = kNever;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const Slot& slot = c.slots[static_cast<std::size_t>(queue[i])];
      const Cmd cmd = c.command_for(slot);
      if (cmd == Cmd::pre) {
        // Only the oldest request of the bank may close its row, and not while hits to the open
        // row are queued, unless the row has served row_hit_cap of them.
        if (i != 0) continue;
        bool pending_hit = false;
        for (std::size_t j = 1; j < queue.size(); ++j) {
          if (c.slots[static_cast<std::size_t>(queue[j])].row == bank.open_row) {
            pending_hit = true;
            break;
          }
        }
        if (pending_hit && (c.cfg.row_hit_cap <= 0 || bank.hits < c.cfg.row_hit_cap)) continue;
      }
      const std::int64_t ready = c.cached_ready(cmd, q);
      if (ready <= now) return {q, static_cast<int>(i), cmd};
      queue_ready = std::min(queue_ready, ready);
    }
    earliest = std::min(earliest, queue_ready);
    wait = queue_ready;
    return {};
  }

  std::uint64_t live_ = 0;  // bit q: command queue q is not empty (up to 64 queues)

  // Moves one transaction from the read or write queue into its bank's command queue.
  bool transfer(Controller& c) {
    const int depth = c.cfg.command_queue;
    if (c.draining == 0 && !c.write_q.empty()) {
      const auto writes = static_cast<int>(c.write_q.size());
      const bool full =
          static_cast<double>(writes) >= c.cfg.write_high * static_cast<double>(c.cfg.write_queue);
      const bool idle =
          c.cfg.write_drain_idle >= 0 && writes > c.cfg.write_drain_idle && c.command_queued == 0;
      if (full || idle || c.read_q.empty()) c.draining = writes;
    }
    const bool write = c.draining > 0;
    if (c.transfer_blocked[write ? 1 : 0]) return false;
    const auto& queue = write ? c.write_q : c.read_q;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const int index = queue[i];
      const Slot& slot = c.slots[static_cast<std::size_t>(index)];
      auto& target = c.command_q[static_cast<std::size_t>(slot.bank)];
      if (static_cast<int>(target.size()) >= depth) continue;
      target.push_back(index);
      live_ |= std::uint64_t{1} << (slot.bank & 63);
      c.queue_wait[static_cast<std::size_t>(slot.bank)] = 0;
      ++c.command_queued;
      c.dequeue_at(write, i);
      if (c.draining > 0) --c.draining;
      return true;
    }
    c.transfer_blocked[write ? 1 : 0] = true;
    return false;
  }
};

const bool kFrFcfs = register_scheduler(
    {"frfcfs",
     "FR-FCFS over read/write buffers with an active buffer and watermark write drain "
     "(Ramulator 2 generic controller)",
     [] { return std::make_unique<FrFcfs>(); }});
const bool kBankRoundRobin = register_scheduler(
    {"bank-round-robin",
     "Per-bank command queues visited round-robin, row-hit cap, batch write drain, dual issue "
     "(DRAMSim3 controller)",
     [] { return std::make_unique<BankRoundRobin>(); }});

}  // namespace

}  // namespace ridgeline::memsim
