package io.duratask.fs;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write of the provider as a {@link Prepared.Write}: the checks (against the state and the batch so
 * far), the file operations that make it durable, and the matching change to memory. The two must always
 * agree: reopening a store rebuilds memory from the files alone.
 */
final class Writes {
    private static final Logger log = LoggerFactory.getLogger(Writes.class);

    /** A message ready to store: the message and its framed file content. */
    record Outgoing(OrchestratorMessage message, byte[] file) {}

    /** The provider-private part of an {@link OrchestrationItem}: the sequence numbers of the fetched messages. */
    record FetchReceipt(long[] seqs) {}

    /** The provider-private part of a {@link WorkItemLease}: the work item's sequence number. */
    record LeaseReceipt(long seq) {}

    /** A message a write stores, and where. */
    private record Delivery(String instanceId, String dirName, long seq, OrchestratorMessage message) {}

    private final FileCodec codec;

    Writes(FileCodec codec) {
        this.codec = codec;
    }

    // ---- turn commit ---------------------------------------------------------------------------------------

    /**
     * The turn commit. {@code eventFrames} are the framed new events; {@code workFrames} the framed work
     * items, in the order of {@code commit.workItems()}.
     */
    Prepared.Write<Void> commit(OrchestrationItem item, FetchReceipt receipt, TurnCommit commit, byte[] eventFrames,
                                List<Outgoing> messages, List<byte[]> workFrames) {
        return (state, batch, now) -> {
            String id = item.instanceId();
            State.Inst inst = state.get(id);
            if (inst == null || batch.lockRevoked(id) || inst.committing || !item.lockToken().equals(inst.lockToken)
                    || !inst.lockedUntil.isAfter(now)) {
                throw new LockLostException("instance '" + id + "': the lock " + item.lockToken() + " expired or was"
                        + " taken by another worker; the turn was not committed");
            }
            if (inst.quarantine != null) {
                throw quarantined(inst);
            }
            List<FileOp> ops = new ArrayList<>();
            long events = inst.historyEvents;
            long bytes = inst.historyBytes;
            List<HistoryEvent> newEvents = commit.newEvents();
            if (!newEvents.isEmpty()) {
                if (commit.executionId() != inst.info.executionId()) {
                    throw new IllegalArgumentException("instance '" + id + "': the turn appends events to execution "
                            + commit.executionId() + " but the instance is at execution " + inst.info.executionId());
                }
                for (int i = 0; i < newEvents.size(); i++) {
                    if (newEvents.get(i).eventId() != events + 1 + i) {
                        throw new IllegalArgumentException("instance '" + id + "': new event " + (i + 1) + " of the turn ("
                                + newEvents.get(i).getClass().getSimpleName() + ") has event id "
                                + newEvents.get(i).eventId() + ", but it must be " + (events + 1 + i)
                                + " (the history held " + events + " events before the turn); nothing was committed");
                    }
                }
                ops.add(new FileOp.Append(Layout.history(inst.dirName, commit.executionId()), bytes, eventFrames));
                events += newEvents.size();
                bytes += eventFrames.length;
            }

            List<long[]> work = new ArrayList<>();
            for (int i = 0; i < workFrames.size(); i++) {
                long seq = state.nextWorkSeq++;
                ops.add(new FileOp.Put(Layout.work(inst.dirName, seq), workFrames.get(i)));
                work.add(new long[] {seq, i});
            }

            // instances first, so that a message sent along with a start message finds its instance
            List<InstanceInfo> created = new ArrayList<>();
            for (Outgoing o : messages) {
                OrchestratorMessage m = o.message();
                if (m.event() instanceof OrchestrationStarted s && !batch.exists(state, m.instanceId())) {
                    InstanceInfo info = pending(m.instanceId(), s, now);
                    ops.add(new FileOp.Put(Layout.meta(Layout.dirName(info.instanceId())),
                            codec.meta(FileCodec.Meta.of(info, 0, 0))));
                    created.add(info);
                    batch.created.add(info.instanceId());
                }
            }
            List<Delivery> deliveries = new ArrayList<>();
            for (Outgoing o : messages) {
                OrchestratorMessage m = o.message();
                String target = m.instanceId();
                if (m.isStart() || target.equals(id) || batch.exists(state, target)) {
                    String dirName = dirNameOf(state, target);
                    long seq = state.nextMessageSeq++;
                    ops.add(new FileOp.Put(Layout.message(dirName, seq), o.file()));
                    deliveries.add(new Delivery(target, dirName, seq, m));
                } else {
                    log.warn("dropped a {} message from instance '{}' to instance '{}', which does not exist",
                            m.event().getClass().getSimpleName(), id, target);
                }
            }
            for (long seq : receipt.seqs()) {
                ops.add(new FileOp.Delete(Layout.message(inst.dirName, seq)));
            }

            InstanceUpdate u = commit.update();
            InstanceInfo old = inst.info;
            InstanceInfo info = u == null ? old : new InstanceInfo(id, u.name(), u.version(), u.executionId(),
                    u.status(), u.input(), u.output(), u.failure(), u.customStatus(), old.parentInstanceId(),
                    old.createdAt(), now);
            if (info.executionId() != old.executionId()) {
                events = 0; // continued as new: the new execution's history starts empty
                bytes = 0;
            }
            ops.add(new FileOp.Put(Layout.meta(inst.dirName), codec.meta(FileCodec.Meta.of(info, events, bytes))));
            inst.committing = true;

            long historyEvents = events;
            long historyBytes = bytes;
            return new Prepared<>() {
                @Override
                public List<FileOp> ops() {
                    return ops;
                }

                @Override
                public Void publish(State st, Instant at) {
                    st.update(inst, info);
                    inst.historyEvents = historyEvents;
                    inst.historyBytes = historyBytes;
                    for (long seq : receipt.seqs()) {
                        inst.messages.remove(seq);
                    }
                    inst.lockToken = null;
                    inst.lockedUntil = null;
                    inst.committing = false;
                    for (long[] w : work) {
                        st.addWork(inst, w[0], commit.workItems().get((int) w[1]), at);
                    }
                    for (InstanceInfo c : created) {
                        if (st.get(c.instanceId()) == null) {
                            st.add(c.instanceId(), Layout.dirName(c.instanceId()), c);
                        }
                    }
                    deliver(st, deliveries, at);
                    st.markReadyIfVisible(inst, at);
                    return null;
                }
            };
        };
    }

