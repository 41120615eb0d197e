package io.duratask;

/**
 * Thrown by {@code await()} when an activity, sub-orchestration or event wait did not complete within the
 * timeout given to the call. What arrives late is dropped.
 */
public class TimeoutException extends DurataskException {
    public TimeoutException(String message) {
        super(message);
    }
}
