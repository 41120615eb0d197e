package io.duratask.testkit.conformance;

import io.duratask.history.HistoryEvent;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.spi.TurnCommit;
import io.duratask.testkit.ForwardingProvider;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider under test with faults a runtime must survive: for one instance, a store that rejects every
 * turn commit carrying work items (say, a payload too large for it), a history that cannot be read (say, an
 * event written by a newer version), or one passing failure of a commit. Everything else is forwarded.
 */
final class FaultyProvider extends ForwardingProvider {
    private volatile String rejectCommitsOf;
    private volatile String unreadableHistoryOf;
    private volatile String failOnceOf;
    private volatile Runnable duringFailure;
    private final AtomicInteger rejectedCommits = new AtomicInteger();
    private final AtomicInteger failedReads = new AtomicInteger();

    FaultyProvider(Provider delegate) {
        super(delegate, false); // the optional methods' defaults go through the faulty commit
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
}
