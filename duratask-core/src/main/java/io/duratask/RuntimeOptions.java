package io.duratask;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DurableRuntime} runs. Build with {@link #builder()}; every setter validates, and
 * {@code build()} freezes. Defaults are listed on each setter and in the README.
 */
public final class RuntimeOptions {
    private final int orchestrationConcurrency;
    private final int activityConcurrency;
    private final Duration lockTimeout;
    private final Duration idlePollInterval;
    private final int maxDequeueCount;
    private final int cacheSize;
    private final boolean eagerDispatch;
    private final boolean relaxedInputMatching;
    private final Clock clock;
    private final PayloadCodec payloadCodec;

    private RuntimeOptions(Builder b) {
        this.orchestrationConcurrency = b.orchestrationConcurrency;
        this.activityConcurrency = b.activityConcurrency;
        this.lockTimeout = b.lockTimeout;
        this.idlePollInterval = b.idlePollInterval;
        this.maxDequeueCount = b.maxDequeueCount;
        this.cacheSize = b.cacheSize;
        this.eagerDispatch = b.eagerDispatch;
        this.relaxedInputMatching = b.relaxedInputMatching;
        this.clock = b.clock;
        this.payloadCodec = b.payloadCodec;
    }

    public static RuntimeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int orchestrationConcurrency() {
        return orchestrationConcurrency;
    }

    public int activityConcurrency() {
        return activityConcurrency;
    }

    public Duration lockTimeout() {
        return lockTimeout;
    }

    public Duration idlePollInterval() {
        return idlePollInterval;
    }

    public int maxDequeueCount() {
        return maxDequeueCount;
    }

    public int cacheSize() {
        return cacheSize;
    }

    public boolean eagerDispatch() {
        return eagerDispatch;
    }

    public boolean relaxedInputMatching() {
        return relaxedInputMatching;
    }

    public Clock clock() {
        return clock;
    }

    public PayloadCodec payloadCodec() {
        return payloadCodec;
    }

    public static final class Builder {
        private int orchestrationConcurrency = 32;
        private int activityConcurrency = 128;
        private Duration lockTimeout = Duration.ofSeconds(30);
        private Duration idlePollInterval = Duration.ofMillis(250);
        private int maxDequeueCount = 10;
        private int cacheSize = 10_000;
        private boolean eagerDispatch = true;
        private boolean relaxedInputMatching;
        private Clock clock = Clock.systemUTC();
        private PayloadCodec payloadCodec = new PayloadCodec();
        private boolean built;

        private Builder() {}

        /** Orchestration turns run at once (default 32). */
        public Builder orchestrationConcurrency(int n) {
            return set(() -> orchestrationConcurrency = positive("orchestrationConcurrency", n));
        }

        /** Activities run at once, each on a virtual thread (default 128). */
        public Builder activityConcurrency(int n) {
            return set(() -> activityConcurrency = positive("activityConcurrency", n));
        }

        /**
         * How long a fetched instance or work item stays locked without renewal (default 30 s). The runtime
         * renews locks of work still in progress; a crashed worker's locks expire after this.
         */
        public Builder lockTimeout(Duration d) {
            return set(() -> lockTimeout = atLeast("lockTimeout", d, Duration.ofMillis(100)));
        }

        /**
         * Longest sleep of an idle dispatcher before it looks at the store again (default 250 ms). Work
         * enqueued by this process and timers due in it wake dispatchers at once; this bounds the delay
         * for work enqueued by other processes.
         */
        public Builder idlePollInterval(Duration d) {
            return set(() -> idlePollInterval = atLeast("idlePollInterval", d, Duration.ofMillis(1)));
        }

        /** A message fetched more than this many times is poison: its instance fails (default 10). */
        public Builder maxDequeueCount(int n) {
            return set(() -> maxDequeueCount = positive("maxDequeueCount", n));
        }

        /** Executions kept in memory between turns (default 10,000; 0 disables the cache). */
        public Builder cacheSize(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("cacheSize must be >= 0, was " + n);
            }
            return set(() -> cacheSize = n);
        }

        /**
         * Eager dispatch (default true): a turn commit leases the activities it schedules straight to this
         * process's idle activity workers, and an activity completion locks its instance for this process's
         * idle orchestration workers, in the same atomic step, when the provider supports it. Saves a fetch
         * and a thread wake-up per step of a chain. Turn it off to leave all work in the store for whichever
         * process fetches it first.
         */
        public Builder eagerDispatch(boolean eager) {
            return set(() -> eagerDispatch = eager);
        }

        /** Nondeterminism checks compare only kind and name, not inputs (default false). */
        public Builder relaxedInputMatching(boolean relaxed) {
            return set(() -> relaxedInputMatching = relaxed);
        }

        /** Source of time for new history events and timers (default system UTC). */
        public Builder clock(Clock c) {
            return set(() -> clock = Objects.requireNonNull(c, "clock"));
        }

        /** JSON codec for payloads (default Jackson with java.time support). */
        public Builder payloadCodec(PayloadCodec codec) {
            return set(() -> payloadCodec = Objects.requireNonNull(codec, "payloadCodec"));
        }

        public RuntimeOptions build() {
            built = true;
            return new RuntimeOptions(this);
        }

        private Builder set(Runnable r) {
            if (built) {
                throw new IllegalStateException("RuntimeOptions.Builder is frozen after build()");
            }
            r.run();
            return this;
        }

        private static int positive(String name, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + n);
            }
            return n;
        }

        private static Duration atLeast(String name, Duration d, Duration min) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + d);
            }
            return d;
        }
    }
}
