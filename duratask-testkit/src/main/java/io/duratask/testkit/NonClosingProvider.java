package io.duratask.testkit;

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
import io.duratask.spi.WorkListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Provider} that forwards everything to {@code delegate} except {@link #close()}, which does
 * nothing. A {@link io.duratask.DurableRuntime} closes its provider when it stops; wrap the store in
 * this to stop one runtime and start another on the same store (a restart, which forces a full
 * replay). Whoever created the delegate closes it.
 */
public final class NonClosingProvider implements Provider {
    private final Provider delegate;

    public NonClosingProvider(Provider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped store. */
    public Provider delegate() {
        return delegate;
    }

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        return delegate.fetchOrchestrationItem(lockTimeout);
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        delegate.commitOrchestrationItem(item, commit);
    }

    @Override
    public CommitOutcome commitOrchestrationItemAndLease(OrchestrationItem item, TurnCommit commit, int maxLeases,
                                                         Duration lockTimeout) {
        return delegate.commitOrchestrationItemAndLease(item, commit, maxLeases, lockTimeout);
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
        delegate.completeWorkItem(lease, completion);
    }

    @Override
    public Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                               Duration lockTimeout) {
        return delegate.completeWorkItemAndLock(lease, completion, lockTimeout);
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
    public Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        return delegate.createInstanceAndLock(startMessage, lockTimeout);
    }

    @Override
    public Optional<OrchestrationItem> createInstanceAndLockDeferred(OrchestratorMessage startMessage,
                                                                     Duration lockTimeout) {
        return delegate.createInstanceAndLockDeferred(startMessage, lockTimeout);
    }

    @Override
    public void awaitDurable(Duration maxWait) {
        delegate.awaitDurable(maxWait);
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return delegate.supportsEagerTurnCommits();
    }

    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        return delegate.completeWorkItemAndCommit(lease, completion, historySize, commit, maxLeases, lockTimeout);
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
    public void addWorkListener(WorkListener listener) {
        delegate.addWorkListener(listener);
    }

    @Override
    public void removeWorkListener(WorkListener listener) {
        delegate.removeWorkListener(listener);
    }

    /** Does nothing: the delegate stays open for the next runtime. */
    @Override
    public void close() {
        // intentionally empty
    }
}
