package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every fetch counts: an item reports the highest fetch count of its messages and a lease the fetch count
 * of its work item. The runtime fails an instance whose messages were fetched too often (poison, see
 * {@link RuntimeContract}), so a provider that forgets to count loops forever, and one that counts wrongly
 * fails healthy instances.
 */
public abstract class DequeueCountContract extends ContractSupport {

    protected DequeueCountContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void everyFetchCountsAndTheItemReportsTheHighestCountOfItsMessages() {
        provider().createInstance(start("i1", "Greet"));
        assertThat(fetchAndAbandon().maxDequeueCount()).isEqualTo(1);
        assertThat(fetchAndAbandon().maxDequeueCount()).isEqualTo(2);
        provider().enqueue(event("i1", "newcomer", "1"));

        OrchestrationItem third = fetch("i1");

        assertThat(third.messages()).hasSize(2);
        assertThat(third.maxDequeueCount()).as("the start message's third fetch; the newcomer's first").isEqualTo(3);
    }

    @Test
    void aLockThatExpiredCountsAsAFetch() {
        provider().createInstance(start("i1", "Greet"));
        fetch("i1");
        clock.advance(LOCK);

        assertThat(fetch("i1").maxDequeueCount()).isEqualTo(2);
    }

    @Test
    void messagesAfterACommitStartCountingAfresh() {
        provider().createInstance(start("i1", "Greet"));
        fetchAndAbandon();
        fetchAndAbandon();
        OrchestrationItem item = fetch("i1");
        provider().commitOrchestrationItem(item, Turn.of(item).commit());
        provider().enqueue(event("i1", "next", "1"));

        assertThat(fetch("i1").maxDequeueCount()).isEqualTo(1);
    }

    @Test
    void everyFetchOfAWorkItemCounts() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        provider().commitOrchestrationItem(item, Turn.of(item).schedule("A").commit());

        WorkItemLease first = fetchWork();
        provider().abandonWorkItem(first, Duration.ZERO);
        WorkItemLease second = fetchWork();
        clock.advance(LOCK);
        WorkItemLease third = fetchWork();

        assertThat(first.dequeueCount()).isEqualTo(1);
        assertThat(second.dequeueCount()).isEqualTo(2);
        assertThat(third.dequeueCount()).as("after an expired lease").isEqualTo(3);
    }

    private OrchestrationItem fetchAndAbandon() {
        OrchestrationItem item = fetch("i1");
        provider().abandonOrchestrationItem(item, Duration.ZERO);
        return item;
    }
}
