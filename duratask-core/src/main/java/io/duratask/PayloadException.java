package io.duratask;

/** A payload could not be serialized to JSON or read back as the declared type. */
public class PayloadException extends DurataskException {
    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
