package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.T0;
import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.inputOf;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.CancelRequested;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationChained;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.Resumed;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.history.HistoryEvent.Suspended;
import io.duratask.history.HistoryEvent.TimerFired;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A turn commit is one atomic step: history delta, work items, messages (creating instances for start
 * messages), instance metadata, deletion of the fetched messages and release of the lock, all or nothing.
 */
public abstract class TurnCommitContract extends ContractSupport {

    protected TurnCommitContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void aCommitStoresEverythingItCarriesAndConsumesTheFetchedMessages() {
        provider().createInstance(start("parent", "Parent"));
        OrchestrationItem item = fetch("parent");
        provider().createInstance(start("sibling", "Sibling"));
        clock.advance(Duration.ofSeconds(1));
        Instant fireAt = clock.instant().plusSeconds(60);
        OrchestratorMessage toSibling = event("sibling", "hello", "\"from parent\"");
        TurnCommit commit = Turn.of(item).schedule("A").schedule("B").subOrchestration("Child", "child").timer(fireAt)
                .send(toSibling).customStatus("\"step 1\"").commit();

        provider().commitOrchestrationItem(item, commit);

        assertThat(provider().readHistory("parent", 1)).as("history of execution 1").isEqualTo(commit.newEvents());
        assertThat(provider().readHistory("parent", 0)).as("history of the current execution").isEqualTo(commit.newEvents());
        assertThat(provider().getInstance("parent")).as("metadata written by the commit").contains(new InstanceInfo(
                "parent", "Parent", Messages.VERSION, 1, RuntimeStatus.RUNNING, inputOf("parent"), null, null,
                "\"step 1\"", null, T0, T0.plusSeconds(1)));
        InstanceInfo child = provider().getInstance("child").orElseThrow(
                () -> new AssertionError("the child's start message in the commit should have created instance 'child'"));
        assertThat(child).as("the child instance").isEqualTo(new InstanceInfo("child", "Child", Messages.VERSION, 1,
                RuntimeStatus.PENDING, inputOf("child"), null, null, null, "parent", child.createdAt(), child.updatedAt()));
        assertThat(provider().queueDepths()).as("queue depths after the commit: 3 visible messages (sibling's start,"
                + " the message to it, the child's start), the timer, two work items").isEqualTo(new QueueDepths(3, 1, 2));

        List<WorkItemLease> leases = List.of(fetchWork(), fetchWork());
        assertThat(leases).extracting(WorkItemLease::item).as("the committed work items")
                .containsExactlyInAnyOrderElementsOf(commit.workItems());
        assertNoWorkToFetch("both work items are leased");

        Map<String, List<OrchestratorMessage>> fetched = new HashMap<>();
        for (Optional<OrchestrationItem> next = provider().fetchOrchestrationItem(LOCK); next.isPresent();
             next = provider().fetchOrchestrationItem(LOCK)) {
            fetched.put(next.get().instanceId(), next.get().messages());
            provider().commitOrchestrationItem(next.get(), Turn.of(next.get()).commit());
        }
        assertThat(fetched).as("messages delivered by the commit; 'parent' has none (its start message was consumed,"
                + " its timer is not due)").isEqualTo(Map.of(
                "sibling", List.of(start("sibling", "Sibling"), toSibling),
                "child", List.of(commit.messages().stream().filter(m -> m.instanceId().equals("child")).findFirst().orElseThrow())));

        clock.advance(Duration.ofSeconds(60));
        OrchestrationItem timer = fetch("parent");
        assertThat(timer.messages()).as("the timer message, exactly as committed")
                .containsExactlyElementsOf(commit.messages().stream().filter(m -> m.instanceId().equals("parent")).toList());
        assertThat(timer.historySize()).isEqualTo(commit.newEvents().size());
    }

    @Test
    void aCommitUnderALostLockAppliesNothing() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem stale = fetch("i1");
        clock.advance(LOCK);
        OrchestrationItem current = fetch("i1");
        provider().createInstance(start("other", "Other"));
        InstanceInfo before = provider().getInstance("i1").orElseThrow();
        TurnCommit everything = Turn.of(stale).schedule("A").subOrchestration("Child", "child")
                .timer(clock.instant().plusSeconds(5)).send(event("other", "hello", "1"))
                .status(RuntimeStatus.COMPLETED).output("\"done\"").customStatus("\"x\"").commit();

        assertThatThrownBy(() -> provider().commitOrchestrationItem(stale, everything))
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("i1");

        assertThat(provider().readHistory("i1", 0)).as("history after the rejected commit").isEmpty();
        assertThat(provider().readHistory("i1", 1)).as("history of execution 1 after the rejected commit").isEmpty();
        assertThat(provider().getInstance("i1")).as("metadata after the rejected commit").contains(before);
        assertThat(provider().getInstance("child")).as("the child of the rejected commit").isEmpty();
        assertNoWorkToFetch("the rejected commit's work item must not exist");
        assertThat(fetch("other").messages()).as("messages of 'other': its start, not the rejected commit's message")
                .containsExactly(start("other", "Other"));

