package io.duratask;

/**
 * Thrown by the next {@code await()} after a client cancelled the orchestration. Code may catch it to
 * clean up (awaits after it work normally); if it escapes, the instance ends as CANCELED.
 */
public class OrchestrationCancelledException extends DurataskException {
    private final String reason;

    public OrchestrationCancelledException(String reason) {
        super("orchestration cancelled" + (reason == null ? "" : ": " + reason));
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
