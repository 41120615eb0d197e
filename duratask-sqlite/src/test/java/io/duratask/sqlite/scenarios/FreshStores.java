package io.duratask.sqlite.scenarios;

import io.duratask.sqlite.SqliteProvider;
import java.nio.file.Path;
import java.util.UUID;

/** The scenario kit asks for a fresh, empty store per runtime: a new file each time. */
final class FreshStores {
    private FreshStores() {}

    static SqliteProvider open(Path dir) {
        return SqliteProvider.open(dir.resolve("scenario-" + UUID.randomUUID() + ".db"));
    }
}
