package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.spi.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OpenAndSchemaTest {
    private final PgServer server = PgServer.get();

    @Test
    void aNewSchemaGetsEveryTableAndTheLatestVersion() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(server.options(schema).build())) {
            provider.createInstance(start("i1", "Greet"));
        }
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema + "' ORDER BY table_name");
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).containsExactly("history", "instances", "messages", "schema_version", "work_items");
            rs = st.executeQuery("SELECT version FROM \"" + schema + "\".schema_version");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Schema.LATEST);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void manyWorkersOpeningANewSchemaAtOnceAllSucceedAndMigrateItOnce() throws Exception {
        String schema = PgServer.freshSchema();
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PostgresProvider>> opened = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                opened.add(threads.submit(() -> {
                    go.await();
                    return PostgresProvider.open(server.options(schema).build());
                }));
            }
            go.countDown();
            List<PostgresProvider> providers = new ArrayList<>();
            for (Future<PostgresProvider> f : opened) {
                providers.add(f.get()); // throws if any open failed
            }
            providers.getFirst().createInstance(start("shared", "Greet"));
            for (PostgresProvider p : providers) {
                assertThat(p.getInstance("shared")).isPresent();
                p.close();
            }
        }
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), max(version) FROM \"" + schema + "\".schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(Schema.LATEST);
        }
    }

    @Test
    void aVersionOneSchemaIsMigratedAndItsFinishedInstancesCanStillBePurged() throws Exception {
        String schema = PgServer.freshSchema();
        String s = "\"" + schema + "\"";
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + s);
            st.execute("CREATE TABLE " + s + ".schema_version (version integer NOT NULL)");
            for (String statement : Schema.MIGRATIONS.getFirst().statements()) {
                st.execute(statement.replace("{s}", s));
            }
            st.execute("INSERT INTO " + s + ".schema_version VALUES (1)");
            st.execute("INSERT INTO " + s + ".instances (id, name, execution_id, status, created_at, updated_at)"
                    + " VALUES ('done', 'Old', 1, 'COMPLETED', 1000, 2000), ('busy', 'Old', 1, 'RUNNING', 1000, 2000)");
        }
        try (PostgresProvider provider = PostgresProvider.open(server.options(schema).build())) {
            assertThat(provider.purgeInstances(java.time.Instant.ofEpochMilli(3000), java.util.Set.of())).isEqualTo(1);
            assertThat(provider.getInstance("done")).isEmpty();
            assertThat(provider.getInstance("busy")).isPresent();
        }
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM " + s + ".schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Schema.LATEST);
        }
    }

    @Test
    void turnsUpdateTheirInstanceRowInPlace() throws Exception {
        String schema = PgServer.freshSchema();
        java.time.Duration lock = java.time.Duration.ofSeconds(30);
        try (PostgresProvider provider = PostgresProvider.open(server.options(schema).build())) {
            provider.createInstance(start("hot", "Greet"));
            for (int turn = 0; turn < 10; turn++) {
                if (turn > 0) {
                    provider.enqueue(io.duratask.testkit.conformance.SpiFixtures.event("hot", "tick", "1"));
                }
                io.duratask.spi.OrchestrationItem item = provider.fetchOrchestrationItem(lock).orElseThrow();
                provider.commitOrchestrationItem(item, io.duratask.testkit.conformance.SpiFixtures.appendOnly(item));
            }
        }
        // every turn writes updated_at (and the first one the status); no index covers them, so the row's new
        // versions need no new index entries (heap-only tuples). The statistics arrive with a delay.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            try (Connection c = server.connect();
                 java.sql.PreparedStatement ps = c.prepareStatement("SELECT n_tup_upd, n_tup_hot_upd"
                         + " FROM pg_stat_user_tables WHERE schemaname = ? AND relname = 'instances'")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    long updates = rs.getLong(1);
                    assertThat(updates).as("10 fetches and 10 commits").isGreaterThanOrEqualTo(20);
                    assertThat(rs.getLong(2)).as("heap-only updates").isGreaterThanOrEqualTo(updates - 1);
                }
            }
        });
    }

    @Test
    void twoSchemasInOneDatabaseAreIndependentTaskHubs() {
        try (PostgresProvider a = server.open(); PostgresProvider b = server.open()) {
            a.createInstance(start("same-id", "A"));
            b.createInstance(start("same-id", "B"));
            assertThat(a.getInstance("same-id").orElseThrow().name()).isEqualTo("A");
            assertThat(b.getInstance("same-id").orElseThrow().name()).isEqualTo("B");
            assertThat(a.fetchOrchestrationItem(java.time.Duration.ofSeconds(30)).orElseThrow().instance().name())
                    .isEqualTo("A");
            assertThat(a.fetchOrchestrationItem(java.time.Duration.ofSeconds(30))).isEmpty();
            assertThat(b.queueDepths().orchestratorVisible()).isEqualTo(1);
        }
    }

    @Test
    void aSchemaWithANewerVersionIsRefusedWithBothVersionsAndLeftAlone() throws Exception {
        String schema = PgServer.freshSchema();
        PostgresProvider.open(server.options(schema).build()).close();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE \"" + schema + "\".schema_version SET version = 99");
        }
        assertThatThrownBy(() -> PostgresProvider.open(server.options(schema).build()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("\"" + schema + "\"")
                .hasMessageContaining("version 99")
                .hasMessageContaining("up to " + Schema.LATEST);
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM \"" + schema + "\".schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(99);
        }
    }

    @Test
    void dataSurvivesCloseAndReopen() {
        String schema = PgServer.freshSchema();
        try (PostgresProvider p = PostgresProvider.open(server.options(schema).build())) {
            p.createInstance(start("kept", "Greet"));
        }
        try (PostgresProvider p = PostgresProvider.open(server.options(schema).build())) {
            assertThat(p.getInstance("kept")).isPresent();
            assertThat(p.queueDepths().orchestratorVisible()).isEqualTo(1);
        }
    }

    @Test
    void operationsAfterCloseFailAsNotRetryable() {
        PostgresProvider p = server.open();
        p.close();
        p.close(); // idempotent
        assertThatThrownBy(() -> p.createInstance(start("late", "Greet")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> p.fetchWorkItem(java.time.Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("closed");
    }

    @Test
    void badSchemaNamesAreRejectedBeforeAnySqlRuns() {
        for (String bad : List.of("Upper", "1starts_with_digit", "has-dash", "has space", "quote\"d", "semi;colon", "",
                "a".repeat(64), "pg_catalog")) {
            assertThatThrownBy(() -> PostgresOptions.builder(server.jdbcUrl()).schema(bad).build())
                    .as("schema '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("schema must");
        }
        assertThat(PostgresOptions.builder(server.jdbcUrl()).schema("a".repeat(63)).build().schema()).hasSize(63);
        assertThat(PostgresOptions.builder(server.jdbcUrl()).schema("_hub_2").build().schema()).isEqualTo("_hub_2");
    }

    @Test
    void otherBadOptionsAreRejectedByName() {
        assertThatThrownBy(() -> PostgresOptions.builder("jdbc:mysql://x/y").build())
                .hasMessageContaining("jdbcUrl must look like jdbc:postgresql://");
        assertThatThrownBy(() -> PostgresOptions.builder("jdbc:postgresql://x/y").maxPoolSize(0).build())
                .hasMessageContaining("maxPoolSize must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> PostgresOptions.builder("jdbc:postgresql://x/y").maxBatchSize(0).build())
                .hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> PostgresOptions.builder("jdbc:postgresql://x/y").commitConnections(0).build())
                .hasMessageContaining("commitConnections");
        assertThatThrownBy(() -> PostgresOptions.builder("jdbc:postgresql://x/y")
                .connectTimeout(java.time.Duration.ofMillis(10)).build())
                .hasMessageContaining("connectTimeout");
        PostgresOptions ok = PostgresOptions.builder("jdbc:postgresql://db.example:6543/hub").username("app")
                .password("s3cret").build();
        assertThat(ok.toString()).contains("db.example:6543/hub").contains("app").doesNotContain("s3cret");
    }

    @Test
    void anUnreachableServerFailsAtOpenNamingHostPortAndUser() {
        PostgresOptions options = PostgresOptions.builder("jdbc:postgresql://127.0.0.1:1/hub").username("someone")
                .password("s3cret-password").connectTimeout(java.time.Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> PostgresProvider.open(options))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:1/hub as user 'someone'")
                .hasMessageNotContaining("s3cret-password");
    }

    @Test
    void aWrongPasswordFailsAtOpenNamingHostPortAndUserButNotThePassword() throws Exception {
        String role = "duratask_pw_" + ProcessHandle.current().pid();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + role);
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'the-right-one'");
            if (server.isEmbedded()) {
                requirePasswordFor(st, role);
            }
        }
        PostgresOptions wrong = server.options().username(role).password("wrong-password-123").build();
        assertThatThrownBy(() -> PostgresProvider.open(wrong))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at ")
                .hasMessageContaining("as user '" + role + "'")
                .hasMessageContaining(server.isEmbedded() ? "password authentication failed" : role)
                .hasMessageNotContaining("wrong-password-123")
                .hasMessageNotContaining("the-right-one");
        // the right password works (and the role may create the schema only if allowed: this proves the login)
        if (server.isEmbedded()) {
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("GRANT CREATE ON DATABASE postgres TO " + role);
            }
            PostgresProvider.open(server.options().username(role).password("the-right-one").build()).close();
        }
    }

    /** Puts a password rule for {@code role} before the embedded server's trust rules, and reloads. */
    private static void requirePasswordFor(Statement st, String role) throws Exception {
        ResultSet rs = st.executeQuery("SHOW hba_file");
        rs.next();
        Path hba = Path.of(rs.getString(1));
        String rules = Files.readString(hba);
        String rule = "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role + " ::1/128 scram-sha-256\n";
        if (!rules.contains(rule)) {
            Files.writeString(hba, rule + rules);
        }
        st.execute("SELECT pg_reload_conf()");
    }
}
