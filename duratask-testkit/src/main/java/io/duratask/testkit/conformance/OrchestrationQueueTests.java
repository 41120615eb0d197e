package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.appendAndSchedule;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.completion;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.TimerFired;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPI semantics every provider shares, run by a subclass per provider. */
public abstract class OrchestrationQueueTests {
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

    /** A fresh, empty store that reads time only from {@code clock}. */
    protected abstract Provider open(java.time.Clock clock);

    /** Closes the provider after each test; a provider may check its store here first. */
    protected void close(Provider provider) {
        provider.close();
    }

    @Test
    void roundTripAppendsHistoryDeletesMessagesAndRunsTheActivity() {
        OrchestratorMessage startMessage = start("i1", "Greet");
        provider.createInstance(startMessage);

        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(item.instanceId()).isEqualTo("i1");
        assertThat(item.messages()).containsExactly(startMessage);
        assertThat(item.executionId()).isEqualTo(1);
        assertThat(item.historySize()).isZero();
        assertThat(item.maxDequeueCount()).isEqualTo(1);
        assertThat(item.instance().status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(item.instance().name()).isEqualTo("Greet");
        assertThat(item.instance().input()).isEqualTo("\"input of i1\"");

        TurnCommit first = appendAndSchedule(item, "SayHello");
        provider.commitOrchestrationItem(item, first);

        assertThat(provider.readHistory("i1", 0)).containsExactlyElementsOf(first.newEvents());
        assertThat(provider.readHistory("i1", 1)).containsExactlyElementsOf(first.newEvents());
        assertThat(provider.getInstance("i1").orElseThrow().status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the start message was consumed").isEmpty();

        WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
        assertThat(lease.item()).isEqualTo(first.workItems().getFirst());
        assertThat(lease.dequeueCount()).isEqualTo(1);
        assertThat(provider.fetchWorkItem(LOCK)).as("a locked work item is not fetched twice").isEmpty();

        OrchestratorMessage done = completion("i1", 2, "\"hello\"");
        provider.completeWorkItem(lease, done);
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(1, 0, 0));

        OrchestrationItem second = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(second.messages()).containsExactly(done);
        assertThat(second.historySize()).isEqualTo(2);
        assertThat(second.instance().status()).isEqualTo(RuntimeStatus.RUNNING);

        HistoryEvent completed = done.event().at(3, T0);
        HistoryEvent finished = new HistoryEvent.OrchestrationCompleted(4, T0, "\"hello\"");
        InstanceUpdate update = new InstanceUpdate("Greet", "1.0", 1, RuntimeStatus.COMPLETED, "\"in\"", "\"hello\"",
                null, "\"all done\"");
        provider.commitOrchestrationItem(second, new TurnCommit(1, List.of(completed, finished), List.of(), List.of(), update));

        assertThat(provider.readHistory("i1", 0)).hasSize(4).endsWith(completed, finished);
        InstanceInfo info = provider.getInstance("i1").orElseThrow();
        assertThat(info.status()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(info.output()).isEqualTo("\"hello\"");
        assertThat(info.customStatus()).isEqualTo("\"all done\"");
        assertThat(info.createdAt()).isEqualTo(T0);
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
    }

    @Test
    void failureDetailsSurviveTheRoundTrip() {
        provider.createInstance(start("f1", "Failing"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        FailureDetails failure = FailureDetails.of(new IllegalStateException("boom", new RuntimeException("root")));
        InstanceUpdate update = new InstanceUpdate("Failing", "1.0", 1, RuntimeStatus.FAILED, null, null, failure, null);
        provider.commitOrchestrationItem(item, new TurnCommit(1, List.of(), List.of(), List.of(), update));

        assertThat(provider.getInstance("f1").orElseThrow().failure()).isEqualTo(failure);
    }

    @Test
    void commitUnderAStaleLockThrowsAndAppliesNothing() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem stale = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        clock.advance(LOCK.plusSeconds(1));
        OrchestrationItem current = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(current.instanceId()).isEqualTo("i1");
        assertThat(current.maxDequeueCount()).isEqualTo(2);

        assertThatThrownBy(() -> provider.commitOrchestrationItem(stale, appendAndSchedule(stale, "SayHello")))
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("i1");

        assertThat(provider.readHistory("i1", 0)).isEmpty();
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        assertThat(provider.getInstance("i1").orElseThrow().status()).isEqualTo(RuntimeStatus.PENDING);
        // the new owner's commit still works and consumes the message
        provider.commitOrchestrationItem(current, appendOnly(current));
        assertThat(provider.readHistory("i1", 0)).hasSize(1);
        assertThat(provider.queueDepths().orchestratorVisible()).isZero();
    }

    @Test
    void commitAfterTheLockExpiredIsRejectedEvenIfNobodyTookIt() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        clock.advance(LOCK);

        assertThatThrownBy(() -> provider.commitOrchestrationItem(item, appendOnly(item)))
                .isInstanceOf(LockLostException.class);
        assertThat(provider.renewOrchestrationLock(item, LOCK)).isFalse();
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the expired lock is free again").isPresent();
    }

    @Test
    void aLockedInstanceIsNotFetchedUntilItsLockExpires() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem first = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.enqueue(event("i1", "approve", "true"));

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        clock.advance(LOCK.minusMillis(1));
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        clock.advance(Duration.ofMillis(1));

        OrchestrationItem takeover = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(takeover.lockToken()).isNotEqualTo(first.lockToken());
        assertThat(takeover.messages()).extracting(m -> m.event().getClass().getSimpleName())
                .containsExactly("OrchestrationStarted", "EventRaised");
    }

    @Test
    void renewalKeepsTheLock() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        clock.advance(LOCK.minusSeconds(1));
        assertThat(provider.renewOrchestrationLock(item, LOCK)).isTrue();
        clock.advance(LOCK.minusSeconds(1));

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        provider.commitOrchestrationItem(item, appendOnly(item));
        assertThat(provider.readHistory("i1", 0)).hasSize(1);
    }

