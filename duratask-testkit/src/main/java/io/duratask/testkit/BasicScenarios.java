package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.assertTypes;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static io.duratask.testkit.HistoryAssertions.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.ActivityFailedException;
import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import io.duratask.spi.Provider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The learning samples end to end: hello world, chains, branches, loops, fan-out/fan-in, error handling,
 * deterministic helpers, custom status and typed I/O, plus the seed notes' determinism scenarios
 * (exact history sequence, replay after restart, first-turn action order, staggered completions).
 */
public abstract class BasicScenarios extends ScenarioSupport {

    public record Order(String item, int quantity) {}

    public record Quote(String item, int quantity, long priceCents) {}

    public record MixedSummary(Quote quote, String quoteAsText, String shouted) {}

    public record Compensation(String failedActivity, String failureType, String failureMessage, String exceptionMessage,
                               String compensation) {}

    public record HelperValues(String now, String uuid, int random) {}

    public record Progress(String stage, int step) {}

    // ---- hello world and the exact history ------------------------------------------------------------

    @Test
    void helloWorld() {
        start(Registry.builder()
                .activity("Hello", (actx, name) -> "Hello, " + name + "!")
                .orchestration("HelloWorld", (ctx, name) -> ctx.scheduleActivity("Hello", name).await())
                .build());

        client.startOrchestration("hello-1", "HelloWorld", "World");
        OrchestrationStatus status = awaitCompleted("hello-1");

        assertThat(status.output(String.class)).as("output of HelloWorld").isEqualTo("Hello, World!");
        assertThat(status.name()).isEqualTo("HelloWorld");
        assertThat(status.input(String.class)).isEqualTo("World");
        List<HistoryEvent> h = history("hello-1");
        assertTypes(h, OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class,
                OrchestrationCompleted.class);
        assertCompletedCleanly(h);
        ActivityScheduled scheduled = single(h, ActivityScheduled.class);
        assertThat(scheduled.name()).isEqualTo("Hello");
        assertThat(scheduled.input()).as("activity input is stored as JSON").isEqualTo("\"World\"");
        assertThat(single(h, ActivityCompleted.class).scheduledId()).isEqualTo(scheduled.eventId());
    }

    private Registry pipelineRegistry(AtomicInteger activityRuns) {
        return Registry.builder()
                .activity("Upper", (actx, s) -> {
                    activityRuns.incrementAndGet();
                    return s.toUpperCase();
                })
                .orchestration("Pipeline", (ctx, input) -> {
                    String first = ctx.scheduleActivity("Upper", input).await();
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    String approval = ctx.waitForEvent("Approve").await();
                    return ctx.scheduleActivity("Upper", first + "+" + approval).await();
                })
                .build();
    }

    private static void assertPipelineHistory(List<HistoryEvent> h) {
        assertTypes(h, OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class, TimerCreated.class,
                TimerFired.class, EventSubscribed.class, EventRaised.class, ActivityScheduled.class,
                ActivityCompleted.class, OrchestrationCompleted.class);
        assertCompletedCleanly(h);
        assertThat(((ActivityCompleted) h.get(2)).scheduledId()).as("first completion names event 2").isEqualTo(2);
        TimerCreated created = (TimerCreated) h.get(3);
        TimerFired fired = (TimerFired) h.get(4);
        assertThat(fired.scheduledId()).as("TimerFired names its TimerCreated").isEqualTo(created.eventId());
        assertThat(fired.fireAt()).isEqualTo(created.fireAt());
        assertThat(created.fireAt()).as("fireAt = orchestration time of the call + delay")
                .isEqualTo(created.timestamp().plus(SHORT_TIMER));
        assertThat(((EventRaised) h.get(6)).data()).isEqualTo("\"ok\"");
        assertThat(((ActivityScheduled) h.get(7)).input()).as("second step gets first result and the event")
                .isEqualTo("\"ABC+ok\"");
        assertThat(((OrchestrationCompleted) h.get(9)).output()).isEqualTo("\"ABC+OK\"");
    }

    @Test
    void deterministicEndToEndHistoryIsExactlyTheExpectedSequence() {
        AtomicInteger runs = new AtomicInteger();
        start(pipelineRegistry(runs));

        client.startOrchestration("pipeline-1", "Pipeline", "abc");
        awaitSubscribed("pipeline-1", "Approve");
        client.raiseEvent("pipeline-1", "Approve", "ok");

        assertThat(awaitCompleted("pipeline-1").output(String.class)).isEqualTo("ABC+OK");
        assertPipelineHistory(history("pipeline-1"));
        assertThat(runs.get()).as("each activity ran once").isEqualTo(2);
    }

