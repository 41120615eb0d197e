package io.duratask;

/** An exception that already carries {@link FailureDetails} (for example a failure reported by an activity). */
public interface DurataskFailure {
    FailureDetails details();
}
