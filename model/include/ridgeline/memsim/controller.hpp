#pragma once
// One memory controller of the timing model: queues, per-bank state, timing bookkeeping and
// statistics, driven by a pluggable Scheduler (registered by name, Ramulator 2 style). A controller
// serves one pseudo-channel, or every pseudo-channel of one channel
// (ControllerConfig::per_channel). Internal to memsim; the public entry point is memsim.hpp.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ridgeline/memsim/device.hpp"
#include "ridgeline/memsim/memsim.hpp"

namespace ridgeline::memsim {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max() / 4;

enum class Cmd : std::uint8_t { act, pre, rd, wr, rda, wra, prea, ref, refpb, none };

inline bool is_column(Cmd c) {
  return c == Cmd::rd || c == Cmd::wr || c == Cmd::rda || c == Cmd::wra;
}

// A request inside a controller.
struct Slot {
  std::uint64_t address = 0;
  std::int64_t arrive = 0;
  std::int64_t row = 0;
  std::uint64_t seq = 0;  // arrival order within the controller (FR-FCFS age)
  std::int32_t bank = 0;  // flat index within the controller
  bool write = false;
  bool counted = false;      // row-buffer outcome recorded
  int next = -1, prev = -1;  // FR-FCFS: neighbours in its bank's queue (Controller::BankQueue)
};

struct BankState {
  std::int64_t open_row = -1;
  std::int64_t next_act = 0, next_pre = 0, next_rd = 0, next_wr = 0;
  std::int64_t act_time = -kNever;
  std::int32_t hits = 0;                    // column accesses since the row was opened
  std::int32_t pc = 0, sid = 0, group = 0;  // indices into the controller's state vectors
  std::uint64_t acts = 0;                   // ACTs issued (for the run's limits, limits.cpp)
};

struct GroupState {  // bank group (within a stack ID)
  std::int64_t next_act = 0, next_rd = 0, next_wr = 0;
};
struct SidState {  // stack ID: other bank groups of the same ID
  std::int64_t next_rd = 0, next_wr = 0;
};
struct PcState {
  std::int64_t next_act = 0, next_pre = 0, next_rd = 0, next_wr = 0;
  std::int64_t faw[4] = {-kNever, -kNever, -kNever, -kNever};
  int faw_head = 0;
  bool last_write = false;
  bool any_column = false;
  int refresh_bank = 0;              // next bank of per-bank refresh
  std::int64_t refresh_blocked = 0;  // cycles blocked by refresh
  // Work done, for the run's limits (limits.cpp): ACTs, bursts, all-bank REFs, and the nominal
  // data-bus cycles lost to read/write turnarounds.
  std::uint64_t acts = 0, bursts = 0, refreshes = 0;
  std::int64_t turnaround_cycles = 0;
};

struct RefreshJob {
  int pc = 0;     // within the controller
  int bank = -1;  // flat bank for per-bank refresh; -1: all banks of the pseudo-channel
  std::int64_t due = 0;
};

// Exact histogram of latencies in cycles up to 2^16, then power-of-two buckets. The exact part
// grows with the largest latency seen (a few KiB in practice rather than 512 KiB per controller).
// add() runs for every read, so a latency the exact part already covers costs one increment; the
// count, sum and largest latency are derived from the bins when asked for (once, at the end).
class LatencyHistogram {
 public:
  void add(std::int64_t cycles) {
    const auto bin = static_cast<std::uint64_t>(cycles);  // a negative one is large: add_rare
    if (bin < exact_.size()) {
      ++exact_[bin];
    } else {
      add_rare(cycles);
    }
  }
  void merge(const LatencyHistogram& other);
  std::uint64_t count() const;
  double mean() const;
  double percentile(double p) const;
  std::int64_t max() const;

