package io.duratask.bench;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import java.util.ArrayList;
import java.util.List;

/** The orchestrations the harness measures: trivial activities, so the engine and the store are what is timed. */
final class Workloads {
    static final int CHAIN_LENGTH = 10;

    private Workloads() {}

    static Registry registry() {
        return Registry.builder()
                .activity("Noop", Integer.class, (actx, x) -> x + 1)
                .orchestration("Chain", Integer.class, (ctx, start) -> {
                    int x = start;
                    for (int i = 0; i < CHAIN_LENGTH; i++) {
                        x = ctx.scheduleActivity("Noop", x, Integer.class).await();
                    }
                    return x;
                })
                .orchestration("FanOut", Integer.class, (ctx, n) -> {
                    List<DurableFuture<Integer>> futures = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        futures.add(ctx.scheduleActivity("Noop", i, Integer.class));
                    }
                    long sum = 0;
                    for (int v : ctx.join(futures).await()) {
                        sum += v;
                    }
                    return sum;
                })
                .build();
    }
}
