package io.duratask.fs;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestratorMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider's memory: what is committed (published after its journal record was synced and applied),
 * plus the locks and leases, which live only here. Guarded by the provider's state lock; nothing in here
 * locks or does I/O.
 *
 * <p>Queues work like the other providers': a fetched message stays invisible until the lock expires
 * ({@code visibleAt = lockedUntil}), an abandon makes it visible after its delay, a commit deletes it. The
 * {@link #ready} set lists instances that may have a visible message; {@link #due} brings an instance back
 * when a delayed message (a timer, an abandoned or fetched message) becomes visible. Stale entries in
 * either are harmless: a fetch checks the real state.
 */
final class State {

    /** One instance. {@code info} is as committed; {@link #view()} shows a quarantined instance as FAILED. */
    static final class Inst {
        final String id;
        final String dirName;
        InstanceInfo info;
        long historyEvents;
        long historyBytes;
        final TreeMap<Long, Msg> messages = new TreeMap<>();
        final Set<Long> work = new HashSet<>();
        String lockToken;
        Instant lockedUntil;
        /** A commit for this instance is between its prepare and its publish: no fetch, no other lock change. */
        boolean committing;
        FsProblem quarantine;

        Inst(String id, String dirName, InstanceInfo info) {
            this.id = id;
            this.dirName = dirName;
            this.info = info;
        }

        boolean locked(Instant now) {
            return lockToken != null && lockedUntil.isAfter(now);
        }

        InstanceInfo view() {
            if (quarantine == null) {
                return info;
            }
            FailureDetails failure = FailureDetails.of(CorruptFileException.class.getName(),
                    "quarantined: " + quarantine);
            return new InstanceInfo(info.instanceId(), info.name(), info.version(), info.executionId(),
                    RuntimeStatus.FAILED, info.input(), info.output(), failure, info.customStatus(),
                    info.parentInstanceId(), info.createdAt(), info.updatedAt());
        }
    }

    static final class Msg {
        final long seq;
        final OrchestratorMessage message;
        Instant visibleAt;
        int dequeueCount;

        Msg(long seq, OrchestratorMessage message, Instant visibleAt) {
            this.seq = seq;
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    static final class Work {
        final long seq;
        final String dirName;
        final ActivityWorkItem item;
        Instant visibleAt;
        String lockToken;
        int dequeueCount;
        boolean completing;
        boolean inReady;

        Work(long seq, String dirName, ActivityWorkItem item, Instant visibleAt) {
            this.seq = seq;
            this.dirName = dirName;
            this.item = item;
            this.visibleAt = visibleAt;
        }
    }

    /** A point in time at which something may become visible. */
    record Due(Instant at, long order, String instanceId, long workSeq) {}

    /** The listing order: creation time, then id. */
    record ListKey(Instant createdAt, String id) implements Comparable<ListKey> {
        private static final Comparator<ListKey> ORDER =
                Comparator.comparing(ListKey::createdAt).thenComparing(ListKey::id);

        @Override
        public int compareTo(ListKey o) {
            return ORDER.compare(this, o);
        }
    }

    private static final Comparator<Due> DUE_ORDER = Comparator.comparing(Due::at).thenComparingLong(Due::order);

    final Map<String, Inst> instances = new HashMap<>();
    final TreeMap<ListKey, Inst> byCreation = new TreeMap<>();
    final Map<String, Set<String>> children = new HashMap<>();
    final LinkedHashSet<String> ready = new LinkedHashSet<>();
    final PriorityQueue<Due> due = new PriorityQueue<>(DUE_ORDER);
    final Map<Long, Work> work = new HashMap<>();
    final ArrayDeque<Work> workReady = new ArrayDeque<>();
    final PriorityQueue<Due> workDue = new PriorityQueue<>(DUE_ORDER);
    final List<FsProblem> problems = new ArrayList<>();
    long nextMessageSeq = 1;
    long nextWorkSeq = 1;
    private long order;

    // ---- instances -----------------------------------------------------------------------------------------

    Inst get(String id) {
        return instances.get(id);
    }

    Inst add(String id, String dirName, InstanceInfo info) {
        Inst inst = new Inst(id, dirName, info);
        instances.put(id, inst);
        byCreation.put(new ListKey(info.createdAt(), id), inst);
        if (info.parentInstanceId() != null) {
            children.computeIfAbsent(info.parentInstanceId(), k -> new LinkedHashSet<>()).add(id);
        }
        return inst;
    }

    /** Replaces the committed metadata (creation time and parent never change). */
    void update(Inst inst, InstanceInfo info) {
        inst.info = info;
    }

    /** Forgets an instance with its messages and work items. */
    void remove(Inst inst) {
        instances.remove(inst.id);
        byCreation.remove(new ListKey(inst.info.createdAt(), inst.id));
        String parent = inst.info.parentInstanceId();
        if (parent != null) {
            Set<String> siblings = children.get(parent);
            if (siblings != null && siblings.remove(inst.id) && siblings.isEmpty()) {
                children.remove(parent);
            }
        }
        ready.remove(inst.id);
        for (long seq : inst.work) {
            work.remove(seq);
        }
    }

    /** The instance and all its descendants, breadth first. */
    List<Inst> tree(Inst root) {
        List<Inst> out = new ArrayList<>();
        ArrayDeque<Inst> todo = new ArrayDeque<>(List.of(root));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Inst inst = todo.poll();
            if (!seen.add(inst.id)) {
                continue;
            }
            out.add(inst);
            for (String child : children.getOrDefault(inst.id, Set.of())) {
                Inst c = instances.get(child);
                if (c != null) {
                    todo.add(c);
                }
            }
        }
        return out;
    }

    void quarantine(Inst inst, FsProblem problem) {
        if (inst.quarantine == null) {
            inst.quarantine = problem;
            problems.add(problem);
        }
    }

    // ---- orchestrator queue --------------------------------------------------------------------------------

    void addMessage(Inst inst, long seq, OrchestratorMessage m, Instant now) {
        Instant visibleAt = m.visibleAt() == null || m.visibleAt().isBefore(now) ? now : m.visibleAt();
        inst.messages.put(seq, new Msg(seq, m, visibleAt));
        if (visibleAt.isAfter(now)) {
            due.add(new Due(visibleAt, ++order, inst.id, 0));
        } else {
            ready.add(inst.id);
        }
    }

    void markReadyIfVisible(Inst inst, Instant now) {
        for (Msg m : inst.messages.values()) {
            if (!m.visibleAt.isAfter(now)) {
                ready.add(inst.id);
                return;
            }
        }
    }

    /** Hides or shows {@code m} until {@code at}; a later time brings its instance back then. */
    void setVisibleAt(Inst inst, Msg m, Instant at, Instant now) {
        m.visibleAt = at;
        if (at.isAfter(now)) {
            due.add(new Due(at, ++order, inst.id, 0));
        } else {
            ready.add(inst.id);
        }
    }

    void promoteDue(Instant now) {
        while (!due.isEmpty() && !due.peek().at().isAfter(now)) {
            ready.add(due.poll().instanceId());
        }
    }

    // ---- worker queue --------------------------------------------------------------------------------------

    void addWork(Inst inst, long seq, ActivityWorkItem item, Instant now) {
        Work w = new Work(seq, inst.dirName, item, now);
        work.put(seq, w);
        inst.work.add(seq);
        w.inReady = true;
        workReady.add(w);
    }

    void setWorkVisibleAt(Work w, Instant at, Instant now) {
        w.visibleAt = at;
        if (at.isAfter(now)) {
            workDue.add(new Due(at, ++order, null, w.seq));
        } else if (!w.inReady) {
            w.inReady = true;
            workReady.add(w);
        }
    }

    void removeWork(Work w) {
        work.remove(w.seq);
        Inst inst = instances.get(w.item.instanceId());
        if (inst != null) {
            inst.work.remove(w.seq);
        }
    }

    /** The next visible, unleased work item, or null. */
    Work nextWork(Instant now) {
        while (!workDue.isEmpty() && !workDue.peek().at().isAfter(now)) {
            Work w = work.get(workDue.poll().workSeq());
            if (w != null && !w.inReady && !w.visibleAt.isAfter(now)) {
                w.inReady = true;
                workReady.add(w);
            }
        }
        Work w;
        while ((w = workReady.poll()) != null) {
            w.inReady = false;
            if (work.get(w.seq) == w && !w.completing && !w.visibleAt.isAfter(now)) {
                return w;
            }
        }
        return null;
    }
}
