package io.duratask;

/** Base of every exception Duratask throws. */
public class DurataskException extends RuntimeException {
    public DurataskException(String message) {
        super(message);
    }

    public DurataskException(String message, Throwable cause) {
        super(message, cause);
    }
}
