package io.duratask.testkit.conformance;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider under test with faults a runtime must survive: for one instance, a store that rejects every
 * turn commit carrying work items (say, a payload too large for it), a history that cannot be read (say, an
 * event written by a newer version), or one passing failure of a commit. Everything else is forwarded.
 */
final class FaultyProvider implements Provider {
    private final Provider delegate;
    private volatile String rejectCommitsOf;
    private volatile String unreadableHistoryOf;
    private volatile String failOnceOf;
    private volatile Runnable duringFailure;
    private final AtomicInteger rejectedCommits = new AtomicInteger();
    private final AtomicInteger failedReads = new AtomicInteger();

    FaultyProvider(Provider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** From now on, rejects every commit for {@code instanceId} that carries work items. */
    void rejectCommitsWithWorkItemsOf(String instanceId) {
        this.rejectCommitsOf = instanceId;
    }

    /** From now on (null: no longer), fails every history read of {@code instanceId}. */
    void failHistoryReadsOf(String instanceId) {
        this.unreadableHistoryOf = instanceId;
    }

    /**
     * Fails the next commit for {@code instanceId} with a retryable error, after running {@code meanwhile}
     * (which may, say, send the instance a message while its turn is still locked).
     */
    void failNextCommitOf(String instanceId, Runnable meanwhile) {
        this.duringFailure = meanwhile;
        this.failOnceOf = instanceId;
    }

    int rejectedCommits() {
        return rejectedCommits.get();
    }

    int failedReads() {
        return failedReads.get();
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        if (item.instanceId().equals(failOnceOf)) {
            failOnceOf = null;
            duringFailure.run();
            throw new ProviderException("injected fault: a passing failure of the store", true);
        }
        if (item.instanceId().equals(rejectCommitsOf) && !commit.workItems().isEmpty()) {
            rejectedCommits.incrementAndGet();
            throw new ProviderException("injected fault: the store rejects this turn of '" + item.instanceId() + "'", false);
        }
        delegate.commitOrchestrationItem(item, commit);
    }

    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        if (instanceId.equals(unreadableHistoryOf)) {
            failedReads.incrementAndGet();
            throw new ProviderException("injected fault: the history of '" + instanceId + "' cannot be decoded", false);
        }
        return delegate.readHistory(instanceId, executionId);
    }

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        return delegate.fetchOrchestrationItem(lockTimeout);
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
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        return delegate.fetchWorkItem(lockTimeout);
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
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
