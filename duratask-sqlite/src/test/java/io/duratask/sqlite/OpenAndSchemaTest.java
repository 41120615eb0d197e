package io.duratask.sqlite;

import static io.duratask.testkit.conformance.SpiFixtures.appendAndSchedule;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import io.duratask.spi.TurnCommit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAndSchemaTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aNewFileGetsTheSchemaInWalModeAndItsParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/c/duratask.db");
        SqliteProvider.open(file).close();

        assertThat(file).exists();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            assertThat(single(st, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(st, "SELECT version FROM schema_version")).isEqualTo(String.valueOf(Schema.LATEST));
        }
    }

    @Test
    void aFileWithANewerSchemaIsRefusedWithBothVersions() throws Exception {
        Path file = dir.resolve("future.db");
        SqliteProvider.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET version = 99");
        }

        assertThatThrownBy(() -> SqliteProvider.open(file))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("up to " + Schema.LATEST)
                .satisfies(e -> assertThat(((ProviderException) e).isRetryable()).isFalse());
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedByName() throws Exception {
        Path file = dir.resolve("garbage.db");
        byte[] noise = new byte[64 * 1024];
        new java.util.Random(42).nextBytes(noise);
        Files.write(file, noise);

        assertThatThrownBy(() -> SqliteProvider.open(file))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a SQLite database");
    }

    @Test
    void aDamagedDatabaseIsRefusedByNameWhenVerifiedOnOpen() throws Exception {
        Path file = dir.resolve("damaged.db");
        try (SqliteProvider provider = SqliteProvider.open(file)) {
            for (int i = 0; i < 200; i++) {
                provider.createInstance(start("instance-" + i, "Greet"));
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(4 * 4096);
        java.util.Arrays.fill(bytes, 2 * 4096, bytes.length, (byte) 0x5a); // keep the header and the schema page
        Files.write(file, bytes);

        assertThatThrownBy(() -> SqliteProvider.open(file, SqliteOptions.builder().verifyOnOpen(true).build()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void aTextFileIsRefusedByName() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "these are my notes, not a database\n".repeat(200), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SqliteProvider.open(file))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).startsWith("these are my notes");
    }

    @Test
    void aDirectoryIsRefusedByName() {
        assertThatThrownBy(() -> SqliteProvider.open(dir))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void dataSurvivesCloseAndReopen() {
        Path file = dir.resolve("durable.db");
        TurnCommit commit;
        try (SqliteProvider provider = SqliteProvider.open(file)) {
            provider.createInstance(start("i1", "Greet"));
            provider.createInstance(start("i2", "Greet"));
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            commit = appendAndSchedule(item, "SayHello");
            provider.commitOrchestrationItem(item, commit);
            provider.enqueue(event(item.instanceId(), "approve", "true"));
        }
        try (SqliteProvider provider = SqliteProvider.open(file, SqliteOptions.builder().verifyOnOpen(true).build())) {
            assertThat(provider.listInstances(InstanceQuery.all()).instances()).hasSize(2);
            String first = commit.workItems().getFirst().instanceId();
            assertThat(provider.readHistory(first, 0)).containsExactlyElementsOf(commit.newEvents());
            assertThat(provider.getInstance(first).orElseThrow().status()).isEqualTo(RuntimeStatus.RUNNING);
            assertThat(provider.fetchWorkItem(LOCK).orElseThrow().item()).isEqualTo(commit.workItems().getFirst());
            assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(2);
        }
    }

    @Test
    void operationsAfterCloseFailAsNotRetryable() {
        SqliteProvider provider = SqliteProvider.open(dir.resolve("closed.db"));
        provider.close();
        provider.close();

        assertThatThrownBy(() -> provider.fetchOrchestrationItem(LOCK))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("closed")
                .satisfies(e -> assertThat(((ProviderException) e).isRetryable()).isFalse());
        assertThatThrownBy(() -> provider.createInstance(start("i1", "Greet")))
                .isInstanceOf(ProviderException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> provider.getInstance("i1"))
                .isInstanceOf(ProviderException.class).hasMessageContaining("closed");
        assertThatThrownBy(provider::queueDepths)
                .isInstanceOf(ProviderException.class).hasMessageContaining("closed");
    }

    @Test
    void providersOpeningANewFileAtOnceAllSucceed() throws Exception {
        // one of them may read the new file's header before another switched it to WAL mode; SQLite then
        // refuses that one's switch at once (SQLITE_BUSY, no busy wait), and the open must try again
        for (int round = 0; round < 40; round++) {
            Path file = dir.resolve("race" + round + ".db");
            List<SqliteProvider> providers = new ArrayList<>();
            try (var executor = Executors.newFixedThreadPool(6)) {
                List<Future<SqliteProvider>> opened = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Callable<SqliteProvider> open = () -> SqliteProvider.open(file);
                    opened.add(executor.submit(open));
                }
                for (Future<SqliteProvider> f : opened) {
                    providers.add(f.get());
                }
            } finally {
                providers.forEach(SqliteProvider::close);
            }
            assertThat(providers).hasSize(6);
        }
    }

    @Test
    void normalSynchronousModeWorks() {
        SqliteOptions options = SqliteOptions.builder().synchronous(SqliteOptions.Synchronous.NORMAL).build();
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("normal.db"), options)) {
            provider.createInstance(start("i1", "Greet"));
            assertThat(provider.fetchOrchestrationItem(LOCK)).isPresent();
        }
    }

    @Test
    void optionsRejectBadValues() {
        assertThatThrownBy(() -> SqliteOptions.builder().maxBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> SqliteOptions.builder().busyTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busyTimeout");
        assertThatThrownBy(() -> SqliteOptions.builder().readConnections(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readConnections");
        SqliteOptions defaults = SqliteOptions.defaults();
        assertThat(defaults.maxBatchSize()).isEqualTo(256);
        assertThat(defaults.synchronous()).isEqualTo(SqliteOptions.Synchronous.FULL);
        assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
    }

    private static String single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
