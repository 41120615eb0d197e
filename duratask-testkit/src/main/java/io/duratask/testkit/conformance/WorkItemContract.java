package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.completion;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker queue: a work item is leased to one worker; its completion deletes it and enqueues the
 * completion message in one atomic step; a lease that was taken over is dead (its completion is rejected
 * and changes nothing, its renewal returns false, its abandon changes nothing).
 */
public abstract class WorkItemContract extends ContractSupport {
    private static final Duration MILLI = Duration.ofMillis(1);

    protected WorkItemContract(ProviderConformanceKit kit) {
        super(kit);
    }

    /** Runs the first turn of {@code instanceId}, scheduling the given activities; returns their work items. */
    private List<ActivityWorkItem> schedule(String instanceId, String... activities) {
        provider().createInstance(start(instanceId, "Worker"));
        OrchestrationItem item = fetch(instanceId);
        Turn turn = Turn.of(item);
        for (String activity : activities) {
            turn.schedule(activity);
        }
        TurnCommit commit = turn.commit();
        provider().commitOrchestrationItem(item, commit);
        return commit.workItems();
    }

    private static OrchestratorMessage completionOf(WorkItemLease lease, String result) {
        ActivityWorkItem w = lease.item();
        return completion(w.instanceId(), w.executionId(), w.scheduledId(), result);
    }

    @Test
    void aWorkItemIsLeasedToOneWorkerAtATime() {
        ActivityWorkItem scheduled = schedule("i1", "A").getFirst();

        WorkItemLease lease = fetchWork();

        assertThat(lease.item()).as("the work item, exactly as committed").isEqualTo(scheduled);
        assertThat(lease.dequeueCount()).isEqualTo(1);
        assertNoWorkToFetch("the only work item is leased");
    }

    @Test
    void workItemsComeOldestFirst() {
        List<ActivityWorkItem> scheduled = schedule("i1", "A", "B", "C");

        assertThat(List.of(fetchWork().item(), fetchWork().item(), fetchWork().item())).isEqualTo(scheduled);
    }

    @Test
    void completionDeletesTheWorkItemAndEnqueuesItsMessageAtomically() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();
        OrchestratorMessage done = completionOf(lease, "\"result\"");

        provider().completeWorkItem(lease, done);

