package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.assertOrder;
import static io.duratask.testkit.HistoryAssertions.assertTypes;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableFuture;
import io.duratask.InstanceNotFoundException;
import io.duratask.Registry;
import io.duratask.Selected;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.TimerFired;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * External events (DESIGN.md §5): never lost, FIFO per name, delivered whether raised before or after
 * the wait; event-vs-timer ordering both ways; raising to an unknown instance.
 */
public abstract class EventScenarios extends ScenarioSupport {

    @Test
    void externalOnlyOrchestrationCompletesFromEventsAlone() {
        start(Registry.builder()
                .orchestration("Doorbell", (ctx, input) -> {
                    String first = ctx.waitForEvent("First").await();
                    String second = ctx.waitForEvent("Second").await();
                    return first + "," + second;
                })
                .build());

        client.startOrchestration("doorbell-1", "Doorbell", "");
        awaitSubscribed("doorbell-1", "First");
        client.raiseEvent("doorbell-1", "First", "ding");
        awaitSubscribed("doorbell-1", "Second");
        client.raiseEvent("doorbell-1", "Second", "dong");

        assertThat(awaitCompleted("doorbell-1").output(String.class)).isEqualTo("ding,dong");
        List<HistoryEvent> h = history("doorbell-1");
        assertTypes(h, OrchestrationStarted.class, EventSubscribed.class, EventRaised.class, EventSubscribed.class,
                EventRaised.class, OrchestrationCompleted.class);
        assertCompletedCleanly(h);
    }

    @Test
    void eventRaisedBeforeTheWaitIsDeliveredToTheWait() {
        start(Registry.builder()
                .activity("Prepare", (actx, s) -> {
                    gates.await("prepare");
                    return "prepared";
                })
                .orchestration("LateWaiter", (ctx, input) -> {
                    String prepared = ctx.scheduleActivity("Prepare", input).await();
                    return prepared + " + " + ctx.waitForEvent("Payment").await();
                })
                .build());

        client.startOrchestration("early-event", "LateWaiter", "");
        client.raiseEvent("early-event", "Payment", "paid");
        awaitEvent("early-event", EventRaised.class);
        gates.open("prepare");

        assertThat(awaitCompleted("early-event").output(String.class))
                .as("an event raised before the wait is handed to the wait").isEqualTo("prepared + paid");
        List<HistoryEvent> h = history("early-event");
        assertCompletedCleanly(h);
        assertOrder(h, "EventRaised", e -> e instanceof EventRaised, "EventSubscribed", e -> e instanceof EventSubscribed);
    }

    @Test
    void eventRaisedImmediatelyAfterStartIsNotLost() {
        start(Registry.builder()
                .orchestration("Immediate", (ctx, input) -> ctx.waitForEvent("Go").await())
                .build());

        client.startOrchestration("immediate-1", "Immediate", "");
        client.raiseEvent("immediate-1", "Go", "right away");

        assertThat(awaitCompleted("immediate-1").output(String.class)).isEqualTo("right away");
        assertThat(eventsOf(history("immediate-1"), EventRaised.class)).extracting(EventRaised::data)
                .containsExactly("\"right away\"");
    }

    @Test
    void eventsOfTheSameNameRaisedBeforeTheWaitsAreDeliveredInOrder() {
        start(Registry.builder()
                .activity("Prepare", (actx, s) -> {
                    gates.await("prepare");
                    return "prepared";
                })
                .orchestration("TwoItems", (ctx, input) -> {
                    ctx.scheduleActivity("Prepare", input).await();
                    String first = ctx.waitForEvent("Item").await();
                    String second = ctx.waitForEvent("Item").await();
                    return first + "," + second;
                })
                .build());

        client.startOrchestration("fifo-before", "TwoItems", "");
        client.raiseEvent("fifo-before", "Item", "one");
        client.raiseEvent("fifo-before", "Item", "two");
        awaitHistory("fifo-before", "both Item events recorded", h -> eventsOf(h, EventRaised.class).size() == 2);
        gates.open("prepare");

        assertThat(awaitCompleted("fifo-before").output(String.class)).as("FIFO per event name").isEqualTo("one,two");
        assertThat(eventsOf(history("fifo-before"), EventRaised.class)).extracting(EventRaised::data)
                .containsExactly("\"one\"", "\"two\"");
    }

