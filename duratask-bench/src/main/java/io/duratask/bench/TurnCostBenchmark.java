package io.duratask.bench;

import io.duratask.Orchestration;
import io.duratask.PayloadCodec;
import io.duratask.Registry;
import io.duratask.Registry.OrchestrationDefinition;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.replay.Execution;
import io.duratask.replay.TurnResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of ONE orchestration turn on an instance whose history already holds {@code historySize}
 * events, with the execution cache on and off. Only the pure replay engine ({@link Execution}) is
 * timed: no provider, no store, no serialization of history.
 *
 * <p><b>Workload.</b> {@link #LOOP} schedules one trivial activity, awaits it, and does so again,
 * forever. A history of N events is {@code OrchestrationStarted, ActivityScheduled} followed by
 * (N-2)/2 pairs {@code ActivityCompleted, ActivityScheduled}; the code is then parked on the activity
 * scheduled as event N. One turn = deliver the {@code ActivityCompleted} for event N, the code runs one
 * loop iteration and schedules the next activity: 2 new events (N+1, N+2), one work item.
 *
 * <p><b>{@link #cacheOff}</b> (every turn rebuilds the execution, as the runtime does with
 * {@code cacheSize=0} or on a cache miss): {@code new Execution}, {@code replay} of the N stored events,
 * {@code apply} of the one completion, {@code abort} (stops the code's virtual thread). Each invocation
 * starts from the same immutable N-event history, prepared once per trial by driving an execution
 * through the turns and collecting {@link TurnResult#newEvents()}; nothing grows.
 *
 * <p><b>{@link #cacheOn}</b> (the execution survived the previous turn in the cache): only
 * {@code apply} of the one completion on an execution already at N events. Each apply grows that
 * execution's history by 2, so the execution must be replaced before it drifts away from N. A fresh
 * execution per {@code Level.Iteration} (as first planned) does not bound the drift: a cached turn
 * costs 1-3 &micro;s, so a 1-second iteration runs 3&times;10^5..10^6 turns and grows the history by
 * 0.6..2 million events, i.e. every cell (even N=10) would really measure histories of ~10^6 events. The
 * design used instead, identical for every N: a {@code Level.Invocation} setup (not timed) keeps one
 * execution at N events and replaces it, by driving a fresh execution through N/2 turns, as soon as it
 * has grown by {@code max(2, N/100)} events. Measured turns therefore start at a history size in
 * {@code [N, N + N/100)}: exactly 10 for N=10 (a fresh execution for every measured turn), 1,000..1,008
 * for N=1,000 (5 turns per execution), 10,000..10,098 for N=10,000 (50 turns per execution): at most 1%
 * above N. The replacement executions are built with {@code apply} (turn by turn, as the cache would
 * have kept them), not with {@code replay}, so their internal state (e.g. the history list's spare
 * capacity) is that of a long-lived cached execution. Per-invocation timing adds a timestamp pair per
 * turn (tens of ns, the same in every cell) and measures each turn after a setup call rather than in a
 * hot loop, which is also closer to the runtime, where a cached instance's turns are interleaved with
 * other instances' work.
 *
 * <p><b>Threads.</b> The runtime drives turns from virtual threads (its worker loops) and the engine's
 * driver/code handoff is designed for virtual-to-virtual park/unpark, so the forks run JMH's worker
 * threads as virtual threads ({@code -Djmh.executor=VIRTUAL}); {@code @Setup} runs on the same worker
 * thread. Pass {@code -jvmArgsAppend "-Xmx2g -XX:+UseParallelGC -Djmh.executor=PLATFORM"} to see the
 * cost with a platform-thread driver ({@code -jvmArgsAppend} replaces the annotation's list). GC and heap as in the throughput harness ({@code -Xmx2g -XX:+UseParallelGC}).
 *
 * <p><b>Reading the results.</b> A cached turn is two driver/code handoffs (park/unpark of two
 * virtual threads) plus a little engine and Jackson work; its median is about the same at every N,
 * but its mean is dominated by a tail of turns in which the code's virtual thread continues on the other
 * ForkJoinPool carrier, which has to be woken up (~10 &micro;s instead of ~1). How often that happens
 * depends on the carriers' state, which the setup (a long chain of turns for large N) disturbs, so
 * compare the cells also with {@code -bm sample} (percentiles) and with a single carrier
 * ({@code -jvmArgsAppend "-Xmx2g -XX:+UseParallelGC -Djmh.executor=VIRTUAL
 * -Djdk.virtualThreadScheduler.parallelism=1"}), which removes cross-carrier handoffs and leaves the
 * engine's own cost. A replay (cache off) is one handoff round trip per completion, so its cost is linear
 * in N with a single carrier and somewhat worse than linear with two (long handoff chains).
 *
 * <p>Run: {@code ./mvnw -q -Pjmh -pl duratask-bench -am verify -DskipTests -Djmh.args="TurnCostBenchmark"} (see
 * the module's pom, profile {@code jmh}; JMH options such as {@code -f 3 -wi 5 -i 10} go in
 * {@code jmh.args}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC", "-Djmh.executor=VIRTUAL"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TurnCostBenchmark {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final PayloadCodec CODEC = new PayloadCodec();

    /** One trivial activity at a time, forever: every turn runs exactly one loop iteration. */
    static final Orchestration<Integer, Integer> LOOP = (ctx, start) -> {
        int x = start;
        while (true) {
            x = ctx.scheduleActivity("Noop", x, Integer.class).await();
        }
    };

    static final OrchestrationDefinition DEFINITION = Registry.builder()
            .activity("Noop", Integer.class, (actx, x) -> x + 1)
            .orchestration("Loop", Integer.class, LOOP)
            .build()
            .orchestration("Loop")
            .orElseThrow();

    static final OrchestrationStarted START =
            new OrchestrationStarted(0, null, "Loop", "", CODEC.encode(0), null, null);

    static Execution newExecution() {
        return new Execution("bench-1", 1, DEFINITION, CODEC, false);
    }

    /** The message completing the activity scheduled as event {@code scheduledId} (result: an int). */
    static ActivityCompleted completion(long scheduledId) {
        return new ActivityCompleted(0, null, scheduledId, Long.toString(scheduledId));
    }

    /** The time of the turn that completes the activity scheduled as event {@code scheduledId}. */
    static Instant turnTime(long scheduledId) {
        return T0.plusMillis(scheduledId);
    }

    /**
     * Drives a fresh execution, turn by turn, to {@code size} events (even, at least 2): the code is then
     * parked on the activity scheduled as event {@code size}. Appends every event to {@code sink} if not null.
     */
    static Execution driveTo(int size, List<HistoryEvent> sink) {
        if (size < 2 || size % 2 != 0) {
            throw new IllegalArgumentException("history size must be even and >= 2, was " + size);
        }
        Execution ex = newExecution();
        TurnResult r = ex.apply(List.of(START), T0);
        check(r, 1);
        if (sink != null) {
            sink.addAll(r.newEvents());
        }
        while (ex.historySize() < size) {
            long pending = ex.historySize();
            r = ex.apply(List.of(completion(pending)), turnTime(pending));
            check(r, pending + 1);
            if (sink != null) {
                sink.addAll(r.newEvents());
            }
        }
        return ex;
    }

    /** A turn of the loop: 2 new events from {@code firstId}, the second scheduling the next activity. */
    static void check(TurnResult r, long firstId) {
        List<HistoryEvent> e = r.newEvents();
        if (r.status() != RuntimeStatus.RUNNING || e.size() != 2 || e.get(0).eventId() != firstId
                || !(e.get(1) instanceof ActivityScheduled a) || a.eventId() != firstId + 1
                || r.workItems().size() != 1) {
            throw new IllegalStateException("unexpected turn from event " + firstId + ": " + r);
        }
    }

    /** The stored history of N events (built once per trial) and the completion that makes the next turn. */
    @State(Scope.Thread)
    public static class History {
        @Param({"10", "1000", "10000"})
        public int historySize;

        List<HistoryEvent> events;
        List<HistoryEvent> nextMessage;
        Instant nextTime;

        @Setup(Level.Trial)
        public void prepare() {
            List<HistoryEvent> sink = new ArrayList<>(historySize);
            driveTo(historySize, sink).abort();
            if (sink.size() != historySize) {
                throw new IllegalStateException("built " + sink.size() + " events, wanted " + historySize);
            }
            events = List.copyOf(sink);
            nextMessage = List.of(completion(historySize));
            nextTime = turnTime(historySize);
            // the measured cache-off turn, once, checked: replay matches and the turn adds N+1, N+2
            Execution ex = newExecution();
            ex.replay(events);
            check(ex.apply(nextMessage, nextTime), historySize + 1);
            ex.abort();
        }
    }

    /** One cached execution kept within 1% above N events (see the class comment). */
    @State(Scope.Thread)
    public static class Cached {
        Execution execution;
        int limit;
        List<HistoryEvent> nextMessage;
        Instant nextTime;
        long expectedFirstId;

        @Setup(Level.Invocation)
        public void next(History h) {
            if (execution != null && execution.historySize() != expectedFirstId + 1) {
                throw new IllegalStateException("the measured turn added " + (execution.historySize() - expectedFirstId + 1)
                        + " events, expected 2");
            }
            if (execution == null || execution.historySize() >= limit) {
                if (execution != null) {
                    execution.abort();
                }
                execution = driveTo(h.historySize, null);
                limit = h.historySize + Math.max(2, h.historySize / 100);
            }
            long pending = execution.historySize();
            nextMessage = List.of(completion(pending));
            nextTime = turnTime(pending);
            expectedFirstId = pending + 1;
        }

        @TearDown(Level.Trial)
        public void drop() {
            if (execution != null) {
                execution.abort();
                execution = null;
            }
        }
    }

    /** A turn without the cache: rebuild the execution from the N stored events, apply, drop it. */
    @Benchmark
    public TurnResult cacheOff(History h) {
        Execution ex = newExecution();
        ex.replay(h.events);
        TurnResult r = ex.apply(h.nextMessage, h.nextTime);
        ex.abort();
        return r;
    }

    /** A turn with the cache: apply the one completion to the execution kept at N events. */
    @Benchmark
    public TurnResult cacheOn(Cached c) {
        return c.execution.apply(c.nextMessage, c.nextTime);
    }
}
