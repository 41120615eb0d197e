package io.duratask.testkit;

import io.duratask.FailureDetails;
import io.duratask.NonDeterminismException;
import io.duratask.PayloadCodec;
import io.duratask.Registry;
import io.duratask.Registry.OrchestrationDefinition;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.UnknownNameException;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.replay.Execution;
import io.duratask.replay.TurnResult;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.Provider;
import io.duratask.testkit.ReplayReport.Problem;
import io.duratask.testkit.ReplayReport.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Replays saved histories against the current code and reports every instance that would break: the
 * check to run before deploying a change to orchestration code.
 *
 * <pre>{@code
 * HistoryReplayer replayer = new HistoryReplayer(registry);
 * replayer.replay(Path.of("src/test/resources/golden")).assertNoBreaks();   // golden files
 * ReplayReport live = replayer.replayProvider(store);                       // every instance of a store
 * }</pre>
 *
 * <p>For each history (one execution): the orchestration is looked up in the registry by the name and
 * version of its first event ({@code OrchestrationStarted}), the same way the runtime looks it up; a
 * {@link Execution} replays the history, then takes an empty turn at the time of the last event. If that
 * turn fails the execution with a {@link NonDeterminismException}, the instance would break on this code:
 * the report holds the exception's message (event id, what history holds, what the code did, source line).
 * A history whose orchestration is not registered is reported broken too (the runtime would fail it).
 *
 * <p>A history that already ends with a failure the runtime wrote (nondeterminism, poison message, unknown
 * orchestration) is skipped: replaying it cannot say anything new. A failure the code itself produced
 * (an uncaught activity failure, say) is replayed like any other ending.
 *
 * <p>Input: history files as {@link HistoryCodec#writeList} writes them (see {@link HistoryFiles} for the
 * naming of files), a directory of them, a {@link Provider} (all instances, page by page, the current
 * execution of each or all executions), or a list of events. Thread-safe; each replay runs on its own
 * virtual thread and is bounded by a timeout.
 *
 * @see io.duratask.history.HistoryCodec
 */
public final class HistoryReplayer {
    /** How long one history's replay may take before it is reported as a {@link Problem#REPLAY_ERROR}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Failure types the runtime (not the orchestration code) writes into history. */
    private static final Set<String> RUNTIME_FAILURES = Set.of(NonDeterminismException.class.getName(),
            UnknownNameException.class.getName(), "io.duratask.PoisonMessage");

    private final Registry registry;
    private final PayloadCodec codec;
    private final boolean relaxedInputMatching;
    private final Duration timeout;
    private final int pageSize;

    /** A replayer with the runtime's default codec and strict input matching. */
    public HistoryReplayer(Registry registry) {
        this(builder(registry));
    }

    private HistoryReplayer(Builder b) {
        this.registry = b.registry;
        this.codec = b.codec;
        this.relaxedInputMatching = b.relaxedInputMatching;
        this.timeout = b.timeout;
        this.pageSize = b.pageSize;
    }

    public static Builder builder(Registry registry) {
        return new Builder(registry);
    }

    // ---- files -------------------------------------------------------------------------------------

    /** Replays one history file, or every {@code *.json} file under a directory (recursively, sorted by path). */
    public ReplayReport replay(Path fileOrDirectory) {
        return Files.isDirectory(fileOrDirectory) ? replayDirectory(fileOrDirectory) : replayFile(fileOrDirectory);
    }

    /** Replays one history file; instance and execution come from its name ({@link HistoryFiles#parse}). */
    public ReplayReport replayFile(Path file) {
        return new ReplayReport(List.of(checkFile(file)));
    }

