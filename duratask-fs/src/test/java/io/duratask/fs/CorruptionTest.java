package io.duratask.fs;

import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableRuntime;
import io.duratask.InstanceNotFoundException;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import io.duratask.testkit.VirtualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files: each is detected, the affected instance fails (is quarantined) with an error naming the
 * file and the byte offset, the other instances keep running, and nothing committed is lost.
 */
class CorruptionTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final VirtualClock clock = new VirtualClock(T0);

    private FsProvider open() {
        return open(false);
    }

    private FsProvider open(boolean verify) {
        return FsProvider.open(dir.resolve("store"), FsOptions.builder().clock(clock).verifyOnOpen(verify).build());
    }

    /** Two instances with one event in history and one pending event message each. */
    private Path twoInstancesWithHistory() {
        FsProvider provider = open();
        for (String id : List.of("damaged", "healthy")) {
            provider.createInstance(start(id, "Greet"));
        }
        for (int i = 0; i < 2; i++) {
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            provider.commitOrchestrationItem(item, appendOnly(item));
            provider.enqueue(event(item.instanceId(), "go", "1"));
        }
        Path store = provider.directory();
        provider.close();
        return store;
    }

    @Test
    void aCorruptedHistoryFileQuarantinesItsInstanceWhenReadAndTheOthersRunOn() {
        Path store = twoInstancesWithHistory();
        Path history = StoreFiles.history(store, "damaged", 1);
        StoreFiles.flipByte(history, Frames.HEADER + 5);

        FsProvider provider = open();
        assertThat(provider.problems()).as("histories are not read at open").isEmpty();
        List<String> fetched = new java.util.ArrayList<>();
        for (OrchestrationItem item; (item = provider.fetchOrchestrationItem(LOCK).orElse(null)) != null; ) {
            fetched.add(item.instanceId());
            if (item.instanceId().equals("damaged")) {
                OrchestrationItem damaged = item;
                assertThatThrownBy(() -> provider.readHistory("damaged", 0))
                        .isInstanceOf(CorruptFileException.class)
                        .hasMessageContaining(history.toString())
                        .hasMessageContaining("at byte offset 0")
                        .hasMessageContaining("checksum mismatch")
                        .hasMessageContaining("quarantined");
                assertThatThrownBy(() -> provider.commitOrchestrationItem(damaged, appendOnly(damaged)))
                        .isInstanceOf(CorruptFileException.class).hasMessageContaining("quarantined");
                provider.abandonOrchestrationItem(item, Duration.ZERO);
            } else {
                assertThat(provider.readHistory("healthy", 0)).hasSize(1);
                provider.commitOrchestrationItem(item, appendOnly(item));
            }
        }
        assertThat(fetched).containsExactlyInAnyOrder("damaged", "healthy");
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("a quarantined instance is not fetched again").isEmpty();
        assertQuarantined(provider, "damaged", history, 0);
        assertThat(provider.readHistory("healthy", 0)).hasSize(2);
        provider.close();

        assertThat(history).as("the damaged file is left as it is, for repair").exists();
        StoreFiles.flipByte(history, Frames.HEADER + 5); // repaired: the instance and its message are back
        FsProvider repaired = open();
        assertThat(repaired.problems()).isEmpty();
        OrchestrationItem item = repaired.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("damaged");
        assertThat(item.messages()).containsExactly(event("damaged", "go", "1"));
        assertThat(repaired.readHistory("damaged", 0)).hasSize(1);
        repaired.close();
    }

    @Test
    void withVerifyOnOpenACorruptedHistoryIsFoundAtOpen() {
        Path store = twoInstancesWithHistory();
        Path history = StoreFiles.history(store, "damaged", 1);
        StoreFiles.flipByte(history, 1); // the frame's length

        FsProvider provider = open(true);
        assertQuarantined(provider, "damaged", history, 0);
        assertThat(provider.problems().getFirst().message()).contains("the frame declares").contains("damaged length");
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("healthy");
        provider.commitOrchestrationItem(item, appendOnly(item));
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        provider.close();
    }

    @Test
    void aTruncatedHistoryFileIsFoundAtOpenByItsSize() throws IOException {
        Path store = twoInstancesWithHistory();
        Path history = StoreFiles.history(store, "damaged", 1);
        long size = Files.size(history);
        try (var ch = java.nio.channels.FileChannel.open(history, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 3);
        }

        FsProvider provider = open();
        assertQuarantined(provider, "damaged", history, size - 3);
        assertThat(provider.problems().getFirst().message()).contains("truncated");
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().instanceId()).isEqualTo("healthy");
        provider.close();
    }

    @Test
    void aCorruptedHistoryFailsItsInstanceInARunningRuntimeAndTheOtherCompletes() {
        Registry registry = Registry.builder()
                .orchestration("Waiter", String.class, (ctx, in) -> "got " + ctx.waitForEvent("go", String.class).await())
                .build();
        RuntimeOptions options = RuntimeOptions.builder().idlePollInterval(Duration.ofMillis(20)).build();
        Path store = dir.resolve("store");
        try (DurableRuntime runtime = DurableRuntime.start(FsProvider.open(store), registry, options)) {
            for (String id : List.of("damaged", "healthy")) {
                runtime.client().startOrchestration(id, "Waiter", "x");
            }
            for (String id : List.of("damaged", "healthy")) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runtime.client().getHistory(id).stream()
                        .anyMatch(e -> e instanceof EventSubscribed));
            }
        }
        Path history = StoreFiles.history(store, "damaged", 1);
        StoreFiles.flipByte(history, Frames.HEADER + 12);

        try (DurableRuntime runtime = DurableRuntime.start(FsProvider.open(store), registry, options)) {
            runtime.client().raiseEvent("damaged", "go", "a");
            runtime.client().raiseEvent("healthy", "go", "b");
            OrchestrationStatus healthy = runtime.client().waitForCompletion("healthy", Duration.ofSeconds(30));
            assertThat(healthy.output(String.class)).isEqualTo("got b");
            OrchestrationStatus damaged = runtime.client().waitForCompletion("damaged", Duration.ofSeconds(30));
            assertThat(damaged.runtimeStatus()).isEqualTo(RuntimeStatus.FAILED);
            assertThat(damaged.failure().message()).contains(history.toString()).contains("at byte offset 0")
                    .contains("checksum mismatch");
            assertThatThrownBy(() -> runtime.client().getHistory("damaged"))
                    .isInstanceOf(CorruptFileException.class).hasMessageContaining(history.toString());
        }
    }

    @Test
    void aTruncatedCommitRecordAtTheEndOfTheJournalIsDiscarded() throws IOException {
        FsProvider provider = open();
        provider.createInstance(start("before", "Greet"));
        provider.createInstance(start("torn", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("before");
        provider.commitOrchestrationItem(item, appendOnly(item));
        OrchestrationItem tornTurn = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        // the torn turn's record reaches the journal, and the process dies before it is applied ...
        provider.committer().setHook(record -> {
            throw new IllegalStateException("simulated crash");
        });
        assertThatThrownBy(() -> provider.commitOrchestrationItem(tornTurn, appendOnly(tornTurn)))
                .isInstanceOf(ProviderException.class);
        Path store = provider.directory();
        provider.halt();
        // ... and the write was torn: only part of the record is on disk
        Path segment = StoreFiles.segments(store).getLast();
        long last = StoreFiles.recordOffsets(segment).getLast();
        byte[] bytes = Files.readAllBytes(segment);
        int length = java.nio.ByteBuffer.wrap(bytes, (int) last, 4).getInt();
        long cut = last + Frames.HEADER + length / 2;
        try (var ch = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }

        FsProvider reopened = open();
        assertThat(reopened.problems()).hasSize(1);
        FsProblem problem = reopened.problems().getFirst();
        assertThat(problem.file()).isEqualTo(segment);
        assertThat(problem.offset()).isEqualTo(last);
        assertThat(problem.quarantined()).isFalse();
        assertThat(problem.toString()).contains("discarded a torn record at the end of the journal")
                .contains("never acknowledged").contains("at byte offset " + last);
        assertThat(reopened.readHistory("before", 0)).as("commits before it are intact").hasSize(1);
        assertThat(reopened.readHistory("torn", 0)).as("the torn turn is not applied").isEmpty();
        OrchestrationItem again = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(again.instanceId()).as("its messages are still there, to be processed again").isEqualTo("torn");
        reopened.commitOrchestrationItem(again, appendOnly(again));
        assertThat(reopened.readHistory("torn", 0)).hasSize(1);
        reopened.close();
    }

    @Test
    void aMessageFileForAnUnknownInstanceIsReportedAndLeftAlone() throws IOException {
        FsProvider provider = open();
        provider.createInstance(start("known", "Greet"));
        Path store = provider.directory();
        provider.close();
        Path orphan = store.resolve(Layout.message(Layout.dirName("ghost"), 7));
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, new FileCodec().message(event("ghost", "boo", "1")));

        FsProvider reopened = open();
        assertThat(reopened.problems()).hasSize(1);
        FsProblem problem = reopened.problems().getFirst();
        assertThat(problem.file()).isEqualTo(orphan);
        assertThat(problem.offset()).isZero();
        assertThat(problem.instanceId()).isEqualTo("ghost");
        assertThat(problem.message()).contains("message file for an unknown instance").contains("has no meta file")
                .contains("left in place");
        assertThat(reopened.getInstance("ghost")).isEmpty();
        assertThatThrownBy(() -> reopened.enqueue(event("ghost", "boo", "2"))).isInstanceOf(InstanceNotFoundException.class);
        OrchestrationItem item = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("known");
        reopened.commitOrchestrationItem(item, appendOnly(item));
        reopened.createInstance(start("other", "Greet"));
        assertThat(StoreFiles.messageFiles(store, "other")).extracting(p -> p.getFileName().toString())
                .as("new messages are numbered past the orphan's").allMatch(n -> Layout.seqOf(n, ".msg") > 7);
        reopened.close();
        assertThat(orphan).exists();
    }

    @Test
    void anUnreadablePayloadQuarantinesItsInstance() throws IOException {
        FsProvider provider = open();
        provider.createInstance(start("unreadable", "Greet"));
        provider.createInstance(start("fine", "Greet"));
        Path store = provider.directory();
        provider.close();
        Path file = StoreFiles.messageFiles(store, "unreadable").getFirst();
        byte[] json = "{\"instanceId\":\"unreadable\",\"executionId\":1,\"event\":{\"type\":\"NoSuchEvent\",\"eventId\":0}}"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(file, Frames.frame(json)); // a whole frame with a valid checksum around content nobody can read

        FsProvider reopened = open();
        FsProblem problem = reopened.problems().getFirst();
        assertThat(problem.file()).isEqualTo(file);
        assertThat(problem.offset()).isBetween((long) Frames.HEADER, (long) Frames.HEADER + json.length);
        assertThat(problem.message()).contains("unreadable payload").contains("NoSuchEvent");
        assertQuarantined(reopened, "unreadable", file, problem.offset());
        OrchestrationItem item = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("fine");
        reopened.commitOrchestrationItem(item, new io.duratask.spi.TurnCommit(1, appendOnly(item).newEvents(), List.of(),
                List.of(), new io.duratask.spi.InstanceUpdate("Greet", "1.0", 1, RuntimeStatus.COMPLETED, null, "1", null,
                        null)));
        assertThat(reopened.fetchOrchestrationItem(LOCK)).isEmpty();
        assertThatThrownBy(() -> reopened.restartInstance(start("unreadable", "Greet")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("quarantined");
        assertThat(reopened.purgeInstances(T0.plusSeconds(3600), java.util.Set.of()))
                .as("bulk purges leave quarantined instances alone").isEqualTo(1);
        assertThat(reopened.getInstance("unreadable")).isPresent();
        assertThat(reopened.getInstance("fine")).isEmpty();
        reopened.close();
        assertThat(Files.readAllBytes(file)).as("the unreadable file is left as it is").isEqualTo(Frames.frame(json));
    }

    @Test
    void aTornMetaFileQuarantinesItsInstanceAndAPurgeRemovesIt() throws IOException {
        FsProvider provider = open();
        provider.createInstance(start("torn-meta", "Greet"));
        provider.createInstance(start("fine", "Greet"));
        Path store = provider.directory();
        provider.close();
        Path meta = store.resolve(Layout.meta(Layout.dirName("torn-meta")));
        byte[] bytes = Files.readAllBytes(meta);
        Files.write(meta, java.util.Arrays.copyOf(bytes, bytes.length - 10));

        FsProvider reopened = open();
        assertQuarantined(reopened, "torn-meta", meta, 0);
        assertThat(reopened.problems().getFirst().message()).contains("torn write");
        assertThat(reopened.fetchOrchestrationItem(LOCK).orElseThrow().instanceId()).isEqualTo("fine");
        assertThat(reopened.purgeInstance("torn-meta")).isEqualTo(1);
        assertThat(reopened.getInstance("torn-meta")).isEmpty();
        assertThat(StoreFiles.instanceDir(store, "torn-meta")).doesNotExist();
        reopened.close();
    }

    private static void assertQuarantined(FsProvider provider, String id, Path file, long offset) {
        InstanceInfo info = provider.getInstance(id).orElseThrow();
        assertThat(info.status()).isEqualTo(RuntimeStatus.FAILED);
        assertThat(info.failure().type()).isEqualTo(CorruptFileException.class.getName());
        assertThat(info.failure().message()).contains(file.toString()).contains("at byte offset " + offset)
                .contains("quarantined");
        assertThat(provider.problems()).anySatisfy(p -> {
            assertThat(p.instanceId()).isEqualTo(id);
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.offset()).isEqualTo(offset);
            assertThat(p.quarantined()).isTrue();
        });
    }
}
