package io.duratask.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.duratask.DurataskException;
import java.util.List;

/**
 * JSON form of history events, as providers store them and golden-history files hold them. The
 * mapping is closed over {@link HistoryEvent}'s subtypes (no default typing). Thread-safe.
 */
public final class HistoryCodec {
    private final ObjectWriter eventWriter;
    private final ObjectReader eventReader;
    private final ObjectWriter listWriter;
    private final ObjectReader listReader;

    public HistoryCodec() {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.eventWriter = mapper.writerFor(HistoryEvent.class);
        this.eventReader = mapper.readerFor(HistoryEvent.class);
        TypeReference<List<HistoryEvent>> listType = new TypeReference<>() {};
        this.listWriter = mapper.writerFor(listType).with(SerializationFeature.INDENT_OUTPUT);
        this.listReader = mapper.readerFor(listType);
    }

    public String write(HistoryEvent event) {
        try {
            return eventWriter.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new DurataskException("cannot write history event " + event.getClass().getSimpleName(), e);
        }
    }

    public HistoryEvent read(String json) {
        try {
            return eventReader.readValue(json);
        } catch (JsonProcessingException e) {
            throw new DurataskException("unreadable history event: " + e.getOriginalMessage() + " in " + abbreviate(json), e);
        }
    }

    /** A whole history as an indented JSON array (the golden-history file format). */
    public String writeList(List<HistoryEvent> events) {
        try {
            return listWriter.writeValueAsString(events);
        } catch (JsonProcessingException e) {
            throw new DurataskException("cannot write history", e);
        }
    }

    public List<HistoryEvent> readList(String json) {
        try {
            return listReader.readValue(json);
        } catch (JsonProcessingException e) {
            throw new DurataskException("unreadable history: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