 private:
  // A latency beyond the exact part's size: grows it, or counts in a power-of-two bucket.
  void add_rare(std::int64_t cycles);
  static constexpr std::int64_t kExact = 1 << 16;
  std::vector<std::uint64_t> exact_;
  std::vector<std::uint64_t> log_ = std::vector<std::uint64_t>(64, 0);
  std::int64_t log_sum_ = 0;  // sum and largest of the latencies in log_ (kExact and more)
  std::int64_t log_max_ = 0;
};

struct ControllerStats {
  CommandCounts commands;
  std::uint64_t reads = 0, writes = 0, hits = 0, misses = 0, conflicts = 0;
  std::uint64_t turnarounds = 0;
  std::int64_t turnaround_cycles = 0;
  std::int64_t last_read_done = 0, last_write_done = 0;
  std::uint64_t bursts = 0;
  LatencyHistogram latency;
};

class Controller;

// Picks and issues commands for one cycle. `step` issues what may go at `now` and returns the
// next cycle at which it could issue anything (now + 1 after issuing, kNever when idle).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::int64_t step(Controller& controller, std::int64_t now) = 0;
};

using SchedulerFactory = std::function<std::unique_ptr<Scheduler>()>;
struct SchedulerKind {
  std::string name;
  std::string description;
  SchedulerFactory factory;
};
bool register_scheduler(SchedulerKind kind);
const std::vector<SchedulerKind>& scheduler_kinds();
std::unique_ptr<Scheduler> make_scheduler(const std::string& name);
// The built-in schedulers (scheduler_frfcfs.cpp, scheduler_bank_round_robin.cpp).
std::unique_ptr<Scheduler> make_frfcfs_scheduler();
std::unique_ptr<Scheduler> make_bank_round_robin_scheduler();

class Controller {
 public:
  Controller(const DeviceModel& model, int first_pc_count);

  bool can_accept(bool write) const {  // inline: the front end asks for every burst
    return write ? queued[1] < cfg.write_queue : queued[0] < cfg.read_queue;
  }
  // Enqueues a request decoded to (pc within controller, flat bank, row); false when a read was
  // served at once from a queued write (the controller's state and wake-up are unchanged).
  bool accept(std::uint64_t address, bool write, int pc, int bank, std::int64_t row,
              std::int64_t now);
  // Runs cycle `now`; returns the next cycle the controller needs to run.
  std::int64_t tick(std::int64_t now);
  bool idle() const {
    return queued[0] == 0 && queued[1] == 0 && active_q.empty() && command_queued == 0 &&
           refresh_q.empty();
  }
  std::int64_t wake() const { return wake_; }

  // --- for schedulers ---
  Cmd command_for(const Slot& slot) const {
    const auto& bank = banks[static_cast<std::size_t>(slot.bank)];
    if (bank.open_row == slot.row) {
      const bool closed = cfg.page_policy == PagePolicy::closed;
      if (slot.write) return closed ? Cmd::wra : Cmd::wr;
      return closed ? Cmd::rda : Cmd::rd;
    }
    return bank.open_row < 0 ? Cmd::act : Cmd::pre;
  }
  std::int64_t ready_time(Cmd cmd, int bank) const;
  // ready_time, remembered until the next command changes the state (schedulers ask for the same
  // bank many times in one cycle).
  std::int64_t cached_ready(Cmd cmd, int bank) {
    const std::size_t index =
        static_cast<std::size_t>(bank) * 3 +
        (cmd == Cmd::rd || cmd == Cmd::rda ? 1 : (cmd == Cmd::wr || cmd == Cmd::wra ? 2 : 0));
    if (memo_stamp_[index] == stamp_) return memo_value_[index];
    memo_stamp_[index] = stamp_;
    return memo_value_[index] = ready_time(cmd, bank);
  }
  void invalidate() { ++stamp_; }
  std::int64_t refresh_ready(const RefreshJob& job, Cmd& cmd) const;
  bool refresh_closing_blocked(const RefreshJob& job) const;
  void issue(Cmd cmd, int bank, std::int64_t now, Slot* slot);
  void issue_refresh(const RefreshJob& job, Cmd cmd, std::int64_t now);
  void finish(int slot_index, std::int64_t now);  // column command done: release the slot
  void update_write_mode() { write_mode = write_mode_target(); }
  // The mode the watermarks ask for now (inline: FR-FCFS asks at every decision).
  bool write_mode_target() const {
    const int writes = queued[1];
    const bool no_reads = queued[0] == 0, no_writes = writes == 0;
    if (!write_mode) return writes > write_above_ || (no_reads && !no_writes);
    return !((writes < write_below_ && !no_reads) || no_writes);
  }
  bool active_holds_bank(int bank) const;
  bool active_holds_pc(int pc) const;
  // Removes the request at `position` of read_q (write = false) or write_q (bank-round-robin).
  void dequeue_at(bool write, std::size_t position);
  // reindex = false: the caller's next command reindexes the bank (an ACT, through open_row).
  void dequeue(bool write, int slot_index, bool reindex = true);
  // Earliest cycle the row (ACT/PRE/REF) or the column bus can take a command.
  std::int64_t row_bus_ready() const {
    return cfg.dual_issue ? (row_bus_half + 1) / 2 : std::max(last_cmd + 1, (row_bus_half + 1) / 2);
  }
  std::int64_t col_bus_ready() const { return cfg.dual_issue ? col_bus : last_cmd + 1; }

