package io.duratask.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import io.duratask.spi.WorkItemLease;
import io.duratask.testkit.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * Base of every contract class: the provider under test on the kit's {@link VirtualClock}, its
 * lifecycle, and fetch helpers that say what they expected.
 */
@Timeout(60)
public abstract class ContractSupport {
    /** The lock timeout of every fetch, unless a test says otherwise. */
    protected static final Duration LOCK = Duration.ofSeconds(30);

    /** The time every provider of a test reads; it moves only when the test moves it. */
    protected final VirtualClock clock = new VirtualClock(Messages.T0);

    private final ProviderConformanceKit kit;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private Provider provider;

    protected ContractSupport(ProviderConformanceKit kit) {
        this.kit = Objects.requireNonNull(kit, "kit");
    }

    /** What the provider under test declares it supports. */
    protected Capabilities capabilities() {
        return Objects.requireNonNull(kit.capabilities(), "capabilities() returned null");
    }

    /** The provider under test: a fresh store on {@link #clock}, made on first use. */
    protected Provider provider() {
        if (provider == null) {
            provider = newStore(clock);
        }
        return provider;
    }

    /** Another fresh, empty store reading {@code storeClock}; closed after the test. */
    protected Provider newStore(Clock storeClock) {
        Provider p = Objects.requireNonNull(kit.createProvider(storeClock), "createProvider returned null");
        toClose.push(p);
        return p;
    }

    /** A second provider object on the store of {@link #provider()}; closed after the test. */
    protected Provider anotherProvider() {
        Provider p = Objects.requireNonNull(kit.openAnotherProvider(provider(), clock), "openAnotherProvider returned null");
        toClose.push(p);
        return p;
    }

    /** Closes {@code resource} after the test, before the providers made earlier. */
    protected <T extends AutoCloseable> T closeAfterTest(T resource) {
        toClose.push(resource);
        return resource;
    }

    /** The kit itself, for contracts that open stores differently. */
    ProviderConformanceKit kit() {
        return kit;
    }

    @AfterEach
    void closeEverything() throws Exception {
        Exception first = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- orchestrator queue helpers ------------------------------------------------------------------

    /** Fetches an orchestration item from {@link #provider()}, failing if there is none. */
    protected OrchestrationItem fetch() {
        return fetch(provider());
    }

    protected static OrchestrationItem fetch(Provider from) {
        Optional<OrchestrationItem> item = from.fetchOrchestrationItem(LOCK);
        assertThat(item).as("an orchestration item should be fetchable").isPresent();
        return item.get();
    }

    /** Fetches an orchestration item and checks that it is {@code instanceId}'s. */
    protected OrchestrationItem fetch(String instanceId) {
        return fetch(provider(), instanceId);
    }

    protected static OrchestrationItem fetch(Provider from, String instanceId) {
        OrchestrationItem item = fetch(from);
        assertThat(item.instanceId()).as("the instance of the fetched item").isEqualTo(instanceId);
        return item;
    }

    /** Checks that {@link #provider()} has no orchestration item to give, and says why there should be none. */
    protected void assertNothingToFetch(String why) {
        assertNothingToFetch(provider(), why);
    }

    protected static void assertNothingToFetch(Provider from, String why) {
        Optional<OrchestrationItem> item = from.fetchOrchestrationItem(LOCK);
        assertThat(item.map(i -> i.instanceId() + " with " + i.messages()))
                .as("no orchestration item should be fetchable: " + why).isEmpty();
    }

    /** Creates {@code instanceId}, fetches it and commits its first turn with {@code status}. */
    protected InstanceInfo createAndRun(String instanceId, String name, RuntimeStatus status) {
        provider().createInstance(Messages.start(instanceId, name));
        OrchestrationItem item = fetch(instanceId);
        provider().commitOrchestrationItem(item, Turn.of(item).status(status).commit());
        return provider().getInstance(instanceId).orElseThrow();
    }

    // ---- worker queue helpers --------------------------------------------------------------------------

    protected WorkItemLease fetchWork() {
        return fetchWork(provider());
    }

    protected static WorkItemLease fetchWork(Provider from) {
        Optional<WorkItemLease> lease = from.fetchWorkItem(LOCK);
        assertThat(lease).as("a work item should be fetchable").isPresent();
        return lease.get();
    }

    protected void assertNoWorkToFetch(String why) {
        assertNoWorkToFetch(provider(), why);
    }

    protected static void assertNoWorkToFetch(Provider from, String why) {
        Optional<WorkItemLease> lease = from.fetchWorkItem(LOCK);
        assertThat(lease.map(WorkItemLease::item)).as("no work item should be fetchable: " + why).isEmpty();
    }
}
