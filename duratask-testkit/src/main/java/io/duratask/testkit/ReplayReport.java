package io.duratask.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link HistoryReplayer} found: one {@link Result} per history it looked at, in the order it
 * looked at them.
 *
 * @param results one entry per history (per execution, when several executions of an instance were read)
 */
public record ReplayReport(List<Result> results) {

    /** How one history fared against the current code. */
    public enum Outcome {
        /** The current code replays the history without a mismatch. */
        OK,
        /** The instance would break on the current code; {@link Result#message()} says why. */
        BROKEN,
        /** Nothing to check (empty history, execution already failed, ...); {@link Result#message()} says why. */
        SKIPPED
    }

    /** Why a history is {@link Outcome#BROKEN}. */
    public enum Problem {
        /** The code made a different decision than the history holds ({@code NonDeterminismException}). */
        NONDETERMINISM,
        /** The history's orchestration name/version is not in the registry. */
        UNKNOWN_ORCHESTRATION,
        /** The history cannot be read or is not a history (no leading {@code OrchestrationStarted}). */
        INVALID_HISTORY,
        /** Replaying failed in an unexpected way (engine error, replay did not finish in time). */
        REPLAY_ERROR
    }

    /**
     * One history's result.
     *
     * @param instanceId the instance (for files: the file name without {@code .json} and execution suffix)
     * @param executionId the execution (1-based)
     * @param orchestration {@code name} or {@code name@version} from the first event, null if unreadable
     * @param source where the history came from: a file path, or {@code provider:<class>}
     * @param outcome OK, BROKEN or SKIPPED
     * @param problem why it is broken (null unless BROKEN)
     * @param message the nondeterminism message, what else went wrong, or why it was skipped (null if OK)
     * @param events number of events in the history
     */
    public record Result(String instanceId, long executionId, String orchestration, String source, Outcome outcome,
                         Problem problem, String message, int events) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            if ((outcome == Outcome.BROKEN) != (problem != null)) {
                throw new IllegalArgumentException("a problem is given exactly for BROKEN results");
            }
        }

        static Result ok(String instanceId, long executionId, String orchestration, String source, int events) {
            return new Result(instanceId, executionId, orchestration, source, Outcome.OK, null, null, events);
        }

        static Result broken(String instanceId, long executionId, String orchestration, String source, Problem problem,
                             String message, int events) {
            return new Result(instanceId, executionId, orchestration, source, Outcome.BROKEN, problem, message, events);
        }

        static Result skipped(String instanceId, long executionId, String orchestration, String source, String reason,
                              int events) {
            return new Result(instanceId, executionId, orchestration, source, Outcome.SKIPPED, null, reason, events);
        }

        public boolean isOk() {
            return outcome == Outcome.OK;
        }

        public boolean isBroken() {
            return outcome == Outcome.BROKEN;
        }

        public boolean isSkipped() {
            return outcome == Outcome.SKIPPED;
        }

        /** {@code instance 'x' execution 2 (Orch) from golden/x.json} */
        public String describe() {
            return "instance '" + instanceId + "' execution " + executionId
                    + (orchestration == null ? "" : " (" + orchestration + ")")
                    + ", " + events + " events, from " + source;
        }

        @Override
        public String toString() {
            return switch (outcome) {
                case OK -> "OK       " + describe();
                case BROKEN -> "BROKEN   " + describe() + "\n           " + problem + ": " + message;
                case SKIPPED -> "SKIPPED  " + describe() + "\n           " + message;
            };
        }
    }

    public ReplayReport {
        results = List.copyOf(results);
    }

    /** The reports' results one after the other. */
    public static ReplayReport merge(List<ReplayReport> reports) {
        List<Result> all = new ArrayList<>();
        reports.forEach(r -> all.addAll(r.results()));
        return new ReplayReport(all);
    }

    /** True if no history is broken (skipped ones do not count). */
    public boolean isOk() {
        return results.stream().noneMatch(Result::isBroken);
    }

    /** The histories that would break on the current code. */
    public List<Result> broken() {
        return results.stream().filter(Result::isBroken).toList();
    }

    public List<Result> skipped() {
        return results.stream().filter(Result::isSkipped).toList();
    }

    /** The histories the current code replays cleanly. */
    public List<Result> passed() {
        return results.stream().filter(Result::isOk).toList();
    }

    /** The result of {@code instanceId} (its first one, if several executions were read). */
    public Result result(String instanceId) {
        return results.stream().filter(r -> Objects.equals(r.instanceId(), instanceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no result for instance '" + instanceId + "' in " + this));
    }

    /** Every result of {@code instanceId}, one per execution read. */
    public List<Result> results(String instanceId) {
        return results.stream().filter(r -> Objects.equals(r.instanceId(), instanceId)).toList();
    }

    /**
     * Throws an {@link AssertionError} listing every broken history with its message.
     *
     * @return this report, if nothing is broken
     */
    public ReplayReport assertNoBreaks() {
        List<Result> broken = broken();
        if (!broken.isEmpty()) {
            StringBuilder b = new StringBuilder();
            b.append(broken.size()).append(broken.size() == 1 ? " history" : " histories")
                    .append(" would break on the current code (of ").append(results.size()).append(" replayed):\n");
            for (Result r : broken) {
                b.append("  - ").append(r.describe()).append("\n      ").append(r.problem()).append(": ")
                        .append(r.message()).append('\n');
            }
            throw new AssertionError(b.toString());
        }
        return this;
    }

    /** A summary line, then one line (two for broken and skipped ones) per history. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("ReplayReport: ").append(results.size()).append(results.size() == 1 ? " history, " : " histories, ")
                .append(passed().size()).append(" ok, ").append(broken().size()).append(" broken, ")
                .append(skipped().size()).append(" skipped");
        for (Result r : results) {
            b.append("\n  ").append(r);
        }
        return b.toString();
    }
}
