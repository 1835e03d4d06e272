#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "ridgeline/memsim/controller.hpp"

namespace ridgeline::memsim {

// ---------------------------------------------------------------------------------------------
// DRAMSim3's controller: read and write transaction queues feed per-bank command queues, one
// transaction per cycle (the first whose bank queue has room; writes in drains); each cycle the
// bank queues are visited round-robin and the first with a ready command issues (a row and a
// column command may pair up with dual issue). Within a bank queue the oldest request whose next
// command is ready goes first; a precharge for a conflicting request waits while a request to the
// open row is still queued, unless the row has served row_hit_cap hits.
//
// Up to 64 bank queues, the decision works on bitmasks (the "indexed" path). A bank queue offers
// at most one command of each kind: ACT (closed bank: its oldest request), PRE (the oldest request
// misses the open row and may close it), RD and WR (the oldest read / write that hits the open
// row); all requests of a kind in a queue share the kind's ready time. That ready time splits into
//   shared: the buses and the pseudo-channel and stack-ID terms, one value per stack ID (domain);
//   local:  the bank and bank-group terms, one value per queue (local_ready_),
// so ready = max(shared, local) exactly. A local part changes only when a command goes to the
// bank's group or a refresh to its pseudo-channel, and is then recomputed for those banks. Per
// kind and domain a mask of the queues whose local part has passed and the least of the other
// local parts are kept (LocalState), so a kind's queues ready at a cycle are the mask once the
// shared part has passed, and its earliest ready time is max(shared, least local); the queues are
// looked at one by one only when time reaches that least local part. That earliest time is kept
// too and recomputed only for the kinds a command changed: its class's bus and pseudo-channel
// terms (row: ACT, PRE; column: RD, WR) and the local parts it moved. The next cycle anything can
// issue is exact, so the controller sleeps until then. More than 64 queues take the walk over
// every queue (find_walk) with per-queue bounds (Controller::queue_wait).

namespace {

enum Kind : int { kAct = 0, kPre = 1, kRd = 2, kWr = 3 };
constexpr int kKinds = 4;

class BankRoundRobin : public Scheduler {
 public:
  std::int64_t step(Controller& c, std::int64_t now) override {
    if (!set_up_) set_up(c);
    if (now < quiet_until_ && c.refresh_q.empty()) {
      // Woken by a new request: no command can go yet, only a transfer.
      if (!transfer(c)) return quiet_until_;
      quiet_until_ = -1;
      return now + 1;
    }
    quiet_until_ = -1;
    std::int64_t earliest = kNever;
    bool issued = false;
    std::uint64_t blocked = 0;  // queues the front refresh job holds (indexed path)
    int blocked_pc = -1, blocked_bank = -1;
    if (!c.refresh_q.empty()) {
      const RefreshJob job = c.refresh_q.front();
      Cmd cmd = Cmd::none;
      const std::int64_t ready = c.refresh_ready(job, cmd);
      if (ready <= now) {
        c.issue_refresh(job, cmd, now);
        issued = true;
        changed_everywhere_ = kAllKinds;
        if (indexed_) note_pc(c, job.pc);
      } else {
        earliest = std::min(earliest, ready);
      }
      if (!issued || cmd != Cmd::ref) {
        if (job.bank >= 0) {
          blocked_bank = job.bank;
        } else {
          blocked_pc = job.pc;
        }
        if (indexed_) blocked = blocked_mask(c, job);
      }
    }
    bool row_used = issued, col_used = false;
    int attempts = issued ? (c.cfg.dual_issue ? 1 : 0) : (c.cfg.dual_issue ? 2 : 1);
    int start = c.round_robin;
    // The earliest ready time from the last look at the queues, while no command went out since
    // (-1: none such).
    std::int64_t fresh = -1;
    while (attempts-- > 0) {
      std::int64_t seen = kNever;
      Candidate found = indexed_ ? find(c, now, start, blocked, seen)
                                 : find_walk(c, now, start, blocked_pc, blocked_bank, seen);
      earliest = std::min(earliest, seen);
      fresh = seen;
      if (found.queue < 0) break;
      start = found.queue;
      c.round_robin = found.queue;
      const bool column = is_column(found.cmd);
      if ((column && col_used) || (!column && row_used)) break;  // dual issue pairs only
      auto& queue = c.command_q[static_cast<std::size_t>(found.queue)];
      const int index = queue[static_cast<std::size_t>(found.position)];
      Slot& slot = c.slots[static_cast<std::size_t>(index)];
      c.issue(found.cmd, slot.bank, now, &slot);
      // The shared parts it moves: the bus of its class, and with one command bus both buses.
      changed_everywhere_ |= !dual_issue_ ? kAllKinds : (column ? kColumnKinds : kRowKinds);
      issued = true;
      fresh = -1;
      (column ? col_used : row_used) = true;
      if (column) {
        if (indexed_) remove_entry(found.queue, found.position, static_cast<int>(queue.size()));
        queue.erase(queue.begin() + found.position);
        --c.command_queued;
        c.transfer_blocked[0] = c.transfer_blocked[1] = false;
        c.finish(index, now);
      }
      if (indexed_) note_bank(c, found.queue, found.cmd);
      if (!c.cfg.dual_issue) break;
    }
    const bool moved = transfer(c);
    // After a transfer the next cycle matters only when it may bring another (one per cycle) or
    // start a drain; otherwise nothing changes before the next command can issue.
    if (moved && (!indexed_ || transfer_may_follow(c))) return now + 1;
    if (moved) fresh = -1;  // the moved request may offer a command
    if (!indexed_) return issued ? now + 1 : earliest;
    // The next cycle anything can issue: nothing changes until then (a new request wakes the
    // controller in the next cycle anyway), and the transfer is blocked until a command leaves.
    if (!c.refresh_q.empty()) return next_ready(c, now);
    quiet_until_ = fresh >= 0 ? fresh : next_ready(c, now);
    return quiet_until_;
  }

