package io.duratask.replay;

import io.duratask.ActivityFailedException;
import io.duratask.DurableFuture;
import io.duratask.OrchestrationContext;
import io.duratask.Selected;
import io.duratask.TaskOptions;
import io.duratask.SubOrchestrationFailedException;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationChained;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.ParentInstance;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.OrchestratorMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link OrchestrationContext} handed to orchestration code; every call goes through its execution. */
final class Context implements OrchestrationContext {
    private final Execution ex;
    private Logger logger;

    Context(Execution ex) {
        this.ex = ex;
    }

    @Override
    public String instanceId() {
        return ex.instanceId();
    }

    @Override
    public long executionId() {
        return ex.executionId();
    }

    @Override
    public String orchestrationName() {
        return ex.definition().name();
    }

    @Override
    public String orchestrationVersion() {
        return ex.definition().version();
    }

    @Override
    public <T> DurableFuture<T> scheduleActivity(String name, Object input, Class<T> resultType) {
        return scheduleActivity(name, input, resultType, TaskOptions.none());
    }

    @Override
    public <T> DurableFuture<T> scheduleActivity(String name, Object input, Class<T> resultType, TaskOptions options) {
        ex.checkCodeThread();
        Objects.requireNonNull(name, "activity name");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(options, "options");
        String json = ex.codec().encode(input);
        if (options.retryPolicy() == null && options.timeout() == null) {
            return activityAttempt(name, json, resultType);
        }
        return new RetryFuture<>(ex, () -> activityAttempt(name, json, resultType), options.retryPolicy(),
                options.timeout(), "activity '" + name + "'");
    }

    /** One attempt of an activity call; also used from the driver thread for retries. */
    private <T> CompletionFuture<T> activityAttempt(String name, String json, Class<T> resultType) {
        HistoryEvent e = ex.matchOrRecord(
                h -> h instanceof ActivityScheduled a && a.name().equals(name) && ex.inputsMatch(a.input(), json),
                "called scheduleActivity(name=" + name + ", input=" + json + ")",
                () -> new ActivityScheduled(0, null, name, json));
        long id = e.eventId();
        ex.addWorkItem(new ActivityWorkItem(ex.instanceId(), ex.executionId(), id, name, json));
        return ex.awaitCompletion(id, ActivityCompleted.class, null, new CompletionFuture<>(ex, resultType,
                f -> new ActivityFailedException(name, id, f), "activity '" + name + "' (event " + id + ")"));
    }

