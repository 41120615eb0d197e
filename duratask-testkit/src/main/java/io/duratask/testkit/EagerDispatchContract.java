package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of the optional eager-dispatch methods of the provider SPI,
 * {@link Provider#commitOrchestrationItemAndLease}, {@link Provider#completeWorkItemAndLock} and
 * {@link Provider#createInstanceAndLock}, for a provider that implements them: what is leased or locked, that
 * it is atomic with the commit, completion or creation,
 * and that a lease or lock whose holder dies expires exactly like a fetched one. A provider module runs it
 * by subclassing and implementing {@link #createProvider(Clock)}.
 */
@Timeout(60)
public abstract class EagerDispatchContract {
    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The clock every provider of this class runs on; tests move it to expire locks. */
    protected final VirtualClock clock = new VirtualClock(T0);
    private Provider provider;

    /** A fresh, empty store whose notion of "now" (locks, visibility) is {@code clock}. */
    protected abstract Provider createProvider(Clock clock);

    /**
     * Whether {@link Provider#completeWorkItemAndLock} holds the completion with the lock instead of storing
     * it (the work item stays leased until the turn's commit; see its javadoc). Then, if the lock's holder
     * dies, the activity runs again instead of its completion being fetched again. Default false.
     */
    protected boolean holdsCompletionWithTheLock() {
        return false;
    }

    @BeforeEach
    void open() {
        provider = createProvider(clock);
    }

    @AfterEach
    void close() {
        provider.close();
    }

    // ---- commit and lease ------------------------------------------------------------------------------

    @Test
    void commitLeasesTheFirstWorkItemsToTheCallerAndEnqueuesTheRest() {
        OrchestrationItem item = startAndFetch("i1");
        CommitOutcome outcome = provider.commitOrchestrationItemAndLease(item, schedule(item, "A", "B", "C"), 2, LOCK);

        assertThat(outcome.leases()).extracting(l -> l.item().name()).containsExactly("A", "B");
        assertThat(outcome.leases()).allSatisfy(l -> assertThat(l.dequeueCount()).isEqualTo(1));
        WorkItemLease fetched = provider.fetchWorkItem(LOCK).orElseThrow();
        assertThat(fetched.item().name()).as("only the work item not leased is visible").isEqualTo("C");
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        assertThat(provider.readHistory("i1", 0)).extracting(HistoryEvent::getClass)
                .containsExactly(OrchestrationStarted.class, ActivityScheduled.class, ActivityScheduled.class,
                        ActivityScheduled.class);
    }

    @Test
    void aLeaseFromTheCommitIsCompletedLikeAFetchedOne() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        assertThat(provider.renewWorkItemLock(lease, LOCK)).isTrue();

        provider.completeWorkItem(lease, completion(lease, "\"done\""));

        OrchestrationItem next = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(next.messages()).extracting(OrchestratorMessage::event).singleElement()
                .isInstanceOfSatisfying(ActivityCompleted.class, c -> assertThat(c.result()).isEqualTo("\"done\""));
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
    }

    @Test
    void aLeaseWhoseHolderDiedBecomesVisibleAgainAfterTheLockTimeout() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);

        clock.advance(LOCK.minusSeconds(1));
        assertThat(provider.fetchWorkItem(LOCK)).as("leased, not yet expired").isEmpty();
        clock.advance(Duration.ofSeconds(2));
        WorkItemLease again = provider.fetchWorkItem(LOCK).orElseThrow();

        assertThat(again.item()).isEqualTo(lease.item());
        assertThat(again.dequeueCount()).isEqualTo(2);
        assertThatThrownBy(() -> provider.completeWorkItem(lease, completion(lease, "\"late\"")))
                .isInstanceOf(LockLostException.class);
        provider.completeWorkItem(again, completion(again, "\"second\""));
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).hasSize(1);
    }

    @Test
    void zeroLeasesEnqueuesEverything() {
        OrchestrationItem item = startAndFetch("i1");
        CommitOutcome outcome = provider.commitOrchestrationItemAndLease(item, schedule(item, "A", "B"), 0, LOCK);

        assertThat(outcome.leases()).isEmpty();
        assertThat(provider.fetchWorkItem(LOCK)).isPresent();
        assertThat(provider.fetchWorkItem(LOCK)).isPresent();
    }

    @Test
    void aCommitUnderALostLockLeasesNothingAndAppliesNothing() {
        OrchestrationItem item = startAndFetch("i1");
        clock.advance(LOCK.plusSeconds(1));
        OrchestrationItem thief = provider.fetchOrchestrationItem(LOCK).orElseThrow();

        assertThatThrownBy(() -> provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK))
                .isInstanceOf(LockLostException.class);

        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
        assertThat(provider.readHistory("i1", 0)).isEmpty();
        provider.commitOrchestrationItem(thief, schedule(thief, "B"));
        assertThat(provider.fetchWorkItem(LOCK).orElseThrow().item().name()).isEqualTo("B");
    }

    @Test
    void theOutcomeSaysWhetherMessagesArrivedDuringTheTurn() {
        OrchestrationItem first = startAndFetch("i1");
        assertThat(provider.commitOrchestrationItemAndLease(first, schedule(first, "A"), 1, LOCK).instanceHasMessages())
                .as("nothing arrived").isFalse();

        provider.enqueue(event("i1", "go"));
        OrchestrationItem second = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        provider.enqueue(event("i1", "again"));
        assertThat(provider.commitOrchestrationItemAndLease(second, schedule(second), 1, LOCK).instanceHasMessages())
                .as("an event arrived while the instance was locked").isTrue();
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).hasSize(1);
    }

    // ---- complete and lock ---------------------------------------------------------------------------------

    @Test
    void aCompletionLocksItsIdleInstanceForTheCaller() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);

        OrchestrationItem locked = provider.completeWorkItemAndLock(lease, completion(lease, "\"r\""), LOCK).orElseThrow();

        assertThat(locked.instanceId()).isEqualTo("i1");
        assertThat(locked.executionId()).isEqualTo(1);
        assertThat(locked.historySize()).isEqualTo(2);
        assertThat(locked.maxDequeueCount()).isEqualTo(1);
        assertThat(locked.instance().status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(locked.messages()).extracting(OrchestratorMessage::event).singleElement()
                .isInstanceOf(ActivityCompleted.class);
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the caller holds the lock").isEmpty();

        provider.commitOrchestrationItem(locked, schedule(locked));
        assertThat(provider.readHistory("i1", 0)).extracting(HistoryEvent::getClass)
                .containsExactly(OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class);
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
    }

    @Test
    void aCompletionTakesEveryVisibleMessageOfTheInstance() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        provider.enqueue(event("i1", "first"));

        OrchestrationItem locked = provider.completeWorkItemAndLock(lease, completion(lease, "\"r\""), LOCK).orElseThrow();

        assertThat(locked.messages()).extracting(OrchestratorMessage::event)
                .hasExactlyElementsOfTypes(EventRaised.class, ActivityCompleted.class);
    }

    @Test
    void aCompletionForALockedInstanceIsStoredAndLocksNothing() {
        OrchestrationItem item = startAndFetch("i1");
        List<WorkItemLease> leases = provider.commitOrchestrationItemAndLease(item, schedule(item, "A", "B"), 2, LOCK)
                .leases();
        OrchestrationItem first = provider.completeWorkItemAndLock(leases.get(0), completion(leases.get(0), "1"), LOCK)
                .orElseThrow();

        assertThat(provider.completeWorkItemAndLock(leases.get(1), completion(leases.get(1), "2"), LOCK))
                .as("the instance is locked by the first completion's caller").isEmpty();

        assertThat(provider.commitOrchestrationItemAndLease(first, schedule(first), 0, LOCK).instanceHasMessages()).isTrue();
        OrchestrationItem second = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(second.messages()).extracting(OrchestratorMessage::event).singleElement()
                .isInstanceOfSatisfying(ActivityCompleted.class, c -> assertThat(c.result()).isEqualTo("2"));
    }

    @Test
    void anEagerLockWhoseHolderDiedExpiresAndTheCompletionIsDeliveredAgain() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        OrchestrationItem locked = provider.completeWorkItemAndLock(lease, completion(lease, "\"r\""), LOCK).orElseThrow();

        clock.advance(LOCK.minusSeconds(1));
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("still locked").isEmpty();
        assertThat(provider.fetchWorkItem(LOCK)).as("the work item is done or still leased").isEmpty();
        clock.advance(Duration.ofSeconds(2));

        OrchestrationItem again;
        if (holdsCompletionWithTheLock()) {
            assertThat(provider.fetchOrchestrationItem(LOCK)).as("the completion died with its holder").isEmpty();
            WorkItemLease rerun = provider.fetchWorkItem(LOCK).orElseThrow();
            assertThat(rerun.item()).isEqualTo(lease.item());
            assertThat(rerun.dequeueCount()).isEqualTo(2);
            assertThat(provider.completeWorkItemAndLock(rerun, completion(rerun, "\"r2\""), LOCK)).isPresent();
            return;
        }
        again = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(again.messages()).isEqualTo(locked.messages());
        assertThat(again.maxDequeueCount()).isEqualTo(2);
        assertThat(provider.fetchWorkItem(LOCK)).as("the activity does not run again").isEmpty();
        assertThatThrownBy(() -> provider.commitOrchestrationItem(locked, schedule(locked)))
                .isInstanceOf(LockLostException.class);
        provider.commitOrchestrationItem(again, schedule(again));
        assertThat(provider.readHistory("i1", 0)).hasSize(3);
    }

    @Test
    void anAbandonedEagerLockKeepsTheCompletionExactlyOnce() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        provider.enqueue(event("i1", "first"));
        OrchestrationItem locked = provider.completeWorkItemAndLock(lease, completion(lease, "\"r\""), LOCK).orElseThrow();

        provider.abandonOrchestrationItem(locked, Duration.ZERO);

        OrchestrationItem again = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(again.messages()).extracting(OrchestratorMessage::event)
                .hasExactlyElementsOfTypes(EventRaised.class, ActivityCompleted.class);
        assertThat(provider.fetchWorkItem(LOCK)).as("the activity does not run again").isEmpty();
        assertThatThrownBy(() -> provider.commitOrchestrationItem(locked, schedule(locked)))
                .isInstanceOf(LockLostException.class);
        provider.commitOrchestrationItem(again, schedule(again));
        assertThat(provider.readHistory("i1", 0)).extracting(HistoryEvent::getClass).containsExactly(
                OrchestrationStarted.class, ActivityScheduled.class, EventRaised.class, ActivityCompleted.class);
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
    }

    @Test
    void aRenewedEagerLockStillCommitsAfterTheFirstLockTimeout() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        OrchestrationItem locked = provider.completeWorkItemAndLock(lease, completion(lease, "\"r\""), LOCK).orElseThrow();

        clock.advance(LOCK.minusSeconds(1));
        assertThat(provider.renewOrchestrationLock(locked, LOCK)).isTrue();
        clock.advance(Duration.ofSeconds(2));

        assertThat(provider.fetchWorkItem(LOCK)).as("the activity does not run again").isEmpty();
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("still locked").isEmpty();
        provider.commitOrchestrationItem(locked, schedule(locked));
        assertThat(provider.readHistory("i1", 0)).hasSize(3);
        assertThat(provider.fetchWorkItem(LOCK)).isEmpty();
    }

    @Test
    void aCompletionUnderALostLeaseLocksNothingAndStoresNothing() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        clock.advance(LOCK.plusSeconds(1));
        WorkItemLease thief = provider.fetchWorkItem(LOCK).orElseThrow();

        assertThatThrownBy(() -> provider.completeWorkItemAndLock(lease, completion(lease, "\"lost\""), LOCK))
                .isInstanceOf(LockLostException.class);

        assertThat(provider.fetchOrchestrationItem(LOCK)).as("no completion stored, no lock taken").isEmpty();
        assertThat(provider.completeWorkItemAndLock(thief, completion(thief, "\"won\""), LOCK)).isPresent();
    }

    @Test
    void aCompletionForAnInstanceThatIsGoneLocksNothing() {
        OrchestrationItem item = startAndFetch("i1");
        WorkItemLease lease = provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
        OrchestratorMessage toNobody = OrchestratorMessage.of("nobody", 1,
                new ActivityCompleted(0, T0, lease.item().scheduledId(), "1"));

        assertThat(provider.completeWorkItemAndLock(lease, toNobody, LOCK)).isEmpty();

        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        assertThat(provider.fetchWorkItem(LOCK)).as("the work item is done").isEmpty();
    }

    // ---- complete and commit (the eager step) ----------------------------------------------------------

    /** A turn computed on a copy of {@code item}'s history plus {@code completion} alone, scheduling {@code next}. */
    private static TurnCommit stepTurn(long historySize, OrchestratorMessage completion, String... next) {
        long executionId = completion.executionId() == OrchestratorMessage.ANY_EXECUTION ? 1 : completion.executionId();
        OrchestrationItem asIfLocked = new OrchestrationItem(completion.instanceId(), null, executionId,
                historySize, List.of(completion), 1, null, null);
        return schedule(asIfLocked, next);
    }

    /** Starts i1 and commits a first turn that schedules A, leased to the caller. */
    private WorkItemLease startWithLeasedActivity() {
        OrchestrationItem item = startAndFetch("i1");
        return provider.commitOrchestrationItemAndLease(item, schedule(item, "A"), 1, LOCK).leases().get(0);
    }

    @Test
    void aStepCommitsTheCompletionWithItsTurnOnAnIdleInstance() {
        if (!provider.supportsEagerTurnCommits()) {
            assertThatThrownBy(() -> provider.completeWorkItemAndCommit(null, null, 0, null, 0, LOCK))
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        WorkItemLease lease = startWithLeasedActivity();
        OrchestratorMessage done = completion(lease, "\"r\"");

        CommitOutcome outcome = provider.completeWorkItemAndCommit(lease, done, 2, stepTurn(2, done, "B"), 1, LOCK)
                .orElseThrow();

        assertThat(outcome.leases()).extracting(l -> l.item().name()).containsExactly("B");
        assertThat(outcome.instanceHasMessages()).isFalse();
        assertThat(provider.readHistory("i1", 0)).extracting(HistoryEvent::getClass).containsExactly(
                OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class, ActivityScheduled.class);
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the completion is in history, not queued").isEmpty();
        assertThat(provider.fetchWorkItem(LOCK)).as("A is done and B leased").isEmpty();
        assertThatThrownBy(() -> provider.completeWorkItem(lease, done)).as("A's work item is gone")
                .isInstanceOf(LockLostException.class);

        WorkItemLease b = outcome.leases().get(0);
        OrchestratorMessage bDone = completion(b, "\"b\"");
        assertThat(provider.completeWorkItemAndCommit(b, bDone, 4, stepTurn(4, bDone), 0, LOCK)).isPresent();
        assertThat(provider.readHistory("i1", 0)).hasSize(5);
    }

    @Test
    void aStepOnAnInstanceWithAVisibleMessageOnlyStoresTheCompletion() {
        if (!provider.supportsEagerTurnCommits()) {
            return;
        }
        WorkItemLease lease = startWithLeasedActivity();
        provider.enqueue(event("i1", "first"));
        OrchestratorMessage done = completion(lease, "\"r\"");

        assertThat(provider.completeWorkItemAndCommit(lease, done, 2, stepTurn(2, done, "B"), 1, LOCK)).isEmpty();

        assertThat(provider.readHistory("i1", 0)).as("nothing of the turn applied").hasSize(2);
        assertThat(provider.fetchWorkItem(LOCK)).as("no B, and A is done").isEmpty();
        OrchestrationItem next = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        assertThat(next.messages()).extracting(OrchestratorMessage::event)
                .hasExactlyElementsOfTypes(EventRaised.class, ActivityCompleted.class);
    }

    @Test
    void aStepOnALockedOrHeldInstanceOnlyStoresTheCompletion() {
        if (!provider.supportsEagerTurnCommits()) {
            return;
        }
        OrchestrationItem item = startAndFetch("i1");
        List<WorkItemLease> leases = provider.commitOrchestrationItemAndLease(item, schedule(item, "A", "B"), 2, LOCK)
                .leases();
        provider.enqueue(event("i1", "go"));
        OrchestrationItem locked = provider.fetchOrchestrationItem(LOCK).orElseThrow();
        OrchestratorMessage aDone = completion(leases.get(0), "\"a\"");

        assertThat(provider.completeWorkItemAndCommit(leases.get(0), aDone, 3, stepTurn(3, aDone), 0, LOCK))
                .as("locked").isEmpty();

        provider.abandonOrchestrationItem(locked, Duration.ofSeconds(10));
        OrchestratorMessage bDone = completion(leases.get(1), "\"b\"");
        assertThat(provider.completeWorkItemAndCommit(leases.get(1), bDone, 3, stepTurn(3, bDone), 0, LOCK))
                .as("held by the abandon's delay").isEmpty();

        assertThat(provider.readHistory("i1", 0)).hasSize(3);
        clock.advance(Duration.ofSeconds(11));
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).extracting(OrchestratorMessage::event)
                .hasExactlyElementsOfTypes(EventRaised.class, ActivityCompleted.class, ActivityCompleted.class);
    }

    @Test
    void aStepAtAStaleHistoryOnlyStoresTheCompletion() {
        if (!provider.supportsEagerTurnCommits()) {
            return;
        }
        WorkItemLease lease = startWithLeasedActivity();
        OrchestratorMessage done = completion(lease, "\"r\"");

        assertThat(provider.completeWorkItemAndCommit(lease, done, 1, stepTurn(1, done), 0, LOCK))
                .as("the caller's copy is one event short").isEmpty();

        assertThat(provider.readHistory("i1", 0)).hasSize(2);
        assertThat(provider.fetchOrchestrationItem(LOCK).orElseThrow().messages()).containsExactly(done);
    }

    @Test
    void aStepUnderALostLeaseAppliesNothing() {
        if (!provider.supportsEagerTurnCommits()) {
            return;
        }
        WorkItemLease lease = startWithLeasedActivity();
        clock.advance(LOCK.plusSeconds(1));
        WorkItemLease thief = provider.fetchWorkItem(LOCK).orElseThrow();
        OrchestratorMessage done = completion(lease, "\"lost\"");

        assertThatThrownBy(() -> provider.completeWorkItemAndCommit(lease, done, 2, stepTurn(2, done, "B"), 1, LOCK))
                .isInstanceOf(LockLostException.class);

        assertThat(provider.readHistory("i1", 0)).hasSize(2);
        assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        OrchestratorMessage won = completion(thief, "\"won\"");
        assertThat(provider.completeWorkItemAndCommit(thief, won, 2, stepTurn(2, won), 0, LOCK)).isPresent();
    }

    // ---- create and lock -------------------------------------------------------------------------------

    @Test
    void aCreationLocksTheNewInstanceForTheCaller() {
        OrchestratorMessage start = startMessage("i1");
        OrchestrationItem locked = provider.createInstanceAndLock(start, LOCK).orElseThrow();

        assertThat(locked.instanceId()).isEqualTo("i1");
        assertThat(locked.messages()).containsExactly(start);
        assertThat(locked.historySize()).isZero();
        assertThat(locked.maxDequeueCount()).isEqualTo(1);
        assertThat(provider.getInstance("i1")).isPresent();
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the caller holds the lock").isEmpty();

        provider.commitOrchestrationItem(locked, schedule(locked, "A"));
        assertThat(provider.readHistory("i1", 0)).hasSize(2);
        assertThat(provider.fetchWorkItem(LOCK)).isPresent();
    }

    @Test
    void aCreationLockWhoseHolderDiedExpiresAndTheStartIsFetchedAgain() {
        OrchestrationItem locked = provider.createInstanceAndLock(startMessage("i1"), LOCK).orElseThrow();

        clock.advance(LOCK.plusSeconds(1));
        OrchestrationItem again = provider.fetchOrchestrationItem(LOCK).orElseThrow();

        assertThat(again.messages()).isEqualTo(locked.messages());
        assertThat(again.maxDequeueCount()).isEqualTo(2);
        assertThatThrownBy(() -> provider.commitOrchestrationItem(locked, schedule(locked)))
                .isInstanceOf(LockLostException.class);
    }

    @Test
    void aCreationOfAnExistingInstanceFailsAndLocksNothing() {
        OrchestrationItem first = startAndFetch("i1");
        provider.commitOrchestrationItem(first, schedule(first));

        assertThatThrownBy(() -> provider.createInstanceAndLock(startMessage("i1"), LOCK))
                .isInstanceOf(io.duratask.InstanceExistsException.class);

        provider.enqueue(event("i1", "go"));
        assertThat(provider.fetchOrchestrationItem(LOCK)).as("the instance is not locked").isPresent();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private OrchestrationItem startAndFetch(String id) {
        provider.createInstance(startMessage(id));
        return provider.fetchOrchestrationItem(LOCK).orElseThrow();
    }

    private static OrchestratorMessage startMessage(String id) {
        return OrchestratorMessage.of(id, OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, "Work", "1", "\"in\"", null, null));
    }

    /** Appends the fetched messages to history and schedules one activity per name. */
    private static TurnCommit schedule(OrchestrationItem item, String... activities) {
        List<HistoryEvent> events = new ArrayList<>();
        List<ActivityWorkItem> work = new ArrayList<>();
        long next = item.historySize() + 1;
        for (OrchestratorMessage m : item.messages()) {
            events.add(m.event().at(next++, T0));
        }
        for (String name : activities) {
            events.add(new ActivityScheduled(next, T0, name, "\"x\""));
            work.add(new ActivityWorkItem(item.instanceId(), item.executionId(), next, name, "\"x\""));
            next++;
        }
        return new TurnCommit(item.executionId(), events, work, List.of(),
                new InstanceUpdate("Work", "1", item.executionId(), RuntimeStatus.RUNNING, "\"in\"", null, null, null));
    }

    private static OrchestratorMessage completion(WorkItemLease lease, String result) {
        return OrchestratorMessage.of(lease.item().instanceId(), lease.item().executionId(),
                new ActivityCompleted(0, T0, lease.item().scheduledId(), result));
    }

    private static OrchestratorMessage event(String id, String name) {
        return OrchestratorMessage.of(id, OrchestratorMessage.ANY_EXECUTION, new EventRaised(0, T0, name, "1"));
    }
}
