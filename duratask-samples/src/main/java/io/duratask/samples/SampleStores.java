package io.duratask.samples;

import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import io.duratask.sqlite.SqliteProvider;
import java.nio.file.Path;

/** Where the samples' {@code main} methods keep their state. */
final class SampleStores {
    /** System property naming a SQLite file to use instead of memory. */
    static final String DB_PROPERTY = "duratask.db";

    private SampleStores() {}

    /** SQLite at {@code -Dduratask.db=FILE} if set, else an in-memory store. */
    static Provider open() {
        String db = System.getProperty(DB_PROPERTY);
        return db == null || db.isBlank() ? new InMemoryProvider() : SqliteProvider.open(Path.of(db));
    }
}
