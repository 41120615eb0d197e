package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.eventAt;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.QueueDepths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When messages may be fetched: at once, after their {@code visibleAt} (timers), after an abandon's delay;
 * oldest first; and how {@code queueDepths} counts them.
 */
public abstract class VisibilityContract extends ContractSupport {
    private static final Duration MILLI = Duration.ofMillis(1);

    protected VisibilityContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void abandonWithADelayHidesTheMessagesUntilTheDelayHasPassed() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");

        provider().abandonOrchestrationItem(item, Duration.ofSeconds(10));

        assertNothingToFetch("the abandoned messages are delayed by 10 s");
        clock.advance(Duration.ofSeconds(10).minus(MILLI));
        assertNothingToFetch("1 ms of the abandon delay is left");
        clock.advance(MILLI);
        OrchestrationItem again = fetch("i1");
        assertThat(again.messages()).isEqualTo(item.messages());
        assertThat(again.maxDequeueCount()).isEqualTo(2);
    }

    @Test
    void messagesThatArriveDuringAnAbandonDelayDoNotOvertakeTheAbandonedOnes() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        provider().enqueue(event("i1", "during-turn", "1"));
        provider().abandonOrchestrationItem(item, Duration.ofSeconds(10));
        provider().enqueue(event("i1", "during-delay", "2"));

        assertNothingToFetch("the instance is held back until its abandoned start message is visible again");
        clock.advance(Duration.ofSeconds(10));

        assertThat(fetch("i1").messages()).as("every message, oldest first")
                .containsExactly(start("i1", "Greet"), event("i1", "during-turn", "1"), event("i1", "during-delay", "2"));
    }

    @Test
    void aMessageWithAFutureVisibleAtIsHiddenUntilThen() {
        createAndRun("i1", "Sleeper", RuntimeStatus.RUNNING);
        Instant at = clock.instant().plusSeconds(60);
        OrchestratorMessage later = eventAt("i1", "wake", "1", at);

        provider().enqueue(later);

        assertNothingToFetch("the only message is visible in 60 s");
        assertThat(provider().queueDepths()).isEqualTo(new QueueDepths(0, 1, 0));
        clock.advance(Duration.ofSeconds(60).minus(MILLI));
        assertNothingToFetch("the message is visible in 1 ms");
        clock.advance(MILLI);
        assertThat(provider().queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));
        assertThat(fetch("i1").messages()).as("the message, with its visibleAt, exactly as sent").containsExactly(later);
    }

    @Test
    void aTimerFromACommitFiresAtItsTime() {
        provider().createInstance(start("i1", "Sleeper"));
        OrchestrationItem item = fetch("i1");
        Instant fireAt = clock.instant().plus(Duration.ofHours(24));
        provider().commitOrchestrationItem(item, Turn.of(item).timer(fireAt).commit());

        clock.advance(Duration.ofHours(24).minus(MILLI));
        assertNothingToFetch("the timer fires in 1 ms");
        clock.advance(MILLI);
        OrchestrationItem fired = fetch("i1");
        assertThat(fired.messages()).hasSize(1);
        assertThat(fired.messages().getFirst().visibleAt()).isEqualTo(fireAt);
    }

    @Test
    void onlyDueMessagesAreFetchedAndTheRestWait() {
        createAndRun("i1", "Sleeper", RuntimeStatus.RUNNING);
        OrchestratorMessage timer = eventAt("i1", "timer", "1", clock.instant().plusSeconds(60));
        OrchestratorMessage now = event("i1", "now", "2");
        provider().enqueue(timer);
        provider().enqueue(now);

        OrchestrationItem item = fetch("i1");
        assertThat(item.messages()).as("only the due message").containsExactly(now);
        provider().commitOrchestrationItem(item, Turn.of(item).commit());
        assertNothingToFetch("the timer is not due");

        clock.advance(Duration.ofSeconds(60));
        assertThat(fetch("i1").messages()).containsExactly(timer);
    }

    @Test
    void aMessageVisibleAtAPastTimeIsVisibleAtOnce() {
        createAndRun("i1", "Greet", RuntimeStatus.RUNNING);
        OrchestratorMessage past = eventAt("i1", "past", "1", clock.instant().minusSeconds(5));
        provider().enqueue(past);

        assertThat(fetch("i1").messages()).containsExactly(past);
    }

    @Test
    void messagesOfAnInstanceComeOldestFirst() {
        createAndRun("i1", "Greet", RuntimeStatus.RUNNING);
        List<OrchestratorMessage> sent = List.of(event("i1", "a", "1"), event("i1", "b", "2"), event("i1", "c", "3"),
                eventAt("i1", "d", "4", clock.instant()));
        sent.forEach(provider()::enqueue);

        assertThat(fetch("i1").messages()).containsExactlyElementsOf(sent);
    }

    @Test
    void instancesAreServedInTheOrderTheirMessagesBecameVisible() {
        provider().createInstance(start("first", "A"));
        clock.advance(MILLI);
        provider().createInstance(start("second", "A"));
        clock.advance(MILLI);
        provider().createInstance(start("third", "A"));

        assertThat(List.of(fetch().instanceId(), fetch().instanceId(), fetch().instanceId()))
                .containsExactly("first", "second", "third");
    }

    @Test
    void queueDepthsCountVisibleDelayedAndWorkItems() {
        provider().createInstance(start("b", "B"));
        OrchestrationItem b = fetch("b");
        provider().commitOrchestrationItem(b, Turn.of(b).schedule("A").schedule("B")
                .timer(clock.instant().plusSeconds(60)).commit());
        provider().createInstance(start("a", "A"));

        assertThat(provider().queueDepths()).as("a's start; b's timer; two work items").isEqualTo(new QueueDepths(1, 1, 2));
        clock.advance(Duration.ofSeconds(60));
        assertThat(provider().queueDepths()).as("the timer is due").isEqualTo(new QueueDepths(2, 0, 2));

        OrchestrationItem locked = fetch();
        QueueDepths whileLocked = provider().queueDepths();
        assertThat(whileLocked.orchestratorVisible() + whileLocked.orchestratorDelayed())
                .as("fetched but uncommitted messages are still counted (as visible or as delayed)").isEqualTo(2);
        provider().commitOrchestrationItem(locked, Turn.of(locked).commit());
        assertThat(provider().queueDepths()).as("one message consumed").isEqualTo(new QueueDepths(1, 0, 2));

        var lease = fetchWork();
        assertThat(provider().queueDepths().workItems()).as("a leased work item still counts").isEqualTo(2);
        provider().completeWorkItem(lease, Messages.completion("b", 1, lease.item().scheduledId(), "\"ok\""));
        assertThat(provider().queueDepths()).as("the work item became a completion message")
                .isEqualTo(new QueueDepths(2, 0, 1));
    }
}
