package io.duratask.fs.conformance;

import io.duratask.fs.FsOptions;
import io.duratask.fs.FsProvider;
import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.Capabilities;
import io.duratask.testkit.conformance.ProviderConformanceKit;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-system provider through the whole conformance kit: a new directory per store. Locks live in the
 * provider object, so a directory has one provider at a time (a second open is refused with a clear error:
 * {@code OpenTest}); the kit checks that this provider declares no shared store.
 */
class FsConformanceTest extends ProviderConformanceKit {
    @TempDir
    static Path dir;

    @Override
    protected Provider createProvider(Clock clock) {
        return FsProvider.open(dir.resolve("conformance-" + UUID.randomUUID()), FsOptions.builder().clock(clock).build());
    }

    @Override
    protected Capabilities capabilities() {
        return Capabilities.none();
    }
}
