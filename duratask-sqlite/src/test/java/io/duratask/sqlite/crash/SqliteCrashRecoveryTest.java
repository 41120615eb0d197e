package io.duratask.sqlite.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.Provider;
import io.duratask.sqlite.SqliteProvider;
import io.duratask.testkit.crash.CrashPoint;
import io.duratask.testkit.crash.CrashRecoveryScenarios;
import io.duratask.testkit.crash.ProviderFactory;
import io.duratask.testkit.crash.WorkerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash-recovery kit on SQLite (worker processes killed with SIGKILL), plus kills inside a group commit
 * of several turns: the batch is applied entirely or not at all.
 */
class SqliteCrashRecoveryTest extends CrashRecoveryScenarios {
    private static final int INSTANCES = 12;

    /** Opens the SQLite store in the worker processes and in the test. */
    public static final class Factory implements ProviderFactory {
        @Override
        public Provider open(Path store) {
            return SqliteProvider.open(store);
        }
    }

    @Override
    protected Class<? extends ProviderFactory> providerFactory() {
        return Factory.class;
    }

    @Override
    protected String storeName() {
        return "crash.db";
    }

    @Test
    @Timeout(180)
    void killInsideAGroupCommitOfSeveralTurnsAppliesNoneOfThem() {
        List<Map<String, String>> unacknowledged = killInGroupCommit("before-commit:3");
        // An unacknowledged turn may also come from an earlier batch that committed while its caller had not
        // returned yet (a leader runs the next batch before it returns), so each one is all or nothing, and at
        // least the stopped batch's turns are not applied.
        int notApplied = 0;
        for (Map<String, String> commit : unacknowledged) {
            long before = Long.parseLong(commit.get("historySize"));
            long after = before + Long.parseLong(commit.get("newEvents"));
            assertThat(historySize(commit)).as("history of %s: all or nothing of its turn", commit).isIn(before, after);
            notApplied += historySize(commit) == before ? 1 : 0;
        }
        assertThat(notApplied).as("turns of the killed batch (and those queued behind it) found absent from the store")
                .isGreaterThanOrEqualTo(3);
        harness().finishAndVerify(INSTANCES);
    }

    @Test
    @Timeout(180)
    void killRightAfterAGroupCommitOfSeveralTurnsKeepsAllOfThem() {
        List<Map<String, String>> unacknowledged = killInGroupCommit("after-commit:3");
        int applied = 0;
        for (Map<String, String> commit : unacknowledged) {
            long before = Long.parseLong(commit.get("historySize"));
            long after = before + Long.parseLong(commit.get("newEvents"));
            assertThat(historySize(commit)).as("history of %s: all or nothing of its turn", commit).isIn(before, after);
            applied += historySize(commit) == after ? 1 : 0;
        }
        assertThat(applied).as("turns of the committed batch found in the store").isGreaterThanOrEqualTo(3);
        harness().finishAndVerify(INSTANCES);
    }

    /**
     * Runs a worker that lets turn commits into the provider four at a time (so that they share a batch) and
     * stops in the first batch of at least three turns ({@code sqliteHook}); kills it there. Returns the turn
     * commits the worker had submitted and never saw return: those of the stopped batch and those queued
     * behind it.
     */
    private List<Map<String, String>> killInGroupCommit(String sqliteHook) {
        Map<String, String> at = crashAt(harness(), new CrashPoint(CrashPoint.Kind.GROUP_COMMITS, 4), INSTANCES,
                Map.of("duratask.sqlite.faultHook", sqliteHook));
        int turns = Integer.parseInt(at.get("turns"));
        assertThat(turns).as("turn commits in the batch the worker stopped in").isGreaterThanOrEqualTo(3);

        WorkerProcess killed = harness().lastWorker();
        List<String> pending = new ArrayList<>();
        for (String line : killed.lines()) {
            if (line.startsWith("PENDING-COMMIT ")) {
                pending.add(line.substring("PENDING-COMMIT ".length()));
            } else if (line.startsWith("COMMITTED ")) {
                assertThat(pending.remove(line.substring("COMMITTED ".length()))).as("commit acknowledged: %s", line).isTrue();
            }
        }
        assertThat(pending).as("turn commits submitted and never acknowledged").hasSizeGreaterThanOrEqualTo(turns);
        return pending.stream().map(p -> CrashPoint.fields("PENDING-COMMIT " + p)).toList();
    }
}
