#include <algorithm>
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

namespace {

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

}  // namespace

std::unique_ptr<Scheduler> make_bank_round_robin_scheduler() {
  return std::make_unique<BankRoundRobin>();
}

}  // namespace ridgeline::memsim