    // ---- activity completion -------------------------------------------------------------------------------

    Prepared.Write<Void> complete(WorkItemLease lease, LeaseReceipt receipt, Outgoing completion) {
        return (state, batch, now) -> {
            State.Work w = state.work.get(receipt.seq());
            if (w == null || w.completing || !lease.lockToken().equals(w.lockToken)
                    || batch.purged.contains(w.item.instanceId())) {
                ActivityWorkItem item = lease.item();
                throw new LockLostException("work item '" + item.name() + "' of instance '" + item.instanceId()
                        + "' (scheduled as event " + item.scheduledId() + "): the lease " + lease.lockToken()
                        + " expired and another worker took the item, or it was completed already;"
                        + " the completion was not stored");
            }
            List<FileOp> ops = new ArrayList<>();
            ops.add(new FileOp.Delete(Layout.work(w.dirName, w.seq)));
            List<Delivery> deliveries = new ArrayList<>();
            OrchestratorMessage m = completion.message();
            if (batch.exists(state, m.instanceId())) {
                String dirName = dirNameOf(state, m.instanceId());
                long seq = state.nextMessageSeq++;
                ops.add(new FileOp.Put(Layout.message(dirName, seq), completion.file()));
                deliveries.add(new Delivery(m.instanceId(), dirName, seq, m));
            } else {
                log.warn("dropped a {} message from activity '{}' to instance '{}', which does not exist",
                        m.event().getClass().getSimpleName(), w.item.name(), m.instanceId());
            }
            w.completing = true;
            return new Prepared<>() {
                @Override
                public List<FileOp> ops() {
                    return ops;
                }

                @Override
                public Void publish(State st, Instant at) {
                    st.removeWork(w);
                    deliver(st, deliveries, at);
                    return null;
                }
            };
        };
    }

