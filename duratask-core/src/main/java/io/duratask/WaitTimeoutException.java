package io.duratask;

import java.time.Duration;

/** A client wait (for example {@code waitForCompletion}) ran out of time; the instance itself is unaffected. */
public class WaitTimeoutException extends DurataskException {
    public WaitTimeoutException(String instanceId, Duration timeout) {
        super("instance '" + instanceId + "' did not reach a final state within " + timeout);
    }
}
