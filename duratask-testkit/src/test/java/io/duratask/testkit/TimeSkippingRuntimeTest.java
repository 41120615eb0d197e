package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.RuntimeStatus;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Month-long timers in milliseconds: the virtual clock jumps whenever the store is idle. */
@Timeout(120)
class TimeSkippingRuntimeTest {
    /** Generous bound on wall time: a skip takes milliseconds, so this never flakes, yet a real wait fails it. */
    private static final Duration WALL = Duration.ofSeconds(60);
    private static final Instant T0 = VirtualClock.DEFAULT_START;

    private static Registry registry() {
        return Registry.builder()
                .activity("Echo", (actx, s) -> s)
                .orchestration("Sleeper", (ctx, in) -> {
                    ctx.scheduleTimer(Duration.ofDays(30)).await();
                    return "woke up at " + ctx.now();
                })
                .orchestration("Approval", (ctx, in) -> {
                    DurableFuture<String> decision = ctx.waitForEvent("Decision");
                    DurableFuture<Void> deadline = ctx.scheduleTimer(Duration.ofDays(7));
                    if (ctx.select(decision, deadline).await().index() == 0) {
                        return "decided: " + decision.await();
                    }
                    return "timed out";
                })
                .orchestration("Hourly", Integer.class, (ctx, n) -> {
                    int fired = 0;
                    for (int i = 0; i < n; i++) {
                        ctx.scheduleTimer(Duration.ofHours(1)).await();
                        fired++;
                    }
                    return fired;
                })
                .orchestration("Mixed", (ctx, in) -> {
                    String a = ctx.scheduleActivity("Echo", in + "-a").await();
                    ctx.scheduleTimer(Duration.ofDays(1)).await();
                    String b = ctx.scheduleActivity("Echo", in + "-b").await();
                    ctx.scheduleTimer(Duration.ofMinutes(90)).await();
                    return a + "," + b;
                })
                .build();
    }

    private static OrchestrationStatus awaitFinished(TimeSkippingRuntime env, String id) {
        return env.client().waitForCompletion(id, WALL);
    }

