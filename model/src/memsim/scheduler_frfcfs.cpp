#include <algorithm>
#include <bit>
#include <limits>

#include "ridgeline/memsim/controller.hpp"

namespace ridgeline::memsim {

// ---------------------------------------------------------------------------------------------
// FR-FCFS over read and write buffers, as Ramulator 2's generic controller: requests whose row is
// being opened wait in an active buffer and go first; a refresh at the head of the priority queue
// stops everything else until its command is ready; otherwise the oldest ready request of the
// current mode's buffer issues its next command, unless that command would close a row an active
// request still waits for.

namespace {

class FrFcfs : public Scheduler {
  struct Candidate {
    int index = -1;
    int bank = -1;
    Cmd cmd = Cmd::none;
    std::uint64_t seq = std::numeric_limits<std::uint64_t>::max();
  };

 public:
  std::int64_t step(Controller& c, std::int64_t now) override {
    std::int64_t earliest = kNever;
    bool issued = false;
    c.advance_local_ready(now);
    // With dual issue a row and a column command may share the cycle: a second pass finds only
    // commands of the other bus, since the first occupies its own.
    // Controllers of up to 64 banks (every device so far) keep their masks in one word.
    spare_at_ = -1;
    for (int pass = 0; pass < (c.cfg.dual_issue ? 2 : 1); ++pass) {
      if (pass == 1 && spare_at_ == now && spare_holds(c, now)) {
        if (!issue_spare(c, now)) break;
      } else if (!(c.mask_words == 1 ? try_issue<1>(c, now, !issued, earliest)
                                     : try_issue<0>(c, now, !issued, earliest))) {
        break;
      }
      issued = true;
    }
    return issued ? next_after_issue(c, now) : earliest;
  }

 private:
  // After a cycle that issued: a lower bound of the next cycle anything can issue, cheaper than
  // the decision that would find it (ready times only grow, so waking early is harmless; a
  // request that matters wakes the controller through accept). Every command needs its bus; a row
  // command also its pseudo-channel's tPPD or tRRD_S / tFAW; the active buffer's commands wait
  // for active_wait when it is known. A refresh, a pending mode switch or an unknown active bound
  // make it the next cycle.
  static std::int64_t next_after_issue(Controller& c, std::int64_t now) {
    const std::int64_t next = now + 1;
    if (!c.refresh_q.empty() || c.write_mode_target() != c.write_mode) return next;
    std::int64_t bound = kNever;
    if (!c.active_q.empty()) {
      if (c.active_wait <= next) return next;
      bound = c.active_wait;
    }
    const int kind = c.write_mode ? 1 : 0;
    std::uint64_t hits = 0;
    for (int w = 0; w < c.mask_words; ++w) hits |= c.hit_mask[kind][static_cast<std::size_t>(w)];
    if (hits != 0) {
      const std::int64_t col = c.col_bus_ready();
      if (col <= next) return next;
      bound = std::min(bound, col);
    }
    if (c.mask_words != 1) return next;  // (the row bound below reads one mask word)
    const std::uint64_t rows = c.row_cand[kind][0];
    const std::int64_t row_bus = c.row_bus_ready();
    if (rows != 0 && row_bus > next) {
      bound = std::min(bound, row_bus);  // enough to skip the next cycle, and cheap
    } else if (rows != 0) {
      if (c.row_pc_epoch != c.row_epoch) update_pc_ready(c);
      // Candidates whose bank part has passed wait for their pseudo-channel's term (PRE for an
      // open bank, ACT for a closed one); the others for at least the wheel's next busy slot,
      // which holds every tracked bank at or before its bank part.
      std::int64_t row = kNever;
      const std::uint64_t local = rows & c.local_ready[0];
      if (local != 0) {
        const std::uint64_t closed = c.closed_mask[0];
        for (std::size_t p = 0; p < c.pc_state.size(); ++p) {
          const std::uint64_t mine = local & c.pc_banks[p];
          if ((mine & ~closed) != 0) row = std::min(row, c.row_pc_ready[2 * p]);
          if ((mine & closed) != 0) row = std::min(row, c.row_pc_ready[2 * p + 1]);
        }
      }
      if ((rows & ~c.local_ready[0]) != 0) row = std::min(row, next_wheel_slot(c));
      if (row <= next) return next;
      bound = std::min(bound, row);
    }
    return std::max(bound, next);
  }

