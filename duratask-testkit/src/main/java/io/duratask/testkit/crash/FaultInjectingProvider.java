package io.duratask.testkit.crash;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Provider} that forwards everything to {@code delegate} and stops at one {@link CrashPoint}: the
 * crash worker's way to place a kill exactly, with no hook in production code. With no crash point it only
 * forwards.
 *
 * <p>While a turn is stopped at {@code after-fetch} or {@code before-commit}, its instance's lock is renewed, so
 * the instance stays exactly as the stopped turn found it until the kill, however long that takes.
 *
 * <p>Counting: {@code after-fetch} counts fetched items of instances that already have history (a turn in
 * the middle of an orchestration, whose restart needs a replay); {@code before-commit} and {@code after-commit}
 * count commits that append events; {@code before-complete} counts activity completions.
 */
public final class FaultInjectingProvider implements Provider {
    /** How long the {@code group-commits} gate waits for more commits before letting in those it has. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    private final Provider delegate;
    private final CrashPoint point;
    private final AtomicInteger count = new AtomicInteger();
    private final ReentrantLock gateLock = new ReentrantLock();
    private final Condition gateOpened = gateLock.newCondition();
    /** The lock timeout the runtime fetches with, to renew a lock held by a stopped turn. */
    private volatile Duration lockTimeout;
    private int gathered; // guarded by gateLock
    private long gateGeneration; // guarded by gateLock

