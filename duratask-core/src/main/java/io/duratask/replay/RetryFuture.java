package io.duratask.replay;

import io.duratask.FailureDetails;
import io.duratask.RetryPolicy;
import io.duratask.TimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * An activity or sub-orchestration call with a per-attempt timeout and/or a retry policy. Attempts,
 * timeout timers and the waits between attempts are ordinary scheduling events, recorded (or matched on
 * replay) at the moment the deciding completion is delivered, so the whole sequence replays exactly.
 */
final class RetryFuture<T> extends EngineFuture<T> {
    private final Supplier<CompletionFuture<T>> attempts;
    private final RetryPolicy policy;
    private final Duration timeout;
    private final String description;
    private final Instant firstAttemptAt;
    private int attempt;
    private CompletionFuture<T> succeeded;
    private CompletionFuture<T> lastAttempt;
    private FailureDetails finalFailure;
    private boolean timedOut;

    RetryFuture(Execution owner, Supplier<CompletionFuture<T>> attempts, RetryPolicy policy, Duration timeout,
                String description) {
        super(owner);
        this.attempts = attempts;
        this.policy = policy;
        this.timeout = timeout;
        this.description = description;
        this.firstAttemptAt = owner.currentTime();
        runAttempt();
    }

    private void runAttempt() {
        attempt++;
        CompletionFuture<T> f = attempts.get();
        lastAttempt = f;
        if (timeout == null) {
            f.onSettled(() -> attemptSettled(f));
            return;
        }
        CompletionFuture<Void> timer = owner.internalTimer(timeout);
        boolean[] decided = {false};
        f.onSettled(() -> {
            if (!decided[0]) {
                decided[0] = true;
                owner.forget(timer);
                attemptSettled(f);
            }
        });
        timer.onSettled(() -> {
            if (!decided[0]) {
                decided[0] = true;
                owner.forget(f);
                attemptFailed(FailureDetails.of(new TimeoutException(description + " attempt " + attempt
                        + " did not complete within " + timeout)), timer.completedAt(), true);
            }
        });
    }

    private void attemptSettled(CompletionFuture<T> f) {
        if (!f.failed()) {
            succeeded = f;
            settle(f.completedAt());
        } else {
            attemptFailed(f.failure(), f.completedAt(), false);
        }
    }

    private void attemptFailed(FailureDetails failure, long at, boolean byTimeout) {
        Duration elapsed = Duration.between(firstAttemptAt, owner.currentTime());
        if (policy != null && policy.shouldRetry(failure, attempt, elapsed) && !owner.isEnded()) {
            try {
                CompletionFuture<Void> wait = owner.internalTimer(policy.delayBefore(attempt + 1));
                wait.onSettled(() -> {
                    try {
                        runAttempt();
                    } catch (RuntimeException nondeterminism) {
                        // recorded by the execution, which fails the instance
                    }
                });
                return;
            } catch (RuntimeException nondeterminism) {
                // recorded by the execution, which fails the instance
            }
        }
        finalFailure = failure;
        timedOut = byTimeout;
        settle(at);
    }

    @Override
    T value() {
        if (succeeded != null) {
            return succeeded.value();
        }
        if (timedOut) {
            throw new TimeoutException(finalFailure.message() + (attempt > 1 ? " (after " + attempt + " attempts)" : ""));
        }
        throw lastAttempt.exceptionFor(finalFailure);
    }

    @Override
    boolean failed() {
        return finalFailure != null;
    }

    /** Attempts made so far. */
    int attempts() {
        return attempt;
    }

    @Override
    public String toString() {
        return description + (policy != null ? " with retries" : "") + (timeout != null ? " within " + timeout : "");
    }
}