 private:
  struct Candidate {
    int queue = -1;
    int position = -1;
    Cmd cmd = Cmd::none;
  };

  void set_up(Controller& c) {
    set_up_ = true;
    queues_ = static_cast<int>(c.command_q.size());
    indexed_ = queues_ <= 64 && c.cfg.command_queue <= 64;
    dual_issue_ = c.cfg.dual_issue;
    if (!indexed_) return;
    depth_ = c.cfg.command_queue;
    const int capacities[2] = {c.cfg.read_queue, c.cfg.write_queue};
    for (int w = 0; w < 2; ++w) {
      fifo_capacity_[w] = std::bit_ceil(static_cast<std::size_t>(std::max(capacities[w], 1)));
      fifo_index_[w].assign(static_cast<std::size_t>(queues_) * fifo_capacity_[w], -1);
      fifo_age_[w].assign(static_cast<std::size_t>(queues_) * fifo_capacity_[w], 0);
    }
    entry_row_.assign(static_cast<std::size_t>(queues_ * depth_), -1);
    const auto& g = c.model.geometry;
    bank_group_size_ = g.banks_per_group;
    const std::uint64_t group_bits =
        bank_group_size_ >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bank_group_size_) - 1;
    for (int q = 0; q < queues_; ++q) {
      group_others_[static_cast<std::size_t>(q)] =
          (group_bits << (q - q % bank_group_size_)) & ~(std::uint64_t{1} << q);
    }
    domain_size_ = g.bank_groups * g.banks_per_group;
    const auto domains = c.sids.size();
    domain_pc_.assign(domains, 0);
    domains_ = static_cast<int>(domains);
    for (auto& r : local_ready_) r.fill(kNever);
    for (int q = 0; q < queues_; ++q) {
      const auto& bank = c.banks[static_cast<std::size_t>(q)];
      domain_[static_cast<std::size_t>(q)] = bank.sid;
      domain_pc_[static_cast<std::size_t>(bank.sid)] = bank.pc;
      summarize(c, q);
    }
  }

