package io.duratask.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableFuture;
import io.duratask.NonDeterminismException;
import io.duratask.Orchestration;
import io.duratask.PayloadCodec;
import io.duratask.Registry;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure engine against hand-built histories: no runtime, no provider, no clock. */
class ExecutionTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PayloadCodec CODEC = new PayloadCodec();

    private static Execution execution(Orchestration<String, ?> code) {
        Registry registry = Registry.builder().orchestration("O", code).build();
        return new Execution("i-1", 1, registry.orchestration("O").orElseThrow(), CODEC, false);
    }

    private static OrchestrationStarted start(String input) {
        return new OrchestrationStarted(0, null, "O", "", CODEC.encode(input), null, null);
    }

    private static final Orchestration<String, String> TWO_STEPS = (ctx, in) -> {
        String a = ctx.scheduleActivity("A", in).await();
        String b = ctx.scheduleActivity("B", a).await();
        return a + b;
    };

    @Test
    void firstTurnRecordsStartAndFirstSchedule() {
        Execution ex = execution(TWO_STEPS);
        TurnResult r = ex.apply(List.of(start("x")), T0);
        assertThat(r.newEvents()).extracting(HistoryEvent::eventId).containsExactly(1L, 2L);
        assertThat(r.newEvents().get(1)).isEqualTo(new ActivityScheduled(2, T0, "A", "\"x\""));
        assertThat(r.workItems()).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("A");
            assertThat(w.scheduledId()).isEqualTo(2);
        });
        assertThat(r.status()).isEqualTo(RuntimeStatus.RUNNING);
    }

    @Test
    void cachedAndReplayedExecutionsProduceTheSameTurn() {
        Execution cached = execution(TWO_STEPS);
        List<HistoryEvent> history = new ArrayList<>(cached.apply(List.of(start("x")), T0).newEvents());
        history.addAll(cached.apply(List.of(new ActivityCompleted(0, null, 2, "\"a\"")), T0.plusSeconds(1)).newEvents());

        Execution replayed = execution(TWO_STEPS);
        replayed.replay(history);
        TurnResult fromReplay = replayed.apply(List.of(new ActivityCompleted(0, null, 4, "\"b\"")), T0.plusSeconds(2));
        TurnResult fromCache = cached.apply(List.of(new ActivityCompleted(0, null, 4, "\"b\"")), T0.plusSeconds(2));

        assertThat(fromReplay).isEqualTo(fromCache);
        assertThat(fromReplay.status()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(fromReplay.output()).isEqualTo("\"ab\"");
        assertThat(fromReplay.newEvents()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ActivityCompleted", "OrchestrationCompleted");
    }

    @Test
    void duplicateCompletionIsDroppedNotAppended() {
        Execution ex = execution(TWO_STEPS);
        ex.apply(List.of(start("x")), T0);
        TurnResult r = ex.apply(List.of(new ActivityCompleted(0, null, 2, "\"a\""),
                new ActivityCompleted(0, null, 2, "\"again\"")), T0);
        assertThat(r.newEvents()).filteredOn(e -> e instanceof ActivityCompleted).hasSize(1);
    }

    @Test
    void completionsAreDeliveredInHistoryOrderForSelect() {
        Execution ex = execution((ctx, in) -> {
            DurableFuture<String> a = ctx.scheduleActivity("A", in);
            DurableFuture<Void> t = ctx.scheduleTimer(Duration.ofMinutes(1));
            return "winner=" + ctx.select(a, t).await().index();
        });
        ex.apply(List.of(start("x")), T0);
        // the timer (id 3) fires before the activity (id 2) completes, in the same batch
        TurnResult r = ex.apply(List.of(new TimerFired(0, null, 3, T0.plusSeconds(60)),
                new ActivityCompleted(0, null, 2, "\"a\"")), T0.plusSeconds(61));
        assertThat(r.output()).isEqualTo("\"winner=1\"");
    }

    @Test
    void eventRaisedBeforeTheWaitIsKept() {
        Execution ex = execution((ctx, in) -> {
            ctx.scheduleTimer(Duration.ofSeconds(1)).await();
            return ctx.waitForEvent("Go").await() + "," + ctx.waitForEvent("Go").await();
        });
        ex.apply(List.of(start("x")), T0);
        ex.apply(List.of(new EventRaised(0, null, "Go", "\"first\""), new EventRaised(0, null, "Go", "\"second\"")), T0);
        TurnResult r = ex.apply(List.of(new TimerFired(0, null, 2, T0.plusSeconds(1))), T0.plusSeconds(1));
        assertThat(r.output()).isEqualTo("\"first,second\"");
        assertThat(r.newEvents()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("TimerFired", "EventSubscribed", "EventSubscribed", "OrchestrationCompleted");
    }

    @Test
    void timerFireTimeComesFromHistoryTime() {
        Execution ex = execution((ctx, in) -> {
            ctx.scheduleTimer(Duration.ofHours(24)).await();
            return "done";
        });
        TurnResult r = ex.apply(List.of(start("x")), T0);
        assertThat(r.newEvents().get(1)).isEqualTo(new TimerCreated(2, T0, T0.plus(Duration.ofHours(24))));
        assertThat(r.messages()).singleElement().satisfies(m -> assertThat(m.visibleAt()).isEqualTo(T0.plus(Duration.ofHours(24))));
    }

    // ---- nondeterminism: each kind of change is detected with a precise message ----------------------

    private static List<HistoryEvent> historyOf(Orchestration<String, ?> original) {
        Execution ex = execution(original);
        return new ArrayList<>(ex.apply(List.of(start("x")), T0).newEvents());
    }

    private static String failureAfterChange(List<HistoryEvent> history, Orchestration<String, ?> changed) {
        Execution ex = execution(changed);
        ex.replay(history);
        TurnResult r = ex.apply(List.of(), T0.plusSeconds(5));
        assertThat(r.status()).as("status after replaying changed code").isEqualTo(RuntimeStatus.FAILED);
        assertThat(r.newEvents()).last().isInstanceOf(OrchestrationFailed.class);
        assertThat(r.failure().type()).isEqualTo(NonDeterminismException.class.getName());
        return r.failure().message();
    }

    @Test
    void changedActivityNameIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleActivity("A", in).await());
        String message = failureAfterChange(h, (ctx, in) -> ctx.scheduleActivity("B", in).await());
        assertThat(message).contains("i-1", "event 2", "ActivityScheduled(name=A", "scheduleActivity(name=B",
                "ExecutionTest", NonDeterminismException.CODE);
    }

    @Test
    void changedActivityInputIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleActivity("A", 1).await());
        assertThat(failureAfterChange(h, (ctx, in) -> ctx.scheduleActivity("A", 2).await()))
                .contains("input=1", "input=2");
    }

    @Test
    void relaxedMatchingIgnoresChangedInput() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleActivity("A", 1).await());
        Registry registry = Registry.builder().orchestration("O", (ctx, in) -> ctx.scheduleActivity("A", 2).await()).build();
        Execution ex = new Execution("i-1", 1, registry.orchestration("O").orElseThrow(), CODEC, true);
        ex.replay(h);
        TurnResult r = ex.apply(List.of(new ActivityCompleted(0, null, 2, "\"ok\"")), T0);
        assertThat(r.status()).isEqualTo(RuntimeStatus.COMPLETED);
    }

    @Test
    void removedCallIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> {
            ctx.scheduleActivity("A", in);
            return ctx.scheduleActivity("B", in).await();
        });
        assertThat(failureAfterChange(h, (ctx, in) -> ctx.scheduleActivity("B", in).await()))
                .contains("ActivityScheduled(name=A", "scheduleActivity(name=B");
    }

    @Test
    void callMissingAtTheEndIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> {
            ctx.scheduleActivity("A", in);
            return ctx.scheduleActivity("B", in).await();
        });
        assertThat(failureAfterChange(h, (ctx, in) -> ctx.scheduleActivity("A", in).await()))
                .contains("ActivityScheduled(name=B", "waited");
    }

    @Test
    void addedCallIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleActivity("A", in).await());
        assertThat(failureAfterChange(h, (ctx, in) -> {
            ctx.scheduleActivity("A", in);
            return ctx.scheduleActivity("B", in).await();
        })).contains("no further event", "scheduleActivity(name=B");
    }

    @Test
    void timerChangedIntoEventIsNondeterministic() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleTimer(Duration.ofSeconds(1)).await());
        assertThat(failureAfterChange(h, (ctx, in) -> ctx.waitForEvent("E").await()))
                .contains("TimerCreated", "waitForEvent(name=E");
    }

    @Test
    void userCodeSwallowingTheErrorStillFails() {
        List<HistoryEvent> h = historyOf((ctx, in) -> ctx.scheduleActivity("A", in).await());
        String message = failureAfterChange(h, (ctx, in) -> {
            try {
                return ctx.scheduleActivity("B", in).await();
            } catch (RuntimeException e) {
                return "swallowed";
            }
        });
        assertThat(message).contains("ActivityScheduled(name=A");
    }

    @Test
    void completedHistoryReplaysWithoutNewEvents() {
        Execution first = execution((ctx, in) -> ctx.waitForEvent("E").await());
        List<HistoryEvent> h = new ArrayList<>(first.apply(List.of(start("x")), T0).newEvents());
        TurnResult r = first.apply(List.of(new EventRaised(0, null, "E", "\"v\"")), T0);
        h.addAll(r.newEvents());
        assertThat(h).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("OrchestrationStarted", "EventSubscribed", "EventRaised", "OrchestrationCompleted");
        assertThat(h.get(1)).isEqualTo(new EventSubscribed(2, T0, "E"));
        assertThat(h.get(3)).isEqualTo(new OrchestrationCompleted(4, T0, "\"v\""));
    }
}