    @Test
    void deterministicOrchestrationReplaysAfterRestartWithoutRerunningWork() {
        AtomicInteger runs = new AtomicInteger();
        Registry registry = pipelineRegistry(runs);
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("pipeline-restart", "Pipeline", "abc");
        List<HistoryEvent> beforeRestart = awaitSubscribed("pipeline-restart", "Approve");
        stopRuntime();

        start(store, registry); // a new process: nothing cached, the code is rebuilt by replay
        client.raiseEvent("pipeline-restart", "Approve", "ok");

        assertThat(awaitCompleted("pipeline-restart").output(String.class)).isEqualTo("ABC+OK");
        List<HistoryEvent> h = history("pipeline-restart");
        assertPipelineHistory(h);
        assertThat(h.subList(0, beforeRestart.size()))
                .as("history is append-only: the events written before the restart are unchanged")
                .isEqualTo(beforeRestart);
        assertThat(runs.get()).as("replay does not run completed activities again").isEqualTo(2);
    }

    // ---- control flow -------------------------------------------------------------------------------

    @Test
    void controlFlowBranchingInputDecidesWhichActivityRuns() {
        start(Registry.builder()
                .activity("AutoApprove", Integer.class, (actx, amount) -> "approved " + amount)
                .activity("ManualReview", Integer.class, (actx, amount) -> "review " + amount)
                .orchestration("Branch", Integer.class, (ctx, amount) -> amount <= 1000
                        ? ctx.scheduleActivity("AutoApprove", amount).await()
                        : ctx.scheduleActivity("ManualReview", amount).await())
                .build());

        client.startOrchestration("branch-small", "Branch", 500);
        client.startOrchestration("branch-large", "Branch", 5000);

        assertThat(awaitCompleted("branch-small").output(String.class)).isEqualTo("approved 500");
        assertThat(awaitCompleted("branch-large").output(String.class)).isEqualTo("review 5000");
        assertThat(eventsOf(history("branch-small"), ActivityScheduled.class))
                .extracting(ActivityScheduled::name).as("activities run for amount 500").containsExactly("AutoApprove");
        assertThat(eventsOf(history("branch-large"), ActivityScheduled.class))
                .extracting(ActivityScheduled::name).as("activities run for amount 5000").containsExactly("ManualReview");
        assertCompletedCleanly(history("branch-small"));
        assertCompletedCleanly(history("branch-large"));
    }

