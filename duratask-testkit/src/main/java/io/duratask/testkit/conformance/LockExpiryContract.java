package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An orchestration lock lasts its lock timeout unless renewed; then another fetch takes the instance over
 * with its messages, and the old lock is dead: its renewal returns false, its commit is rejected (see
 * {@link TurnCommitContract}), its abandon does not disturb the new owner.
 */
public abstract class LockExpiryContract extends ContractSupport {
    private static final Duration MILLI = Duration.ofMillis(1);

    protected LockExpiryContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void anExpiredLockIsTakenOverWithTheSameMessages() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem first = fetch("i1");

        clock.advance(LOCK.minus(MILLI));
        assertNothingToFetch("the lock has 1 ms left");
        clock.advance(MILLI);

        OrchestrationItem takeover = fetch("i1");
        assertThat(takeover.lockToken()).as("the new lock token").isNotEqualTo(first.lockToken());
        assertThat(takeover.messages()).as("the messages of the expired lock").isEqualTo(first.messages());
        assertThat(takeover.maxDequeueCount()).isEqualTo(2);
        assertNothingToFetch("the new owner holds the lock");
    }

    @Test
    void aTakeoverAlsoGetsTheMessagesThatArrivedDuringTheExpiredLock() {
        provider().createInstance(start("i1", "Greet"));
        fetch("i1");
        provider().enqueue(event("i1", "during", "1"));
        clock.advance(LOCK);

        assertThat(fetch("i1").messages()).containsExactly(start("i1", "Greet"), event("i1", "during", "1"));
    }

    @Test
    void renewalExtendsTheLock() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        clock.advance(LOCK.minusSeconds(1));

        assertThat(provider().renewOrchestrationLock(item, LOCK)).as("renewal of a held lock").isTrue();
        clock.advance(LOCK.minusSeconds(1));

        assertNothingToFetch("the renewed lock holds past the original timeout");
        provider().commitOrchestrationItem(item, Turn.of(item).commit());
        assertThat(provider().readHistory("i1", 0)).hasSize(1);
    }

    @Test
    void aRenewedLockExpiresAfterItsNewTimeout() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        clock.advance(Duration.ofSeconds(10));
        assertThat(provider().renewOrchestrationLock(item, Duration.ofSeconds(5))).isTrue();

        clock.advance(Duration.ofSeconds(5).minus(MILLI));
        assertNothingToFetch("the renewed lock has 1 ms left");
        clock.advance(MILLI);
        assertThat(fetch("i1").lockToken()).isNotEqualTo(item.lockToken());
    }

    @Test
    void renewalAfterATakeoverReturnsFalseAndLeavesTheNewOwnerAlone() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem stale = fetch("i1");
        clock.advance(LOCK);
        OrchestrationItem current = fetch("i1");
        clock.advance(LOCK.minusSeconds(1));

        assertThat(provider().renewOrchestrationLock(stale, LOCK)).as("renewal of a lock taken over").isFalse();

        clock.advance(Duration.ofSeconds(1));
        OrchestrationItem third = fetch("i1");
        assertThat(third.lockToken()).as("the new owner's lock expired on time: the stale renewal did not extend it")
                .isNotEqualTo(current.lockToken());
        assertThat(provider().renewOrchestrationLock(current, LOCK)).as("renewal of the expired new owner").isFalse();
    }

    @Test
    void aStaleAbandonLeavesTheNewOwnerAlone() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem stale = fetch("i1");
        clock.advance(LOCK);
        OrchestrationItem current = fetch("i1");

        try {
            provider().abandonOrchestrationItem(stale, Duration.ofHours(1));
        } catch (LockLostException expected) {
            // a provider may say so, or ignore the stale abandon; either way it must change nothing
        }

        assertNothingToFetch("the new owner still holds the lock");
        assertThat(provider().renewOrchestrationLock(current, LOCK)).as("the new owner's lock after a stale abandon").isTrue();
        provider().commitOrchestrationItem(current, Turn.of(current).commit());
        assertThat(provider().readHistory("i1", 0)).hasSize(1);
        provider().enqueue(event("i1", "next", "1"));
        assertThat(fetch("i1").messages()).as("nothing was delayed or hidden by the stale abandon")
                .containsExactly(event("i1", "next", "1"));
    }
}
