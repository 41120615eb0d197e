package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One turn per instance at a time: a fetched instance stays locked until its commit, abandon or expiry. */
public abstract class InstanceLockContract extends ContractSupport {

    protected InstanceLockContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void aLockedInstanceIsNotFetchedAgainWhileOtherInstancesAre() {
        provider().createInstance(start("a", "A"));
        provider().createInstance(start("b", "B"));

        OrchestrationItem first = fetch();
        OrchestrationItem second = fetch();
        assertThat(Set.of(first.instanceId(), second.instanceId())).isEqualTo(Set.of("a", "b"));
        provider().enqueue(event(first.instanceId(), "more", "1"));

        assertNothingToFetch("both instances are locked, although one has a new message");
    }

    @Test
    void messagesThatArriveDuringATurnWaitForTheNextTurn() {
        provider().createInstance(start("a", "A"));
        OrchestrationItem item = fetch("a");
        provider().enqueue(event("a", "during", "1"));
        assertNothingToFetch("'a' is locked");

        provider().commitOrchestrationItem(item, Turn.of(item).commit());

        assertThat(fetch("a").messages()).containsExactly(event("a", "during", "1"));
    }

    @Test
    void abandonReleasesTheLockAtOnceAndKeepsTheMessages() {
        provider().createInstance(start("a", "A"));
        OrchestrationItem item = fetch("a");

        provider().abandonOrchestrationItem(item, Duration.ZERO);

        OrchestrationItem again = fetch("a");
        assertThat(again.messages()).isEqualTo(item.messages());
        assertThat(again.lockToken()).isNotEqualTo(item.lockToken());
        assertThatThrownBy(() -> provider().commitOrchestrationItem(item, Turn.of(item).commit()))
                .as("a commit under the abandoned lock").isInstanceOf(LockLostException.class);
        assertThat(provider().readHistory("a", 0)).isEmpty();
        provider().commitOrchestrationItem(again, Turn.of(again).commit());
        assertThat(provider().readHistory("a", 0)).hasSize(1);
    }

    @Test
    void concurrentFetchersOnOneProviderNeverHoldOneInstanceTwice() throws InterruptedException {
        ConcurrentTurns.run(provider(), Collections.nCopies(4, provider()), 16, 6);
    }

    @Test
    void aFetchWithNothingVisibleReturnsEmptyAtOnce() {
        assertNothingToFetch("the store is empty");
        assertNoWorkToFetch("the store is empty");
        assertThat(List.of(provider().queueDepths().orchestratorVisible(), provider().queueDepths().workItems()))
                .containsOnly(0L);
    }
}