        assertThat(provider().queueDepths().workItems()).as("work items after the completion").isZero();
        clock.advance(LOCK.multipliedBy(2));
        assertNoWorkToFetch("the completed work item is gone, even after its lease would have expired");
        assertThat(fetch("i1").messages()).as("the completion message").containsExactly(done);
    }

    @Test
    void aLeaseTakenOverCannotCompleteAndItsCompletionChangesNothing() {
        schedule("i1", "A");
        WorkItemLease stale = fetchWork();
        clock.advance(LOCK);
        WorkItemLease current = fetchWork();
        assertThat(current.item()).isEqualTo(stale.item());
        assertThat(current.dequeueCount()).isEqualTo(2);

        assertThatThrownBy(() -> provider().completeWorkItem(stale, completionOf(stale, "\"stale\"")))
                .isInstanceOf(LockLostException.class);

        assertNothingToFetch("the rejected completion must not have been enqueued");
        assertThat(provider().queueDepths().workItems()).as("the work item is still there, leased to the new owner")
                .isEqualTo(1);
        provider().completeWorkItem(current, completionOf(current, "\"fresh\""));
        assertThat(fetch("i1").messages()).containsExactly(completionOf(current, "\"fresh\""));
    }

    @Test
    void aSecondCompletionOfTheSameLeaseIsRejected() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();
        provider().completeWorkItem(lease, completionOf(lease, "\"once\""));

        assertThatThrownBy(() -> provider().completeWorkItem(lease, completionOf(lease, "\"twice\"")))
                .isInstanceOf(LockLostException.class);

        assertThat(fetch("i1").messages()).containsExactly(completionOf(lease, "\"once\""));
    }

    @Test
    void anExpiredLeaseGoesToTheNextFetch() {
        schedule("i1", "A");
        WorkItemLease first = fetchWork();
        clock.advance(LOCK.minus(MILLI));
        assertNoWorkToFetch("the lease has 1 ms left");
        clock.advance(MILLI);

        WorkItemLease second = fetchWork();
        assertThat(second.item()).isEqualTo(first.item());
        assertThat(second.lockToken()).isNotEqualTo(first.lockToken());
        assertThat(second.dequeueCount()).isEqualTo(2);
    }

    @Test
    void abandonWithADelayHidesTheWorkItemUntilTheDelayHasPassed() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();

        provider().abandonWorkItem(lease, Duration.ofSeconds(5));

        assertNoWorkToFetch("the abandoned work item is delayed by 5 s");
        clock.advance(Duration.ofSeconds(5).minus(MILLI));
        assertNoWorkToFetch("1 ms of the abandon delay is left");
        clock.advance(MILLI);
        WorkItemLease again = fetchWork();
        assertThat(again.item()).isEqualTo(lease.item());
        assertThat(again.dequeueCount()).isEqualTo(2);
        assertThat(provider().queueDepths().workItems()).isEqualTo(1);
    }

    @Test
    void abandonWithoutDelayReleasesTheWorkItemAtOnce() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();

        provider().abandonWorkItem(lease, Duration.ZERO);

        assertThat(fetchWork().item()).isEqualTo(lease.item());
    }

    @Test
    void aStaleAbandonLeavesTheNewOwnerAlone() {
        schedule("i1", "A");
        WorkItemLease stale = fetchWork();
        clock.advance(LOCK);
        WorkItemLease current = fetchWork();

        try {
            provider().abandonWorkItem(stale, Duration.ofHours(1));
        } catch (LockLostException expected) {
            // a provider may say so, or ignore the stale abandon; either way it must change nothing
        }

        assertNoWorkToFetch("the new owner still holds the lease");
        assertThat(provider().renewWorkItemLock(current, LOCK)).as("the new owner's lease after a stale abandon").isTrue();
        provider().completeWorkItem(current, completionOf(current, "\"fresh\""));
        assertThat(fetch("i1").messages()).containsExactly(completionOf(current, "\"fresh\""));
        assertThat(provider().queueDepths().workItems()).isZero();
    }

    @Test
    void renewalExtendsTheLease() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();
        clock.advance(LOCK.minusSeconds(1));

        assertThat(provider().renewWorkItemLock(lease, LOCK)).isTrue();
        clock.advance(LOCK.minusSeconds(1));

        assertNoWorkToFetch("the renewed lease holds past the original timeout");
        provider().completeWorkItem(lease, completionOf(lease, "\"ok\""));
        assertThat(fetch("i1").messages()).containsExactly(completionOf(lease, "\"ok\""));
    }

    @Test
    void renewalAfterATakeoverReturnsFalse() {
        schedule("i1", "A");
        WorkItemLease stale = fetchWork();
        clock.advance(LOCK);
        WorkItemLease current = fetchWork();

        assertThat(provider().renewWorkItemLock(stale, LOCK)).as("renewal of a lease taken over").isFalse();
        assertThat(provider().renewWorkItemLock(current, LOCK)).as("renewal of the new owner's lease").isTrue();
    }

    @Test
    void aCompletionForAnInstanceThatDoesNotExistIsDropped() {
        schedule("i1", "A");
        WorkItemLease lease = fetchWork();
        provider().completeWorkItem(lease, completion("nobody", 1, 2, "\"lost\""));

        assertThat(provider().getInstance("nobody")).isEmpty();
        assertThat(provider().queueDepths().workItems()).isZero();
        assertThat(provider().getInstance("i1").orElseThrow().status()).isEqualTo(RuntimeStatus.RUNNING);
    }
}
