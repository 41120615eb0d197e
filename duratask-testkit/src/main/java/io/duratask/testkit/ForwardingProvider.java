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
 * A {@link Provider} that forwards every call to {@code delegate}: the base of the test wrappers that change
 * a few calls (close, injected faults, crash points). The optional methods (eager dispatch, durability
 * waits, work listeners) are forwarded only if {@code forwardOptional}; otherwise they run as the SPI's
 * defaults, which go through the required methods, so a subclass that intercepts those sees every turn
 * commit, completion and creation.
 */
public abstract class ForwardingProvider implements Provider {
    /** The wrapped provider. */
    protected final Provider delegate;
    private final boolean forwardOptional;

    protected ForwardingProvider(Provider delegate, boolean forwardOptional) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.forwardOptional = forwardOptional;
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
        return forwardOptional ? delegate.commitOrchestrationItemAndLease(item, commit, maxLeases, lockTimeout)
                : Provider.super.commitOrchestrationItemAndLease(item, commit, maxLeases, lockTimeout);
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
        return forwardOptional ? delegate.completeWorkItemAndLock(lease, completion, lockTimeout)
                : Provider.super.completeWorkItemAndLock(lease, completion, lockTimeout);
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return forwardOptional && delegate.supportsEagerTurnCommits();
    }

    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        return forwardOptional
                ? delegate.completeWorkItemAndCommit(lease, completion, historySize, commit, maxLeases, lockTimeout)
                : Provider.super.completeWorkItemAndCommit(lease, completion, historySize, commit, maxLeases,
                        lockTimeout);
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
        return forwardOptional ? delegate.createInstanceAndLock(startMessage, lockTimeout)
                : Provider.super.createInstanceAndLock(startMessage, lockTimeout);
    }

    @Override
    public Optional<OrchestrationItem> createInstanceAndLockDeferred(OrchestratorMessage startMessage,
                                                                     Duration lockTimeout) {
        return forwardOptional ? delegate.createInstanceAndLockDeferred(startMessage, lockTimeout)
                : Provider.super.createInstanceAndLockDeferred(startMessage, lockTimeout);
    }

    @Override
    public void awaitDurable(Duration maxWait) {
        if (forwardOptional) {
            delegate.awaitDurable(maxWait);
        }
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
        if (forwardOptional) {
            delegate.addWorkListener(listener);
        }
    }

    @Override
    public void removeWorkListener(WorkListener listener) {
        if (forwardOptional) {
            delegate.removeWorkListener(listener);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
