package io.duratask.testkit.conformance;

import io.duratask.spi.Provider;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/**
 * The provider conformance kit: every contract of the {@link Provider} SPI as JUnit 5 tests, run against
 * a provider by one small subclass.
 *
 * <pre>{@code
 * class SqliteConformanceTest extends ProviderConformanceKit {
 *     @TempDir static Path dir;
 *
 *     @Override protected Provider createProvider(Clock clock) {
 *         return SqliteProvider.open(dir.resolve(UUID.randomUUID() + ".db"), SqliteOptions.builder().clock(clock).build());
 *     }
 *     @Override protected Provider openAnotherProvider(Provider first, Clock clock) {
 *         return SqliteProvider.open(((SqliteProvider) first).file(), SqliteOptions.builder().clock(clock).build());
 *     }
 *     @Override protected Capabilities capabilities() { return Capabilities.all(); }
 * }
 * }</pre>
 *
 * <p>The contracts are the nested classes below; each is written in its own file ({@link TurnCommitContract},
 * {@link InstanceLockContract}, ...). A contract added here runs on every provider at once.
 *
 * <p><b>Time.</b> The kit hands every provider a {@link io.duratask.testkit.VirtualClock} and moves it
 * by hand, so lock expiry, abandon delays and timers are tested without sleeping. A provider must take
 * every "now" (lock expiry, visibility, timestamps) from that clock. Only {@link RuntimeContract}, which
 * runs a real runtime on the provider, passes the system clock.
 *
 * <p><b>Optional features</b> are declared by {@link #capabilities()} and checked both ways; see
 * {@link Capabilities}. Nothing is skipped silently.
 */
public abstract class ProviderConformanceKit {

    /**
     * A new provider over a fresh, empty store that reads time only from {@code clock}. Called once or more
     * per test; the kit closes every provider it got.
     */
    protected abstract Provider createProvider(Clock clock);

    /**
     * A second provider object over the same store as {@code first} (another runtime, maybe in another
     * process, on the same database), reading time from {@code clock}. Needed when
     * {@link Capabilities#multipleProvidersOnOneStore()}; otherwise leave this default, which throws
     * {@link UnsupportedOperationException}.
     */
    protected Provider openAnotherProvider(Provider first, Clock clock) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not open a second provider object on one store");
    }

    /** The optional features this provider has. */
    protected abstract Capabilities capabilities();

    // ---- the contracts -------------------------------------------------------------------------------

    @Nested
    class TurnCommits extends TurnCommitContract {
        TurnCommits() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class InstanceLocks extends InstanceLockContract {
        InstanceLocks() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class LockExpiry extends LockExpiryContract {
        LockExpiry() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class Visibility extends VisibilityContract {
        Visibility() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class WorkItems extends WorkItemContract {
        WorkItems() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class Executions extends ExecutionContract {
        Executions() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class DequeueCounts extends DequeueCountContract {
        DequeueCounts() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class Management extends ManagementContract {
        Management() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class Purge extends PurgeContract {
        Purge() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class Restart extends RestartContract {
        Restart() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class SharedStore extends SharedStoreContract {
        SharedStore() {
            super(ProviderConformanceKit.this);
        }
    }

    @Nested
    class OnARuntime extends RuntimeContract {
        OnARuntime() {
            super(ProviderConformanceKit.this);
        }
    }
}
