package io.duratask.fs.scenarios;

import io.duratask.RuntimeOptions;
import io.duratask.spi.Provider;
import io.duratask.testkit.VersioningScenarios;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link VersioningScenarios} with the execution cache off: every turn rebuilds its execution by replay. */
class FsNoCacheVersioningScenariosTest extends VersioningScenarios {
    @TempDir
    Path dir;

    @Override
    protected Provider createProvider() {
        return FreshStores.open(dir);
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return withCacheSize(RuntimeOptions.defaults(), 0);
    }
}
