package io.duratask.fs.scenarios;

import io.duratask.fs.FsProvider;
import java.nio.file.Path;
import java.util.UUID;

/** The scenario kit asks for a fresh, empty store per runtime: a new directory each time. */
final class FreshStores {
    private FreshStores() {}

    static FsProvider open(Path dir) {
        return FsProvider.open(dir.resolve("store-" + UUID.randomUUID()));
    }
}