  // The queues a refresh job holds back.
  static std::uint64_t blocked_mask(const Controller& c, const RefreshJob& job) {
    if (job.bank >= 0) return std::uint64_t{1} << job.bank;
    const std::uint64_t pc_bits =
        c.banks_per_pc >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << c.banks_per_pc) - 1;
    return pc_bits << (job.pc * c.banks_per_pc);
  }

  // Which kinds of command queue q offers, and where (after its queue, its bank's row or its hit
  // count changed), whether it has room for another transaction, and the local parts of the kinds
  // it offered before or offers now.
  void summarize(const Controller& c, int q) {
    const auto index = static_cast<std::size_t>(q);
    const std::uint64_t bit = std::uint64_t{1} << q;
    const auto size = static_cast<int>(c.command_q[index].size());
    room_ = size < depth_ ? room_ | bit : room_ & ~bit;
    const auto& bank = c.banks[index];
    unsigned kinds = 0;  // bit k: q offers kind k
    if (size == 0) {
      // nothing
    } else if (bank.open_row < 0) {
      kinds = 1u << kAct;
    } else {
      const std::uint64_t hits = hit_bits_[index];
      const std::uint64_t writes = write_bits_[index];
      const std::uint64_t read_hits = hits & ~writes, write_hits = hits & writes;
      if (read_hits != 0) {
        kinds |= 1u << kRd;
        read_position_[index] = static_cast<std::uint8_t>(std::countr_zero(read_hits));
      }
      if (write_hits != 0) {
        kinds |= 1u << kWr;
        write_position_[index] = static_cast<std::uint8_t>(std::countr_zero(write_hits));
      }
      // Only the oldest request may close the row, and not while hits to it are queued, unless
      // the row has served row_hit_cap of them.
      const int cap = c.cfg.row_hit_cap;
      if ((hits & 1) == 0 && (hits == 0 || (cap > 0 && bank.hits >= cap))) kinds |= 1u << kPre;
    }
    const unsigned before = offered_[index];
    offered_[index] = static_cast<std::uint8_t>(kinds);
    for (unsigned changed = before ^ kinds; changed != 0; changed &= changed - 1) {
      offers_[std::countr_zero(changed)] ^= bit;
    }
    // The bank and bank-group part of each kind's ready time (kNever for a kind not offered).
    const unsigned touched = before | kinds;
    if (touched == 0) return;
    const auto& group = c.groups[static_cast<std::size_t>(bank.group)];
    const auto local = [&](int k, std::int64_t value) {
      if (((touched >> k) & 1) != 0) set_local(k, q, ((kinds >> k) & 1) != 0 ? value : kNever);
    };
    local(kAct, std::max(bank.next_act, group.next_act));
    local(kPre, bank.next_pre);
    local(kRd, std::max(bank.next_rd, group.next_rd));
    local(kWr, std::max(bank.next_wr, group.next_wr));
  }

  // Bit i of hit_bits_[q]: request i of queue q hits its bank's open row (after the row changed).
  void recount_hits(const Controller& c, int q) {
    const std::int64_t open = c.banks[static_cast<std::size_t>(q)].open_row;
    if (open < 0) {
      hit_bits_[static_cast<std::size_t>(q)] = 0;
      return;
    }
    const auto size = static_cast<int>(c.command_q[static_cast<std::size_t>(q)].size());
    const std::int64_t* rows = entry_row_.data() + static_cast<std::ptrdiff_t>(q) * depth_;
    std::uint64_t hits = 0;
    for (int i = 0; i < size; ++i) hits |= static_cast<std::uint64_t>(rows[i] == open) << i;
    hit_bits_[static_cast<std::size_t>(q)] = hits;
  }