    /** Wraps {@code delegate}; {@code point} null means no crash point. */
    public FaultInjectingProvider(Provider delegate, CrashPoint point) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.point = point;
    }

    private boolean reached(CrashPoint.Kind kind) {
        return point != null && point.kind() == kind && count.incrementAndGet() == point.n();
    }

    private boolean at(CrashPoint.Kind kind) {
        return point != null && point.kind() == kind;
    }

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
        Optional<OrchestrationItem> fetched = delegate.fetchOrchestrationItem(lockTimeout);
        if (fetched.isPresent() && fetched.get().historySize() > 0 && reached(CrashPoint.Kind.AFTER_FETCH)) {
            OrchestrationItem item = fetched.get();
            CrashPoint.announceAndHang("after-fetch", "instance=" + item.instanceId() + " historySize="
                    + item.historySize() + " messages=" + item.messages().size(), keepLocked(item));
        }
        return fetched;
    }

    /** Renews {@code item}'s lock now and then while a crash point blocks its turn, as a live worker would. */
    private Runnable keepLocked(OrchestrationItem item) {
        long[] last = {System.nanoTime()};
        return () -> {
            Duration timeout = lockTimeout;
            if (timeout != null && System.nanoTime() - last[0] > timeout.toNanos() / 4) {
                last[0] = System.nanoTime();
                delegate.renewOrchestrationLock(item, timeout);
            }
        };
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        String details = "instance=" + item.instanceId() + " historySize=" + item.historySize()
                + " newEvents=" + commit.newEvents().size();
        boolean appends = !commit.newEvents().isEmpty();
        if (appends && reached(CrashPoint.Kind.BEFORE_COMMIT)) {
            CrashPoint.announceAndHang("before-commit", details, keepLocked(item));
        }
        if (appends && at(CrashPoint.Kind.GROUP_COMMITS)) {
            System.out.println("PENDING-COMMIT " + details);
            gather();
            delegate.commitOrchestrationItem(item, commit);
            System.out.println("COMMITTED " + details);
            return;
        }
        delegate.commitOrchestrationItem(item, commit);
        if (appends && reached(CrashPoint.Kind.AFTER_COMMIT)) {
            CrashPoint.announceAndHang("after-commit", details);
        }
    }

    /** Waits until {@code n} commits are gathered (or a short time passed), then lets them all go. */
    private void gather() {
        gateLock.lock();
        try {
            long generation = gateGeneration;
            if (++gathered >= point.n()) {
                open();
                return;
            }
            long left = GATHER_NANOS;
            while (gateGeneration == generation && left > 0) {
                left = gateOpened.awaitNanos(left);
            }
            if (gateGeneration == generation) {
                open();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            gateLock.unlock();
        }
    }

    private void open() {
        gathered = 0;
        gateGeneration++;
        gateOpened.signalAll();
    }

    // ---- eager dispatch: forwarded when there is no crash point (random kills then hit the provider's own
    // eager paths); with one, the SPI defaults run, which call the counted methods above and below

    @Override
    public CommitOutcome commitOrchestrationItemAndLease(OrchestrationItem item, TurnCommit commit, int maxLeases,
                                                         Duration lockTimeout) {
        return point == null ? delegate.commitOrchestrationItemAndLease(item, commit, maxLeases, lockTimeout)
                : Provider.super.commitOrchestrationItemAndLease(item, commit, maxLeases, lockTimeout);
    }

    @Override
    public Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                               Duration lockTimeout) {
        return point == null ? delegate.completeWorkItemAndLock(lease, completion, lockTimeout)
                : Provider.super.completeWorkItemAndLock(lease, completion, lockTimeout);
    }

    @Override
    public Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        return point == null ? delegate.createInstanceAndLock(startMessage, lockTimeout)
                : Provider.super.createInstanceAndLock(startMessage, lockTimeout);
    }

    @Override
    public Optional<OrchestrationItem> createInstanceAndLockDeferred(OrchestratorMessage startMessage,
                                                                     Duration lockTimeout) {
        return point == null ? delegate.createInstanceAndLockDeferred(startMessage, lockTimeout)
                : Provider.super.createInstanceAndLockDeferred(startMessage, lockTimeout);
    }

    @Override
    public void awaitDurable(Duration maxWait) {
        delegate.awaitDurable(maxWait);
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return point == null && delegate.supportsEagerTurnCommits();
    }

    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        return delegate.completeWorkItemAndCommit(lease, completion, historySize, commit, maxLeases, lockTimeout);
    }

    @Override
    public void abandonOrchestrationItem(OrchestrationItem item, Duration delay) {
        delegate.abandonOrchestrationItem(item, delay);
    }

    @Override
    public boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout) {
        return delegate.renewOrchestrationLock(item, lockTimeout);
    }

    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        return delegate.readHistory(instanceId, executionId);
    }

    @Override
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        return delegate.fetchWorkItem(lockTimeout);
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        if (reached(CrashPoint.Kind.BEFORE_COMPLETE)) {
            CrashPoint.announceAndHang("before-complete", "instance=" + lease.item().instanceId() + " execution="
                    + lease.item().executionId() + " scheduledId=" + lease.item().scheduledId() + " name="
                    + lease.item().name());
        }
        delegate.completeWorkItem(lease, completion);
    }

    @Override
    public void abandonWorkItem(WorkItemLease lease, Duration delay) {
        delegate.abandonWorkItem(lease, delay);
    }

    @Override
    public boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout) {
        return delegate.renewWorkItemLock(lease, lockTimeout);
    }

    @Override
    public void createInstance(OrchestratorMessage startMessage) {
        delegate.createInstance(startMessage);
    }

    @Override
    public void enqueue(OrchestratorMessage message) {
        delegate.enqueue(message);
    }

    @Override
    public void restartInstance(OrchestratorMessage startMessage) {
        delegate.restartInstance(startMessage);
    }

    @Override
    public int purgeInstance(String instanceId) {
        return delegate.purgeInstance(instanceId);
    }

    @Override
    public int purgeInstances(Instant finishedBefore, Set<RuntimeStatus> statuses) {
        return delegate.purgeInstances(finishedBefore, statuses);
    }

    @Override
    public Optional<InstanceInfo> getInstance(String instanceId) {
        return delegate.getInstance(instanceId);
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        return delegate.listInstances(query);
    }

    @Override
    public QueueDepths queueDepths() {
        return delegate.queueDepths();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
