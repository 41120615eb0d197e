package io.duratask.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The in-process wake-up paths: new orchestrator messages, new work items, and timers coming due. */
final class Wakeups {
    private final WakeSignal orchestrations;
    private final WakeSignal activities;
    private final ScheduledExecutorService timers;
    private final Clock clock;

    Wakeups(int orchestrationWorkers, int activityWorkers, Clock clock) {
        this.orchestrations = new WakeSignal(orchestrationWorkers);
        this.activities = new WakeSignal(activityWorkers);
        this.clock = clock;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duratask-timer-wakeups");
            t.setDaemon(true);
            return t;
        });
    }

    WakeSignal orchestrations() {
        return orchestrations;
    }

    WakeSignal activities() {
        return activities;
    }

    /** Wakes an orchestration worker when a timer message becomes visible. */
    void at(Instant visibleAt) {
        long delay = Math.max(0, Duration.between(clock.instant(), visibleAt).toMillis() + 1);
        timers.schedule(() -> orchestrations.signal(), delay, TimeUnit.MILLISECONDS);
    }

    void stop() {
        timers.shutdownNow();
    }
}
