package io.duratask.postgres.multinode;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.client.DurableClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The orchestrations of the multi-node tests: chains, fan-outs, timers, external events and
 * sub-orchestrations, each with an output that follows from its input alone. Activities report every run
 * to a sink (a worker prints it), so a test can tell which worker ran what.
 */
final class MixedWorkload {
    static final int CHAIN = 5;
    static final int FAN_OUT = 6;

    private MixedWorkload() {}

    static Registry registry(Consumer<String> ran, Duration activityTime) {
        return Registry.builder()
                .activity("Add", Integer.class, (actx, x) -> {
                    ran.accept(actx.instanceId() + " " + actx.scheduledId());
                    Thread.sleep(activityTime.toMillis());
                    return x + 1;
                })
                .orchestration("Chain", Integer.class, (ctx, x) -> {
                    int v = x;
                    for (int i = 0; i < CHAIN; i++) {
                        v = ctx.scheduleActivity("Add", v, Integer.class).await();
                    }
                    return v;
                })
                .orchestration("FanOut", Integer.class, (ctx, x) -> {
                    List<DurableFuture<Integer>> parts = new ArrayList<>();
                    for (int i = 0; i < FAN_OUT; i++) {
                        parts.add(ctx.scheduleActivity("Add", x + i, Integer.class));
                    }
                    int sum = 0;
                    for (int v : ctx.join(parts).await()) {
                        sum += v;
                    }
                    return sum;
                })
                .orchestration("Timer", Integer.class, (ctx, x) -> {
                    ctx.scheduleTimer(Duration.ofMillis(300)).await();
                    return ctx.scheduleActivity("Add", x, Integer.class).await();
                })
                .orchestration("Event", Integer.class, (ctx, x) -> {
                    int bonus = ctx.waitForEvent("bonus", Integer.class).await();
                    return ctx.scheduleActivity("Add", x + bonus, Integer.class).await();
                })
                .orchestration("Parent", Integer.class, (ctx, x) -> {
                    int child = ctx.scheduleSubOrchestration("Chain", x, Integer.class).await();
                    return ctx.scheduleActivity("Add", child, Integer.class).await();
                })
                .build();
    }

    /** Starts {@code perKind} instances of each kind; returns each instance's expected output. */
    static Map<String, Integer> startAll(DurableClient client, int perKind) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 0; i < perKind; i++) {
            int x = i * 1000;
            client.startOrchestration("chain-" + i, "Chain", x);
            expected.put("chain-" + i, x + CHAIN);
            client.startOrchestration("fan-" + i, "FanOut", x);
            expected.put("fan-" + i, FAN_OUT * x + FAN_OUT * (FAN_OUT - 1) / 2 + FAN_OUT);
            client.startOrchestration("timer-" + i, "Timer", x);
            expected.put("timer-" + i, x + 1);
            client.startOrchestration("event-" + i, "Event", x);
            client.raiseEvent("event-" + i, "bonus", 7);
            expected.put("event-" + i, x + 8);
            client.startOrchestration("parent-" + i, "Parent", x);
            expected.put("parent-" + i, x + CHAIN + 1);
        }
        return expected;
    }

    /** How many activity runs the instances of {@link #startAll} need. */
    static int activities(int perKind) {
        return perKind * (CHAIN + FAN_OUT + 1 + 1 + CHAIN + 1);
    }
}
