package io.duratask;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * A failure as it is stored in history and shown to callers: the exception's type, message, stack
 * trace and cause chain, plus whether a retry could help. Crosses process boundaries as JSON, so it
 * never holds a live {@link Throwable}.
 *
 * @param type fully-qualified class name of the original exception
 * @param message the exception's message (may be null)
 * @param stackTrace the printed stack trace of the original exception (may be null)
 * @param cause the cause's details, if any
 * @param retryable whether retrying the failed work could succeed
 */
public record FailureDetails(String type, String message, String stackTrace, FailureDetails cause, boolean retryable) {

    private static final int MAX_CAUSE_DEPTH = 8;

    public FailureDetails {
        Objects.requireNonNull(type, "type");
    }

    /** Details of {@code error}, including up to eight levels of causes. */
    public static FailureDetails of(Throwable error) {
        return of(error, true, 0);
    }

    /** Details of {@code error}, marked not retryable. */
    public static FailureDetails nonRetryable(Throwable error) {
        return of(error, false, 0);
    }

    /** A failure that was not caused by an exception (e.g. a runtime decision). */
    public static FailureDetails of(String type, String message) {
        return new FailureDetails(type, message, null, null, false);
    }

    private static FailureDetails of(Throwable error, boolean retryable, int depth) {
        if (error instanceof DurataskFailure failure && depth == 0) {
            return failure.details();
        }
        Throwable cause = error.getCause();
        FailureDetails causeDetails =
                cause != null && cause != error && depth < MAX_CAUSE_DEPTH ? of(cause, retryable, depth + 1) : null;
        return new FailureDetails(error.getClass().getName(), error.getMessage(), stackTraceOf(error), causeDetails, retryable);
    }

    private static String stackTraceOf(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** True if this failure or one of its causes has the given type name. */
    public boolean isCausedBy(Class<? extends Throwable> type) {
        for (FailureDetails d = this; d != null; d = d.cause()) {
            if (d.type().equals(type.getName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return type + (message == null ? "" : ": " + message);
    }
}