    /** Replays every {@code *.json} file under {@code dir}, recursively, in path order. */
    public ReplayReport replayDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not a directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(HistoryFiles.EXTENSION))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new ReplayReport(files.stream().map(this::checkFile).toList());
    }

    private Result checkFile(Path file) {
        HistoryFiles.Name name = HistoryFiles.parse(file);
        List<HistoryEvent> history;
        try {
            history = HistoryFiles.read(file);
        } catch (RuntimeException e) {
            return Result.broken(name.instanceId(), name.executionId(), null, file.toString(), Problem.INVALID_HISTORY,
                    "cannot read the history file: " + e.getMessage(), 0);
        }
        return check(name.instanceId(), name.executionId(), file.toString(), history);
    }

    // ---- providers ---------------------------------------------------------------------------------

    /** Replays the current execution of every instance in {@code provider}. */
    public ReplayReport replayProvider(Provider provider) {
        return replayProvider(provider, InstanceQuery.all(), false);
    }

    /** Replays every instance in {@code provider}: the current execution only, or all its executions. */
    public ReplayReport replayProvider(Provider provider, boolean allExecutions) {
        return replayProvider(provider, InstanceQuery.all(), allExecutions);
    }

    /**
     * Replays the instances {@code query} selects (its page size is replaced by this replayer's; its
     * continuation token is where the walk starts), reading each one's history with
     * {@code readHistory(id, 0)}, or every execution's with {@code readHistory(id, n)} for
     * {@code n = 1..executionId} when {@code allExecutions}.
     */
    public ReplayReport replayProvider(Provider provider, InstanceQuery query, boolean allExecutions) {
        Objects.requireNonNull(provider, "provider");
        String source = "provider:" + provider.getClass().getSimpleName();
        List<Result> results = new ArrayList<>();
        InstanceQuery q = query.withPageSize(pageSize);
        String token = q.continuationToken();
        do {
            InstancePage page = provider.listInstances(q.withContinuationToken(token));
            for (InstanceInfo info : page.instances()) {
                String id = info.instanceId();
                if (allExecutions) {
                    for (long e = 1; e <= Math.max(1, info.executionId()); e++) {
                        results.add(checkStored(provider, id, e, e, source));
                    }
                } else {
                    results.add(checkStored(provider, id, 0, Math.max(1, info.executionId()), source));
                }
            }
            String next = page.continuationToken();
            if (next != null && next.equals(token)) {
                throw new IllegalStateException(source + " returned the same continuation token twice: " + next);
            }
            token = next;
        } while (token != null);
        return new ReplayReport(results);
    }

    private Result checkStored(Provider provider, String instanceId, long read, long executionId, String source) {
        List<HistoryEvent> history;
        try {
            history = provider.readHistory(instanceId, read);
        } catch (RuntimeException e) {
            return Result.broken(instanceId, executionId, null, source, Problem.INVALID_HISTORY,
                    "cannot read the history: " + e, 0);
        }
        return check(instanceId, executionId, source, history);
    }

    // ---- one history -------------------------------------------------------------------------------

    /** Replays one history (events as stored, ids assigned) and returns a report with its one result. */
    public ReplayReport replay(String instanceId, long executionId, String source, List<HistoryEvent> history) {
        return new ReplayReport(List.of(check(instanceId, executionId, source, history)));
    }

    /** Replays one history and returns its result. */
    public Result check(String instanceId, long executionId, String source, List<HistoryEvent> history) {
        Objects.requireNonNull(history, "history");
        int size = history.size();
        if (history.isEmpty()) {
            return Result.skipped(instanceId, executionId, null, source,
                    "empty history (the instance has not run yet, or the execution does not exist)", 0);
        }
        if (!(history.get(0) instanceof OrchestrationStarted started)) {
            return Result.broken(instanceId, executionId, null, source, Problem.INVALID_HISTORY,
                    "the first event is " + history.get(0).getClass().getSimpleName() + ", not OrchestrationStarted", size);
        }
        String orchestration = started.version() == null || started.version().isEmpty()
                ? started.name() : started.name() + "@" + started.version();
        if (history.get(size - 1) instanceof OrchestrationFailed f && isRuntimeFailure(f.failure())) {
            return Result.skipped(instanceId, executionId, orchestration, source,
                    "the execution already failed with " + f.failure().type()
                            + " (written by the runtime, not by the code): replaying it cannot break it again", size);
        }
        Optional<OrchestrationDefinition> definition = registry.orchestration(started.name(), started.version());
        if (definition.isEmpty()) {
            String what = started.version() == null
                    ? started.name() : started.name() + "' version '" + started.version();
            return Result.broken(instanceId, executionId, orchestration, source, Problem.UNKNOWN_ORCHESTRATION,
                    new UnknownNameException("orchestration", what, registry.orchestrationNames()).getMessage(), size);
        }

        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread driver = Thread.ofVirtual().name("duratask-replayer-" + instanceId).start(() -> {
            Execution execution = new Execution(instanceId, executionId, definition.get(), codec, relaxedInputMatching);
            try {
                execution.replay(history);
                outcome.set(execution.apply(List.of(), lastTimestamp(history)));
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                execution.abort();
            }
        });
        try {
            if (!driver.join(timeout)) {
                return Result.broken(instanceId, executionId, orchestration, source, Problem.REPLAY_ERROR,
                        "the replay did not finish within " + timeout + " (orchestration code blocked or looping?)", size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.broken(instanceId, executionId, orchestration, source, Problem.REPLAY_ERROR,
                    "interrupted while replaying", size);
        }
        Object o = outcome.get();
        if (o instanceof Throwable t) {
            return Result.broken(instanceId, executionId, orchestration, source, Problem.REPLAY_ERROR,
                    "the replay threw " + t, size);
        }
        TurnResult turn = (TurnResult) o;
        if (turn.status() == RuntimeStatus.FAILED && turn.failure() != null
                && NonDeterminismException.class.getName().equals(turn.failure().type())) {
            return Result.broken(instanceId, executionId, orchestration, source, Problem.NONDETERMINISM,
                    turn.failure().message(), size);
        }
        return Result.ok(instanceId, executionId, orchestration, source, size);
    }

    private static boolean isRuntimeFailure(FailureDetails failure) {
        return failure != null && RUNTIME_FAILURES.contains(failure.type());
    }

    private static Instant lastTimestamp(List<HistoryEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).timestamp() != null) {
                return history.get(i).timestamp();
            }
        }
        return Instant.EPOCH;
    }

    /** Options of a {@link HistoryReplayer}. */
    public static final class Builder {
        private final Registry registry;
        private PayloadCodec codec = new PayloadCodec();
        private boolean relaxedInputMatching;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int pageSize = 100;

        private Builder(Registry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** The payload codec the runtime uses (default: the runtime's default). */
        public Builder payloadCodec(PayloadCodec codec) {
            this.codec = Objects.requireNonNull(codec, "payloadCodec");
            return this;
        }

        /** Compare only kind and name of calls, not inputs, as a runtime with this option does (default false). */
        public Builder relaxedInputMatching(boolean relaxed) {
            this.relaxedInputMatching = relaxed;
            return this;
        }

        /** Takes the payload codec and input matching of the runtime options the code runs with. */
        public Builder like(RuntimeOptions options) {
            return payloadCodec(options.payloadCodec()).relaxedInputMatching(options.relaxedInputMatching());
        }

        /** Longest time one replay may take (default 30 s). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Instances listed per page when walking a provider (1..1000, default 100). */
        public Builder pageSize(int size) {
            if (size < 1 || size > 1000) {
                throw new IllegalArgumentException("pageSize must be between 1 and 1000, was " + size);
            }
            this.pageSize = size;
            return this;
        }

        public HistoryReplayer build() {
            return new HistoryReplayer(this);
        }
    }
}
