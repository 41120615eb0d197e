package io.duratask;

/**
 * Orchestration code: ordinary blocking Java that schedules work through its context and awaits it.
 * It must be deterministic: every decision may depend only on its input, on awaited results and on the
 * context's deterministic helpers ({@link OrchestrationContext#now()}, {@code newUuid()}, ...).
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface Orchestration<I, O> {
    O run(OrchestrationContext ctx, I input) throws Exception;
}