  const DeviceModel& model;
  const Timing& t;
  const ControllerConfig& cfg;
  int pcs;
  int banks_per_pc;
  std::vector<BankState> banks;
  std::vector<GroupState> groups;
  std::vector<SidState> sids;
  std::vector<PcState> pc_state;
  std::vector<Slot> slots;
  std::vector<int> free_slots;
  int queued[2] = {0, 0};            // requests in the read [0] and write [1] buffers
  std::vector<int> read_q, write_q;  // the buffers in age order (bank-round-robin; FR-FCFS: bank_q)
  std::vector<int> active_q;
  std::vector<int> active_per_bank;  // requests of each bank in active_q
  // FR-FCFS: a lower bound of the ready times of active_q's commands from the last scan that found
  // none ready (0: unknown), valid until a request joins active_q or the row of a bank with an
  // active request changes; other commands only raise ready times (running maxima).
  std::int64_t active_wait = 0;
  // Per active_q entry, the bound its last scan found (0: unknown), valid until its bank's row
  // changes: the scan skips entries whose bound holds with one load from a flat array.
  std::vector<std::int64_t> active_bound;
  std::vector<std::vector<int>> command_q;  // per bank (bank-round-robin)
  // Bank-round-robin: per bank queue, a lower bound of the ready time of its commands, valid
  // until the bank's row, its hit count or the queue change (0: unknown). Commands to other banks
  // only raise ready times (every timing term is a running maximum), so the bound survives them.
  std::vector<std::int64_t> queue_wait;
  // The read [0] and write [1] buffers indexed by bank, for FR-FCFS: each bank's requests in age
  // order (with its oldest row hit and oldest non-hit in hit_head / row_head), so a scheduling
  // decision looks at those two of each bank rather than at every request.
  // A doubly linked list through the slots (Slot::next / prev) in age order: joining and
  // leaving cost O(1) and touch only the slots concerned.
  struct BankQueue {
    int head = -1, tail = -1;
  };
  std::vector<BankQueue> bank_q[2];
  std::vector<std::uint64_t> hit_mask[2];  // bit b: bank_q[.][b] holds a row hit
  // Row-command candidates, as flat arrays and bitmasks so that a decision costs the same however
  // many banks wait: per bank the oldest request that misses its open row (row_head, -1: none;
  // row_key: its age << bank_bits | bank, max: none; row_cand bit: it has one), and the bank and
  // bank-group part of the ready time of that request's command (row_local: ACT when the bank is
  // closed, PRE when open). Masks are `mask_words` words of 64 banks.
  std::vector<int> row_head[2];
  std::vector<int> hit_head[2];  // per bank the oldest request that hits its open row (-1: none)
  std::vector<std::uint64_t> row_key[2];
  std::vector<std::uint64_t> row_cand[2];
  std::vector<std::int64_t> row_local;
  std::vector<std::int32_t> row_select;  // 2 x the bank's pseudo-channel, + 1 when it is closed
  // Per pseudo-channel the PRE (tPPD) and ACT (tRRD_S / tFAW) bounds and their minimum, as of
  // row_epoch row_pc_epoch: only row commands and refreshes move them, so column commands and idle
  // ticks reuse them.
  std::vector<std::int64_t> row_pc_ready;
  std::int64_t row_pc_bound = kNever;
  std::uint64_t row_epoch = 1, row_pc_epoch = 0;
  std::vector<std::uint64_t> closed_mask;  // bit b: bank b has no open row
  // The bank group's tRRD_L is kept out of row_local (an ACT would otherwise put its whole group
  // on the wheel): bit b of group_blocked: b's group may not activate at local_now. Every ACT
  // sets its group's next_act to the same distance ahead, so the groups are released in the
  // order they were blocked (a ring of at most one entry per group).
  std::vector<std::uint64_t> group_banks;  // per bank group, its banks ([group * mask_words])
  std::vector<std::uint64_t> group_blocked;
  std::vector<std::int32_t> bank_group;  // per bank, its group (flat)
  struct GroupRelease {
    std::int64_t time = 0;
    int group = 0;
  };
  std::vector<GroupRelease> group_releases;  // ring
  std::size_t release_head = 0, release_count = 0;
  std::vector<std::uint64_t> pc_banks;  // per pseudo-channel, its banks ([pc * mask_words])
  // Bit b: row_local[b] <= local_now, for the banks with a row candidate. A timing wheel keeps it
  // current as time advances: a bank whose row_local lies in the future sits in the slot of that
  // cycle (mod kWheel; one further than kWheel - 1 cycles sits in the last slot and is put back
  // when it fires). Stale entries (row_local changed since) are checked against row_local when they
  // fire.
  static constexpr int kWheel = 128;
  std::vector<std::uint64_t> local_ready;
  std::vector<std::uint64_t> wheel;          // [slot * mask_words + word]
  std::int64_t local_now = 0;                // the wheel has fired every slot up to this cycle
  std::vector<std::uint64_t> wheel_pending;  // scratch
  int mask_words = 1;
  std::uint64_t wheel_busy[kWheel / 64] = {};  // bit s: wheel slot s holds a bank
  // Brings local_ready up to cycle `now` (FR-FCFS).
  void advance_local_ready(std::int64_t now);
  // min(bound, the ready time of the row commands of the banks of `banks_mask`, which must not
  // be local_ready: max(row_local, their pseudo-channel's bound in pc_ready[row_select], the
  // group's next_act for a closed bank)),
  // visiting the wheel in time order only until it reaches the best found.
  std::int64_t earliest_row_ready(const std::uint64_t* banks_mask, const std::int64_t* pc_ready,
                                  std::int64_t bound) const;
  int bank_bits = 1;
  bool indexed = false;  // bank_q, hit_mask, row_* maintained (FR-FCFS only)
  std::vector<RefreshJob> refresh_q;
  std::unordered_map<std::uint64_t, int> pending_writes;
  bool write_mode = false;
  int draining = 0;  // writes left in the current drain (command-queue structure)
  int round_robin = -1;
  int command_queued = 0;  // requests in command queues
  // Bank-round-robin: no request of the read [0] / write [1] queue found room in its bank's
  // command queue, and none has since left a command queue or joined that queue.
  bool transfer_blocked[2] = {false, false};
  std::int64_t next_refresh = kNever;
  std::int64_t last_cmd = -1;     // single command bus: last cycle used
  std::int64_t row_bus_half = 0;  // half-cycle from which the row bus is free
  std::int64_t col_bus = 0;       // cycle from which the column bus is free
  ControllerStats stats;

 private:
  void schedule_refresh(std::int64_t now);
  void open_row(BankState& bank, int b, std::int64_t row);
  void find_heads(int from, std::int64_t open, bool want_hit, bool want_head, int& hit,
                  int& head) const;
  void set_heads(int kind, std::size_t b, int hit, int head);
  bool row_candidate(std::size_t b) const {
    return (((row_cand[0][b / 64] | row_cand[1][b / 64]) >> (b % 64)) & 1) != 0;
  }
  void update_row_local(int first, int count);
  void schedule_local(std::size_t b, std::int64_t local);
  void track_local(std::size_t b);  // wheel entry for row_local[b] = local
  std::unique_ptr<Scheduler> scheduler_;
  std::int64_t wake_ = 0;
  std::vector<std::uint64_t> memo_stamp_;
  std::vector<std::int64_t> memo_value_;
  std::uint64_t stamp_ = 1;
  int write_above_ = 0, write_below_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace ridgeline::memsim
