package io.duratask.runtime;

import io.duratask.spi.WorkListener;

/**
 * Wakes idle dispatcher workers when the provider reports work from another process: one worker per
 * reported item, at most as many as there are workers.
 */
final class RemoteWork implements WorkListener {
    private final Wakeups wakeups;
    private final int orchestrationWorkers;
    private final int activityWorkers;

    RemoteWork(Wakeups wakeups, int orchestrationWorkers, int activityWorkers) {
        this.wakeups = wakeups;
        this.orchestrationWorkers = orchestrationWorkers;
        this.activityWorkers = activityWorkers;
    }

    @Override
    public void orchestrationWork(int count) {
        wake(wakeups.orchestrations(), Math.min(count, orchestrationWorkers));
    }

    @Override
    public void activityWork(int count) {
        wake(wakeups.activities(), Math.min(count, activityWorkers));
    }

    private static void wake(WakeSignal signal, int n) {
        for (int i = 0; i < Math.max(1, n); i++) {
            signal.signal();
        }
    }
}
