package io.duratask;

/** Where an orchestration instance is in its life. */
public enum RuntimeStatus {
    /** Created, first turn not yet run. */
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    TERMINATED,
    /** Ended because a cancellation reached code that did not handle it. */
    CANCELED,
    SUSPENDED;

    /** True for states that no message can change any more. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == TERMINATED || this == CANCELED;
    }
}
