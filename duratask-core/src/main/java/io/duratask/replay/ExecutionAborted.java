package io.duratask.replay;

/**
 * Thrown inside orchestration code when the engine discards its execution (cache eviction, failure,
 * shutdown). An {@link Error} so that {@code catch (Exception e)} in user code does not swallow it.
 */
final class ExecutionAborted extends Error {
    ExecutionAborted() {
        super("orchestration execution discarded by the runtime", null, false, false);
    }
}