    @Test
    void messagesArrivingDuringATurnStayForTheNextTurn() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage late = event("i1", "late", "1");
        provider.enqueue(late);
        provider.commitOrchestrationItem(item, appendOnly(item));

        OrchestrationItem next = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(next.messages()).containsExactly(late);
        assertThat(next.maxDequeueCount()).isEqualTo(1);
        assertThat(next.historySize()).isEqualTo(1);
    }

    @Test
    void aTimerMessageIsInvisibleUntilItsTime() {
        provider.createInstance(start("t1", "Sleeper"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage timer = new OrchestratorMessage("t1", 1, new TimerFired(0, T0, 2, T0.plusSeconds(60)),
                T0.plusSeconds(60));
        TurnCommit commit = new TurnCommit(1, List.of(item.messages().getFirst().event().at(1, T0),
                new HistoryEvent.TimerCreated(2, T0, T0.plusSeconds(60))), List.of(), List.of(timer), SpiFixtures.running(item));
        provider.commitOrchestrationItem(item, commit);

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(0, 1, 0));
        clock.advance(Duration.ofSeconds(59));
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        clock.advance(Duration.ofSeconds(1));

        OrchestrationItem fired = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(fired.messages()).containsExactly(timer);
    }

    @Test
    void abandonMakesTheMessagesVisibleAgainAfterTheDelay() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.abandonOrchestrationItem(item, Duration.ofSeconds(10));

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        OrchestrationItem again = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(again.messages()).hasSize(1);
        assertThat(again.maxDequeueCount()).isEqualTo(2);
        assertThatThrownBy(() -> provider.commitOrchestrationItem(item, appendOnly(item)))
                .isInstanceOf(LockLostException.class);
    }

    @Test
    void abandonWithAStaleLockLeavesTheNewOwnerAlone() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem stale = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        clock.advance(LOCK);
        OrchestrationItem current = provider.fetchOrchestrationItem(LOCK).orElseThrow();

        provider.abandonOrchestrationItem(stale, Duration.ofHours(1));
        provider.commitOrchestrationItem(current, appendOnly(current));
        assertThat(provider.readHistory("i1", 0)).hasSize(1);
    }

    @Test
    void aStartMessageInACommitCreatesTheChildInstance() {
        provider.createInstance(start("parent", "Parent"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage childStart = start("child", "Child", new HistoryEvent.ParentInstance("parent", 1, 2));
        OrchestratorMessage toChild = event("child", "hello", "1");
        OrchestratorMessage toNobody = event("nobody", "hello", "1");
        TurnCommit commit = new TurnCommit(1, List.of(item.messages().getFirst().event().at(1, T0),
                new HistoryEvent.SubOrchestrationScheduled(2, T0, "Child", "child", "\"x\"")),
                List.of(), List.of(childStart, toChild, toNobody), SpiFixtures.running(item));
        provider.commitOrchestrationItem(item, commit);

        InstanceInfo child = provider.getInstance("child").orElseThrow();
        assertThat(child.name()).isEqualTo("Child");
        assertThat(child.parentInstanceId()).isEqualTo("parent");
        assertThat(child.status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(child.executionId()).isEqualTo(1);
        assertThat(provider.getInstance("nobody")).isEmpty();

        OrchestrationItem childItem = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(childItem.instanceId()).isEqualTo("child");
        assertThat(childItem.messages()).containsExactly(childStart, toChild);
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
    }

    @Test
    void continueAsNewStartsAFreshHistory() {
        provider.createInstance(start("e1", "Eternal"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage restart = OrchestratorMessage.of("e1", 2,
                new OrchestrationStarted(0, T0, "Eternal", "1.0", "\"next\"", null, null));
        List<HistoryEvent> firstExecution = List.of(item.messages().getFirst().event().at(1, T0),
                new HistoryEvent.ContinuedAsNew(2, T0, "\"next\""));
        InstanceUpdate update = new InstanceUpdate("Eternal", "1.0", 2, RuntimeStatus.RUNNING, "\"next\"", null, null, null);
        provider.commitOrchestrationItem(item, new TurnCommit(1, firstExecution, List.of(), List.of(restart), update));

        OrchestrationItem next = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(next.executionId()).isEqualTo(2);
        assertThat(next.historySize()).isZero();
        assertThat(next.messages()).containsExactly(restart);
        assertThat(provider.readHistory("e1", 0)).isEmpty();
        assertThat(provider.readHistory("e1", 1)).containsExactlyElementsOf(firstExecution);
        assertThat(provider.readHistory("e1", 3)).isEmpty();
        assertThat(provider.readHistory("unknown", 0)).isEmpty();
    }

    @Test
    void aWorkItemWhoseLeaseExpiredGoesToTheNextWorkerAndTheStaleCompletionIsRejected() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "Slow"));

        WorkItemLease stale = provider.fetchWorkItem(LOCK).orElseThrow();
        clock.advance(LOCK);
        WorkItemLease current = provider.fetchWorkItem(LOCK).orElseThrow();
        assertThat(current.dequeueCount()).isEqualTo(2);
        assertThat(provider.renewWorkItemLock(stale, LOCK)).isFalse();

        assertThatThrownBy(() -> provider.completeWorkItem(stale, completion("i1", 2, "\"stale\"")))
                .isInstanceOf(LockLostException.class);
        assertThat(provider.queueDepths().orchestratorVisible()).isZero();

        assertThat(provider.renewWorkItemLock(current, LOCK)).isTrue();
        provider.completeWorkItem(current, completion("i1", 2, "\"fresh\""));
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages())
                .containsExactly(completion("i1", 2, "\"fresh\""));
        assertThatThrownBy(() -> provider.completeWorkItem(current, completion("i1", 2, "\"twice\"")))
                .isInstanceOf(LockLostException.class);
    }

    @Test
    void aWorkItemLeaseThatExpiredButWasNotTakenCanStillComplete() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "Slow"));
        WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
        clock.advance(LOCK.plusSeconds(1));

        provider.completeWorkItem(lease, completion("i1", 2, "\"late but fine\""));
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages())
                .containsExactly(completion("i1", 2, "\"late but fine\""));
    }

    @Test
    void anAbandonedWorkItemComesBackAfterTheDelay() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "Flaky"));

        WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
        provider.abandonWorkItem(lease, Duration.ofSeconds(5));
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        WorkItemLease again = provider.fetchWorkItem(LOCK).orElseThrow();
        assertThat(again.item()).isEqualTo(lease.item());
        assertThat(again.dequeueCount()).isEqualTo(2);
    }

    @Test
    void messagesComeOldestFirst() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendOnly(item));
        List<OrchestratorMessage> sent = List.of(event("i1", "a", "1"), event("i1", "b", "2"), event("i1", "c", "3"));
        sent.forEach(provider::enqueue);

        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).containsExactlyElementsOf(sent);
    }

    @Test
    void anItemFromAnotherProviderIsRejected() {
        OrchestrationItem foreign = new OrchestrationItem("x", null, 1, 0, List.of(), 1, "token", "not ours");
        assertThatThrownBy(() -> provider.commitOrchestrationItem(foreign, appendOnly(foreign)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
    }

    @Test
    void aScheduledActivityKeepsItsEventId() {
        provider.createInstance(start("i1", "Greet"));
        OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.commitOrchestrationItem(item, appendAndSchedule(item, "Act"));
        assertThat(provider.readHistory("i1", 0).get(1)).isInstanceOfSatisfying(ActivityScheduled.class,
                e -> assertThat(e.eventId()).isEqualTo(2));
    }
}
