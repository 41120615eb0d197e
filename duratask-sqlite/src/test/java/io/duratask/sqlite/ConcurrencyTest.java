package io.duratask.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.testkit.conformance.ConcurrencyTests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's concurrency tests on SQLite files; two providers on one file stand for two processes. */
class ConcurrencyTest extends ConcurrencyTests {
    @TempDir
    Path dir;

    @Override
    protected Provider open(String name) {
        return SqliteProvider.open(dir.resolve(name + ".db"));
    }

    @Override
    protected List<Provider> openTwoOnOneStore(String name) {
        Path file = dir.resolve(name + ".db");
        return List.of(SqliteProvider.open(file), SqliteProvider.open(file));
    }

    @Override
    protected void checkBatching(Provider provider, int instances) {
        // creations, turn commits, fetches and completions all went through the one writer
        assertThat(((SqliteProvider) provider).writerStats().operations()).isGreaterThanOrEqualTo(4L * instances);
    }
}
