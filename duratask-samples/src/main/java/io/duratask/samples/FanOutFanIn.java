package io.duratask.samples;

import io.duratask.DurableFuture;
import io.duratask.DurableRuntime;
import io.duratask.OrchestrationContext;
import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fan-out/fan-in: list the documents, count the words of each in parallel (one activity per document),
 * wait for all of them and add the counts up. The counts that already arrived survive a restart; only
 * the missing ones are waited for.
 *
 * <p>Input: an id prefix selecting the documents ("" for all). Output: a {@link Report}.
 */
public final class FanOutFanIn {
    public static final String ORCHESTRATION = "WordCount";
    public static final String LIST_DOCUMENTS = "ListDocuments";
    public static final String COUNT_WORDS = "CountWords";

    /** The aggregate: how many documents, how many words in all, and the longest document. */
    public record Report(int documents, long totalWords, String longestDocument) {}

    private final DocumentStore store;

    public FanOutFanIn(DocumentStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Adds the two activities (reading this sample's document store) and the orchestration. */
    public Registry.Builder register(Registry.Builder b) {
        return b.activity(LIST_DOCUMENTS, (actx, prefix) -> store.list(prefix).toArray(String[]::new))
                .activity(COUNT_WORDS, (actx, id) -> countWords(store.read(id)))
                .orchestration(ORCHESTRATION, FanOutFanIn::run);
    }

    static Report run(OrchestrationContext ctx, String prefix) {
        String[] ids = ctx.scheduleActivity(LIST_DOCUMENTS, prefix == null ? "" : prefix, String[].class).await();
        List<DurableFuture<Integer>> counts = new ArrayList<>();
        for (String id : ids) {
            counts.add(ctx.scheduleActivity(COUNT_WORDS, id, Integer.class));   // all scheduled before any await
        }
        List<Integer> results = ctx.join(counts).await();
        long total = 0;
        int longest = -1;
        for (int i = 0; i < results.size(); i++) {
            total += results.get(i);
            if (longest < 0 || results.get(i) > results.get(longest)) {
                longest = i;
            }
        }
        return new Report(ids.length, total, longest < 0 ? null : ids[longest]);
    }

    static int countWords(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** Counts the words of ten generated documents. */
    public static void main(String[] args) {
        Registry registry = new FanOutFanIn(DocumentStore.generated(10)).register(Registry.builder()).build();
        try (DurableRuntime runtime = DurableRuntime.start(SampleStores.open(), registry)) {
            runtime.client().startOrchestration("wordcount-1", ORCHESTRATION, "doc-");
            OrchestrationStatus status = runtime.client().waitForCompletion("wordcount-1", Duration.ofSeconds(30));
            System.out.println(status.runtimeStatus() + ": " + status.output());
        }
    }
}
