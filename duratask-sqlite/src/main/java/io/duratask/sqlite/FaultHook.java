package io.duratask.sqlite;

import java.util.List;

/**
 * Test-only crash point inside a group commit, for the crash-recovery tests that kill a worker process
 * there. Off unless the system property {@value #PROPERTY} is set when this class loads; then every check is
 * a constant-false branch the JIT removes.
 *
 * <p>{@code -Dduratask.sqlite.faultHook=before-commit:K} (or {@code after-commit:K}): the first batch holding
 * at least {@code K} successful turn commits stops just before (or just after) its {@code COMMIT}: the
 * leader prints {@code CRASH-POINT sqlite-before-commit turns=<n> operations=<m>} on standard output and
 * blocks, holding the write transaction, until the test kills the process (after two minutes nobody
 * killing it, it halts the process). Nothing else changes.
 */
final class FaultHook {
    /** The system property that turns the hook on. */
    static final String PROPERTY = "duratask.sqlite.faultHook";

    private static final String SPEC = System.getProperty(PROPERTY);
    private static final boolean BEFORE = SPEC != null && SPEC.startsWith("before-commit:");
    private static final boolean AFTER = SPEC != null && SPEC.startsWith("after-commit:");
    private static final int MIN_TURNS = minTurns(SPEC);

    private static int minTurns(String spec) {
        if (spec == null) {
            return 0;
        }
        String bad = "-D" + PROPERTY + "=" + spec + ": expected before-commit:<turns> or after-commit:<turns>";
        if (!spec.startsWith("before-commit:") && !spec.startsWith("after-commit:")) {
            throw new IllegalArgumentException(bad);
        }
        try {
            return Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad, e);
        }
    }

    private FaultHook() {}

    /** Called by the leader after the batch's statements ran, before {@code COMMIT}. */
    static void beforeCommit(List<Pending<?>> batch) {
        if (BEFORE) {
            stopIfBigEnough("sqlite-before-commit", batch);
        }
    }

    /** Called by the leader after {@code COMMIT} returned, before any outcome is published. */
    static void afterCommit(List<Pending<?>> batch) {
        if (AFTER) {
            stopIfBigEnough("sqlite-after-commit", batch);
        }
    }

    private static void stopIfBigEnough(String point, List<Pending<?>> batch) {
        long turns = batch.stream().filter(p -> p.name.equals("commitOrchestrationItem") && !p.failed()).count();
        if (turns < MIN_TURNS) {
            return;
        }
        System.out.println("CRASH-POINT " + point + " turns=" + turns + " operations=" + batch.size());
        System.out.flush();
        long until = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                // keep blocking: this batch must never finish
            }
        }
        Runtime.getRuntime().halt(86);
    }
}
