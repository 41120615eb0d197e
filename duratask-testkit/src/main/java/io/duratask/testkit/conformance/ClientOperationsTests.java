package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPI semantics every provider shares, run by a subclass per provider. */
public abstract class ClientOperationsTests {
    private static final Duration LOCK = Duration.ofSeconds(30);

    protected final io.duratask.testkit.VirtualClock clock = new io.duratask.testkit.VirtualClock(T0);
    protected Provider provider;

    @BeforeEach
    void open() {
        provider = open(clock);
    }

    @AfterEach
    void close() {
        close(provider);
    }

    /**
     * Asserts that the error a store gave for a commit breaking its rules (two events with one id) is clear:
     * of the provider's documented type, naming what failed and where.
     */
    protected abstract void assertClearCommitError(Throwable error);

    /** A fresh, empty store that reads time only from {@code clock}. */
    protected abstract Provider open(java.time.Clock clock);

    /** Closes the provider after each test; a provider may check its store here first. */
    protected void close(Provider provider) {
        provider.close();
    }

    @Test
    void createInstanceStoresAPendingInstanceAndItsStartMessage() {
        provider.createInstance(start("i1", "Greet"));

        InstanceInfo info = provider.getInstance("i1").orElseThrow();
        assertThat(info.instanceId()).isEqualTo("i1");
        assertThat(info.name()).isEqualTo("Greet");
        assertThat(info.version()).isEqualTo("1.0");
        assertThat(info.executionId()).isEqualTo(1);
        assertThat(info.status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(info.input()).isEqualTo("\"input of i1\"");
        assertThat(info.parentInstanceId()).isNull();
        assertThat(info.createdAt()).isEqualTo(T0);
        assertThat(info.updatedAt()).isEqualTo(T0);
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));
    }

    @Test
    void creatingAnExistingInstanceFailsAndLeavesTheFirstUntouched() {
        OrchestratorMessage first = start("i1", "Greet");
        provider.createInstance(first);
        clock.advance(Duration.ofMinutes(1));
        OrchestratorMessage second = OrchestratorMessage.of("i1", 1,
                new OrchestrationStarted(0, T0, "Other", "2.0", "\"other\"", null, null));

        assertThatThrownBy(() -> provider.createInstance(second))
                .isInstanceOf(InstanceExistsException.class)
                .hasMessageContaining("i1");

        InstanceInfo info = provider.getInstance("i1").orElseThrow();
        assertThat(info.name()).isEqualTo("Greet");
        assertThat(info.input()).isEqualTo("\"input of i1\"");
        assertThat(info.createdAt()).isEqualTo(T0);
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.messages()).containsExactly(first);
    }

    @Test
    void createInstanceRejectsAMessageThatIsNotAStart() {
        assertThatThrownBy(() -> provider.createInstance(event("i1", "x", "1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(provider.getInstance("i1")).isEmpty();
    }

    @Test
    void enqueueToAnUnknownInstanceFails() {
        assertThatThrownBy(() -> provider.enqueue(event("ghost", "approve", "true")))
                .isInstanceOf(InstanceNotFoundException.class)
                .hasMessageContaining("ghost");
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
    }

    @Test
    void enqueueWithAVisibleTimeIsDelayed() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, SpiFixtures.appendOnly(item));
        OrchestratorMessage later = new OrchestratorMessage("i1", 0, event("i1", "x", "1").event(), T0.plusSeconds(5));
        provider.enqueue(later);

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).containsExactly(later);
    }

    @Test
    void aCommitThatViolatesAConstraintFailsAloneAndAppliesNothing() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        var started = item.messages().getFirst().event().at(1, T0);
        var duplicate = new io.duratask.history.HistoryEvent.Terminated(1, T0, "same event id");
        var update = new io.duratask.spi.InstanceUpdate("Greet", "1.0", 1, RuntimeStatus.RUNNING, null, null, null, null);
        var broken = new io.duratask.spi.TurnCommit(1, java.util.List.of(started, duplicate), java.util.List.of(),
                java.util.List.of(), update);

        Throwable error = org.assertj.core.api.Assertions.catchThrowable(
                () -> provider.commitOrchestrationItem(item, broken));
        assertThat(error).as("commit of a turn with a repeated event id").isNotNull();
        assertClearCommitError(error);
        assertThat(provider.getInstance("i1").orElseThrow().status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(provider.readHistory("i1", 0)).isEmpty();

        provider.commitOrchestrationItem(item, SpiFixtures.appendOnly(item)); // the lock is still held
        assertThat(provider.readHistory("i1", 0)).containsExactly(started);
    }

    @Test
    void failuresInOneOperationDoNotAffectOthersInTheSameBatch() throws Exception {
        provider.createInstance(start("exists", "Greet"));
        int n = 200;
        var results = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                executor.submit(() -> {
                    try {
                        if (k % 2 == 0) {
                            provider.createInstance(start("exists", "Dup"));
                        } else {
                            provider.createInstance(start("new-" + k, "Fresh"));
                        }
                        results.add("ok");
                    } catch (InstanceExistsException e) {
                        results.add("exists");
                    }
                });
            }
        }
        assertThat(results).filteredOn("ok"::equals).hasSize(n / 2);
        assertThat(results).filteredOn("exists"::equals).hasSize(n / 2);
        assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(n / 2 + 1);
        assertThat(provider.getInstance("exists").orElseThrow().name()).isEqualTo("Greet");
    }
}