    @Test
    void loopsAccumulateResultsAcrossIterations() {
        start(Registry.builder()
                .activity("Square", Integer.class, (actx, i) -> i * i)
                .orchestration("SumOfSquares", Integer.class, (ctx, n) -> {
                    int sum = 0;
                    for (int i = 1; i <= n; i++) {
                        sum += ctx.scheduleActivity("Square", i, Integer.class).await();
                    }
                    return sum;
                })
                .build());

        client.startOrchestration("loop-1", "SumOfSquares", 5);

        assertThat(awaitCompleted("loop-1").output(Integer.class)).isEqualTo(1 + 4 + 9 + 16 + 25);
        List<HistoryEvent> h = history("loop-1");
        assertCompletedCleanly(h);
        assertThat(eventsOf(h, ActivityScheduled.class)).extracting(ActivityScheduled::input)
                .as("one activity per iteration, in loop order").containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void sequentialFanInChainFeedsEachOutputIntoTheNextStep() {
        start(Registry.builder()
                .activity("Double", Integer.class, (actx, x) -> 2 * x)
                .orchestration("Chain", Integer.class, (ctx, seed) -> {
                    int value = seed;
                    for (int step = 0; step < 5; step++) {
                        value = ctx.scheduleActivity("Double", value, Integer.class).await();
                    }
                    return value;
                })
                .build());

        client.startOrchestration("chain-1", "Chain", 1);

        assertThat(awaitCompleted("chain-1").output(Integer.class)).isEqualTo(32);
        List<HistoryEvent> h = history("chain-1");
        assertCompletedCleanly(h);
        List<ActivityScheduled> scheduled = eventsOf(h, ActivityScheduled.class);
        List<ActivityCompleted> completed = eventsOf(h, ActivityCompleted.class);
        assertThat(scheduled).hasSize(5);
        assertThat(scheduled.get(0).input()).isEqualTo("1");
        for (int i = 1; i < scheduled.size(); i++) {
            assertThat(scheduled.get(i).input())
                    .as("step %d's input is step %d's output\n%s", i + 1, i, format(h))
                    .isEqualTo(completed.get(i - 1).result());
            assertThat(scheduled.get(i).eventId()).as("step %d is scheduled after step %d completed", i + 1, i)
                    .isGreaterThan(completed.get(i - 1).eventId());
        }
    }

    @Test
    void actionOrderInTheFirstTurnFollowsCallOrder() {
        start(Registry.builder()
                .activity("A", (actx, s) -> "a")
                .activity("B", (actx, s) -> "b")
                .activity("C", (actx, s) -> "c")
                .orchestration("ThreeAtOnce", (ctx, input) -> {
                    DurableFuture<String> a = ctx.scheduleActivity("A", input);
                    DurableFuture<String> b = ctx.scheduleActivity("B", input);
                    DurableFuture<String> c = ctx.scheduleActivity("C", input);
                    return String.join(",", ctx.join(List.of(a, b, c)).await());
                })
                .build());

        client.startOrchestration("order-1", "ThreeAtOnce", "x");

        assertThat(awaitCompleted("order-1").output(String.class)).isEqualTo("a,b,c");
        List<HistoryEvent> h = history("order-1");
        assertCompletedCleanly(h);
        assertThat(h.subList(1, 4)).as("events 2..4 are the three schedules in call order\n%s", format(h))
                .allMatch(e -> e instanceof ActivityScheduled)
                .extracting(e -> ((ActivityScheduled) e).name()).containsExactly("A", "B", "C");
        assertThat(h.subList(1, 4)).extracting(HistoryEvent::eventId).containsExactly(2L, 3L, 4L);
    }

    // ---- fan-out / fan-in -----------------------------------------------------------------------------

    @Test
    void parallelFanOutFanInJoinsFiftyActivities() {
        start(Registry.builder()
                .activity("Square", Integer.class, (actx, i) -> i * i)
                .orchestration("FanOut", Integer.class, (ctx, n) -> {
                    List<DurableFuture<Integer>> futures = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        futures.add(ctx.scheduleActivity("Square", i, Integer.class));
                    }
                    return ctx.join(futures).await();
                })
                .build());

        client.startOrchestration("fanout-50", "FanOut", 50);

        Integer[] squares = awaitCompleted("fanout-50").output(Integer[].class);
        assertThat(squares).as("results in argument order").containsExactly(
                IntStream.rangeClosed(1, 50).map(i -> i * i).boxed().toArray(Integer[]::new));
        List<HistoryEvent> h = history("fanout-50");
        assertCompletedCleanly(h);
        assertThat(h.subList(1, 51)).as("all 50 activities are scheduled in the first turn, before any completion")
                .allMatch(e -> e instanceof ActivityScheduled);
        assertThat(eventsOf(h, ActivityCompleted.class)).hasSize(50);
    }

    @Test
    void staggeredCompletionsAcrossTurnsAreJoinedInArgumentOrder() {
        start(Registry.builder()
                .activity("Staggered", Integer.class, (actx, i) -> {
                    gates.await("item-" + i);
                    return "r" + i;
                })
                .orchestration("Stagger", Integer.class, (ctx, n) -> {
                    List<DurableFuture<String>> futures = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        futures.add(ctx.scheduleActivity("Staggered", i));
                    }
                    return String.join(",", ctx.join(futures).await());
                })
                .build());

        client.startOrchestration("stagger-1", "Stagger", 5);
        List<HistoryEvent> h = awaitHistory("stagger-1", "5 activities scheduled",
                x -> eventsOf(x, ActivityScheduled.class).size() == 5);
        Map<Integer, Long> scheduledIdOfItem = new HashMap<>();
        for (ActivityScheduled a : eventsOf(h, ActivityScheduled.class)) {
            scheduledIdOfItem.put(Integer.parseInt(a.input()), a.eventId());
        }
        // complete them in reverse order, one turn at a time
        for (int i = 4; i >= 0; i--) {
            long scheduledId = scheduledIdOfItem.get(i);
            gates.open("item-" + i);
            awaitEvent("stagger-1", ActivityCompleted.class, c -> c.scheduledId() == scheduledId);
        }