  // A request joined queue q (at its end).
  void push_entry(const Controller& c, int q, const Slot& slot) {
    const auto i = static_cast<int>(c.command_q[static_cast<std::size_t>(q)].size()) - 1;
    entry_row_[static_cast<std::size_t>(q * depth_ + i)] = slot.row;
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (slot.write) write_bits_[static_cast<std::size_t>(q)] |= bit;
    if (slot.row == c.banks[static_cast<std::size_t>(q)].open_row) {
      hit_bits_[static_cast<std::size_t>(q)] |= bit;
    }
  }

  // Request `position` left queue q (which held `size` before): the later ones move up.
  void remove_entry(int q, int position, int size) {
    std::int64_t* rows = entry_row_.data() + static_cast<std::ptrdiff_t>(q) * depth_;
    std::copy(rows + position + 1, rows + size, rows + position);
    const std::uint64_t below = (std::uint64_t{1} << position) - 1;
    for (auto* bits :
         {&hit_bits_[static_cast<std::size_t>(q)], &write_bits_[static_cast<std::size_t>(q)]}) {
      *bits = (*bits & below) | ((*bits >> 1) & ~below);
    }
  }

  // Sets local_ready_[k][q] (kNever: q does not offer kind k), keeping its domain's record of the
  // kind (LocalState) exact or marking it for a recount.
  void set_local(int k, int q, std::int64_t value) {
    std::int64_t& slot = local_ready_[k][static_cast<std::size_t>(q)];
    const std::int64_t old = slot;
    if (old == value) return;  // the common case: most commands leave most terms alone
    slot = value;
    const auto d = static_cast<std::size_t>(domain_[static_cast<std::size_t>(q)]);
    changed_[d] |= static_cast<std::uint8_t>(1 << k);
    LocalState& state = local_state_[d][static_cast<std::size_t>(k)];
    const std::uint64_t bit = std::uint64_t{1} << q;
    if (value <= state.as_of) {
      state.passed |= bit;
    } else {
      state.passed &= ~bit;
      if (value < state.pending) {
        state.pending = value;
        return;
      }
    }
    // The least pending part may have risen (a pending part that passed or rose was the least):
    // recounted at the next evaluation.
    if (old == state.pending) state.pending = kStale;
  }

  // A command went to bank q: its queue, row and hit count changed, and the bank group's terms of
  // the command's kind (ACT: tRRD_L; RD/WR: tCCD_L, tWTR_L).
  void note_bank(const Controller& c, int q, Cmd cmd) {
    if (!is_column(cmd) || cmd == Cmd::rda || cmd == Cmd::wra) recount_hits(c, q);
    summarize(c, q);
    if (cmd == Cmd::pre) return;
    // The other banks of the group that offer the command's kind (the others' local parts of it
    // are kNever and stay so).
    const std::uint64_t others = group_others_[static_cast<std::size_t>(q)];
    const auto& group =
        c.groups[static_cast<std::size_t>(c.banks[static_cast<std::size_t>(q)].group)];
    const auto update = [&](int k, auto term) {
      for (std::uint64_t bits = offers_[k] & others; bits != 0; bits &= bits - 1) {
        const int b = std::countr_zero(bits);
        set_local(k, b, term(c.banks[static_cast<std::size_t>(b)]));
      }
    };
    if (cmd == Cmd::act) {
      update(kAct, [&](const BankState& bank) { return std::max(bank.next_act, group.next_act); });
    } else {
      update(kRd, [&](const BankState& bank) { return std::max(bank.next_rd, group.next_rd); });
      update(kWr, [&](const BankState& bank) { return std::max(bank.next_wr, group.next_wr); });
    }
  }

  // A refresh command went to pseudo-channel pc.
  void note_pc(const Controller& c, int pc) {
    const int first = pc * c.banks_per_pc;
    for (int b = first; b < first + c.banks_per_pc; ++b) {
      recount_hits(c, b);
      summarize(c, b);
    }
  }

