package io.duratask.fs;

import io.duratask.testkit.VirtualClock;
import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.appendAndSchedule;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart and purge, and how writes of one group commit see each other. */
class ManagementTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final VirtualClock clock = new VirtualClock(T0);
    private FsProvider provider;

    @BeforeEach
    void open() {
        provider = FsProvider.open(dir.resolve("store"), FsOptions.builder().clock(clock).build());
    }

    @AfterEach
    void close() {
        Snapshot.assertSameAfterReopen(provider, FsOptions.builder().clock(clock).build()).close();
    }

    /** Runs the instance's pending turn and finishes it with {@code status}. */
    private void finish(String id, RuntimeStatus status) {
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo(id);
        provider.commitOrchestrationItem(item, new TurnCommit(item.executionId(), appendOnly(item).newEvents(), List.of(),
                List.of(), new InstanceUpdate(item.instance().name(), "1.0", item.executionId(), status, null, "\"out\"",
                        null, null)));
    }

    @Test
    void restartMovesAFinishedInstanceToTheNextExecution() {
        provider.createInstance(start("r", "Greet"));
        finish("r", RuntimeStatus.COMPLETED);
        clock.advance(Duration.ofMinutes(1));
        OrchestratorMessage restart = OrchestratorMessage.of("r", OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, "Greet", "2.0", "\"again\"", null, null));

        provider.restartInstance(restart);
        InstanceInfo info = provider.getInstance("r").orElseThrow();
        assertThat(info.executionId()).isEqualTo(2);
        assertThat(info.status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(info.input()).isEqualTo("\"again\"");
        assertThat(info.version()).isEqualTo("2.0");
        assertThat(info.output()).isNull();
        assertThat(info.createdAt()).isEqualTo(T0);
        assertThat(info.updatedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(provider.readHistory("r", 1)).as("the old execution stays readable").hasSize(1);
        assertThat(provider.readHistory("r", 0)).isEmpty();

        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.executionId()).isEqualTo(2);
        assertThat(item.historySize()).isZero();
        assertThat(item.messages()).containsExactly(new OrchestratorMessage("r", 2, restart.event(), null));
        provider.commitOrchestrationItem(item, appendOnly(item));
        assertThat(provider.readHistory("r", 2)).hasSize(1);
    }

    @Test
    void restartRefusesUnknownAndUnfinishedInstances() {
        assertThatThrownBy(() -> provider.restartInstance(start("nobody", "Greet")))
                .isInstanceOf(InstanceNotFoundException.class).hasMessageContaining("nobody");
        provider.createInstance(start("busy", "Greet"));
        assertThatThrownBy(() -> provider.restartInstance(start("busy", "Greet")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'busy' is PENDING; only a finished instance can be restarted");
        assertThatThrownBy(() -> provider.restartInstance(SpiFixtures.event("busy", "x", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OrchestrationStarted");
        assertThat(provider.getInstance("busy").orElseThrow().executionId()).isEqualTo(1);
    }

    @Test
    void aTurnStillRunningOnTheOldExecutionCannotCommitAfterARestart() {
        provider.createInstance(start("r", "Greet"));
        finish("r", RuntimeStatus.FAILED);
        provider.enqueue(SpiFixtures.event("r", "late", "1")); // a late message is processed on the finished instance
        OrchestrationItem late = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.restartInstance(start("r", "Greet"));

        assertThatThrownBy(() -> provider.commitOrchestrationItem(late, new TurnCommit(1, List.of(), List.of(), List.of(),
                new InstanceUpdate("Greet", "1.0", 1, RuntimeStatus.FAILED, null, null, null, null))))
                .isInstanceOf(LockLostException.class);
        assertThat(provider.getInstance("r").orElseThrow().status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(provider.getInstance("r").orElseThrow().executionId()).isEqualTo(2);
    }

    @Test
    void purgeDeletesAFinishedInstanceWithItsChildrenWhateverTheirState() {
        provider.createInstance(start("parent", "Parent"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage child = start("child", "Child", new HistoryEvent.ParentInstance("parent", 1, 2));
        provider.commitOrchestrationItem(item, new TurnCommit(1, List.of(item.messages().getFirst().event().at(1, T0)),
                List.of(), List.of(child), new InstanceUpdate("Parent", "1.0", 1, RuntimeStatus.COMPLETED, null, null,
                        null, null)));
        OrchestrationItem childItem = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(childItem, appendAndSchedule(childItem, "Work"));
        provider.createInstance(start("bystander", "Other"));
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(1, 0, 1));

        assertThatThrownBy(() -> provider.purgeInstance("bystander"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("terminate it before purging");
        assertThat(provider.purgeInstance("parent")).isEqualTo(2);
        assertThat(provider.getInstance("parent")).isEmpty();
        assertThat(provider.getInstance("child")).isEmpty();
        assertThat(provider.readHistory("child", 0)).isEmpty();
        assertThat(provider.queueDepths()).as("the child's work item went with it").isEqualTo(new QueueDepths(1, 0, 0));
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        assertThat(StoreFiles.instanceDir(provider.directory(), "child")).doesNotExist();
        assertThat(provider.purgeInstance("parent")).isZero();
        provider.createInstance(start("parent", "Parent")); // the id is free again
        assertThat(provider.getInstance("parent").orElseThrow().status()).isEqualTo(RuntimeStatus.PENDING);
    }

    @Test
    void purgeInstancesSelectsByStatusAndLastUpdate() {
        for (String id : List.of("done-early", "failed-early", "done-late")) {
            provider.createInstance(start(id, "Greet"));
        }
        provider.createInstance(start("running", "Greet"));
        finish("done-early", RuntimeStatus.COMPLETED);
        finish("failed-early", RuntimeStatus.FAILED);
        clock.advance(Duration.ofHours(1));
        finish("done-late", RuntimeStatus.COMPLETED);
        Instant cutoff = T0.plusSeconds(60);

        assertThat(provider.purgeInstances(cutoff, Set.of(RuntimeStatus.FAILED))).isEqualTo(1);
        assertThat(provider.getInstance("failed-early")).isEmpty();
        assertThat(provider.purgeInstances(cutoff, Set.of())).isEqualTo(1);
        assertThat(provider.getInstance("done-early")).isEmpty();
        assertThat(provider.getInstance("done-late")).isPresent();
        assertThat(provider.getInstance("running")).isPresent();
        assertThat(provider.purgeInstances(T0.plusSeconds(7200), Set.of())).isEqualTo(1);
        assertThat(provider.getInstance("done-late")).isEmpty();
    }

    // ---- writes of one batch, prepared against the state and each other ----------------------------------------

    @Test
    void writesInOneBatchSeeEachOther() {
        State state = new State();
        Writes writes = new Writes(new FileCodec());
        Batch batch = new Batch();
        OrchestratorMessage s = start("x", "Greet");
        byte[] file = new FileCodec().message(s);

        writes.create(s, file).prepare(state, batch, T0);
        assertThatThrownBy(() -> writes.create(s, file).prepare(state, batch, T0))
                .as("the same id twice in one batch").isInstanceOf(InstanceExistsException.class);
        assertThat(writes.enqueue(SpiFixtures.event("x", "e", "1"), file).prepare(state, batch, T0).ops())
                .as("a message to an instance created earlier in the batch").hasSize(1);
        assertThatThrownBy(() -> writes.restart(s).prepare(state, batch, T0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PENDING");
        assertThatThrownBy(() -> writes.purge("x").prepare(state, batch, T0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PENDING");
        assertThatThrownBy(() -> writes.enqueue(SpiFixtures.event("y", "e", "1"), file).prepare(state, batch, T0))
                .isInstanceOf(InstanceNotFoundException.class);
    }

    @Test
    void aCommitAfterAPurgeInTheSameBatchLosesItsLock() {
        State state = new State();
        FileCodec codec = new FileCodec();
        Writes writes = new Writes(codec);
        InstanceInfo done = new InstanceInfo("p", "Greet", "1.0", 1, RuntimeStatus.COMPLETED, null, null, null, null, null,
                T0, T0);
        State.Inst inst = state.add("p", "p", done);
        inst.lockToken = "token";
        inst.lockedUntil = T0.plusSeconds(30);
        OrchestrationItem item = new OrchestrationItem("p", done, 1, 0, List.of(), 1, "token",
                new Writes.FetchReceipt(new long[0]));
        TurnCommit unchanged = new TurnCommit(1, List.of(), List.of(), List.of(), new InstanceUpdate("Greet", "1.0", 1,
                RuntimeStatus.COMPLETED, null, null, null, null));
        Batch batch = new Batch();

        assertThat(writes.purge("p").prepare(state, batch, T0).ops()).hasSize(1);
        assertThatThrownBy(() -> writes.commit(item, new Writes.FetchReceipt(new long[0]), unchanged, new byte[0],
                List.of(), List.of()).prepare(state, batch, T0)).isInstanceOf(LockLostException.class);
        assertThat(writes.purge("p").prepare(state, batch, T0).ops()).as("purged once").isEmpty();
    }
}
