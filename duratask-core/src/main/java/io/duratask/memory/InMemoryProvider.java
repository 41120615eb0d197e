package io.duratask.memory;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Provider} in memory: the reference implementation of the SPI's semantics and the fastest
 * store for tests and benchmarks. Nothing survives the process. One lock guards all state; every
 * operation holds it briefly.
 */
public final class InMemoryProvider implements Provider {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Instance> instances = new HashMap<>();
    /** Instances that have at least one visible message, in the order they became ready. */
    private final LinkedHashSet<String> ready = new LinkedHashSet<>();
    private final PriorityQueue<Message> delayed = new PriorityQueue<>(Comparator.comparing((Message m) -> m.visibleAt)
            .thenComparingLong(m -> m.seq));
    private final ArrayDeque<WorkEntry> workQueue = new ArrayDeque<>();
    private final PriorityQueue<WorkEntry> delayedWork = new PriorityQueue<>(Comparator.comparing((WorkEntry w) -> w.visibleAt));
    /** Instance locks by expiry, so that an expired lock's messages are fetched again; stale entries are skipped. */
    private final PriorityQueue<LockExpiry> lockExpiries = new PriorityQueue<>(Comparator.comparing(LockExpiry::at));

    private record LockExpiry(Instant at, String instanceId, String token) {}
    private final Map<Long, WorkEntry> leasedWork = new HashMap<>();
    private long seq;
    private boolean closed;

    private static final class Instance {
        final String id;
        InstanceInfo info;
        final List<List<HistoryEvent>> executions = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        String lockToken;
        Instant lockedUntil;
        /** Set by an abandon with a delay: the instance is not fetched before then. */
        Instant heldUntil;

        Instance(String id) {
            this.id = id;
        }

        List<HistoryEvent> history(long executionId) {
            while (executions.size() < executionId) {
                executions.add(new ArrayList<>());
            }
            return executions.get((int) executionId - 1);
        }

        boolean locked(Instant now) {
            return lockToken != null && lockedUntil.isAfter(now);
        }

        /** Locked, or held back by an abandon: not fetchable now. */
        boolean unavailable(Instant now) {
            return locked(now) || (heldUntil != null && heldUntil.isAfter(now));
        }
    }

    private static final class Message {
        final long seq;
        final OrchestratorMessage message;
        Instant visibleAt;
        int dequeueCount;

