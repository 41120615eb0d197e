package io.duratask;

/**
 * The orchestration code made a different decision on replay than the one recorded in its history.
 * The instance fails with this error; no other instance is touched.
 *
 * <p>Fix: deploy code that makes the same calls, in the same order, with the same inputs, for
 * executions that started on the old code (keep the old branch for running instances, or start new
 * instances for the new flow).
 */
public class NonDeterminismException extends DurataskException {
    /** Stable error code, for searching logs and docs. */
    public static final String CODE = "DT0001";

    private final String instanceId;
    private final long executionId;
    private final long eventId;
    private final String expected;
    private final String actual;
    private final String sourceLocation;

    public NonDeterminismException(String instanceId, long executionId, long eventId, String expected, String actual,
                                   String sourceLocation) {
        super("[" + CODE + "] nondeterministic orchestration: instance '" + instanceId + "' execution " + executionId
                + ", event " + eventId + ": history holds " + expected + " but the code " + actual
                + (sourceLocation == null ? "" : " at " + sourceLocation)
                + ". Running executions must replay the same calls in the same order with the same inputs;"
                + " keep the old code path for instances started before the change.");
        this.instanceId = instanceId;
        this.executionId = executionId;
        this.eventId = eventId;
        this.expected = expected;
        this.actual = actual;
        this.sourceLocation = sourceLocation;
    }

    public String instanceId() {
        return instanceId;
    }

    public long executionId() {
        return executionId;
    }

    public long eventId() {
        return eventId;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }

    public String sourceLocation() {
        return sourceLocation;
    }
}
