package io.duratask;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How a failed activity or sub-orchestration is retried. Retries are durable: the wait between attempts
 * is a timer in history, so a crash between attempts neither loses nor repeats one.
 *
 * <p>Attempt {@code n+1} starts {@code firstInterval × backoffCoefficient^(n-1)} (at most
 * {@code maxInterval}) after attempt {@code n} failed. A failure is not retried when it is marked not
 * retryable (unknown activity, unreadable input), when its type or a cause's type is in
 * {@code nonRetryableTypes}, when {@code retryIf} says no, after {@code maxAttempts} attempts, or when the
 * next attempt would start after {@code totalTimeout} from the first.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration firstInterval;
    private final double backoffCoefficient;
    private final Duration maxInterval;
    private final Duration totalTimeout;
    private final Set<String> nonRetryableTypes;
    private final Predicate<FailureDetails> retryIf;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.firstInterval = b.firstInterval;
        this.backoffCoefficient = b.backoffCoefficient;
        this.maxInterval = b.maxInterval;
        this.totalTimeout = b.totalTimeout;
        this.nonRetryableTypes = Set.copyOf(b.nonRetryableTypes);
        this.retryIf = b.retryIf;
    }

    /** {@code maxAttempts} attempts, 1 s apart, doubling, at most 1 minute apart. */
    public static RetryPolicy attempts(int maxAttempts) {
        return builder().maxAttempts(maxAttempts).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration firstInterval() {
        return firstInterval;
    }

    public double backoffCoefficient() {
        return backoffCoefficient;
    }

    public Duration maxInterval() {
        return maxInterval;
    }

    /** Null when unbounded. */
    public Duration totalTimeout() {
        return totalTimeout;
    }

    public Set<String> nonRetryableTypes() {
        return nonRetryableTypes;
    }

    /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
    public Duration delayBefore(int nextAttempt) {
        double millis = firstInterval.toMillis() * Math.pow(backoffCoefficient, Math.max(0, nextAttempt - 2));
        long capped = (long) Math.min(millis, maxInterval.toMillis());
        return Duration.ofMillis(Math.max(capped, 0));
    }

    /**
     * Whether attempt {@code failedAttempt} (1-based) that failed with {@code failure}, {@code elapsed}
     * after the first attempt started, gets another attempt.
     */
    public boolean shouldRetry(FailureDetails failure, int failedAttempt, Duration elapsed) {
        if (failedAttempt >= maxAttempts || !failure.retryable()) {
            return false;
        }
        for (FailureDetails d = failure; d != null; d = d.cause()) {
            if (nonRetryableTypes.contains(d.type())) {
                return false;
            }
        }
        if (totalTimeout != null && elapsed.plus(delayBefore(failedAttempt + 1)).compareTo(totalTimeout) > 0) {
            return false;
        }
        return retryIf.test(failure);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", firstInterval=" + firstInterval + ", backoff="
                + backoffCoefficient + ", maxInterval=" + maxInterval + ", totalTimeout=" + totalTimeout
                + ", nonRetryable=" + nonRetryableTypes + "]";
    }

    /** Validates every value as it is set; {@link #build()} checks the combination. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration firstInterval = Duration.ofSeconds(1);
        private double backoffCoefficient = 2.0;
        private Duration maxInterval = Duration.ofMinutes(1);
        private Duration totalTimeout;
        private Set<String> nonRetryableTypes = Set.of();
        private Predicate<FailureDetails> retryIf = f -> true;

        private Builder() {}

        /** Attempts in all, the first included (default 3; 1 means no retry). */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("RetryPolicy.maxAttempts must be at least 1, was " + n);
            }
            maxAttempts = n;
            return this;
        }

        /** Wait before the first retry (default 1 s; must be positive). */
        public Builder firstInterval(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("RetryPolicy.firstInterval must be positive, was " + d);
            }
            firstInterval = d;
            return this;
        }

        /** Factor between successive waits (default 2.0; at least 1.0). */
        public Builder backoffCoefficient(double c) {
            if (!(c >= 1.0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("RetryPolicy.backoffCoefficient must be a finite number >= 1.0, was " + c);
            }
            backoffCoefficient = c;
            return this;
        }

        /** Longest wait between attempts (default 1 minute; at least firstInterval). */
        public Builder maxInterval(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("RetryPolicy.maxInterval must be positive, was " + d);
            }
            maxInterval = d;
            return this;
        }

        /** No attempt starts later than this after the first (default: unbounded). */
        public Builder totalTimeout(Duration d) {
            if (d != null && (d.isNegative() || d.isZero())) {
                throw new IllegalArgumentException("RetryPolicy.totalTimeout must be positive, was " + d);
            }
            totalTimeout = d;
            return this;
        }

        /** Failures of these exception types (or caused by them) are never retried. */
        @SafeVarargs
        public final Builder nonRetryable(Class<? extends Throwable>... types) {
            java.util.HashSet<String> names = new java.util.HashSet<>(nonRetryableTypes);
            for (Class<? extends Throwable> t : types) {
                names.add(Objects.requireNonNull(t, "nonRetryable type").getName());
            }
            nonRetryableTypes = names;
            return this;
        }

        /** An extra condition every retry must pass (default: always). Must be deterministic. */
        public Builder retryIf(Predicate<FailureDetails> predicate) {
            retryIf = Objects.requireNonNull(predicate, "retryIf");
            return this;
        }

        public RetryPolicy build() {
            if (maxInterval.compareTo(firstInterval) < 0) {
                throw new IllegalArgumentException("RetryPolicy.maxInterval (" + maxInterval
                        + ") must not be shorter than firstInterval (" + firstInterval + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