        Message(long seq, OrchestratorMessage message, Instant visibleAt) {
            this.seq = seq;
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    private static final class WorkEntry {
        final long id;
        final ActivityWorkItem item;
        Instant visibleAt;
        String lockToken;
        Instant lockedUntil;
        int dequeueCount;

        WorkEntry(long id, ActivityWorkItem item, Instant visibleAt) {
            this.id = id;
            this.item = item;
            this.visibleAt = visibleAt;
        }
    }

    public InMemoryProvider() {
        this(Clock.systemUTC());
    }

    public InMemoryProvider(Clock clock) {
        this.clock = clock;
    }

    // ---- orchestrator queue -------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            promoteDueMessages(now);
            Iterator<String> it = ready.iterator();
            while (it.hasNext()) {
                Instance inst = instances.get(it.next());
                if (inst.unavailable(now)) {
                    continue;
                }
                it.remove();
                Optional<OrchestrationItem> item = lockVisible(inst, now, lockTimeout);
                if (item.isPresent()) {
                    return item;
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Locks {@code inst} (not locked) with its visible messages; empty if it has none. The lock is held. */
    private Optional<OrchestrationItem> lockVisible(Instance inst, Instant now, Duration lockTimeout) {
        List<OrchestratorMessage> visible = new ArrayList<>();
        List<Message> taken = new ArrayList<>();
        int maxDequeue = 0;
        for (Message m : inst.messages) {
            if (!m.visibleAt.isAfter(now)) {
                m.dequeueCount++;
                maxDequeue = Math.max(maxDequeue, m.dequeueCount);
                visible.add(m.message);
                taken.add(m);
            }
        }
        if (visible.isEmpty()) {
            return Optional.empty();
        }
        inst.lockToken = UUID.randomUUID().toString();
        inst.lockedUntil = now.plus(lockTimeout);
        lockExpiries.add(new LockExpiry(inst.lockedUntil, inst.id, inst.lockToken));
        long execution = inst.info == null ? 1 : inst.info.executionId();
        return Optional.of(new OrchestrationItem(inst.id, inst.info, execution, inst.history(execution).size(),
                visible, maxDequeue, inst.lockToken, taken));
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        commitOrchestrationItemAndLease(item, commit, 0, Duration.ofSeconds(1));
    }

    /** Leases the first {@code maxLeases} work items to the caller in the commit; reports visible messages left. */
    @Override
    @SuppressWarnings("unchecked")
    public CommitOutcome commitOrchestrationItemAndLease(OrchestrationItem item, TurnCommit commit, int maxLeases,
                                                         Duration lockTimeout) {
        if (maxLeases > 0 && (lockTimeout.isNegative() || lockTimeout.isZero())) {
            throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
        }
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            Instance inst = lockedInstance(item, now);
            return apply(inst, commit, maxLeases, lockTimeout, now, (List<Message>) item.receipt());
        } finally {
            lock.unlock();
        }
    }

    /** Stores a turn of {@code inst} (locked by the caller, or idle) and releases its lock. Under {@code lock}. */
    private CommitOutcome apply(Instance inst, TurnCommit commit, int maxLeases, Duration lockTimeout, Instant now,
                                List<Message> consumed) {
        inst.history(commit.executionId()).addAll(commit.newEvents());
        List<WorkItemLease> leases = new ArrayList<>(Math.min(maxLeases, commit.workItems().size()));
        for (ActivityWorkItem w : commit.workItems()) {
            WorkEntry entry = new WorkEntry(++seq, w, now);
            if (leases.size() < maxLeases) {
                leases.add(lease(entry, now, lockTimeout));
            } else {
                workQueue.add(entry);
            }
        }
        inst.messages.removeAll(consumed);
        InstanceUpdate u = commit.update();
        Instant created = inst.info == null ? now : inst.info.createdAt();
        String parent = inst.info == null ? null : inst.info.parentInstanceId();
        inst.info = new InstanceInfo(inst.id, u.name(), u.version(), u.executionId(), u.status(), u.input(), u.output(),
                u.failure(), u.customStatus(), parent, created, now);
        inst.history(u.executionId());
        unlock(inst);
        for (OrchestratorMessage m : commit.messages()) {
            addMessage(instanceFor(m, now), m, now);
        }
        return new CommitOutcome(leases, markReadyIfVisible(inst, now));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void abandonOrchestrationItem(OrchestrationItem item, Duration delay) {
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            Instance inst = lockedInstance(item, now);
            unlock(inst);
            Instant visibleAt = now.plus(delay);
            if (!delay.isZero()) {
                inst.heldUntil = visibleAt; // messages that arrived meanwhile must not overtake the abandoned ones
            }
            for (Message m : (List<Message>) item.receipt()) {
                if (delay.isZero()) {
                    continue;
                }
                m.visibleAt = visibleAt;
                delayed.add(m);
            }
            markReadyIfVisible(inst, now);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout) {
        lock.lock();
        try {
            Instance inst = instances.get(item.instanceId());
            Instant now = clock.instant();
            if (inst == null || !item.lockToken().equals(inst.lockToken) || !inst.lockedUntil.isAfter(now)) {
                return false;
            }
            inst.lockedUntil = now.plus(lockTimeout);
            lockExpiries.add(new LockExpiry(inst.lockedUntil, inst.id, inst.lockToken));
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        lock.lock();
        try {
            Instance inst = instances.get(instanceId);
            if (inst == null) {
                return List.of();
            }
            long execution = executionId == 0 ? (inst.info == null ? 1 : inst.info.executionId()) : executionId;
            if (execution < 1 || execution > inst.executions.size()) {
                return List.of();
            }
            return List.copyOf(inst.executions.get((int) execution - 1));
        } finally {
            lock.unlock();
        }
    }

    // ---- worker queue -------------------------------------------------------------------------------

    @Override
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            while (!delayedWork.isEmpty() && !delayedWork.peek().visibleAt.isAfter(now)) {
                workQueue.add(delayedWork.poll());
            }
            reclaimExpiredLeases(now);
            WorkEntry w = workQueue.poll();
            if (w == null) {
                return Optional.empty();
            }
            return Optional.of(lease(w, now, lockTimeout));
        } finally {
            lock.unlock();
        }
    }

    /** Leases {@code w} (taken off the queues) to the caller. The lock is held. */
    private WorkItemLease lease(WorkEntry w, Instant now, Duration lockTimeout) {
        w.dequeueCount++;
        w.lockToken = UUID.randomUUID().toString();
        w.lockedUntil = now.plus(lockTimeout);
        leasedWork.put(w.id, w);
        return new WorkItemLease(w.item, w.lockToken, w.dequeueCount, w.id);
    }

    private void reclaimExpiredLeases(Instant now) {
        if (leasedWork.isEmpty()) {
            return;
        }
        Iterator<WorkEntry> it = leasedWork.values().iterator();
        while (it.hasNext()) {
            WorkEntry w = it.next();
            if (!w.lockedUntil.isAfter(now)) {
                it.remove();
                w.lockToken = null;
                workQueue.add(w);
            }
        }
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        complete(lease, completion, null);
    }

    @Override
    public Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                               Duration lockTimeout) {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
        }
        return complete(lease, completion, lockTimeout);
    }