        assertThat(awaitCompleted("stagger-1").output(String.class))
                .as("join returns results in argument order, whatever the completion order")
                .isEqualTo("r0,r1,r2,r3,r4");
        h = history("stagger-1");
        assertCompletedCleanly(h);
        assertThat(eventsOf(h, ActivityCompleted.class)).extracting(ActivityCompleted::scheduledId)
                .as("completions are recorded in the order they happened (reverse)")
                .containsExactly(scheduledIdOfItem.get(4), scheduledIdOfItem.get(3), scheduledIdOfItem.get(2),
                        scheduledIdOfItem.get(1), scheduledIdOfItem.get(0));
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void errorHandlingRunsCompensationWithTheActivityFailureDetails() {
        start(Registry.builder()
                .activity("Reserve", (actx, order) -> "reservation-of-" + order)
                .activity("Charge", (actx, order) -> {
                    throw new IllegalStateException("card declined for " + order);
                })
                .activity("Release", (actx, reservation) -> "released " + reservation)
                .orchestration("Saga", (ctx, order) -> {
                    String reservation = ctx.scheduleActivity("Reserve", order).await();
                    try {
                        ctx.scheduleActivity("Charge", order).await();
                        return null;
                    } catch (ActivityFailedException e) {
                        String released = ctx.scheduleActivity("Release", reservation).await();
                        return new Compensation(e.activityName(), e.activityFailure().type(), e.activityFailure().message(),
                                e.getMessage(), released);
                    }
                })
                .build());

        client.startOrchestration("saga-1", "Saga", "order-7");

        Compensation c = awaitCompleted("saga-1").output(Compensation.class);
        assertThat(c.failedActivity()).isEqualTo("Charge");
        assertThat(c.failureType()).as("type of the activity's exception").isEqualTo(IllegalStateException.class.getName());
        assertThat(c.failureMessage()).as("message of the activity's exception").isEqualTo("card declined for order-7");
        assertThat(c.exceptionMessage()).as("ActivityFailedException message names the activity and its failure")
                .contains("Charge").contains(IllegalStateException.class.getName()).contains("card declined for order-7");
        assertThat(c.compensation()).isEqualTo("released reservation-of-order-7");

        List<HistoryEvent> h = history("saga-1");
        assertTypes(h, OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class,
                ActivityScheduled.class, ActivityFailed.class, ActivityScheduled.class, ActivityCompleted.class,
                OrchestrationCompleted.class);
        assertCompletedCleanly(h);
        ActivityFailed failed = single(h, ActivityFailed.class);
        assertThat(failed.failure().type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failed.failure().message()).isEqualTo("card declined for order-7");
        assertThat(failed.failure().stackTrace()).as("the stored failure keeps the stack trace")
                .contains(IllegalStateException.class.getName());
        assertThat(((ActivityScheduled) h.get(5)).name()).as("compensation runs after the failure").isEqualTo("Release");
    }

