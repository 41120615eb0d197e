package io.duratask.testkit.crash;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.RetryPolicy;
import io.duratask.TaskOptions;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.spi.InstanceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The mixed workload the crash tests run: every instance of {@value #MAIN} goes through a chain of
 * activities, a fan-out/fan-in, a sub-orchestration, a durable timer, an external event and an activity
 * that fails twice and is retried, and returns a string that depends only on its input and the event's
 * data. Activities record every execution in the {@link RunLog} before they work, and sleep a little so that
 * kills land while they run.
 *
 * <p>Instance {@code n} is {@code "crash-" + n} with input {@code n}; its event {@value #EVENT} carries
 * {@code 7 n}; its output is {@link #expectedOutput(long)}.
 */
public final class CrashWorkload {
    /** The top-level orchestration. */
    public static final String MAIN = "CrashMixed";
    /** The sub-orchestration each main instance runs. */
    public static final String CHILD = "CrashChild";
    /** The external event each main instance waits for. */
    public static final String EVENT = "Approve";
    /** How long each main instance sleeps on its durable timer. */
    static final Duration TIMER = Duration.ofMillis(200);
    /** How many times {@code Flaky} fails for an instance before it succeeds. */
    static final int FLAKY_FAILURES = 2;
    private static final TaskOptions FLAKY_RETRY = TaskOptions.retry(RetryPolicy.builder().maxAttempts(6)
            .firstInterval(Duration.ofMillis(100)).backoffCoefficient(1.5).maxInterval(Duration.ofSeconds(1)).build());

    private CrashWorkload() {}

    /** The instance id of main instance {@code n}. */
    public static String instanceId(long n) {
        return "crash-" + n;
    }

    /** The data raised as {@value #EVENT} for main instance {@code n}. */
    public static long eventData(long n) {
        return 7 * n;
    }

    /** What main instance {@code n} returns, computed independently of the orchestration code. */
    public static String expectedOutput(long n) {
        long fan = 0;
        for (long i = 1; i <= 5; i++) {
            fan += (n + i) * (n + i);
        }
        long child = (10 * n + 1) * (10 * n + 1);
        return output(n, n + 3, fan, eventData(n), child, "ok");
    }

    private static String output(long n, long chain, long fan, long event, long child, String flaky) {
        return "n=" + n + " chain=" + chain + " fan=" + fan + " event=" + event + " child=" + child + " flaky=" + flaky;
    }

    /**
     * The registry, with activities recording to {@code runs} and sleeping up to {@code activityMaxMillis}
     * (0: no sleep).
     */
    public static Registry registry(RunLog runs, int activityMaxMillis) {
        return Registry.builder()
                .activity("Inc", Long.class, (actx, x) -> {
                    record(runs, actx, activityMaxMillis);
                    return x + 1;
                })
                .activity("Square", Long.class, (actx, x) -> {
                    record(runs, actx, activityMaxMillis);
                    return x * x;
                })
                .activity("Flaky", String.class, (actx, id) -> {
                    record(runs, actx, activityMaxMillis);
                    long sofar = runs.count(actx.instanceId(), "Flaky");
                    if (sofar <= FLAKY_FAILURES) {
                        throw new IllegalStateException("flaky failure " + sofar + " of " + FLAKY_FAILURES + " for " + id);
                    }
                    return "ok";
                })
                .orchestration(CHILD, Long.class, (ctx, x) -> {
                    long y = ctx.scheduleActivity("Inc", x, Long.class).await();
                    return ctx.scheduleActivity("Square", y, Long.class).await();
                })
                .orchestration(MAIN, Long.class, (ctx, n) -> {
                    long chain = n;
                    for (int i = 0; i < 3; i++) {
                        chain = ctx.scheduleActivity("Inc", chain, Long.class).await();
                    }
                    List<DurableFuture<Long>> parts = new ArrayList<>();
                    for (long i = 1; i <= 5; i++) {
                        parts.add(ctx.scheduleActivity("Square", n + i, Long.class));
                    }
                    long fan = ctx.join(parts).await().stream().mapToLong(Long::longValue).sum();
                    DurableFuture<Long> child = ctx.scheduleSubOrchestration(CHILD, 10 * n, Long.class);
                    ctx.scheduleTimer(TIMER).await();
                    long event = ctx.waitForEvent(EVENT, Long.class).await();
                    String flaky = ctx.scheduleActivity("Flaky", ctx.instanceId(), String.class, FLAKY_RETRY).await();
                    return output(n, chain, fan, event, child.await(), flaky);
                })
                .build();
    }

    private static void record(RunLog runs, io.duratask.ActivityContext actx, int activityMaxMillis)
            throws InterruptedException {
        runs.append(new RunLog.Run(actx.instanceId(), actx.executionId(), actx.scheduledId(), actx.activityName(),
                actx.attempt(), ProcessHandle.current().pid()));
        if (activityMaxMillis > 0) {
            Thread.sleep(ThreadLocalRandom.current().nextInt(activityMaxMillis + 1));
        }
    }

    /**
     * Checks that {@code history} has exactly the scheduling events the workload makes, once each: a repeated
     * turn would show up here as a second activity, timer or child. Returns the problems found (empty: none).
     */
    static List<String> checkShape(InstanceInfo info, List<HistoryEvent> history) {
        Map<String, Integer> scheduled = new TreeMap<>();
        int timers = 0;
        int children = 0;
        int events = 0;
        for (HistoryEvent e : history) {
            switch (e) {
                case ActivityScheduled a -> scheduled.merge(a.name() + "(" + a.input() + ")", 1, Integer::sum);
                case TimerCreated t -> timers++;
                case SubOrchestrationScheduled s -> children++;
                case EventRaised r -> events++;
                default -> { }
            }
        }
        List<String> problems = new ArrayList<>();
        String id = info.instanceId();
        if (MAIN.equals(info.name())) {
            long n = Long.parseLong(info.input());
            Map<String, Integer> expected = new TreeMap<>();
            for (long i = 0; i < 3; i++) {
                expected.put("Inc(" + (n + i) + ")", 1);
            }
            for (long i = 1; i <= 5; i++) {
                expected.put("Square(" + (n + i) + ")", 1);
            }
            Integer flaky = scheduled.remove("Flaky(\"" + id + "\")");
            if (flaky == null || flaky > FLAKY_FAILURES + 1) {
                problems.add(id + ": Flaky scheduled " + flaky + " times, expected 1.." + (FLAKY_FAILURES + 1));
            } else if (timers != 1 + flaky - 1) {
                problems.add(id + ": " + timers + " timers for " + flaky + " Flaky attempts, expected " + flaky);
            }
            if (!scheduled.equals(expected)) {
                problems.add(id + ": activities scheduled " + scheduled + ", expected each of " + expected.keySet() + " once");
            }
            if (children != 1) {
                problems.add(id + ": " + children + " sub-orchestrations scheduled, expected 1");
            }
            if (events != 1) {
                problems.add(id + ": " + events + " '" + EVENT + "' events in history, expected 1");
            }
        } else if (CHILD.equals(info.name())) {
            long x = Long.parseLong(info.input());
            Map<String, Integer> expected = new TreeMap<>(Map.of("Inc(" + x + ")", 1, "Square(" + (x + 1) + ")", 1));
            if (!scheduled.equals(expected)) {
                problems.add(id + ": activities scheduled " + scheduled + ", expected each of " + expected.keySet() + " once");
            }
            if (timers != 0 || children != 0) {
                problems.add(id + ": unexpected timers (" + timers + ") or children (" + children + ")");
            }
        } else {
            problems.add(id + ": unknown orchestration '" + info.name() + "'");
        }
        return problems;
    }
}