  // Shared parts of the ready times in domain d (a stack ID): buses, pseudo-channel, stack ID.
  void shared(const Controller& c, int d, std::int64_t row_bus, std::int64_t col_bus,
              std::int64_t (&out)[kKinds]) const {
    const auto& pc = c.pc_state[static_cast<std::size_t>(domain_pc_[static_cast<std::size_t>(d)])];
    const auto& sid = c.sids[static_cast<std::size_t>(d)];
    out[kAct] = std::max({row_bus, pc.next_act, pc.faw[pc.faw_head] + c.t.FAW});
    out[kPre] = std::max(row_bus, pc.next_pre);
    out[kRd] = std::max({col_bus, pc.next_rd, sid.next_rd});
    out[kWr] = std::max({col_bus, pc.next_wr, sid.next_wr});
  }

  // Per kind, the queues whose command of that kind is ready at `now` (into `ready`, unless null);
  // returns the earliest ready time over all queues (at most `now` when one is ready; then any such
  // value, as the caller wakes at the next cycle).
  std::int64_t evaluate(const Controller& c, std::int64_t now, std::uint64_t (*ready)[kKinds]) {
    std::int64_t earliest = kNever;
    for (int d = 0; d < domains_; ++d) {
      const auto changed =
          static_cast<unsigned>(changed_[static_cast<std::size_t>(d)] | changed_everywhere_);
      if (changed != 0) update_first(c, d, changed, now);
      LocalState* states = local_state_[static_cast<std::size_t>(d)].data();
      const std::int64_t domain_earliest =
          std::min(std::min(states[kAct].first, states[kPre].first),
                   std::min(states[kRd].first, states[kWr].first));
      earliest = std::min(earliest, domain_earliest);
      if (ready == nullptr || domain_earliest > now) continue;
      for (int k = 0; k < kKinds; ++k) {
        LocalState& state = states[k];
        if (state.first > now) continue;
        // Which queues' local parts have passed by now.
        if (now >= state.pending) {
          recount(k, d, now);
        } else {
          state.as_of = now;
        }
        (*ready)[k] |= state.passed;
      }
    }
    changed_everywhere_ = 0;
    return earliest;
  }

  // Recomputes `first` of the kinds in `kinds` (bits) in domain d, after their shared or local
  // parts changed.
  void update_first(const Controller& c, int d, unsigned kinds, std::int64_t now) {
    std::int64_t share[kKinds];
    shared(c, d, c.row_bus_ready(), c.col_bus_ready(), share);
    LocalState* states = local_state_[static_cast<std::size_t>(d)].data();
    for (; kinds != 0; kinds &= kinds - 1) {
      const int k = std::countr_zero(kinds);
      LocalState& state = states[k];
      // The least pending local part is needed exactly, unless some local part has passed.
      if (now >= state.pending) recount(k, d, now);
      // When some local part has passed, `now` stands for the least (the kind is ready once the
      // shared part has passed, and `first` only tells whether it has).
      state.first = std::max(share[k], state.passed != 0 ? now : state.pending);
    }
    changed_[static_cast<std::size_t>(d)] = 0;
  }

