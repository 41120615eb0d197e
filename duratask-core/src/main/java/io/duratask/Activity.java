package io.duratask;

/**
 * A unit of side-effecting work (call a service, write a file). Runs at least once: make it idempotent
 * where a repeat would hurt. An exception becomes {@code ActivityFailed} in the orchestration's history.
 */
@FunctionalInterface
public interface Activity<I, O> {
    O run(ActivityContext ctx, I input) throws Exception;
}
