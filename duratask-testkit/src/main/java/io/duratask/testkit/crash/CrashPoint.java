package io.duratask.testkit.crash;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a worker process stops so that the test can kill it at a precise point. Read from the system
 * property {@value #PROPERTY} as {@code <point>:<n>} ({@code n}: which occurrence, 1-based; for
 * {@link Kind#GROUP_COMMITS}, how many commits to gather). Off when the property is absent.
 *
 * <p>A crash point does not kill anything itself: the worker prints a {@code CRASH-POINT} line on its
 * standard output and blocks the thread that reached it; the test, which waits for that line, then kills
 * the process with SIGKILL. The point is exact for the store (that operation was not called, or it returned),
 * while the worker's other threads go on until the signal arrives, as they would in a real crash.
 */
public record CrashPoint(Kind kind, int n) {

    /** The system property the worker reads. */
    public static final String PROPERTY = "duratask.crash.point";
    /** The prefix of the line a worker prints when it reaches a crash point. */
    public static final String MARKER = "CRASH-POINT";
    /** A stopped worker that nobody kills ends itself after this long. */
    static final Duration HANG_LIMIT = Duration.ofMinutes(2);

    /** The points {@link FaultInjectingProvider} can stop at. */
    public enum Kind {
        /** An orchestration item of an instance already under way was fetched (locked); its turn never runs. */
        AFTER_FETCH("after-fetch"),
        /** A turn ran and produced new events; its commit was not called. */
        BEFORE_COMMIT("before-commit"),
        /** A turn's commit returned; the runtime never learns (its cache and wake-ups are lost). */
        AFTER_COMMIT("after-commit"),
        /** An activity ran (and recorded its run); its completion was not committed. */
        BEFORE_COMPLETE("before-complete"),
        /**
         * Not a stop: gathers up to {@code n} concurrent turn commits and lets them into the provider together,
         * so that a provider that batches commits batches them, and prints a {@code PENDING-COMMIT} line before
         * and a {@code COMMITTED} line after each. Combine with a provider's own crash hook.
         */
        GROUP_COMMITS("group-commits");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown crash point '" + label + "' in -D" + PROPERTY
                    + "; known: after-fetch, before-commit, after-commit, before-complete, group-commits");
        }
    }

    public CrashPoint {
        Objects.requireNonNull(kind, "kind");
        if (n < 1) {
            throw new IllegalArgumentException("crash point " + kind.label + ": n must be >= 1, was " + n);
        }
    }

    /** The crash point configured in the system properties, or null. */
    public static CrashPoint fromSystemProperties() {
        String spec = System.getProperty(PROPERTY);
        return spec == null || spec.isBlank() ? null : parse(spec);
    }

    /** Parses {@code <point>:<n>}, e.g. {@code before-complete:3}. */
    public static CrashPoint parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("crash point '" + spec + "' must look like <point>:<n>, e.g. before-commit:3");
        }
        int n;
        try {
            n = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("crash point '" + spec + "': '" + s.substring(colon + 1)
                    + "' is not a number", e);
        }
        return new CrashPoint(Kind.of(s.substring(0, colon)), n);
    }

    /** The {@code -D} argument that sets this crash point in a worker. */
    public String asJvmArgument() {
        return "-D" + PROPERTY + "=" + kind.label + ":" + n;
    }

    /**
     * The {@code key=value} fields of a {@code CRASH-POINT} (or {@code PENDING-COMMIT}) line, in order; the
     * point's name under the key {@code "point"}.
     */
    public static java.util.Map<String, String> fields(String line) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        String[] words = line.trim().split("\\s+");
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            } else if (i == 1) {
                fields.put("point", words[i]);
            }
        }
        return fields;
    }

    /**
     * Prints {@code CRASH-POINT <point> <details>} and blocks the calling thread until the process is killed
     * (after {@link #HANG_LIMIT} with nobody killing it, halts the process so that no orphan lingers).
     */
    static void announceAndHang(String point, String details) {
        announceAndHang(point, details, () -> { });
    }

    /**
     * {@link #announceAndHang(String, String)}, running {@code meanwhile} every 100 ms while it blocks (to keep
     * a lock the stopped thread holds, as a live process would, however long the kill takes).
     */
    static void announceAndHang(String point, String details, Runnable meanwhile) {
        System.out.println(MARKER + " " + point + " " + details);
        System.out.flush();
        long until = System.nanoTime() + HANG_LIMIT.toNanos();
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(100);
                meanwhile.run();
            } catch (InterruptedException e) {
                // keep hanging: the point is that this thread never goes on
            } catch (RuntimeException e) {
                System.err.println("crash point " + point + ": " + e);
            }
        }
        System.err.println("crash point " + point + " reached, but nobody killed this worker within " + HANG_LIMIT);
        Runtime.getRuntime().halt(86);
    }
}
