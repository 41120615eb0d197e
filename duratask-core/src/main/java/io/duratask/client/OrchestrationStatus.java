package io.duratask.client;

import io.duratask.FailureDetails;
import io.duratask.PayloadCodec;
import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import java.time.Instant;

/** A snapshot of one instance as a client sees it. Payloads are JSON text; the typed accessors read them. */
public final class OrchestrationStatus {
    private final InstanceInfo info;
    private final PayloadCodec codec;

    public OrchestrationStatus(InstanceInfo info, PayloadCodec codec) {
        this.info = info;
        this.codec = codec;
    }

    public String instanceId() {
        return info.instanceId();
    }

    public String name() {
        return info.name();
    }

    public String version() {
        return info.version();
    }

    public long executionId() {
        return info.executionId();
    }

    public RuntimeStatus runtimeStatus() {
        return info.status();
    }

    public boolean isCompleted() {
        return info.status() == RuntimeStatus.COMPLETED;
    }

    public boolean isFailed() {
        return info.status() == RuntimeStatus.FAILED;
    }

    /** The output as JSON text (null unless completed). */
    public String output() {
        return info.output();
    }

    public <T> T output(Class<T> type) {
        return codec.decode(info.output(), type);
    }

    public String input() {
        return info.input();
    }

    public <T> T input(Class<T> type) {
        return codec.decode(info.input(), type);
    }

    /** The custom status as JSON text, or null. */
    public String customStatus() {
        return info.customStatus();
    }

    public <T> T customStatus(Class<T> type) {
        return codec.decode(info.customStatus(), type);
    }

    /** Why it failed (null unless failed). */
    public FailureDetails failure() {
        return info.failure();
    }

    public String parentInstanceId() {
        return info.parentInstanceId();
    }

    public Instant createdAt() {
        return info.createdAt();
    }

    public Instant lastUpdatedAt() {
        return info.updatedAt();
    }

    /** The stored record behind this snapshot. */
    public InstanceInfo info() {
        return info;
    }

    @Override
    public String toString() {
        return "OrchestrationStatus[" + info.instanceId() + " " + info.name() + " " + info.status()
                + (info.output() != null ? " output=" + info.output() : "")
                + (info.failure() != null ? " failure=" + info.failure() : "") + "]";
    }
}
