package io.duratask.testkit.crash;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import io.duratask.testkit.ForwardingProvider;
import java.time.Duration;
import java.util.Optional;
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
public final class FaultInjectingProvider extends ForwardingProvider {
    /** How long the {@code group-commits} gate waits for more commits before letting in those it has. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

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
        // with no crash point, the eager paths are forwarded (random kills then hit the provider's own);
        // with one, the SPI defaults run, which call the counted methods
        super(delegate, point == null);
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

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        if (reached(CrashPoint.Kind.BEFORE_COMPLETE)) {
            CrashPoint.announceAndHang("before-complete", "instance=" + lease.item().instanceId() + " execution="
                    + lease.item().executionId() + " scheduledId=" + lease.item().scheduledId() + " name="
                    + lease.item().name());
        }
        delegate.completeWorkItem(lease, completion);
    }
}