    @Test
    void aThirtyDayTimerCompletesInWallClockSecondsAndHistoryShowsThirtyDays() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry())) {
            long wallStart = System.nanoTime();
            env.client().startOrchestration("sleeper", "Sleeper", "");

            OrchestrationStatus status = awaitFinished(env, "sleeper");
            Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(wall).as("wall time of a 30-day sleep").isLessThan(WALL);
            List<HistoryEvent> h = env.client().getHistory("sleeper");
            Instant started = h.get(0).timestamp();
            assertThat(started).as("the orchestration starts at the virtual clock's start").isEqualTo(T0);
            TimerCreated created = single(h, TimerCreated.class);
            assertThat(created.fireAt()).as("fireAt is 30 days after the start").isEqualTo(started.plus(Duration.ofDays(30)));
            TimerFired fired = single(h, TimerFired.class);
            assertThat(fired.timestamp()).as("the timer fired at its virtual time").isEqualTo(created.fireAt());
            assertThat(status.output(String.class)).isEqualTo("woke up at " + T0.plus(Duration.ofDays(30)));
            assertThat(env.clock().instant()).isAfterOrEqualTo(T0.plus(Duration.ofDays(30)));
            assertThat(env.skips()).isPositive();
        }
    }

    @Test
    void anEventRaisedBeforeSkippingWinsAgainstTheSevenDayTimeout() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry())) {
            env.pauseSkipping();
            env.client().startOrchestration("approval-yes", "Approval", "");
            Awaitility.await("Approval waits").atMost(WALL).pollInterval(Duration.ofMillis(2)).until(() ->
                    env.client().getHistory("approval-yes").stream().anyMatch(TimerCreated.class::isInstance));
            env.awaitQuiescent(WALL);
            assertThat(env.clock().instant()).as("no skip while paused").isEqualTo(T0);

            env.client().raiseEvent("approval-yes", "Decision", "yes");
            env.resumeSkipping();

            OrchestrationStatus status = awaitFinished(env, "approval-yes");
            assertThat(status.output(String.class)).isEqualTo("decided: yes");
            List<HistoryEvent> h = env.client().getHistory("approval-yes");
            assertThat(eventsOf(h, EventRaised.class)).hasSize(1);
            assertThat(eventsOf(h, TimerFired.class)).as("the deadline did not fire first").isEmpty();
            assertThat(single(h, OrchestrationCompleted.class).timestamp()).as("decided before any skip").isEqualTo(T0);
        }
    }

    @Test
    void withoutTheEventTheSevenDayTimeoutBranchRuns() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry())) {
            env.client().startOrchestration("approval-no", "Approval", "");

            OrchestrationStatus status = awaitFinished(env, "approval-no");

            assertThat(status.output(String.class)).isEqualTo("timed out");
            List<HistoryEvent> h = env.client().getHistory("approval-no");
            assertThat(single(h, TimerFired.class).timestamp()).isEqualTo(T0.plus(Duration.ofDays(7)));
            assertThat(single(h, OrchestrationCompleted.class).timestamp()).isEqualTo(T0.plus(Duration.ofDays(7)));
            assertThat(eventsOf(h, EventRaised.class)).isEmpty();
        }
    }

    @Test
    void aLoopOfOneHundredOneHourTimersCompletes() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry())) {
            env.client().startOrchestration("hourly", "Hourly", 100);

            OrchestrationStatus status = awaitFinished(env, "hourly");

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.output(Integer.class)).isEqualTo(100);
            List<HistoryEvent> h = env.client().getHistory("hourly");
            List<TimerCreated> timers = eventsOf(h, TimerCreated.class);
            assertThat(timers).hasSize(100);
            for (int i = 0; i < timers.size(); i++) {
                assertThat(timers.get(i).fireAt()).as("timer %d", i + 1).isEqualTo(T0.plus(Duration.ofHours(i + 1)));
            }
            assertThat(h.get(h.size() - 1).timestamp()).isEqualTo(T0.plus(Duration.ofHours(100)));
            assertThat(env.skips()).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void activitiesAndTimersInterleaveAtTheirVirtualTimes() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry(), Instant.parse("2030-06-01T12:00:00Z"))) {
            env.client().startOrchestration("mixed", "Mixed", "m");

            assertThat(awaitFinished(env, "mixed").output(String.class)).isEqualTo("m-a,m-b");
            List<HistoryEvent> h = env.client().getHistory("mixed");
            Instant start = Instant.parse("2030-06-01T12:00:00Z");
            assertThat(h.get(0).timestamp()).isEqualTo(start);
            List<ActivityCompleted> done = eventsOf(h, ActivityCompleted.class);
            assertThat(done.get(0).timestamp()).as("the first activity runs without time passing").isEqualTo(start);
            assertThat(done.get(1).timestamp()).isEqualTo(start.plus(Duration.ofDays(1)));
            assertThat(h.get(h.size() - 1).timestamp()).isEqualTo(start.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(90)));
        }
    }

    @Test
    void withSkippingOffTimeMovesOnlyByHand() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.builder(registry()).skipping(false).start()) {
            assertThat(env.isSkipping()).isFalse();
            env.client().startOrchestration("manual", "Sleeper", "");
            Awaitility.await("timer created").atMost(WALL).pollInterval(Duration.ofMillis(2)).until(() ->
                    env.client().getHistory("manual").stream().anyMatch(TimerCreated.class::isInstance));
            env.awaitQuiescent(WALL);
            assertThat(env.client().getStatus("manual").orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.RUNNING);

            env.advance(Duration.ofDays(29));
            env.awaitQuiescent(WALL);
            assertThat(env.client().getStatus("manual").orElseThrow().runtimeStatus())
                    .as("29 days in, the 30-day timer has not fired").isEqualTo(RuntimeStatus.RUNNING);
            assertThat(env.provider().nextDelayedVisibleAt()).contains(T0.plus(Duration.ofDays(30)));

            assertThat(env.skipToNextTimer()).contains(T0.plus(Duration.ofDays(30)));
            assertThat(awaitFinished(env, "manual").runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(env.skips()).as("no automatic skip").isZero();
            assertThat(env.skipToNextTimer()).as("nothing left to wait for").isEmpty();
        }
    }

    @Test
    void skippingWorksWithTheExecutionCacheOffAndExposesItsParts() {
        Registry registry = registry();
        try (TimeSkippingRuntime env = TimeSkippingRuntime.builder(registry).cacheSize(0).start()) {
            assertThat(env.registry()).isSameAs(registry).isSameAs(env.registry);
            assertThat(env.runtime().provider()).isSameAs(env.provider());
            env.client().startOrchestration("hourly-nocache", "Hourly", 20);
            env.client().startOrchestration("sleeper-nocache", "Sleeper", "");

            assertThat(awaitFinished(env, "hourly-nocache").output(Integer.class)).isEqualTo(20);
            assertThat(awaitFinished(env, "sleeper-nocache").isCompleted()).isTrue();
            assertThat(env.runtime().cacheStats()[0]).as("no cache hits with cacheSize 0").isZero();
        }
    }

    @Test
    void instancesStartedWhileAnotherSleepsAllSeeTheSameClock() {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry())) {
            env.client().startOrchestration("long", "Sleeper", "");
            env.client().startOrchestration("short", "Hourly", 3);

            assertThat(awaitFinished(env, "short").output(Integer.class)).isEqualTo(3);
            assertThat(awaitFinished(env, "long").isCompleted()).isTrue();
            List<HistoryEvent> shortHistory = env.client().getHistory("short");
            assertThat(shortHistory.get(shortHistory.size() - 1).timestamp()).isEqualTo(T0.plus(Duration.ofHours(3)));
            assertThat(((OrchestrationStarted) env.client().getHistory("long").get(0)).timestamp()).isEqualTo(T0);
            assertThat(eventsOf(env.client().getHistory("long"), EventSubscribed.class)).isEmpty();
        }
    }
}