    @Test
    void eventsOfTheSameNameRaisedAfterTheWaitsAreDeliveredInOrder() {
        start(Registry.builder()
                .orchestration("TwoWaits", (ctx, input) -> {
                    DurableFuture<String> first = ctx.waitForEvent("Item");
                    DurableFuture<String> second = ctx.waitForEvent("Item");
                    String b = second.await();
                    String a = first.await();
                    return "first=" + a + ",second=" + b;
                })
                .build());

        client.startOrchestration("fifo-after", "TwoWaits", "");
        awaitSubscribed("fifo-after", "Item", 2);
        client.raiseEvent("fifo-after", "Item", "one");
        client.raiseEvent("fifo-after", "Item", "two");

        assertThat(awaitCompleted("fifo-after").output(String.class))
                .as("the older wait gets the older event").isEqualTo("first=one,second=two");
    }

    public record Approval(String by, boolean granted) {}

    @Test
    void typedEventDataIsReadAsTheRequestedType() {
        start(Registry.builder()
                .orchestration("TypedEvent", (ctx, input) -> {
                    Approval a = ctx.waitForEvent("Approval", Approval.class).await();
                    return a.by() + ":" + a.granted();
                })
                .build());

        client.startOrchestration("typed-event", "TypedEvent", "");
        client.raiseEvent("typed-event", "Approval", new Approval("alice", true));

        assertThat(awaitCompleted("typed-event").output(String.class)).isEqualTo("alice:true");
        assertThat(eventsOf(history("typed-event"), EventRaised.class)).extracting(EventRaised::data)
                .containsExactly("{\"by\":\"alice\",\"granted\":true}");
    }

    @Test
    void raisingAnEventToAnUnknownInstanceThrowsInstanceNotFound() {
        start(Registry.builder().orchestration("Anything", (ctx, input) -> input).build());

        assertThatThrownBy(() -> client.raiseEvent("no-such-instance", "Go", "x"))
                .as("raising to an instance that does not exist")
                .isInstanceOf(InstanceNotFoundException.class)
                .hasMessageContaining("no-such-instance")
                .satisfies(e -> assertThat(((InstanceNotFoundException) e).instanceId()).isEqualTo("no-such-instance"));
        assertThat(client.getStatus("no-such-instance")).as("raising does not create the instance").isEmpty();
    }

    @Test
    void eventRaisedBeforeTheTimerFiresWins() {
        start(Registry.builder()
                .orchestration("EventOrTimeout", (ctx, input) -> {
                    DurableFuture<String> approval = ctx.waitForEvent("Approval");
                    DurableFuture<Void> timeout = ctx.scheduleTimer(NEVER_FIRES);
                    Selected s = ctx.select(approval, timeout).await();
                    return s.index() == 0 ? "event:" + s.value(String.class) : "timer";
                })
                .build());

        client.startOrchestration("event-wins", "EventOrTimeout", "");
        awaitSubscribed("event-wins", "Approval");
        client.raiseEvent("event-wins", "Approval", "yes");

        assertThat(awaitCompleted("event-wins").output(String.class)).isEqualTo("event:yes");
        assertThat(eventsOf(history("event-wins"), TimerFired.class)).as("the timer never fired").isEmpty();
    }

    @Test
    void timerThatFiresFirstWinsAndALateEventIsStillRecordedAndDelivered() {
        start(Registry.builder()
                .orchestration("TimerOrEvent", (ctx, input) -> {
                    DurableFuture<String> approval = ctx.waitForEvent("Approval");
                    DurableFuture<Void> timeout = ctx.scheduleTimer(SHORT_TIMER);
                    Selected s = ctx.select(approval, timeout).await();
                    String winner = s.index() == 0 ? "event" : "timer";
                    return winner + " won, then got " + approval.await();
                })
                .build());

        client.startOrchestration("timer-wins", "TimerOrEvent", "");
        awaitEvent("timer-wins", TimerFired.class);
        client.raiseEvent("timer-wins", "Approval", "late");

        assertThat(awaitCompleted("timer-wins").output(String.class)).isEqualTo("timer won, then got late");
        List<HistoryEvent> h = history("timer-wins");
        assertCompletedCleanly(h);
        assertOrder(h, "TimerFired", e -> e instanceof TimerFired, "EventRaised", e -> e instanceof EventRaised);
    }
}
