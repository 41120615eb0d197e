package io.duratask.fs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.ProviderException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of the per-instance files: JSON records inside {@link Frames}. History events use the same
 * JSON as {@link io.duratask.history.HistoryCodec} (the wire names on {@link HistoryEvent}). Every reader
 * reports damage as a {@link CorruptFileException} naming the file and the byte offset. Thread-safe.
 */
final class FileCodec {

    /**
     * The {@code meta} file: the instance's metadata and the size of its current execution's history, so
     * that opening the store needs no history scan.
     */
    record Meta(String id, String name, String version, long executionId, RuntimeStatus status, String input,
                String output, FailureDetails failure, String customStatus, String parentInstanceId,
                Instant createdAt, Instant updatedAt, long historyEvents, long historyBytes) {

        static Meta of(InstanceInfo i, long historyEvents, long historyBytes) {
            return new Meta(i.instanceId(), i.name(), i.version(), i.executionId(), i.status(), i.input(), i.output(),
                    i.failure(), i.customStatus(), i.parentInstanceId(), i.createdAt(), i.updatedAt(), historyEvents,
                    historyBytes);
        }

        InstanceInfo info() {
            return new InstanceInfo(id, name, version, executionId, status, input, output, failure, customStatus,
                    parentInstanceId, createdAt, updatedAt);
        }
    }

    /** A message file. {@code visibleAt} is the requested time, exactly as the sender gave it. */
    record MessageFile(String instanceId, long executionId, Instant visibleAt, HistoryEvent event) {}

    private final ObjectWriter eventWriter;
    private final ObjectReader eventReader;
    private final ObjectWriter metaWriter;
    private final ObjectReader metaReader;
    private final ObjectWriter messageWriter;
    private final ObjectReader messageReader;
    private final ObjectWriter workWriter;
    private final ObjectReader workReader;

    FileCodec() {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        eventWriter = mapper.writerFor(HistoryEvent.class);
        eventReader = mapper.readerFor(HistoryEvent.class);
        metaWriter = mapper.writerFor(Meta.class);
        metaReader = mapper.readerFor(Meta.class);
        messageWriter = mapper.writerFor(MessageFile.class);
        messageReader = mapper.readerFor(MessageFile.class);
        workWriter = mapper.writerFor(ActivityWorkItem.class);
        workReader = mapper.readerFor(ActivityWorkItem.class);
    }

    // ---- writing (framed) ----------------------------------------------------------------------------------

    byte[] meta(Meta meta) {
        return Frames.frame(json(metaWriter, meta));
    }

    byte[] message(OrchestratorMessage m) {
        return Frames.frame(json(messageWriter, new MessageFile(m.instanceId(), m.executionId(), m.visibleAt(), m.event())));
    }

    byte[] work(ActivityWorkItem item) {
        return Frames.frame(json(workWriter, item));
    }

    /** The frames of {@code events}, one after the other, as they are appended to a history file. */
    byte[] events(List<HistoryEvent> events) {
        List<byte[]> payloads = new ArrayList<>(events.size());
        int size = 0;
        for (HistoryEvent e : events) {
            byte[] p = json(eventWriter, e);
            payloads.add(p);
            size += Frames.HEADER + p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : payloads) {
            at = Frames.write(p, out, at);
        }
        return out;
    }

    private static byte[] json(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new ProviderException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), false, e);
        }
    }

    // ---- reading -------------------------------------------------------------------------------------------

    Meta readMeta(Path file) throws IOException {
        Meta meta = readSingle(file, metaReader);
        if (meta.id() == null || meta.status() == null || meta.createdAt() == null || meta.updatedAt() == null
                || meta.executionId() < 1 || meta.historyEvents() < 0 || meta.historyBytes() < 0) {
            throw new CorruptFileException(file, Frames.HEADER, "the metadata lacks its id, status, times or execution,"
                    + " or has a negative history size");
        }
        return meta;
    }

    MessageFile readMessage(Path file) throws IOException {
        MessageFile m = readSingle(file, messageReader);
        if (m.instanceId() == null || m.event() == null) {
            throw new CorruptFileException(file, Frames.HEADER, "the message names no instance or holds no event");
        }
        return m;
    }

    ActivityWorkItem readWork(Path file) throws IOException {
        ActivityWorkItem w = readSingle(file, workReader);
        if (w.instanceId() == null || w.name() == null) {
            throw new CorruptFileException(file, Frames.HEADER, "the work item names no instance or no activity");
        }
        return w;
    }

    /** A file holding exactly one frame. */
    private static <T> T readSingle(Path file, ObjectReader reader) throws IOException {
        byte[] bytes = Io.uninterruptibly(() -> Files.readAllBytes(file));
        Frames.Read r = Frames.read(bytes, 0, bytes.length);
        if (!r.ok()) {
            throw new CorruptFileException(file, r.bad().offset(), r.bad().reason());
        }
        int end = Frames.HEADER + r.payload().length;
        if (end != bytes.length) {
            throw new CorruptFileException(file, end, (bytes.length - end) + " unexpected byte(s) after the record");
        }
        return decode(reader, r.payload(), file, Frames.HEADER);
    }

    /**
     * The events of a history file, from its start up to {@code length} bytes (all of it if negative). The
     * frames must be whole, their event ids 1, 2, 3, ... and, if {@code expectedEvents} is not negative,
     * exactly that many.
     */
    List<HistoryEvent> readHistory(Path file, long length, long expectedEvents) throws IOException {
        byte[] bytes = Io.uninterruptibly(() -> readPrefix(file, length));
        List<HistoryEvent> events = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            Frames.Read r = Frames.read(bytes, at, bytes.length);
            if (!r.ok()) {
                throw new CorruptFileException(file, r.bad().offset(), r.bad().reason() + " (after event "
                        + events.size() + ")");
            }
            HistoryEvent e = decode(eventReader, r.payload(), file, at + Frames.HEADER);
            if (e.eventId() != events.size() + 1) {
                throw new CorruptFileException(file, at, "event id " + e.eventId() + " where " + (events.size() + 1)
                        + " was expected");
            }
            events.add(e);
            at += Frames.HEADER + r.payload().length;
        }
        if (expectedEvents >= 0 && events.size() != expectedEvents) {
            throw new CorruptFileException(file, at, "the file holds " + events.size() + " events but " + expectedEvents
                    + " were committed to it");
        }
        return events;
    }

    /** The first {@code length} bytes of {@code file} (all of it if negative). */
    private static byte[] readPrefix(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long want = length < 0 ? size : length;
            if (size < want) {
                throw new CorruptFileException(file, size, "the file holds " + size + " bytes but " + want
                        + " were committed to it (it was truncated)");
            }
            if (want > Integer.MAX_VALUE - 16) {
                throw new ProviderException("history file " + file + " is too large to read (" + want + " bytes)", false);
            }
            byte[] bytes = new byte[(int) want];
            Frames.readFully(ch, ByteBuffer.wrap(bytes), 0);
            return bytes;
        }
    }

    private static <T> T decode(ObjectReader reader, byte[] payload, Path file, long payloadOffset) {
        try {
            return reader.readValue(payload);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long offset = payloadOffset + (at == null || at.getByteOffset() < 0 ? 0 : at.getByteOffset());
            throw new CorruptFileException(file, offset, "unreadable payload: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a byte array does no I/O
        }
    }
}
