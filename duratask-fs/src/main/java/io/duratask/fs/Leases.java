package io.duratask.fs;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The peek-lock half of the provider: fetches, abandons and renewals of orchestration locks and work-item
 * leases. They live only in memory (nothing is written), so each is one short step on the {@link State},
 * called with the provider's state lock held.
 */
final class Leases {
    private Leases() {}

    /**
     * Locks the first ready instance with visible messages and hides those messages until the lock ends
     * (a commit deletes them, an abandon or the lock's expiry shows them again).
     */
    static Optional<OrchestrationItem> fetch(State state, Duration lockTimeout, Instant now) {
        state.promoteDue(now);
        var it = state.ready.iterator();
        while (it.hasNext()) {
            State.Inst inst = state.get(it.next());
            it.remove(); // back on release (commit, abandon), on new messages, or at lock expiry (due)
            if (inst == null || inst.quarantine != null || inst.committing || inst.locked(now)) {
                continue;
            }
            List<State.Msg> visible = new ArrayList<>();
            for (State.Msg m : inst.messages.values()) {
                if (!m.visibleAt.isAfter(now)) {
                    visible.add(m);
                }
            }
            if (visible.isEmpty()) {
                continue;
            }
            String token = UUID.randomUUID().toString();
            Instant until = now.plus(lockTimeout);
            inst.lockToken = token;
            inst.lockedUntil = until;
            List<OrchestratorMessage> messages = new ArrayList<>(visible.size());
            long[] seqs = new long[visible.size()];
            int maxDequeueCount = 0;
            for (int i = 0; i < visible.size(); i++) {
                State.Msg m = visible.get(i);
                m.dequeueCount++;
                maxDequeueCount = Math.max(maxDequeueCount, m.dequeueCount);
                m.visibleAt = until; // hidden until the lock ends
                messages.add(m.message);
                seqs[i] = m.seq;
            }
            state.due.add(new State.Due(until, 0, inst.id, 0));
            return Optional.of(new OrchestrationItem(inst.id, inst.info, inst.info.executionId(), inst.historyEvents,
                    Collections.unmodifiableList(messages), maxDequeueCount, token, new Writes.FetchReceipt(seqs)));
        }
        return Optional.empty();
    }

    /** Releases the lock if {@code item} still holds it (expired or not); its messages show after {@code delay}. */
    static void abandon(State state, OrchestrationItem item, Writes.FetchReceipt receipt, Duration delay,
                        Instant now) {
        State.Inst inst = state.get(item.instanceId());
        if (inst == null || inst.committing || !item.lockToken().equals(inst.lockToken)) {
            return; // the lock went to someone else, and the messages with it
        }
        inst.lockToken = null;
        inst.lockedUntil = null;
        for (long seq : receipt.seqs()) {
            State.Msg m = inst.messages.get(seq);
            if (m != null) {
                state.setVisibleAt(inst, m, now.plus(delay), now);
            }
        }
        state.markReadyIfVisible(inst, now);
    }

    /** Extends a lock that has not expired, and the time its messages stay hidden. */
    static boolean renew(State state, OrchestrationItem item, Writes.FetchReceipt receipt, Duration lockTimeout,
                         Instant now) {
        State.Inst inst = state.get(item.instanceId());
        if (inst == null || !item.lockToken().equals(inst.lockToken) || !inst.lockedUntil.isAfter(now)) {
            return false;
        }
        if (inst.committing) {
            return true;
        }
        Instant until = now.plus(lockTimeout);
        inst.lockedUntil = until;
        for (long seq : receipt.seqs()) {
            State.Msg m = inst.messages.get(seq);
            if (m != null) {
                state.setVisibleAt(inst, m, until, now);
            }
        }
        return true;
    }

    /** Leases the next visible work item; it stays invisible until the lease expires. */
    static Optional<WorkItemLease> fetchWork(State state, Duration lockTimeout, Instant now) {
        State.Work w = state.nextWork(now);
        if (w == null) {
            return Optional.empty();
        }
        w.dequeueCount++;
        w.lockToken = UUID.randomUUID().toString();
        state.setWorkVisibleAt(w, now.plus(lockTimeout), now);
        return Optional.of(new WorkItemLease(w.item, w.lockToken, w.dequeueCount, new Writes.LeaseReceipt(w.seq)));
    }

    static void abandonWork(State state, WorkItemLease lease, Writes.LeaseReceipt receipt, Duration delay,
                            Instant now) {
        State.Work w = state.work.get(receipt.seq());
        if (w == null || w.completing || !lease.lockToken().equals(w.lockToken)) {
            return;
        }
        w.lockToken = null;
        state.setWorkVisibleAt(w, now.plus(delay), now);
    }

    /** Extends a lease that nobody took since, even if it expired (as the SQLite provider does). */
    static boolean renewWork(State state, WorkItemLease lease, Writes.LeaseReceipt receipt, Duration lockTimeout,
                             Instant now) {
        State.Work w = state.work.get(receipt.seq());
        if (w == null || !lease.lockToken().equals(w.lockToken)) {
            return false;
        }
        if (!w.completing) {
            state.setWorkVisibleAt(w, now.plus(lockTimeout), now);
        }
        return true;
    }
}