    // ---- client operations ---------------------------------------------------------------------------------

    Prepared.Write<Void> create(OrchestratorMessage start, byte[] file) {
        OrchestrationStarted s = (OrchestrationStarted) start.event();
        return (state, batch, now) -> {
            String id = start.instanceId();
            if (batch.exists(state, id)) {
                throw new InstanceExistsException(id);
            }
            InstanceInfo info = pending(id, s, now);
            String dirName = Layout.dirName(id);
            long seq = state.nextMessageSeq++;
            List<FileOp> ops = List.of(
                    new FileOp.Put(Layout.meta(dirName), codec.meta(FileCodec.Meta.of(info, 0, 0))),
                    new FileOp.Put(Layout.message(dirName, seq), file));
            batch.created.add(id);
            List<Delivery> deliveries = List.of(new Delivery(id, dirName, seq, start));
            return new Prepared<>() {
                @Override
                public List<FileOp> ops() {
                    return ops;
                }

                @Override
                public Void publish(State st, Instant at) {
                    st.add(id, dirName, info);
                    deliver(st, deliveries, at);
                    return null;
                }
            };
        };
    }

    Prepared.Write<Void> enqueue(OrchestratorMessage message, byte[] file) {
        return (state, batch, now) -> {
            String id = message.instanceId();
            if (!batch.exists(state, id)) {
                throw new InstanceNotFoundException(id);
            }
            String dirName = dirNameOf(state, id);
            long seq = state.nextMessageSeq++;
            List<FileOp> ops = List.of(new FileOp.Put(Layout.message(dirName, seq), file));
            List<Delivery> deliveries = List.of(new Delivery(id, dirName, seq, message));
            return new Prepared<>() {
                @Override
                public List<FileOp> ops() {
                    return ops;
                }

                @Override
                public Void publish(State st, Instant at) {
                    deliver(st, deliveries, at);
                    return null;
                }
            };
        };
    }

    Prepared.Write<Void> restart(OrchestratorMessage startMessage) {
        OrchestrationStarted s = (OrchestrationStarted) startMessage.event();
        return (state, batch, now) -> {
            String id = startMessage.instanceId();
            State.Inst inst = state.get(id);
            if (batch.created.contains(id)) {
                throw notFinished(id, RuntimeStatus.PENDING, "restarted");
            }
            if (inst == null || batch.purged.contains(id)) {
                throw new InstanceNotFoundException(id);
            }
            if (inst.quarantine != null) {
                throw new IllegalStateException("instance '" + id + "' cannot be restarted: it is quarantined ("
                        + inst.quarantine + "); repair the file and reopen the store, or purge the instance");
            }
            RuntimeStatus status = batch.restarted.contains(id) ? RuntimeStatus.PENDING : inst.info.status();
            if (!status.isTerminal()) {
                throw notFinished(id, status, "restarted");
            }
            long next = inst.info.executionId() + 1;
            InstanceInfo info = new InstanceInfo(id, s.name(), s.version(), next, RuntimeStatus.PENDING, s.input(),
                    null, null, null, inst.info.parentInstanceId(), inst.info.createdAt(), now);
            OrchestratorMessage message = new OrchestratorMessage(id, next, s, null);
            long seq = state.nextMessageSeq++;
            List<FileOp> ops = List.of(
                    new FileOp.Put(Layout.meta(inst.dirName), codec.meta(FileCodec.Meta.of(info, 0, 0))),
                    new FileOp.Put(Layout.message(inst.dirName, seq), codec.message(message)));
            batch.restarted.add(id);
            List<Delivery> deliveries = List.of(new Delivery(id, inst.dirName, seq, message));
            return new Prepared<>() {
                @Override
                public List<FileOp> ops() {
                    return ops;
                }

                @Override
                public Void publish(State st, Instant at) {
                    st.update(inst, info);
                    inst.historyEvents = 0;
                    inst.historyBytes = 0;
                    inst.lockToken = null; // a turn still running on the old execution can no longer commit
                    inst.lockedUntil = null;
                    deliver(st, deliveries, at);
                    return null;
                }
            };
        };
    }

