package io.duratask.spi;

import io.duratask.DurataskException;

/** A storage operation failed; {@link #isRetryable()} tells whether trying again can help. */
public class ProviderException extends DurataskException {
    private final boolean retryable;

    public ProviderException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public ProviderException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean isRetryable() {
        return retryable;
    }
}