  // Brings the record of kind k in domain d up to `now` (later than its as_of): the queues that
  // offer the kind and had not passed by then.
  void recount(int k, int d, std::int64_t now) {
    LocalState& state = local_state_[static_cast<std::size_t>(d)][static_cast<std::size_t>(k)];
    const int begin = d * domain_size_;
    const std::uint64_t domain_bits =
        (domain_size_ >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << domain_size_) - 1) << begin;
    std::uint64_t passed = state.passed;
    std::int64_t pending = kNever;
    const std::int64_t* local = local_ready_[k].data();
    for (std::uint64_t bits = offers_[k] & domain_bits & ~passed; bits != 0; bits &= bits - 1) {
      const int q = std::countr_zero(bits);
      const std::int64_t value = local[q];
      if (value <= now) {
        passed |= std::uint64_t{1} << q;
      } else {
        pending = std::min(pending, value);
      }
    }
    state.passed = passed;
    state.pending = pending;
    state.as_of = now;
  }

  // The first bank queue after `start`, round-robin, with a command ready at `now`, and in it the
  // oldest request whose command is ready. `earliest` takes the earliest ready time when none is
  // ready (exact unless a refresh holds queues back: then next_ready decides).
  Candidate find(const Controller& c, std::int64_t now, int start, std::uint64_t blocked,
                 std::int64_t& earliest) {
    std::uint64_t ready[kKinds] = {0, 0, 0, 0};
    earliest = std::min(earliest, evaluate(c, now, &ready));
    const std::uint64_t any = (ready[kAct] | ready[kPre] | ready[kRd] | ready[kWr]) & ~blocked;
    if (any == 0) return {};
    // Queues start + 1 .. queues - 1 first, then 0 .. start (start: a queue, or -1 before the
    // first command).
    const int first = start + 1;
    const std::uint64_t after = first >= 64 ? 0 : any & (~std::uint64_t{0} << first);
    const int q = std::countr_zero(after != 0 ? after : any);
    const std::uint64_t bit = std::uint64_t{1} << q;
    if ((ready[kAct] & bit) != 0) return {q, 0, Cmd::act};
    if ((ready[kPre] & bit) != 0) return {q, 0, Cmd::pre};
    const bool closed = c.cfg.page_policy == PagePolicy::closed;
    const int read_at = read_position_[static_cast<std::size_t>(q)];
    const int write_at = write_position_[static_cast<std::size_t>(q)];
    const bool read = (ready[kRd] & bit) != 0;
    if (read && ((ready[kWr] & bit) == 0 || read_at < write_at)) {
      return {q, read_at, closed ? Cmd::rda : Cmd::rd};
    }
    return {q, write_at, closed ? Cmd::wra : Cmd::wr};
  }

  // The earliest cycle anything may issue, from the state after this cycle's commands: the front
  // refresh job and every queue it does not hold back.
  std::int64_t next_ready(Controller& c, std::int64_t now) {
    if (c.refresh_q.empty()) return evaluate(c, now, nullptr);
    const RefreshJob& job = c.refresh_q.front();
    Cmd cmd = Cmd::none;
    std::int64_t earliest = c.refresh_ready(job, cmd);
    const std::uint64_t blocked = blocked_mask(c, job);
    const std::int64_t row_bus = c.row_bus_ready();
    const std::int64_t col_bus = c.col_bus_ready();
    const int domains = static_cast<int>(domain_pc_.size());
    for (int d = 0; d < domains; ++d) {
      std::int64_t share[kKinds];
      shared(c, d, row_bus, col_bus, share);
      for (int k = 0; k < kKinds; ++k) {
        for (int q = d * domain_size_; q < (d + 1) * domain_size_; ++q) {
          if (((blocked >> q) & 1) != 0) continue;
          earliest =
              std::min(earliest, std::max(share[k], local_ready_[k][static_cast<std::size_t>(q)]));
        }
      }
    }
    return earliest;
  }

  // The walk over every queue (more than 64 queues), with per-queue bounds in queue_wait.
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

  // Moves one transaction from the read or write queue into its bank's command queue.
  bool transfer(Controller& c) {
    // queued[] counts the transactions in the read and write queues (read_q and write_q, or the
    // indexed path's FIFOs and the arrivals not yet sorted into them).
    if (drain_due(c)) c.draining = c.queued[1];
    const bool write = c.draining > 0;
    return indexed_ ? transfer_indexed(c, write) : transfer_walk(c, write);
  }

  // A write drain starts at the next transfer: the write buffer is full, or holds more than
  // write_drain_idle while no command waits, or no read waits.
  static bool drain_due(const Controller& c) {
    const int writes = c.queued[1];
    if (c.draining != 0 || writes == 0) return false;
    const bool full =
        static_cast<double>(writes) >= c.cfg.write_high * static_cast<double>(c.cfg.write_queue);
    const bool idle =
        c.cfg.write_drain_idle >= 0 && writes > c.cfg.write_drain_idle && c.command_queued == 0;
    return full || idle || c.queued[0] == 0;
  }

  // Whether a transfer in the next cycle may move something, from the state after this one (a
  // request accepted meanwhile wakes the controller for that cycle anyway).
  bool transfer_may_follow(const Controller& c) const {
    if (drain_due(c)) return true;
    const bool write = c.draining > 0;
    if (!(write ? c.write_q : c.read_q).empty()) return true;  // arrivals not yet in the FIFOs
    return (waiting_[write ? 1 : 0] & room_) != 0;
  }

  // Up to 64 queues: the read and write queues as per-bank FIFOs with arrival numbers, and a mask
  // of the command queues with room, so that the oldest transaction whose bank has room is the
  // oldest head among the (few) movable banks, found without a walk or an erase.
  bool transfer_indexed(Controller& c, bool write) {
    const int w = write ? 1 : 0;
    auto& incoming = write ? c.write_q : c.read_q;
    // Requests that joined since the last look (Controller::accept appends them, in age order).
    if (!incoming.empty()) {
      const std::size_t capacity_mask = fifo_capacity_[w] - 1;
      for (const int index : incoming) {
        const auto bank = static_cast<std::size_t>(c.slots[static_cast<std::size_t>(index)].bank);
        Fifo& fifo = fifo_[w][bank];
        const std::size_t at = bank * fifo_capacity_[w] + ((fifo.head + fifo.size) & capacity_mask);
        fifo_index_[w][at] = index;
        fifo_age_[w][at] = next_age_[w]++;
        if (fifo.size++ == 0) waiting_[w] |= std::uint64_t{1} << bank;
      }
      incoming.clear();
    }
    std::uint64_t movable = waiting_[w] & room_;
    if (movable == 0) return false;
    int bank = std::countr_zero(movable);
    movable &= movable - 1;
    if (movable != 0) {
      std::uint64_t oldest = head_age(w, bank);
      do {
        const int other = std::countr_zero(movable);
        movable &= movable - 1;
        const std::uint64_t age = head_age(w, other);
        if (age < oldest) {
          oldest = age;
          bank = other;
        }
      } while (movable != 0);
    }
    Fifo& fifo = fifo_[w][static_cast<std::size_t>(bank)];
    const int index =
        fifo_index_[w][static_cast<std::size_t>(bank) * fifo_capacity_[w] + fifo.head];
    fifo.head = (fifo.head + 1) & (fifo_capacity_[w] - 1);
    if (--fifo.size == 0) waiting_[w] &= ~(std::uint64_t{1} << bank);
    --c.queued[w];
    c.command_q[static_cast<std::size_t>(bank)].push_back(index);
    ++c.command_queued;
    if (c.draining > 0) --c.draining;
    push_entry(c, bank, c.slots[static_cast<std::size_t>(index)]);
    summarize(c, bank);
    return true;
  }

  std::uint64_t head_age(int w, int bank) const {
    const auto b = static_cast<std::size_t>(bank);
    return fifo_age_[w][b * fifo_capacity_[w] + fifo_[w][b].head];
  }

  bool transfer_walk(Controller& c, bool write) {
    const int depth = c.cfg.command_queue;
    if (c.transfer_blocked[write ? 1 : 0]) return false;
    const auto& queue = write ? c.write_q : c.read_q;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const int index = queue[i];
      const Slot& slot = c.slots[static_cast<std::size_t>(index)];
      auto& target = c.command_q[static_cast<std::size_t>(slot.bank)];
      if (static_cast<int>(target.size()) >= depth) continue;
      target.push_back(index);
      c.queue_wait[static_cast<std::size_t>(slot.bank)] = 0;
      ++c.command_queued;
      c.dequeue_at(write, i);
      if (c.draining > 0) --c.draining;
      return true;
    }
    c.transfer_blocked[write ? 1 : 0] = true;
    return false;
  }

  bool set_up_ = false;
  // Each command queue's requests as bitmasks: bit i of hit_bits_[q] / write_bits_[q]: request i
  // hits the open row / is a write; entry_row_[q * depth_ + i]: its row.
  int depth_ = 0;
  std::vector<std::int64_t> entry_row_;
  std::array<std::uint64_t, 64> hit_bits_{};
  std::array<std::uint64_t, 64> write_bits_{};
  // No command can issue before this cycle (the next ready time found at the end of the last
  // step), while no command or transfer has changed the queues and no refresh is pending since.
  std::int64_t quiet_until_ = -1;
  bool indexed_ = false;  // up to 64 queues: the bitmask decision
  bool dual_issue_ = false;
  int queues_ = 0;
  int bank_group_size_ = 1;
  std::array<std::uint64_t, 64> group_others_{};  // per queue, the other queues of its bank group
  int domain_size_ = 1;  // banks per stack ID (a contiguous range of queues)
  // Per kind, bit q: queue q offers a command of that kind; per queue, bit k: it offers kind k.
  std::uint64_t offers_[kKinds] = {0, 0, 0, 0};
  std::array<std::uint8_t, 64> offered_{};
  // Position in the queue of the oldest read / write hit (valid while q offers that kind).
  std::array<std::uint8_t, 64> read_position_{};
  std::array<std::uint8_t, 64> write_position_{};
  // Per kind and queue, the bank and bank-group part of the ready time; kNever when the queue
  // offers no command of the kind.
  std::array<std::int64_t, 64> local_ready_[kKinds];
  std::array<int, 64> domain_{};  // queue -> its stack ID (index into Controller::sids)
  std::vector<int> domain_pc_;
  // Per domain and kind: which local parts have passed as of cycle `as_of` (bit q: local_ready_ of
  // queue q), and the least of the others (kNever: none), or kStale when that may have risen. A
  // pass over the queues (recount) is needed only when time reaches the least pending part or it
  // is stale. `first` is the kind's earliest ready time in the domain, max(shared, least local)
  // (with a value <= as_of for the least local part where some has passed), kept from the last
  // evaluation unless the kind's bit in changed_[domain] or changed_everywhere_ is set: it
  // changes only when a command or refresh moves a shared part or a local part changes, not with
  // time.
  struct LocalState {
    std::uint64_t passed = 0;
    std::int64_t pending = kNever;
    std::int64_t as_of = -1;
    std::int64_t first = kNever;
  };
  static constexpr std::int64_t kStale = -kNever;
  static constexpr unsigned kAllKinds = 0xf;
  static constexpr unsigned kRowKinds = (1u << kAct) | (1u << kPre);
  static constexpr unsigned kColumnKinds = (1u << kRd) | (1u << kWr);
  std::array<std::array<LocalState, kKinds>, 64> local_state_{};
  std::array<std::uint8_t, 64> changed_{};
  unsigned changed_everywhere_ = kAllKinds;
  int domains_ = 0;
  // Bit q: command queue q has room.
  std::uint64_t room_ = 0;
  // The read [0] and write [1] queues (indexed path): per bank a ring of its transactions in age
  // order (slot index and arrival number, fifo_capacity_ entries from bank * fifo_capacity_), and
  // the mask of banks with any.
  struct Fifo {
    std::size_t head = 0;
    std::size_t size = 0;
  };
  std::array<Fifo, 64> fifo_[2] = {};
  std::size_t fifo_capacity_[2] = {1, 1};  // a power of two, at least the queue's capacity
  std::vector<int> fifo_index_[2];
  std::vector<std::uint64_t> fifo_age_[2];
  std::uint64_t next_age_[2] = {0, 0};
  std::uint64_t waiting_[2] = {0, 0};
};

}  // namespace

std::unique_ptr<Scheduler> make_bank_round_robin_scheduler() {
  return std::make_unique<BankRoundRobin>();
}

}  // namespace ridgeline::memsim
