package io.duratask.samples;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A fake document repository for {@link FanOutFanIn}: documents by id, listed in id order. */
public final class DocumentStore {
    private static final String[] WORDS = {"durable", "tasks", "replay", "their", "history", "and", "carry", "on"};

    private final Map<String, String> documents;

    public DocumentStore(Map<String, String> documents) {
        this.documents = new TreeMap<>(documents);
    }

    /**
     * {@code count} documents {@code doc-01}, {@code doc-02}, ...: document {@code k} holds {@code 10 * k}
     * words, so {@code count} documents hold {@code 5 * count * (count + 1)} words together.
     */
    public static DocumentStore generated(int count) {
        return new DocumentStore(IntStream.rangeClosed(1, count).boxed().collect(Collectors.toMap(
                k -> String.format("doc-%02d", k),
                k -> IntStream.range(0, 10 * k).mapToObj(i -> WORDS[i % WORDS.length]).collect(Collectors.joining(" ")))));
    }

    /** Ids of the documents whose id starts with {@code prefix}, sorted. */
    public List<String> list(String prefix) {
        return documents.keySet().stream().filter(id -> id.startsWith(prefix)).toList();
    }

    public String read(String id) {
        String text = documents.get(id);
        if (text == null) {
            throw new NoSuchElementException("no document '" + id + "'");
        }
        return text;
    }
}
