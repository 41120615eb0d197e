package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.InstanceInfo;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Concurrent {@code getInstance} calls share queries, and each caller gets its own instance's row. */
class InstanceLookupsTest {

    @Test
    void concurrentLookupsShareOneQueryAndEachGetsItsOwnRow() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).build());
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                provider.createInstance(start("i" + i, "Work" + i));
            }
            InstanceLookups.Stats before = provider.lookupStats();

            // hold the first lookup's query so that the others queue up behind it
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE \"" + schema + "\".instances IN ACCESS EXCLUSIVE MODE");
            }
            List<Future<Optional<InstanceInfo>>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) { // 40 that exist, 10 that do not
                String id = "i" + i;
                results.add(threads.submit(() -> provider.getInstance(id)));
            }
            Awaitility.await().until(() -> provider.lookupStats().lookups() - before.lookups() == 50);
            blocker.rollback();

            for (int i = 0; i < 50; i++) {
                Optional<InstanceInfo> info = results.get(i).get();
                if (i < 40) {
                    assertThat(info).get().satisfies(x -> assertThat(x.name()).isEqualTo("Work" + Integer.parseInt(x.instanceId().substring(1))));
                    assertThat(info.get().instanceId()).isEqualTo("i" + i);
                } else {
                    assertThat(info).as("i" + i + " does not exist").isEmpty();
                }
            }
            long queries = provider.lookupStats().queries() - before.queries();
            assertThat(queries).as("50 lookups: one query held by the lock, one for everything queued meanwhile")
                    .isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aLookupSeesWhatCommittedBeforeItWasCalled() {
        try (PostgresProvider provider = PgServer.get().open()) {
            assertThat(provider.getInstance("late")).isEmpty();
            provider.createInstance(start("late", "Work"));
            assertThat(provider.getInstance("late")).isPresent();
        }
    }
}
