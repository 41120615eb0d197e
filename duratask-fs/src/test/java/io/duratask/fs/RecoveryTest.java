package io.duratask.fs;

import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.appendAndSchedule;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.completion;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.ProviderException;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import io.duratask.testkit.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit journal and recovery: what a crash at each point leaves, and what opening the store makes of it. */
class RecoveryTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final VirtualClock clock = new VirtualClock(T0);

    private FsOptions options() {
        return FsOptions.builder().clock(clock).build();
    }

    private FsProvider open() {
        return FsProvider.open(dir.resolve("store"), options());
    }

    @Test
    void aTurnCommittedToTheJournalButNotAppliedIsRedoneAtOpenExactlyOnce() {
        FsProvider provider = open();
        provider.createInstance(start("i1", "Greet"));
        provider.createInstance(start("other", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("i1");
        OrchestratorMessage toOther = event("other", "hello", "\"from i1\"");
        TurnCommit scheduled = appendAndSchedule(item, "SayHello");
        TurnCommit commit = new TurnCommit(1, scheduled.newEvents(), scheduled.workItems(), List.of(toOther),
                scheduled.update());
        List<JournalRecord> written = Collections.synchronizedList(new ArrayList<>());
        provider.committer().setHook(record -> {
            written.add(record);
            throw new IllegalStateException("simulated crash between the journal write and the apply");
        });

        assertThatThrownBy(() -> provider.commitOrchestrationItem(item, commit))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("simulated crash");
        Path store = provider.directory();
        assertThat(written).hasSize(1);
        assertThat(written.getFirst().synced()).isTrue();
        assertThat(StoreFiles.history(store, "i1", 1)).as("nothing applied yet").doesNotExist();
        assertThat(StoreFiles.workFiles(store, "i1")).isEmpty();
        provider.halt();

        FsProvider reopened = open();
        assertThat(reopened.problems()).isEmpty();
        assertThat(reopened.readHistory("i1", 0)).containsExactlyElementsOf(commit.newEvents());
        assertThat(reopened.getInstance("i1").orElseThrow().status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(reopened.queueDepths()).as("other's start and event; the work item").isEqualTo(new QueueDepths(2, 0, 1));
        WorkItemLease lease = reopened.fetchWorkItem(LOCK).orElseThrow();
        assertThat(lease.item()).isEqualTo(commit.workItems().getFirst());
        assertThat(reopened.fetchWorkItem(LOCK)).as("the work item exists once").isEmpty();
        OrchestrationItem other = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(other.instanceId()).isEqualTo("other");
        assertThat(other.messages()).extracting(OrchestratorMessage::event).element(1).isEqualTo(toOther.event());
        assertThat(reopened.fetchOrchestrationItem(LOCK)).as("i1's start message was consumed").isEmpty();
        assertThat(StoreFiles.segments(store)).as("the redone journal was replaced by an empty segment").hasSize(1);

        // the redo is done once: reopening again changes nothing
        Snapshot.assertSameAfterReopen(reopened, options()).close();
    }

    @Test
    void redoingTheJournalAgainFromAnyPointLeavesTheSameFiles() throws IOException {
        FsProvider provider = open();
        List<JournalRecord> captured = Collections.synchronizedList(new ArrayList<>());
        provider.committer().setHook(captured::add);
        runAMixedWorkload(provider);
        provider.close();
        List<JournalRecord> records = List.copyOf(captured);
        assertThat(records).hasSizeGreaterThan(10);
        var expected = StoreFiles.instanceTree(provider.directory());

        for (int from : List.of(0, 1, records.size() / 3, records.size() / 2, records.size() - 1)) {
            Path copy = dir.resolve("redo-" + from);
            Layout layout = new Layout(copy);
            Files.createDirectories(layout.instancesDir());
            Applier applier = new Applier(layout);
            for (JournalRecord r : records) {
                applier.apply(r.ops());
            }
            assertThat(StoreFiles.instanceTree(copy)).as("applied once").isEqualTo(expected);
            for (JournalRecord r : records.subList(from, records.size())) {
                applier.apply(r.ops());
            }
            assertThat(StoreFiles.instanceTree(copy)).as("redone from record %d", from).isEqualTo(expected);
            assertThat(applier.gaps()).isEmpty();
        }
    }

    /** Creations, turns with activities and timers, completions, continue-as-new, a child, restart and purge. */
    private void runAMixedWorkload(FsProvider provider) {
        for (int i = 0; i < 4; i++) {
            provider.createInstance(start("w" + i, "Work"));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4; i++) {
                OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
                provider.commitOrchestrationItem(item, appendAndSchedule(item, "Step"));
            }
            for (int i = 0; i < 4; i++) {
                WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
                provider.completeWorkItem(lease, completion(lease.item().instanceId(), lease.item().scheduledId(), "1"));
            }
        }
        provider.createInstance(start("parent", "Parent"));
        OrchestrationItem parent;
        while (!(parent = provider.fetchOrchestrationItem(LOCK).orElseThrow()).instanceId().equals("parent")) {
            provider.commitOrchestrationItem(parent, appendOnly(parent));
        }
        TurnCommit withChild = new TurnCommit(1, List.of(parent.messages().getFirst().event().at(1, T0)), List.of(),
                List.of(start("child", "Child", new HistoryEvent.ParentInstance("parent", 1, 2))),
                new InstanceUpdate("Parent", "1.0", 2, RuntimeStatus.RUNNING, null, null, null, null));
        provider.commitOrchestrationItem(parent, withChild); // and continue as new (execution 2)
        OrchestrationItem child = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(child, new TurnCommit(1, List.of(child.messages().getFirst().event().at(1, T0)),
                List.of(), List.of(), new InstanceUpdate("Child", "1.0", 1, RuntimeStatus.COMPLETED, null, "7", null, null)));
        provider.enqueue(event("w0", "finish", "1"));
        OrchestrationItem w0 = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(w0, new TurnCommit(1, appendOnly(w0).newEvents(), List.of(), List.of(),
                new InstanceUpdate("Work", "1.0", 1, RuntimeStatus.COMPLETED, null, "1", null, null)));
        provider.restartInstance(start(w0.instanceId(), "Work"));
        assertThat(provider.purgeInstance("child")).isEqualTo(1);
        provider.createInstance(start("child", "Again"));
        clock.advance(Duration.ofMinutes(1));
        assertThat(provider.purgeInstances(T0.plusSeconds(30), Set.of())).isZero();
    }

    @Test
    void anActivityCompletionIsNotSyncedButIsRedoneAfterACrashOfTheProcess() {
        FsProvider provider = open();
        Path store = provider.directory();
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "SayHello"));
        WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
        long syncs = provider.committer().stats().syncs();

        provider.completeWorkItem(lease, completion("i1", 2, "\"hello\""));
        assertThat(provider.committer().stats().syncs()).as("the completion was not synced").isEqualTo(syncs);
        assertThat(StoreFiles.records(StoreFiles.segments(store).getLast()).getLast().synced()).isFalse();
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));

        provider.halt(); // a crash of the process: the unsynced record is in the operating system's cache
        FsProvider reopened = open();
        assertThat(reopened.problems()).isEmpty();
        assertThat(reopened.queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));
        assertThat(reopened.fetchWorkItem(LOCK)).isEmpty();
        OrchestrationItem next = reopened.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(next.messages()).containsExactly(completion("i1", 2, "\"hello\""));
        reopened.commitOrchestrationItem(next, appendOnly(next));
        assertThat(reopened.readHistory("i1", 0)).hasSize(3);
        reopened.close();
    }

    @Test
    void historiesAreAppendedAtOnceAndTheOtherFilesWhenDeferredOperationsAreFlushed() throws IOException {
        FsProvider provider = open();
        Path store = provider.directory();
        provider.createInstance(start("i1", "Greet"));
        long size = 0;
        for (int step = 0; step < 5; step++) {
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            provider.commitOrchestrationItem(item, appendAndSchedule(item, "Step"));
            long grown = Files.size(StoreFiles.history(store, "i1", 1));
            assertThat(grown).as("histories are read while the store is open: appended at once").isGreaterThan(size);
            size = grown;
            WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
            provider.completeWorkItem(lease, completion("i1", lease.item().scheduledId(), "1"));
        }
        Path instance = StoreFiles.instanceDir(store, "i1");
        assertThat(instance.resolve(Layout.META)).as("written at the next flush").doesNotExist();
        provider.close(); // flushes
        assertThat(instance.resolve(Layout.META)).exists();
        assertThat(instance.resolve(Layout.WORK)).as("work items run and completed between flushes never became files")
                .doesNotExist();
        assertThat(StoreFiles.messageFiles(store, "i1")).as("only the last completion is still waiting").hasSize(1);
        FsProvider reopened = open();
        assertThat(reopened.readHistory("i1", 0)).hasSize(10);
        assertThat(reopened.queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));
        reopened.close();
    }

    @Test
    void aDamagedRecordFollowedByASyncedOneRefusesToOpenNamingTheFileAndOffset() throws IOException {
        FsProvider provider = open();
        provider.createInstance(start("a", "Greet"));
        provider.createInstance(start("b", "Greet"));
        Path store = provider.directory();
        provider.halt();
        Path segment = StoreFiles.segments(store).getLast();
        List<Long> offsets = StoreFiles.recordOffsets(segment);
        assertThat(offsets).hasSize(2);
        StoreFiles.flipByte(segment, offsets.get(0) + Frames.HEADER + 3);

        assertThatThrownBy(this::open)
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("at byte offset " + offsets.get(0))
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("a valid synced record follows at byte offset " + offsets.get(1));
        assertThat(segment).as("a refused journal is left as it is").exists();

        StoreFiles.flipByte(segment, offsets.get(0) + Frames.HEADER + 3); // repaired
        FsProvider repaired = open();
        assertThat(repaired.getInstance("a")).isPresent();
        assertThat(repaired.getInstance("b")).isPresent();
        repaired.close();
    }

    @Test
    void aCrashDuringRecoveryIsRecoveredByRecoveringAgain() throws IOException {
        FsProvider provider = open();
        runAMixedWorkload(provider);
        Snapshot before = Snapshot.of(provider);
        Path store = provider.directory();
        provider.halt();
        Path saved = dir.resolve("saved-journal");
        copyTree(store.resolve(Layout.JOURNAL_DIR), saved);

        open().close(); // recovers, syncs, deletes the journal
        // as if that recovery had crashed after redoing the records, before deleting them: they are redone again
        for (Path segment : StoreFiles.files(saved)) {
            Files.copy(segment, store.resolve(Layout.JOURNAL_DIR).resolve(segment.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        FsProvider again = open();
        assertThat(Snapshot.of(again)).isEqualTo(before);
        assertThat(again.problems()).isEmpty();
        again.close();
    }

    @Test
    void checkpointsSyncTheFilesAndDeleteOldSegmentsWhileCommitsGoOn() {
        FsOptions small = FsOptions.builder().clock(clock).checkpointBytes(FsOptions.MIN_CHECKPOINT_BYTES).build();
        FsProvider provider = FsProvider.open(dir.resolve("store"), small);
        for (int i = 0; i < 60; i++) {
            provider.createInstance(start("c" + i, "Count"));
        }
        for (int i = 0; i < 60; i++) {
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            provider.commitOrchestrationItem(item, appendAndSchedule(item, "Step"));
        }
        assertThat(provider.committer().stats().checkpoints()).as("checkpoints run").isPositive();
        Snapshot before = Snapshot.of(provider);
        provider.halt();
        assertThat(StoreFiles.segments(provider.directory())).as("old segments were deleted").hasSizeLessThan(4);

        FsProvider reopened = FsProvider.open(dir.resolve("store"), small);
        assertThat(Snapshot.of(reopened)).isEqualTo(before);
        reopened.close();
    }

    @Test
    void concurrentWritesShareJournalRecordsAndSyncs() throws Exception {
        FsProvider provider = open();
        int n = 200;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                executor.submit(() -> provider.createInstance(start("g" + k, "Group")));
            }
        }
        GroupCommitter.Stats stats = provider.committer().stats();
        assertThat(stats.writes()).isEqualTo(n);
        assertThat(stats.syncs()).as("one sync per batch, several writes per batch").isLessThan(n);
        assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(n);
        Snapshot.assertSameAfterReopen(provider, options()).close();
    }

    @Test
    void afterAFailedJournalWriteTheProviderStopsAndReopeningRecovers() {
        FsProvider provider = open();
        provider.createInstance(start("kept", "Greet"));
        provider.committer().setHook(record -> {
            throw new IllegalStateException("disk on fire");
        });
        assertThatThrownBy(() -> provider.createInstance(start("x", "Greet")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("stopped")
                .hasMessageContaining("reopen the directory");
        assertThatThrownBy(() -> provider.createInstance(start("y", "Greet")))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("disk on fire")
                .satisfies(e -> assertThat(((ProviderException) e).isRetryable()).isFalse());
        assertThatThrownBy(() -> provider.fetchOrchestrationItem(LOCK)).isInstanceOf(ProviderException.class);
        assertThat(provider.getInstance("kept")).as("reads still work").isPresent();
        provider.close();

        FsProvider reopened = open();
        assertThat(reopened.getInstance("kept")).isPresent();
        assertThat(reopened.getInstance("x")).as("its record was synced before the failure").isPresent();
        assertThat(reopened.getInstance("y")).isEmpty();
        reopened.close();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path f : StoreFiles.files(from)) {
            Files.copy(f, to.resolve(f.getFileName()));
        }
    }
}
