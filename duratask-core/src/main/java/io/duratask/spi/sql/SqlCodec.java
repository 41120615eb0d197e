package io.duratask.spi.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryCodec;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.ProviderException;
import io.duratask.spi.TurnCommit;
import java.time.Instant;
import java.util.List;

/**
 * JSON encoding and decoding between SPI records and the columns of a SQL provider (the SQLite and the
 * PostgreSQL provider share it): history events as {@link HistoryCodec} writes them, failure details as
 * JSON, instance rows to {@link InstanceInfo}. A provider runs it on the calling threads, before an
 * operation is submitted and after its result returns, so that a batch (which holds a write lock or a
 * transaction) only runs SQL. Thread-safe.
 */
public final class SqlCodec {

    /**
     * A message ready to insert. {@code kind} names the event type (for logs); {@code start} is set for start
     * messages (they may create their instance).
     */
    public record EncodedMessage(String instanceId, long executionId, Instant visibleAt, String kind, String eventJson,
                          Start start) {}

    /** What a start message says about the instance it creates. */
    public record Start(String name, String version, String input, String parentInstanceId) {}

    /** A history event ready to insert. */
    public record EncodedEvent(long eventId, String json) {}

    /** A turn ready to commit; {@code update} is null when the turn did not change the metadata. */
    public record EncodedCommit(long executionId, List<EncodedEvent> events, List<ActivityWorkItem> workItems,
                         List<EncodedMessage> messages, InstanceUpdate update, String failureJson) {}

    /** A message row as fetched. */
    public record MessageRow(long id, long executionId, String requestedVisibleAt, int dequeueCount, String eventJson) {}

    private final HistoryCodec history = new HistoryCodec();
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public EncodedMessage encode(OrchestratorMessage m) {
        Start start = null;
        if (m.event() instanceof OrchestrationStarted s) {
            start = new Start(s.name(), s.version(), s.input(), s.parent() == null ? null : s.parent().instanceId());
        }
        return new EncodedMessage(m.instanceId(), m.executionId(), m.visibleAt(), m.event().getClass().getSimpleName(),
                history.write(m.event()), start);
    }

    public EncodedCommit encode(TurnCommit c) {
        List<EncodedEvent> events = c.newEvents().stream()
                .map(e -> new EncodedEvent(e.eventId(), history.write(e))).toList();
        List<EncodedMessage> messages = c.messages().stream().map(this::encode).toList();
        InstanceUpdate u = c.update();
        return new EncodedCommit(c.executionId(), events, c.workItems(), messages, u,
                u == null ? null : failureJson(u.failure()));
    }

    public OrchestratorMessage decode(String instanceId, MessageRow row) {
        Instant visibleAt = row.requestedVisibleAt() == null ? null : Instant.parse(row.requestedVisibleAt());
        return new OrchestratorMessage(instanceId, row.executionId(), history.read(row.eventJson()), visibleAt);
    }

    public HistoryEvent decodeEvent(String eventJson) {
        return history.read(eventJson);
    }

    public InstanceInfo decode(InstanceRow r) {
        return new InstanceInfo(r.id(), r.name(), r.version(), r.executionId(), RuntimeStatus.valueOf(r.status()),
                r.input(), r.output(), failure(r.failureJson()), r.customStatus(), r.parentInstanceId(),
                Instant.ofEpochMilli(r.createdAt()), Instant.ofEpochMilli(r.updatedAt()));
    }

    public String failureJson(FailureDetails failure) {
        if (failure == null) {
            return null;
        }
        try {
            return json.writeValueAsString(failure);
        } catch (JsonProcessingException e) {
            throw new ProviderException("cannot write failure details " + failure + " as JSON: " + e.getOriginalMessage(),
                    false, e);
        }
    }

    private FailureDetails failure(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, FailureDetails.class);
        } catch (JsonProcessingException e) {
            throw new ProviderException("unreadable failure details in the database: " + e.getOriginalMessage(), false, e);
        }
    }
}
