package io.duratask.runtime;

import io.duratask.Activity;
import io.duratask.Registry;

/** The chain the runtime tests run: orchestration "Chain" calls activity "Inc" n times in sequence. */
final class Chains {
    private Chains() {}

    /** A registry with "Chain" and {@code inc} as "Inc" (which should return its input plus one). */
    static Registry.Builder registry(Activity<Integer, Integer> inc) {
        return Registry.builder()
                .activity("Inc", Integer.class, inc)
                .orchestration("Chain", Integer.class, (ctx, n) -> {
                    int x = 0;
                    for (int i = 0; i < n; i++) {
                        x = ctx.scheduleActivity("Inc", x, Integer.class).await();
                    }
                    return x;
                });
    }
}
