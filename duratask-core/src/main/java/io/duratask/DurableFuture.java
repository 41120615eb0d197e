package io.duratask;

/**
 * The result of a scheduled activity, timer, event wait or sub-orchestration, or of {@code select}/
 * {@code join} over such futures. Completions reach the code one at a time in history order.
 */
public interface DurableFuture<T> {
    /**
     * Blocks the orchestration until this future completes, then returns its value or throws its
     * failure ({@link ActivityFailedException}, {@link SubOrchestrationFailedException}, ...).
     * Only the orchestration's own thread may call it.
     */
    T await();

    /** True once the completion has been delivered. */
    boolean isDone();
}