    @Test
    void uncaughtExceptionFailsTheOrchestrationWithTypeAndMessage() {
        start(Registry.builder()
                .activity("Total", (actx, order) -> "-5")
                .orchestration("Validate", (ctx, order) -> {
                    int total = Integer.parseInt(ctx.scheduleActivity("Total", order).await());
                    if (total <= 0) {
                        throw new IllegalArgumentException("order total must be positive, was " + total);
                    }
                    return "ok";
                })
                .build());

        client.startOrchestration("uncaught-1", "Validate", "order-8");

        OrchestrationStatus status = awaitFailed("uncaught-1");
        assertThat(status.failure().type()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(status.failure().message()).isEqualTo("order total must be positive, was -5");
        assertThat(status.output()).as("a failed instance has no output").isNull();
        List<HistoryEvent> h = history("uncaught-1");
        HistoryAssertions.assertWellFormed(h);
        assertThat(h.get(h.size() - 1)).as("history ends with OrchestrationFailed\n%s", format(h))
                .isInstanceOf(OrchestrationFailed.class);
        assertThat(((OrchestrationFailed) h.get(h.size() - 1)).failure().type())
                .isEqualTo(IllegalArgumentException.class.getName());
    }

    @Test
    void uncaughtActivityFailureFailsTheOrchestrationWithTheActivityCause() {
        start(Registry.builder()
                .activity("Charge", (actx, order) -> {
                    throw new IllegalStateException("card declined for " + order);
                })
                .orchestration("NoCatch", (ctx, order) -> ctx.scheduleActivity("Charge", order).await())
                .build());

        client.startOrchestration("uncaught-activity", "NoCatch", "order-9");

        OrchestrationStatus status = awaitFailed("uncaught-activity");
        assertThat(status.failure().type()).isEqualTo(ActivityFailedException.class.getName());
        assertThat(status.failure().message()).contains("Charge").contains("card declined for order-9");
        assertThat(status.failure().isCausedBy(IllegalStateException.class))
                .as("the failure's cause chain holds the activity's exception: %s", status.failure()).isTrue();
        assertThat(status.failure().cause().message()).isEqualTo("card declined for order-9");
    }

    @Test
    void joinFailsWithTheEarliestFailureInHistoryOrder() {
        start(Registry.builder()
                .activity("FailWhenReleased", (actx, name) -> {
                    gates.await(name);
                    throw new IllegalStateException(name + " failed");
                })
                .activity("Succeed", (actx, name) -> name + " ok")
                .orchestration("JoinWithFailures", (ctx, input) -> {
                    DurableFuture<String> first = ctx.scheduleActivity("FailWhenReleased", "first-arg");
                    DurableFuture<String> second = ctx.scheduleActivity("FailWhenReleased", "second-arg");
                    DurableFuture<String> third = ctx.scheduleActivity("Succeed", "third-arg");
                    try {
                        return String.join(",", ctx.join(List.of(first, second, third)).await());
                    } catch (ActivityFailedException e) {
                        return e.activityFailure().message();
                    }
                })
                .build());

        client.startOrchestration("join-failure", "JoinWithFailures", "");
        List<HistoryEvent> h = awaitHistory("join-failure", "3 activities scheduled",
                x -> eventsOf(x, ActivityScheduled.class).size() == 3);
        long secondId = eventsOf(h, ActivityScheduled.class).get(1).eventId();
        gates.open("second-arg");
        awaitEvent("join-failure", ActivityFailed.class, f -> f.scheduledId() == secondId);
        gates.open("first-arg");

        assertThat(awaitCompleted("join-failure").output(String.class))
                .as("join throws the failure that came first in history, not the first argument's")
                .isEqualTo("second-arg failed");
        assertCompletedCleanly(history("join-failure"));
    }

    // ---- deterministic helpers, custom status, typed I/O -------------------------------------------------

    @Test
    void systemHelpersAreRecordedInlineAndStableAcrossReplay() {
        Registry registry = Registry.builder()
                .orchestration("Helpers", (ctx, input) -> {
                    Instant now = ctx.now();
                    UUID uuid = ctx.newUuid();
                    int random = ctx.random().nextInt(1_000_000);
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    ctx.waitForEvent("Finish").await();
                    return new HelperValues(now.toString(), uuid.toString(), random);
                })
                .build();
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("helpers-1", "Helpers", "");
        awaitSubscribed("helpers-1", "Finish");
        stopRuntime();
        start(store, registry); // forces a full replay of the recorded values
        client.raiseEvent("helpers-1", "Finish", "go");

        HelperValues values = awaitCompleted("helpers-1").output(HelperValues.class);
        List<HistoryEvent> h = history("helpers-1");
        assertTypes(h, OrchestrationStarted.class, SideEffectRecorded.class, SideEffectRecorded.class,
                SideEffectRecorded.class, TimerCreated.class, TimerFired.class, EventSubscribed.class, EventRaised.class,
                OrchestrationCompleted.class);
        HistoryAssertions.assertWellFormed(h);
        List<SideEffectRecorded> recorded = eventsOf(h, SideEffectRecorded.class);
        assertThat(recorded).extracting(SideEffectRecorded::kind).containsExactly("now", "uuid", "random");
        assertThat(values.now()).as("ctx.now() after replay equals the recorded value").isEqualTo(recorded.get(0).value());
        assertThat(values.uuid()).as("ctx.newUuid() after replay equals the recorded value").isEqualTo(recorded.get(1).value());
        assertThat(values.random()).as("ctx.random() is seeded with the recorded seed")
                .isEqualTo(new Random(Long.parseLong(recorded.get(2).value())).nextInt(1_000_000));
        assertThat(Instant.parse(values.now())).as("ctx.now() is the orchestration's time when first called")
                .isEqualTo(recorded.get(0).timestamp());
    }

    @Test
    void newUuidThenTimerReturnsTheUuidRecordedInHistory() {
        start(Registry.builder()
                .orchestration("UuidTimer", (ctx, input) -> {
                    UUID id = ctx.newUuid();
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    return id;
                })
                .build());

        client.startOrchestration("uuid-1", "UuidTimer", "");
        client.startOrchestration("uuid-2", "UuidTimer", "");

        UUID first = awaitCompleted("uuid-1").output(UUID.class);
        UUID second = awaitCompleted("uuid-2").output(UUID.class);
        assertThat(first).isEqualTo(UUID.fromString(single(history("uuid-1"), SideEffectRecorded.class).value()));
        assertThat(second).isEqualTo(UUID.fromString(single(history("uuid-2"), SideEffectRecorded.class).value()));
        assertThat(first).as("each instance gets its own uuid").isNotEqualTo(second);
        assertThat(eventsOf(history("uuid-1"), ActivityScheduled.class)).as("helpers need no activity").isEmpty();
    }

    @Test
    void customStatusIsVisibleWhileWaitingForAnEvent() {
        start(Registry.builder()
                .orchestration("Approval", (ctx, request) -> {
                    ctx.setCustomStatus(new Progress("awaiting approval", 1));
                    String decision = ctx.waitForEvent("Decision").await();
                    ctx.setCustomStatus(new Progress("decided", 2));
                    return request + ": " + decision;
                })
                .build());

        client.startOrchestration("approval-1", "Approval", "leave request");
        awaitSubscribed("approval-1", "Decision");
        OrchestrationStatus waiting = client.getStatus("approval-1").orElseThrow();
        assertThat(waiting.runtimeStatus().isTerminal()).as("still running while it waits").isFalse();
        assertThat(waiting.customStatus(Progress.class)).as("custom status while waiting")
                .isEqualTo(new Progress("awaiting approval", 1));

        client.raiseEvent("approval-1", "Decision", "granted");

        OrchestrationStatus done = awaitCompleted("approval-1");
        assertThat(done.output(String.class)).isEqualTo("leave request: granted");
        assertThat(done.customStatus(Progress.class)).as("custom status after completion").isEqualTo(new Progress("decided", 2));
        assertThat(eventsOf(history("approval-1"), CustomStatusSet.class)).hasSize(2);
    }

    @Test
    void mixedTypedAndStringInputAndOutput() {
        start(Registry.builder()
                .activity("PriceOrder", Order.class, (actx, o) -> new Quote(o.item(), o.quantity(), 50L * o.quantity()))
                .activity("Shout", (actx, s) -> s.toUpperCase())
                .orchestration("MixedIO", Order.class, (ctx, order) -> {
                    Quote quote = ctx.scheduleActivity("PriceOrder", order, Quote.class).await();
                    String quoteAsText = ctx.scheduleActivity("PriceOrder", order).await();
                    String shouted = ctx.scheduleActivity("Shout", order.item()).await();
                    return new MixedSummary(quote, quoteAsText, shouted);
                })
                .orchestration("Greet", (ctx, name) -> "hi " + name)
                .build());

        client.startOrchestration("mixed-1", "MixedIO", new Order("apple", 3));
        client.startOrchestration("greet-1", "Greet", "bob");

        OrchestrationStatus mixed = awaitCompleted("mixed-1");
        assertThat(mixed.input(Order.class)).as("record input reads back").isEqualTo(new Order("apple", 3));
        MixedSummary summary = mixed.output(MixedSummary.class);
        assertThat(summary.quote()).as("record output of an activity read as a record")
                .isEqualTo(new Quote("apple", 3, 150));
        assertThat(summary.quoteAsText()).as("a record result read as String is its JSON text")
                .isEqualTo("{\"item\":\"apple\",\"quantity\":3,\"priceCents\":150}");
        assertThat(summary.shouted()).isEqualTo("APPLE");
        assertThat(eventsOf(history("mixed-1"), ActivityScheduled.class).get(0).input())
                .isEqualTo("{\"item\":\"apple\",\"quantity\":3}");

        OrchestrationStatus greet = awaitCompleted("greet-1");
        assertThat(greet.output(String.class)).isEqualTo("hi bob");
        assertThat(greet.output()).as("a string output is stored as a JSON string").isEqualTo("\"hi bob\"");
    }
}