        provider().commitOrchestrationItem(current, Turn.of(current).commit());
        assertThat(provider().readHistory("i1", 0)).as("history written by the lock's new owner").hasSize(1);
        clock.advance(Duration.ofSeconds(10));
        assertNothingToFetch("the new owner consumed the start message, the rejected timer does not exist,"
                + " 'other' is still locked");
    }

    @Test
    void aCommitConsumesOnlyTheMessagesItFetched() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        OrchestratorMessage late = event("i1", "late", "1");
        provider().enqueue(late);

        provider().commitOrchestrationItem(item, Turn.of(item).commit());

        OrchestrationItem next = fetch("i1");
        assertThat(next.messages()).as("the message that arrived during the turn").containsExactly(late);
        assertThat(next.historySize()).isEqualTo(1);
        assertThat(next.maxDequeueCount()).isEqualTo(1);
    }

    @Test
    void aCommitWithoutNewEventsConsumesTheMessagesAndReleasesTheLock() {
        InstanceInfo done = createAndRun("i1", "Greet", RuntimeStatus.COMPLETED);
        provider().enqueue(event("i1", "too-late", "1"));
        OrchestrationItem item = fetch("i1");
        assertThat(item.instance()).as("the instance as the item reports it").isEqualTo(done);

        provider().commitOrchestrationItem(item, Turn.empty(item).status(RuntimeStatus.COMPLETED).commit());

        assertNothingToFetch("the event was consumed by a commit that appended nothing");
        assertThat(provider().readHistory("i1", 0)).hasSize(1);
        provider().enqueue(event("i1", "later", "2"));
        assertThat(fetch("i1").messages()).as("the lock was released").hasSize(1);
    }

    @Test
    void aMessageToAnUnknownInstanceCreatesNoInstance() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");

        provider().commitOrchestrationItem(item, Turn.of(item).send(event("nobody", "hello", "1")).commit());

        assertThat(provider().getInstance("nobody")).as("instance 'nobody'").isEmpty();
        assertThat(provider().listInstances(InstanceQuery.all()).instances()).extracting(InstanceInfo::instanceId)
                .containsExactly("i1");
        assertThat(provider().readHistory("i1", 0)).hasSize(1);
    }

    @Test
    void aStartMessageForAnExistingInstanceKeepsItsMetadataAndIsDelivered() {
        InstanceInfo existing = createAndRun("taken", "Original", RuntimeStatus.RUNNING);
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        OrchestratorMessage secondStart = Messages.childStart("taken", "Impostor",
                new HistoryEvent.ParentInstance("i1", 1, 2));

        provider().commitOrchestrationItem(item, Turn.of(item).send(secondStart).commit());

        assertThat(provider().getInstance("taken")).as("metadata of the existing instance").contains(existing);
        assertThat(fetch("taken").messages()).as("the second start is delivered, so that the runtime can answer it")
                .containsExactly(secondStart);
    }

    @Test
    void storedEventsComeBackExactlyAsCommitted() {
        provider().createInstance(start("i1", "Greet"));
        OrchestrationItem item = fetch("i1");
        FailureDetails failure = FailureDetails.of(new IllegalStateException("boom", new RuntimeException("root cause")));
        Instant precise = T0.plusNanos(123_456_789);
        TurnCommit commit = Turn.of(item)
                .schedule("A")
                .append(new ActivityCompleted(0, precise, 2, "{\"n\":1,\"s\":\"héllo ✓\"}"))
                .append(new ActivityFailed(0, T0, 2, failure))
                .timer(T0.plusSeconds(3))
                .append(new TimerFired(0, T0, 5, T0.plusSeconds(3)))
                .append(new EventSubscribed(0, T0, "approve"))
                .append(new EventRaised(0, T0, "approve", null))
                .subOrchestration("Child", "child")
                .append(new SubOrchestrationCompleted(0, T0, 9, "[1,2,3]"))
                .append(new SubOrchestrationFailed(0, T0, 9, FailureDetails.of("custom.Type", "no stack")))
                .append(new OrchestrationChained(0, T0, "Detached", "detached-1", "\"x\""))
                .append(new SideEffectRecorded(0, T0, "uuid", "\"6f1c\""))
                .append(new CustomStatusSet(0, T0, "{\"stage\":2}"))
                .append(new CancelRequested(0, T0, "user asked"))
                .append(new Suspended(0, T0, null))
                .append(new Resumed(0, T0, "go on"))
                .append(new HistoryEvent.Terminated(0, T0, "stop"))
                .append(new HistoryEvent.OrchestrationCompleted(0, T0, null))
                .append(new OrchestrationFailed(0, T0, failure))
                .status(RuntimeStatus.FAILED).failure(failure)
                .commit();

        provider().commitOrchestrationItem(item, commit);

        assertThat(provider().readHistory("i1", 1)).as("every event, in order, equal to what was committed")
                .isEqualTo(commit.newEvents());
        InstanceInfo info = provider().getInstance("i1").orElseThrow();
        assertThat(info.status()).isEqualTo(RuntimeStatus.FAILED);
        assertThat(info.failure()).as("failure details with their cause chain").isEqualTo(failure);
        assertThat(info.output()).isNull();
    }
}
