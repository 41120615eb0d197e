package io.duratask.cli;

/** A problem the user can fix (a missing file, an unknown instance): shown as its message, exit code 1. */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }
}