    @Override
    public DurableFuture<Void> scheduleTimer(Duration delay) {
        ex.checkCodeThread();
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("timer delay must be zero or positive, was " + delay);
        }
        return ex.internalTimer(delay);
    }

    @Override
    public <T> DurableFuture<T> waitForEvent(String name, Class<T> dataType) {
        ex.checkCodeThread();
        Objects.requireNonNull(name, "event name");
        return subscribe(name, dataType);
    }

    @Override
    public <T> DurableFuture<T> waitForEvent(String name, Class<T> dataType, Duration timeout) {
        ex.checkCodeThread();
        Objects.requireNonNull(name, "event name");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("event wait timeout must be zero or positive, was " + timeout);
        }
        return new RetryFuture<>(ex, () -> subscribe(name, dataType), null, timeout, "wait for event '" + name + "'");
    }

    private <T> CompletionFuture<T> subscribe(String name, Class<T> dataType) {
        ex.matchOrRecord(h -> h instanceof EventSubscribed s && s.name().equals(name),
                "called waitForEvent(name=" + name + ")", () -> new EventSubscribed(0, null, name));
        CompletionFuture<T> future = new CompletionFuture<>(ex, dataType,
                f -> new IllegalStateException("event wait failed: " + f), "event '" + name + "'");
        ex.subscribe(name, future);
        return future;
    }

    @Override
    public <T> DurableFuture<T> scheduleSubOrchestration(String name, Object input, Class<T> resultType) {
        return scheduleSubOrchestration(name, null, input, resultType, TaskOptions.none());
    }

    @Override
    public <T> DurableFuture<T> scheduleSubOrchestration(String name, String instanceId, Object input,
                                                         Class<T> resultType) {
        Objects.requireNonNull(instanceId, "instanceId");
        return scheduleSubOrchestration(name, instanceId, input, resultType, TaskOptions.none());
    }

    @Override
    public <T> DurableFuture<T> scheduleSubOrchestration(String name, String instanceId, Object input,
                                                         Class<T> resultType, TaskOptions options) {
        ex.checkCodeThread();
        Objects.requireNonNull(name, "orchestration name");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(options, "options");
        String json = ex.codec().encode(input);
        if (options.retryPolicy() == null && options.timeout() == null) {
            return subAttempt(name, instanceId, json, resultType);
        }
        int[] attempt = {0};
        return new RetryFuture<>(ex, () -> {
            attempt[0]++;
            // a failed child keeps its id; a retry under an explicit id runs as "<id>#<attempt>"
            String id = instanceId == null || attempt[0] == 1 ? instanceId : instanceId + "#" + attempt[0];
            return subAttempt(name, id, json, resultType);
        }, options.retryPolicy(), options.timeout(), "sub-orchestration '" + name + "'");
    }

    private <T> CompletionFuture<T> subAttempt(String name, String explicitId, String json, Class<T> resultType) {
        HistoryEvent e = ex.matchOrRecord(
                h -> h instanceof SubOrchestrationScheduled s && s.name().equals(name)
                        && (explicitId == null || explicitId.equals(s.instanceId())) && ex.inputsMatch(s.input(), json),
                "called scheduleSubOrchestration(name=" + name + (explicitId == null ? "" : ", instanceId=" + explicitId)
                        + ", input=" + json + ")",
                () -> new SubOrchestrationScheduled(0, null, name,
                        explicitId != null ? explicitId : childId(ex.historySize() + 1), json));
        SubOrchestrationScheduled s = (SubOrchestrationScheduled) e;
        ex.addMessage(OrchestratorMessage.of(s.instanceId(), OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, name, null, json,
                        new ParentInstance(ex.instanceId(), ex.executionId(), s.eventId()), null)));
        return ex.awaitCompletion(s.eventId(), SubOrchestrationCompleted.class, s.instanceId(),
                new CompletionFuture<>(ex, resultType, f -> new SubOrchestrationFailedException(name, s.instanceId(), f),
                        "sub-orchestration '" + name + "' (event " + s.eventId() + ")"));
    }

    /** Generated child ids include the execution, so they stay unique across continue-as-new. */
    private String childId(long eventId) {
        return ex.instanceId() + ":" + ex.executionId() + ":" + eventId;
    }

    @Override
    public String startOrchestration(String name, Object input) {
        return startDetached(name, null, input);
    }

    @Override
    public String startOrchestration(String name, String instanceId, Object input) {
        Objects.requireNonNull(instanceId, "instanceId");
        return startDetached(name, instanceId, input);
    }

    private String startDetached(String name, String explicitId, Object input) {
        ex.checkCodeThread();
        Objects.requireNonNull(name, "orchestration name");
        String json = ex.codec().encode(input);
        HistoryEvent e = ex.matchOrRecord(
                h -> h instanceof OrchestrationChained c && c.name().equals(name)
                        && (explicitId == null || explicitId.equals(c.instanceId())) && ex.inputsMatch(c.input(), json),
                "called startOrchestration(name=" + name + ", input=" + json + ")",
                () -> new OrchestrationChained(0, null, name,
                        explicitId != null ? explicitId : childId(ex.historySize() + 1), json));
        OrchestrationChained c = (OrchestrationChained) e;
        ex.addMessage(OrchestratorMessage.of(c.instanceId(), OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, name, null, json, null, null)));
        return c.instanceId();
    }

    @Override
    public <T> T continueAsNew(Object input) {
        ex.checkCodeThread();
        throw new ContinueAsNewSignal(ex.codec().encode(input), ex.definition().version());
    }

    @Override
    public <T> T continueAsNew(Object input, String version) {
        ex.checkCodeThread();
        throw new ContinueAsNewSignal(ex.codec().encode(input), version);
    }

    @Override
    public boolean isPatched(String changeId) {
        ex.checkCodeThread();
        Objects.requireNonNull(changeId, "changeId");
        return ex.patched(changeId);
    }

    @Override
    public DurableFuture<Selected> select(DurableFuture<?>... futures) {
        ex.checkCodeThread();
        return new SelectFuture(ex, engineFutures(List.of(futures)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> DurableFuture<List<T>> join(List<? extends DurableFuture<T>> futures) {
        ex.checkCodeThread();
        List<EngineFuture<T>> fs = new ArrayList<>(futures.size());
        for (EngineFuture<?> f : engineFutures(futures)) {
            fs.add((EngineFuture<T>) f);
        }
        return new JoinFuture<>(ex, fs);
    }

    @Override
    @SuppressWarnings("unchecked")
    public DurableFuture<List<Object>> joinAll(DurableFuture<?>... futures) {
        return join((List<DurableFuture<Object>>) (List<?>) List.of(futures));
    }

    private List<EngineFuture<?>> engineFutures(List<? extends DurableFuture<?>> futures) {
        List<EngineFuture<?>> out = new ArrayList<>(futures.size());
        for (DurableFuture<?> f : futures) {
            if (!(f instanceof EngineFuture<?> ef) || ef.owner != ex) {
                throw new IllegalArgumentException("select/join accept only futures of this orchestration");
            }
            out.add(ef);
        }
        return out;
    }

    @Override
    public Instant now() {
        return Instant.parse(record("now", () -> ex.currentTime().toString()));
    }

    @Override
    public UUID newUuid() {
        return UUID.fromString(record("uuid", () -> UUID.randomUUID().toString()));
    }

    @Override
    public Random random() {
        return new Random(Long.parseLong(record("random", () -> Long.toString(ThreadLocalRandom.current().nextLong()))));
    }

    @Override
    public <T> T sideEffect(String name, Class<T> type, Supplier<T> producer) {
        Objects.requireNonNull(name, "side effect name");
        String json = record("user:" + name, () -> ex.codec().encode(producer.get()));
        return ex.codec().decode(json, type);
    }

    private String record(String kind, Supplier<String> value) {
        ex.checkCodeThread();
        HistoryEvent e = ex.matchOrRecord(h -> h instanceof SideEffectRecorded s && s.kind().equals(kind),
                "recorded side effect '" + kind + "'", () -> new SideEffectRecorded(0, null, kind, value.get()));
        return ((SideEffectRecorded) e).value();
    }

    @Override
    public void setCustomStatus(Object status) {
        ex.checkCodeThread();
        String json = ex.codec().encode(status);
        ex.matchOrRecord(h -> h instanceof CustomStatusSet, "called setCustomStatus(" + json + ")",
                () -> new CustomStatusSet(0, null, json));
        ex.customStatus(json);
    }

    @Override
    public boolean isReplaying() {
        return ex.replaying();
    }

    @Override
    public Logger logger() {
        if (logger == null) {
            logger = new ReplaySafeLogger(LoggerFactory.getLogger("io.duratask.orchestration." + ex.definition().name()),
                    ex::replaying);
        }
        return logger;
    }
}
