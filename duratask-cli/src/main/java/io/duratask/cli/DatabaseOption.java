package io.duratask.cli;

import io.duratask.DurataskException;
import io.duratask.spi.Provider;
import io.duratask.sqlite.SqliteProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** The {@code --db FILE} option of the inspecting commands: an existing SQLite store, opened on demand. */
final class DatabaseOption {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    @Option(names = "--db", required = true, paramLabel = "FILE",
            description = "SQLite store written by a Duratask runtime, e.g. duratask-data/demo.db")
    Path file;

    /**
     * Opens the store. Checks first that the file exists and is a SQLite database, so that a wrong path
     * is reported as such instead of creating an empty store there.
     */
    Provider open() {
        if (!Files.exists(file)) {
            throw new UserError("no database at " + file.toAbsolutePath().normalize()
                    + " ('duratask demo' writes one to duratask-data/demo.db)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + " is not a file");
        }
        if (!isSqlite(file)) {
            throw new UserError(file + " is not a SQLite database");
        }
        try {
            return SqliteProvider.open(file);
        } catch (DurataskException e) {
            throw new UserError("cannot open " + file + " as a Duratask store: " + e.getMessage());
        }
    }

    private static boolean isSqlite(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SQLITE_HEADER.length), SQLITE_HEADER);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }
}
