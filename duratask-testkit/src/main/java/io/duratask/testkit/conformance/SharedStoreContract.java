package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.completion;
import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import io.duratask.spi.WorkItemLease;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several provider objects on one store ({@link Capabilities#multipleProvidersOnOneStore()}), as several
 * runtimes (or processes) on one database: they see the same state and respect each other's locks and
 * leases. A provider without the capability must refuse to open a second object.
 */
public abstract class SharedStoreContract extends ContractSupport {

    protected SharedStoreContract(ProviderConformanceKit kit) {
        super(kit);
    }

    /**
     * For a provider that does not declare the capability: checks that the kit's factory refuses a second
     * provider object, and returns true (the test has then checked all there is to check).
     */
    private boolean refusedAsUndeclared() {
        if (capabilities().multipleProvidersOnOneStore()) {
            return false;
        }
        assertThatThrownBy(this::anotherProvider)
                .as("openAnotherProvider of a provider that does not declare multipleProvidersOnOneStore")
                .isInstanceOf(UnsupportedOperationException.class);
        return true;
    }

    @Test
    void aSecondProviderObjectSeesAndChangesTheSameStore() {
        if (refusedAsUndeclared()) {
            return;
        }
        Provider a = provider();
        Provider b = anotherProvider();
        a.createInstance(start("i1", "Greet"));

        assertThat(b.getInstance("i1")).isEqualTo(a.getInstance("i1"));
        OrchestrationItem item = fetch(b, "i1");
        assertNothingToFetch(a, "the other provider object holds the lock");
        a.enqueue(event("i1", "from-a", "1"));
        b.commitOrchestrationItem(item, Turn.of(item).schedule("A").commit());

        assertThat(a.readHistory("i1", 0)).isEqualTo(b.readHistory("i1", 0)).hasSize(2);
        assertThat(fetch(a, "i1").messages()).containsExactly(event("i1", "from-a", "1"));
        WorkItemLease lease = fetchWork(a);
        assertNoWorkToFetch(b, "the other provider object holds the lease");
        a.completeWorkItem(lease, completion("i1", 1, lease.item().scheduledId(), "\"ok\""));
        assertThat(b.queueDepths()).isEqualTo(a.queueDepths());
    }

    @Test
    void twoProviderObjectsNeverRunTwoTurnsOfOneInstanceAtOnce() throws InterruptedException {
        if (refusedAsUndeclared()) {
            return;
        }
        Provider a = provider();
        Provider b = anotherProvider();
        ConcurrentTurns.run(a, List.of(a, b, a, b), 16, 6);
    }

    @Test
    void aLockExpiresForEveryProviderObjectAndTheOldOwnerLosesIt() {
        if (refusedAsUndeclared()) {
            return;
        }
        Provider a = provider();
        Provider b = anotherProvider();
        a.createInstance(start("i1", "Greet"));
        OrchestrationItem stale = fetch(a, "i1");
        clock.advance(LOCK);
        OrchestrationItem current = fetch(b, "i1");

        assertThat(a.renewOrchestrationLock(stale, LOCK)).isFalse();
        assertThatThrownBy(() -> a.commitOrchestrationItem(stale, Turn.of(stale).commit()))
                .isInstanceOf(LockLostException.class);
        b.commitOrchestrationItem(current, Turn.of(current).commit());
        assertThat(a.readHistory("i1", 0)).hasSize(1);
    }

    @Test
    void aLeaseTakenOverThroughAnotherProviderObjectCannotComplete() {
        if (refusedAsUndeclared()) {
            return;
        }
        Provider a = provider();
        Provider b = anotherProvider();
        a.createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch(a, "i1");
        a.commitOrchestrationItem(item, Turn.of(item).schedule("A").commit());
        WorkItemLease stale = fetchWork(a);
        clock.advance(LOCK);
        WorkItemLease current = fetchWork(b);

        assertThatThrownBy(() -> a.completeWorkItem(stale, completion("i1", 1, stale.item().scheduledId(), "\"stale\"")))
                .isInstanceOf(LockLostException.class);
        assertThat(a.renewWorkItemLock(stale, LOCK)).isFalse();
        b.completeWorkItem(current, completion("i1", 1, current.item().scheduledId(), "\"fresh\""));
        assertThat(fetch(a, "i1").messages()).containsExactly(completion("i1", 1, current.item().scheduledId(), "\"fresh\""));
    }
}
