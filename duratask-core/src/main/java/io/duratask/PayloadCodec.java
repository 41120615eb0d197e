package io.duratask;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Objects;

/**
 * Turns inputs, outputs and event data into JSON text and back, with Jackson (no default typing).
 * {@code String} is special on the reading side: a JSON string reads as its text, any other JSON reads
 * as its raw text, so string-typed code can consume any payload.
 */
public final class PayloadCodec {
    private final ObjectMapper mapper;

    /** A codec with Duratask's default mapper (java.time support, ISO-8601 instants and durations). */
    public PayloadCodec() {
        this(new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE));
    }

    /** A codec with the caller's mapper. It must not enable default typing. */
    public PayloadCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** JSON text of {@code value}; null stays null. */
    public String encode(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new PayloadException("cannot serialize " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads {@code json} as {@code type}.
     *
     * @throws PayloadException naming the type and what was wrong
     */
    @SuppressWarnings("unchecked")
    public <T> T decode(String json, Class<T> type) {
        if (json == null || type == Void.class || type == void.class) {
            return null;
        }
        try {
            if (type == String.class) {
                JsonNode node = mapper.readTree(json);
                return (T) (node.isTextual() ? node.textValue() : node.isNull() ? null : json);
            }
            if (type == Object.class) {
                return (T) mapper.readValue(json, Object.class);
            }
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new PayloadException("payload does not read as " + type.getName() + ": " + e.getOriginalMessage()
                    + " (payload: " + abbreviate(json) + ")", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