  // The cycle of the wheel's first busy slot after local_now.
  static std::int64_t next_wheel_slot(const Controller& c) {
    constexpr int kWheel = Controller::kWheel;
    const auto start = static_cast<int>(static_cast<std::uint64_t>(c.local_now + 1) % kWheel);
    for (int k = 0; k < kWheel;) {
      const int slot = (start + k) % kWheel;
      const std::uint64_t busy = c.wheel_busy[slot / 64] >> (slot % 64);
      if (busy != 0) return c.local_now + 1 + k + std::countr_zero(busy);
      k += 64 - slot % 64;
    }
    return kNever;
  }

  // Per pseudo-channel the PRE (tPPD) and ACT (tRRD_S / tFAW) bounds of every row command, and
  // their minimum.
  static void update_pc_ready(Controller& c) {
    c.row_pc_epoch = c.row_epoch;
    std::int64_t* pc_ready = c.row_pc_ready.data();
    std::int64_t bound = kNever;
    for (std::size_t p = 0; p < c.pc_state.size(); ++p) {
      const auto& pc = c.pc_state[p];
      pc_ready[2 * p] = pc.next_pre;
      pc_ready[2 * p + 1] = std::max(pc.next_act, pc.faw[pc.faw_head] + c.t.FAW);
      bound = std::min({bound, pc_ready[2 * p], pc_ready[2 * p + 1]});
    }
    c.row_pc_bound = bound;
  }

  // The second pass of a dual-issue cycle looks only at commands of the bus the first left free,
  // in the same buffer. When the first issued from the buffer (step 3), the oldest ready command
  // of that other bus was found by the same decision, and the command issued since changes
  // neither its readiness (a row command moves no column term, a column command no row term) nor
  // makes another of that bus ready, except on the bank it went to: so it is the second pass's
  // choice, unless a refresh waits, the watermarks switch the buffer, or that bank now offers a
  // ready command of that bus.
  Candidate spare_;             // the other bus's oldest ready command (index -1: none)
  std::int64_t spare_at_ = -1;  // the cycle spare_ was found in
  int spare_issued_bank_ = -1;  // the bank of the first pass's command
  bool spare_column_ = false;   // spare_ is a column command (the first pass issued a row one)

  bool spare_holds(const Controller& c, std::int64_t now) const {
    if (!c.refresh_q.empty() || c.write_mode_target() != c.write_mode) return false;
    const auto b = static_cast<std::size_t>(spare_issued_bank_);
    if (spare_.index >= 0 && spare_.bank == spare_issued_bank_) return false;
    const int kind = c.write_mode ? 1 : 0;
    const std::uint64_t bit = std::uint64_t{1} << (b % 64);
    if (spare_column_) {
      // After an ACT its hits wait for tRCD; after a PRE it has none.
      if ((c.hit_mask[kind][b / 64] & bit) == 0) return true;
      const auto& bank = c.banks[b];
      return (c.write_mode ? bank.next_wr : bank.next_rd) > now;
    }
    // After a column command its PRE waits for tRTP / write recovery.
    return (c.row_cand[kind][b / 64] & bit) == 0 || c.row_local[b] > now;
  }

  bool issue_spare(Controller& c, std::int64_t now) {
    spare_at_ = -1;
    if (spare_.index < 0 || (spare_.cmd == Cmd::pre && c.active_holds_bank(spare_.bank))) {
      return false;
    }
    issue_candidate(c, now, c.write_mode, spare_);
    return true;
  }