    // ---- management ----------------------------------------------------------------------------------------

    Prepared.Write<Integer> purge(String id) {
        return (state, batch, now) -> {
            State.Inst inst = state.get(id);
            if (batch.created.contains(id)) {
                throw notFinished(id, RuntimeStatus.PENDING, "purged");
            }
            if (inst == null || batch.purged.contains(id)) {
                return Prepared.nothing(0);
            }
            RuntimeStatus status = batch.restarted.contains(id) ? RuntimeStatus.PENDING : inst.view().status();
            if (!status.isTerminal()) {
                throw new IllegalStateException("instance '" + id + "' is " + status + "; terminate it before purging");
            }
            return purgeTrees(state, batch, List.of(inst));
        };
    }

    Prepared.Write<Integer> purgeFinished(Instant finishedBefore, Set<RuntimeStatus> statuses) {
        return (state, batch, now) -> {
            List<State.Inst> victims = new ArrayList<>();
            for (State.Inst inst : state.instances.values()) {
                RuntimeStatus status = inst.info.status();
                if (inst.quarantine == null && !batch.purged.contains(inst.id) && !batch.restarted.contains(inst.id)
                        && status.isTerminal() && (statuses.isEmpty() || statuses.contains(status))
                        && inst.info.updatedAt().isBefore(finishedBefore)) {
                    victims.add(inst);
                }
            }
            return victims.isEmpty() ? Prepared.nothing(0) : purgeTrees(state, batch, victims);
        };
    }

    /** Deletes the roots and every descendant, whatever its state. */
    private static Prepared<Integer> purgeTrees(State state, Batch batch, List<State.Inst> roots) {
        LinkedHashSet<State.Inst> all = new LinkedHashSet<>();
        for (State.Inst root : roots) {
            if (!all.contains(root)) {
                for (State.Inst i : state.tree(root)) {
                    if (!batch.purged.contains(i.id)) {
                        all.add(i);
                    }
                }
            }
        }
        List<FileOp> ops = new ArrayList<>();
        for (State.Inst i : all) {
            ops.add(new FileOp.DeleteTree(Layout.instanceDir(i.dirName)));
            batch.purged.add(i.id);
        }
        return new Prepared<>() {
            @Override
            public List<FileOp> ops() {
                return ops;
            }

            @Override
            public Integer publish(State st, Instant at) {
                for (State.Inst i : all) {
                    if (st.get(i.id) == i) {
                        st.remove(i);
                    }
                }
                return all.size();
            }
        };
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static InstanceInfo pending(String id, OrchestrationStarted s, Instant now) {
        return new InstanceInfo(id, s.name(), s.version(), 1, RuntimeStatus.PENDING, s.input(), null, null, null,
                s.parent() == null ? null : s.parent().instanceId(), now, now);
    }

    private static String dirNameOf(State state, String id) {
        State.Inst inst = state.get(id);
        return inst != null ? inst.dirName : Layout.dirName(id);
    }

    private static void deliver(State state, List<Delivery> deliveries, Instant now) {
        for (Delivery d : deliveries) {
            State.Inst target = state.get(d.instanceId());
            if (target == null) {
                log.error("instance '{}' vanished while a message to it was committed; it is in {} and will be found"
                        + " when the store is reopened", d.instanceId(), Layout.message(d.dirName(), d.seq()));
                continue;
            }
            state.addMessage(target, d.seq(), d.message(), now);
        }
    }

    private static IllegalStateException notFinished(String id, RuntimeStatus status, String what) {
        return new IllegalStateException("instance '" + id + "' is " + status + "; only a finished instance can be "
                + what);
    }

    static CorruptFileException quarantined(State.Inst inst) {
        FsProblem p = inst.quarantine;
        return new CorruptFileException(p.file(), p.offset(), "instance '" + inst.id + "' is quarantined: "
                + p.message());
    }
}