    /** Completes; with a {@code lockTimeout}, also locks the completion's instance if nobody holds it. */
    private Optional<OrchestrationItem> complete(WorkItemLease lease, OrchestratorMessage completion, Duration lockTimeout) {
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            leasedWork.remove(heldEntry(lease, now).id);
            Instance inst = instances.get(completion.instanceId());
            if (inst == null) {
                return Optional.empty();
            }
            addMessage(inst, completion, now);
            if (lockTimeout == null || inst.unavailable(now)) {
                return Optional.empty();
            }
            Optional<OrchestrationItem> item = lockVisible(inst, now, lockTimeout);
            if (item.isPresent()) {
                ready.remove(inst.id);
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return true;
    }

    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        if (maxLeases < 0) {
            throw new IllegalArgumentException("maxLeases must not be negative, was " + maxLeases);
        }
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
        }
        lock.lock();
        try {
            checkOpen();
            Instant now = clock.instant();
            leasedWork.remove(heldEntry(lease, now).id);
            Instance inst = instances.get(completion.instanceId());
            boolean idle = inst != null && inst.info != null && !inst.unavailable(now)
                    && inst.info.executionId() == commit.executionId()
                    && inst.history(commit.executionId()).size() == historySize && !hasVisibleMessage(inst, now);
            if (!idle) {
                if (inst != null) {
                    addMessage(inst, completion, now);
                }
                return Optional.empty();
            }
            return Optional.of(apply(inst, commit, maxLeases, lockTimeout, now, List.of()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void abandonWorkItem(WorkItemLease lease, Duration delay) {
        lock.lock();
        try {
            checkOpen();
            WorkEntry w = leasedWork.get((Long) lease.receipt());
            if (w == null || !lease.lockToken().equals(w.lockToken)) {
                return; // completed, or taken over by another worker: the stale lease changes nothing
            }
            leasedWork.remove(w.id);
            w.lockToken = null;
            w.visibleAt = clock.instant().plus(delay);
            delayedWork.add(w);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout) {
        lock.lock();
        try {
            WorkEntry w = leasedWork.get((Long) lease.receipt());
            Instant now = clock.instant();
            if (w == null || !lease.lockToken().equals(w.lockToken) || !w.lockedUntil.isAfter(now)) {
                return false;
            }
            w.lockedUntil = now.plus(lockTimeout);
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- client -------------------------------------------------------------------------------------

    @Override
    public void createInstance(OrchestratorMessage startMessage) {
        create(startMessage, null);
    }

    @Override
    public Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
        }
        return create(startMessage, lockTimeout);
    }

    /** Creates the instance; with a {@code lockTimeout}, also locks it for the caller. */
    private Optional<OrchestrationItem> create(OrchestratorMessage startMessage, Duration lockTimeout) {
        if (!(startMessage.event() instanceof OrchestrationStarted s)) {
            throw new IllegalArgumentException("createInstance needs an OrchestrationStarted message");
        }
        lock.lock();
        try {
            checkOpen();
            if (instances.containsKey(startMessage.instanceId())) {
                throw new InstanceExistsException(startMessage.instanceId());
            }
            Instant now = clock.instant();
            Instance inst = new Instance(startMessage.instanceId());
            inst.info = pendingInfo(inst.id, s, now);
            instances.put(inst.id, inst);
            addMessage(inst, startMessage, now);
            if (lockTimeout == null) {
                return Optional.empty();
            }
            Optional<OrchestrationItem> item = lockVisible(inst, now, lockTimeout);
            if (item.isPresent()) {
                ready.remove(inst.id);
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void enqueue(OrchestratorMessage message) {
        lock.lock();
        try {
            checkOpen();
            Instance inst = instances.get(message.instanceId());
            if (inst == null) {
                throw new InstanceNotFoundException(message.instanceId());
            }
            addMessage(inst, message, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void restartInstance(OrchestratorMessage startMessage) {
        if (!(startMessage.event() instanceof OrchestrationStarted s)) {
            throw new IllegalArgumentException("restartInstance needs an OrchestrationStarted message");
        }
        lock.lock();
        try {
            checkOpen();
            Instance inst = instances.get(startMessage.instanceId());
            if (inst == null || inst.info == null) {
                throw new InstanceNotFoundException(startMessage.instanceId());
            }
            if (!inst.info.status().isTerminal()) {
                throw new IllegalStateException("instance '" + inst.id + "' is " + inst.info.status()
                        + "; only a finished instance can be restarted");
            }
            Instant now = clock.instant();
            long next = inst.info.executionId() + 1;
            inst.info = new InstanceInfo(inst.id, s.name(), s.version(), next, RuntimeStatus.PENDING, s.input(), null, null,
                    null, inst.info.parentInstanceId(), inst.info.createdAt(), now);
            inst.history(next);
            addMessage(inst, new OrchestratorMessage(inst.id, next, s, null), now);
        } finally {
            lock.unlock();
        }
    }

    // ---- management ---------------------------------------------------------------------------------

    @Override
    public int purgeInstance(String instanceId) {
        lock.lock();
        try {
            checkOpen();
            Instance inst = instances.get(instanceId);
            if (inst == null) {
                return 0;
            }
            if (inst.info != null && !inst.info.status().isTerminal()) {
                throw new IllegalStateException("instance '" + instanceId + "' is " + inst.info.status()
                        + "; terminate it before purging");
            }
            return purgeTree(inst);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int purgeInstances(Instant finishedBefore, java.util.Set<RuntimeStatus> statuses) {
        lock.lock();
        try {
            checkOpen();
            List<Instance> victims = new ArrayList<>();
            for (Instance inst : instances.values()) {
                if (inst.info != null && inst.info.status().isTerminal()
                        && (statuses.isEmpty() || statuses.contains(inst.info.status()))
                        && inst.info.updatedAt().isBefore(finishedBefore)) {
                    victims.add(inst);
                }
            }
            int n = 0;
            for (Instance inst : victims) {
                if (instances.containsKey(inst.id)) {
                    n += purgeTree(inst);
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Removes an instance and its descendants; the lock is held. */
    private int purgeTree(Instance root) {
        int n = 0;
        ArrayDeque<Instance> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Instance inst = todo.poll();
            for (Instance other : instances.values()) {
                if (other.info != null && inst.id.equals(other.info.parentInstanceId())) {
                    todo.add(other);
                }
            }
            instances.remove(inst.id);
            ready.remove(inst.id);
            delayed.removeIf(m -> m.message.instanceId().equals(inst.id));
            workQueue.removeIf(w -> w.item.instanceId().equals(inst.id));
            delayedWork.removeIf(w -> w.item.instanceId().equals(inst.id));
            leasedWork.values().removeIf(w -> w.item.instanceId().equals(inst.id));
            n++;
        }
        return n;
    }

    @Override
    public Optional<InstanceInfo> getInstance(String instanceId) {
        lock.lock();
        try {
            Instance inst = instances.get(instanceId);
            return inst == null ? Optional.empty() : Optional.ofNullable(inst.info);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        List<InstanceInfo> all = new ArrayList<>();
        lock.lock();
        try {
            for (Instance inst : instances.values()) {
                if (inst.info != null && query.matches(inst.info)) {
                    all.add(inst.info);
                }
            }
        } finally {
            lock.unlock();
        }
        all.sort(Comparator.comparing(InstanceInfo::createdAt).thenComparing(InstanceInfo::instanceId));
        int from = 0;
        if (query.continuationToken() != null) {
            String after = query.continuationToken();
            while (from < all.size() && keyOf(all.get(from)).compareTo(after) <= 0) {
                from++;
            }
        }
        int to = Math.min(all.size(), from + query.pageSize());
        List<InstanceInfo> page = List.copyOf(all.subList(from, to));
        return new InstancePage(page, to < all.size() ? keyOf(page.get(page.size() - 1)) : null);
    }

    private static String keyOf(InstanceInfo i) {
        return String.format("%020d|%s", i.createdAt().toEpochMilli() * 1_000_000L + i.createdAt().getNano() % 1_000_000,
                i.instanceId());
    }

    @Override
    public QueueDepths queueDepths() {
        lock.lock();
        try {
            Instant now = clock.instant();
            long visible = 0;
            long later = 0;
            for (Instance inst : instances.values()) {
                for (Message m : inst.messages) {
                    if (m.visibleAt.isAfter(now)) {
                        later++;
                    } else {
                        visible++;
                    }
                }
            }
            return new QueueDepths(visible, later, workQueue.size() + delayedWork.size() + leasedWork.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * When the next delayed message (a timer, an abandoned message) or delayed work item becomes visible,
     * if any. Lets a time-skipping test runtime jump its clock straight there.
     */
    public Optional<Instant> nextDelayedVisibleAt() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Instant next = null;
            for (Message m : delayed) {
                if (m.visibleAt.isAfter(now) && (next == null || m.visibleAt.isBefore(next))) {
                    next = m.visibleAt;
                }
            }
            WorkEntry w = delayedWork.peek();
            if (w != null && w.visibleAt.isAfter(now) && (next == null || w.visibleAt.isBefore(next))) {
                next = w.visibleAt;
            }
            return Optional.ofNullable(next);
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing is visible, locked or leased: every instance waits for time or for the outside. */
    public boolean isQuiescent() {
        lock.lock();
        try {
            Instant now = clock.instant();
            promoteDueMessages(now);
            if (!workQueue.isEmpty() || !leasedWork.isEmpty()) {
                return false;
            }
            for (String id : ready) {
                Instance inst = instances.get(id);
                if (inst.unavailable(now)) {
                    continue; // held back by an abandon: it waits for time, like a timer
                }
                for (Message m : inst.messages) {
                    if (!m.visibleAt.isAfter(now)) {
                        return false;
                    }
                }
            }
            for (Instance inst : instances.values()) {
                if (inst.locked(now)) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    // ---- internals ----------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new ProviderException("in-memory provider is closed", false);
        }
    }

    private Instance lockedInstance(OrchestrationItem item, Instant now) {
        Instance inst = instances.get(item.instanceId());
        if (inst == null || !item.lockToken().equals(inst.lockToken) || !inst.lockedUntil.isAfter(now)) {
            throw new LockLostException("instance " + item.instanceId());
        }
        return inst;
    }

    private Instance instanceFor(OrchestratorMessage m, Instant now) {
        Instance inst = instances.get(m.instanceId());
        if (inst == null) {
            inst = new Instance(m.instanceId());
            if (m.event() instanceof OrchestrationStarted s) {
                inst.info = pendingInfo(inst.id, s, now);
            }
            instances.put(inst.id, inst);
        }
        return inst;
    }

    private static InstanceInfo pendingInfo(String id, OrchestrationStarted s, Instant now) {
        return new InstanceInfo(id, s.name(), s.version(), 1, RuntimeStatus.PENDING, s.input(), null, null, null,
                s.parent() == null ? null : s.parent().instanceId(), now, now);
    }

    private void addMessage(Instance inst, OrchestratorMessage m, Instant now) {
        Instant visibleAt = m.visibleAt() == null ? now : m.visibleAt();
        Message msg = new Message(++seq, m, visibleAt);
        inst.messages.add(msg);
        if (visibleAt.isAfter(now)) {
            delayed.add(msg);
        } else {
            ready.add(inst.id); // a locked instance stays listed and is skipped until its lock ends
        }
    }

    private void unlock(Instance inst) {
        inst.lockToken = null;
        inst.lockedUntil = null;
        dropReleasedLockExpiries();
    }

    /** Drops the oldest lock expiries of locks released since, so the queue stays about as long as the locks held. */
    private void dropReleasedLockExpiries() {
        while (!lockExpiries.isEmpty()) {
            LockExpiry e = lockExpiries.peek();
            Instance inst = instances.get(e.instanceId());
            if (inst != null && e.token().equals(inst.lockToken)) {
                return;
            }
            lockExpiries.poll();
        }
    }

    private void promoteDueMessages(Instant now) {
        while (!delayed.isEmpty() && !delayed.peek().visibleAt.isAfter(now)) {
            Message m = delayed.poll();
            ready.add(m.message.instanceId());
        }
        // a lock that expired without a commit or abandon (its holder died): its messages are fetchable again
        while (!lockExpiries.isEmpty() && !lockExpiries.peek().at().isAfter(now)) {
            LockExpiry e = lockExpiries.poll();
            Instance inst = instances.get(e.instanceId());
            if (inst != null && e.token().equals(inst.lockToken) && !inst.locked(now)) {
                ready.add(inst.id);
            }
        }
    }

    /** Lists {@code inst} as ready if it has a visible message; true if it has. */
    /** The work item {@code lease} still holds. Under {@code lock}. */
    private WorkEntry heldEntry(WorkItemLease lease, Instant now) {
        WorkEntry w = leasedWork.get((Long) lease.receipt());
        if (w == null || !lease.lockToken().equals(w.lockToken) || !w.lockedUntil.isAfter(now)) {
            throw new LockLostException("work item " + lease.item().name() + " of " + lease.item().instanceId());
        }
        return w;
    }

    private static boolean hasVisibleMessage(Instance inst, Instant now) {
        for (Message m : inst.messages) {
            if (!m.visibleAt.isAfter(now)) {
                return true;
            }
        }
        return false;
    }

    private boolean markReadyIfVisible(Instance inst, Instant now) {
        for (Message m : inst.messages) {
            if (!m.visibleAt.isAfter(now)) {
                ready.add(inst.id);
                return true;
            }
        }
        return false;
    }
}