  // kWords: the number of 64-bank mask words, 0: c.mask_words.
  template <std::size_t kWords>
  bool try_issue(Controller& c, std::int64_t now, bool need_earliest, std::int64_t& earliest) {
    // 1. Requests whose row is being opened, unless the bound of their ready times from the last
    // scan still holds. A busy bus bounds the commands that need it.
    if (c.active_wait > now) {
      earliest = std::min(earliest, c.active_wait);
    } else {
      const std::int64_t row_bus = c.row_bus_ready();
      const std::int64_t col_bus = c.col_bus_ready();
      std::int64_t* bounds = c.active_bound.data();
      // Entry i's ready time, or a lower bound of it that lies after `now` (kept in bounds[i]).
      const auto bound_of = [&](std::size_t i, Cmd& cmd) {
        if (bounds[i] > now) return bounds[i];
        const Slot& slot = c.slots[static_cast<std::size_t>(c.active_q[i])];
        cmd = c.command_for(slot);
        const std::int64_t bus = is_column(cmd) ? col_bus : row_bus;
        if (bus > now) return bounds[i] = bus;
        // The bank's own tRCD / tRCDWR bounds the column command (ready_time takes the maximum).
        if (is_column(cmd)) {
          const auto& bank = c.banks[static_cast<std::size_t>(slot.bank)];
          const std::int64_t own = slot.write ? bank.next_wr : bank.next_rd;
          if (own > now) return bounds[i] = own;
        }
        return bounds[i] = c.cached_ready(cmd, slot.bank);
      };
      std::int64_t wait = kNever;
      for (std::size_t i = 0; i < c.active_q.size(); ++i) {
        Cmd cmd = Cmd::none;
        const std::int64_t ready = bound_of(i, cmd);
        if (ready > now) {
          wait = std::min(wait, ready);
          continue;
        }
        // The first ready entry issues. The bounds of the ones after it, from the state before
        // the command, stay lower bounds after it (ready times only grow; a row change resets
        // them), so the next pass need not scan again while they hold.
        for (std::size_t j = i + 1; j < c.active_q.size(); ++j) {
          Cmd other = Cmd::none;
          wait = std::min(wait, bound_of(j, other));
        }
        const int index = c.active_q[i];
        Slot& slot = c.slots[static_cast<std::size_t>(index)];
        // Set before the command, which resets it if it changes a row.
        c.active_wait = is_column(cmd) ? wait : 0;
        bounds[i] = 0;
        c.issue(cmd, slot.bank, now, &slot);
        if (is_column(cmd)) {
          c.active_q.erase(c.active_q.begin() + static_cast<std::ptrdiff_t>(i));
          c.active_bound.erase(c.active_bound.begin() + static_cast<std::ptrdiff_t>(i));
          --c.active_per_bank[static_cast<std::size_t>(slot.bank)];
          c.finish(index, now);
        }
        return true;
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
    bool row_waiting = false;
    Candidate other;
    const Candidate best = oldest_ready<kWords>(c, now, write, refreshing_bank, need_earliest,
                                                row_waiting, earliest, other);
    if (best.index < 0 || (best.cmd == Cmd::pre && c.active_holds_bank(best.bank))) {
      // Row candidates that wait bound the wake-up (computed only when it is needed; when the
      // cycle goes unused, the ones younger than the blocked best need not, but a lower bound
      // only wakes the controller early).
      if (row_waiting && need_earliest) {
        earliest = std::min(earliest, row_earliest<kWords>(c, now, write ? 1 : 0));
      }
      return false;
    }
    if (need_earliest && c.cfg.dual_issue) {  // the first pass of a dual-issue cycle
      spare_ = other;
      spare_at_ = now;
      spare_issued_bank_ = best.bank;
      spare_column_ = !is_column(best.cmd);
    }
    issue_candidate(c, now, write, best);
    return true;
  }

  // Issues the command of a request of the read or write buffer.
  static void issue_candidate(Controller& c, std::int64_t now, bool write, const Candidate& best) {
    // An ACT with room in the active buffer moves its request there: it leaves the buffer first,
    // so that the ACT's row change indexes the bank once.
    const bool to_active =
        best.cmd == Cmd::act && static_cast<int>(c.active_q.size()) < c.cfg.active_queue;
    if (to_active) c.dequeue(write, best.index, false);
    c.issue(best.cmd, best.bank, now, &c.slots[static_cast<std::size_t>(best.index)]);
    if (is_column(best.cmd)) {
      c.dequeue(write, best.index);
      c.finish(best.index, now);
    } else if (to_active) {
      // Its column command waits at least for the tRCD / tRCDWR just set: the buffer-wide bound
      // (if known) takes that rather than being reset.
      const auto& bank = c.banks[static_cast<std::size_t>(best.bank)];
      const std::int64_t own =
          c.slots[static_cast<std::size_t>(best.index)].write ? bank.next_wr : bank.next_rd;
      c.active_q.push_back(best.index);
      c.active_bound.push_back(own);
      ++c.active_per_bank[static_cast<std::size_t>(best.bank)];
      if (c.active_wait != 0) c.active_wait = std::min(c.active_wait, own);
    }
  }

  static std::uint64_t bank_field(const Controller& c) {
    return (std::uint64_t{1} << c.bank_bits) - 1;
  }

  // The ready-mask test of row candidates for pseudo-channel bounds `pc_ready` and the bank
  // groups' tRRD_L, word `w`.
  template <std::size_t kWords>
  static std::uint64_t pc_ok_mask(const Controller& c, const std::int64_t* pc_ready, std::size_t w,
                                  std::int64_t now) {
    const std::size_t words = kWords != 0 ? kWords : static_cast<std::size_t>(c.mask_words);
    const std::uint64_t closed = c.closed_mask[w];
    std::uint64_t ok = 0;
    // Masks from comparisons rather than branches: which pseudo-channel is ready changes from
    // cycle to cycle.
    for (std::size_t p = 0; p < c.pc_state.size(); ++p) {
      const std::uint64_t act_ok = std::uint64_t{0} - (pc_ready[2 * p + 1] <= now ? 1u : 0u);
      const std::uint64_t pre_ok = std::uint64_t{0} - (pc_ready[2 * p] <= now ? 1u : 0u);
      ok |= c.pc_banks[p * words + w] & ((act_ok & closed) | (pre_ok & ~closed));
    }
    return ok & ~(c.group_blocked[w] & closed);  // an ACT also waits for its group's tRRD_L
  }

  // The earliest ready time of the row candidates that are not ready (after a decision that found
  // them waiting, with its row_pc_ready): those whose bank part has passed wait for their
  // pseudo-channel's bound; the others are found on the wheel in time order.
  template <std::size_t kWords>
  static std::int64_t row_earliest(Controller& c, std::int64_t now, int kind) {
    const std::size_t words = kWords != 0 ? kWords : static_cast<std::size_t>(c.mask_words);
    const std::int64_t* pc_ready = c.row_pc_ready.data();
    std::int64_t earliest = kNever;
    std::uint64_t* local_wait = c.wheel_pending.data();  // scratch, zero outside advance
    bool any_local_wait = false;
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t cand = c.row_cand[kind][w];
      const std::uint64_t local_ready = c.local_ready[w];
      const std::uint64_t pc_wait = cand & local_ready & ~pc_ok_mask<kWords>(c, pc_ready, w, now);
      const std::uint64_t bank_wait = cand & ~local_ready;
      local_wait[w] = bank_wait;
      any_local_wait = any_local_wait || bank_wait != 0;
      const std::uint64_t closed = c.closed_mask[w];
      // Closed banks of a blocked group wait for the group and their pseudo-channel; the others
      // for their pseudo-channel only.
      const std::uint64_t group_wait = pc_wait & closed & c.group_blocked[w];
      const std::uint64_t pc_only = pc_wait & ~group_wait;
      for (std::size_t p = 0; p < c.pc_state.size(); ++p) {
        const std::uint64_t mine = c.pc_banks[p * words + w];
        if ((pc_only & mine & closed) != 0) earliest = std::min(earliest, pc_ready[2 * p + 1]);
        if ((pc_only & mine & ~closed) != 0) earliest = std::min(earliest, pc_ready[2 * p]);
      }
      for (std::size_t i = 0, at = c.release_head; group_wait != 0 && i < c.release_count;
           ++i, at = at + 1 == c.group_releases.size() ? 0 : at + 1) {
        const auto g = static_cast<std::size_t>(c.group_releases[at].group);
        const std::uint64_t in_group = group_wait & c.group_banks[g * words + w];
        if (in_group == 0) continue;
        const auto& bank = c.banks[w * 64 + static_cast<std::size_t>(std::countr_zero(in_group))];
        earliest = std::min(
            earliest,
            std::max(c.groups[g].next_act, pc_ready[2 * static_cast<std::size_t>(bank.pc) + 1]));
      }
    }
    if (any_local_wait) {
      earliest = c.earliest_row_ready(local_wait, pc_ready, earliest);
    }
    std::fill(local_wait, local_wait + words, 0);
    return earliest;
  }

  // The oldest request of the buffer whose next command can issue at `now`. `earliest` takes a
  // lower bound of the ready times of the others (a busy bus bounds every command that needs it);
  // `other` the oldest ready command of the bus the returned one does not use.
  template <std::size_t kWords>
  static Candidate oldest_ready(Controller& c, std::int64_t now, bool write, int refreshing_bank,
                                bool need_earliest, bool& row_waiting, std::int64_t& earliest,
                                Candidate& other) {
    const int kind = write ? 1 : 0;
    Candidate best;  // row command
    // Row commands (ACT for a closed bank, PRE for a conflict): ready_time is the latest of the
    // row bus, the pseudo-channel's tRRD_S / tFAW (ACT) or tPPD (PRE) and row_local.
    const std::int64_t row_bus = c.row_bus_ready();
    const std::size_t words = kWords != 0 ? kWords : static_cast<std::size_t>(c.mask_words);
    const std::uint64_t* cand = c.row_cand[kind].data();
    std::uint64_t any_cand = 0;
    for (std::size_t w = 0; w < words; ++w) any_cand |= cand[w];
    // A busy row bus rules out every row command (and bounds them, when the bound is needed).
    if (any_cand != 0 && (row_bus <= now || need_earliest)) {
      // The pseudo-channels' tPPD (PRE, [2p]) and tRRD_S / tFAW (ACT, [2p + 1]) bound every row
      // command.
      std::int64_t* pc_ready = c.row_pc_ready.data();
      if (c.row_pc_epoch != c.row_epoch) update_pc_ready(c);
      const std::int64_t pc_bound = c.row_pc_bound;
      if (row_bus > now || pc_bound > now) {
        earliest = std::min(earliest, std::max(row_bus, pc_bound));
      } else {
        // Ready: a candidate whose bank part has passed (local_ready) and whose pseudo-channel
        // may take its command (ACT for a closed bank, PRE for an open one); the oldest of them
        // (smallest row_key) wins.
        std::uint64_t best_key = std::numeric_limits<std::uint64_t>::max();
        bool waiting = false;
        for (std::size_t w = 0; w < words; ++w) {
          std::uint64_t ready =
              cand[w] & c.local_ready[w] & pc_ok_mask<kWords>(c, pc_ready, w, now);
          waiting = waiting || ready != cand[w];
          if (refreshing_bank >= 0 && static_cast<std::size_t>(refreshing_bank) / 64 == w) {
            ready &= ~(std::uint64_t{1} << (refreshing_bank % 64));
          }
          const std::uint64_t* keys = c.row_key[kind].data() + w * 64;
          for (; ready != 0; ready &= ready - 1) {
            best_key = std::min(best_key, keys[std::countr_zero(ready)]);
          }
        }
        if (best_key != std::numeric_limits<std::uint64_t>::max()) {
          const auto b = static_cast<std::size_t>(best_key & bank_field(c));
          best = {c.row_head[kind][b], static_cast<int>(b),
                  (c.row_select[b] & 1) ? Cmd::act : Cmd::pre, best_key >> c.bank_bits};
        }
        row_waiting = waiting;
      }
    }
    // Column commands: the oldest row hit of each bank that has one.
    Candidate column;
    const std::int64_t col_bus = c.col_bus_ready();
    const auto& mask = c.hit_mask[kind];
    const int* hits = c.hit_head[kind].data();
    const bool closed_page = c.cfg.page_policy == PagePolicy::closed;
    const Cmd col_cmd =
        write ? (closed_page ? Cmd::wra : Cmd::wr) : (closed_page ? Cmd::rda : Cmd::rd);
    for (std::size_t w = 0; w < words; ++w) {
      if (mask[w] != 0 && col_bus > now) {
        earliest = std::min(earliest, col_bus);
        break;
      }
      for (std::uint64_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        const int b = static_cast<int>(w * 64) + std::countr_zero(bits);
        if (b == refreshing_bank) continue;
        const auto& bank = c.banks[static_cast<std::size_t>(b)];
        // The bank's own tRCD / tCCD / turnaround bounds its column command; with it and the bus
        // passed, ready_time is the latest of the bank group, stack ID and pseudo-channel terms.
        const std::int64_t own = write ? bank.next_wr : bank.next_rd;
        if (own > now) {
          earliest = std::min(earliest, own);
          continue;
        }
        const auto& group = c.groups[static_cast<std::size_t>(bank.group)];
        const auto& sid = c.sids[static_cast<std::size_t>(bank.sid)];
        const auto& pc = c.pc_state[static_cast<std::size_t>(bank.pc)];
        const std::int64_t ready = write ? std::max({group.next_wr, sid.next_wr, pc.next_wr})
                                         : std::max({group.next_rd, sid.next_rd, pc.next_rd});
        const int index = hits[static_cast<std::size_t>(b)];
        if (ready > now) {
          earliest = std::min(earliest, ready);
        } else if (c.slots[static_cast<std::size_t>(index)].seq < column.seq) {
          column = {index, b, col_cmd, c.slots[static_cast<std::size_t>(index)].seq};
        }
      }
    }
    if (column.seq < best.seq) std::swap(best, column);
    other = column;
    return best;
  }
};

}  // namespace

std::unique_ptr<Scheduler> make_frfcfs_scheduler() {
  return std::make_unique<FrFcfs>();
}

}  // namespace ridgeline::memsim
