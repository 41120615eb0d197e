package io.duratask.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a provider shows of its store: every instance, every execution's history, the message and
 * work-item counts (locks aside: those live in memory and are gone after a reopen). Two snapshots of one
 * store taken before and after a reopen must be equal: memory and files agree.
 */
record Snapshot(List<InstanceInfo> instances, Map<String, List<List<HistoryEvent>>> histories, long messages,
                long workItems) {

    static Snapshot of(Provider provider) {
        List<InstanceInfo> instances = new ArrayList<>();
        InstanceQuery query = InstanceQuery.all().withPageSize(1000);
        while (true) {
            InstancePage page = provider.listInstances(query);
            instances.addAll(page.instances());
            if (page.continuationToken() == null) {
                break;
            }
            query = query.withContinuationToken(page.continuationToken());
        }
        Map<String, List<List<HistoryEvent>>> histories = new LinkedHashMap<>();
        for (InstanceInfo i : instances) {
            List<List<HistoryEvent>> executions = new ArrayList<>();
            for (long e = 1; e <= i.executionId(); e++) {
                executions.add(provider.readHistory(i.instanceId(), e));
            }
            histories.put(i.instanceId(), executions);
        }
        QueueDepths d = provider.queueDepths();
        return new Snapshot(List.copyOf(instances), histories, d.orchestratorVisible() + d.orchestratorDelayed(),
                d.workItems());
    }

    /** Closes {@code provider}, reopens its directory with {@code options} and checks nothing changed. */
    static FsProvider assertSameAfterReopen(FsProvider provider, FsOptions options) {
        Snapshot before = of(provider);
        provider.close();
        FsProvider reopened = FsProvider.open(provider.directory(), options);
        assertThat(of(reopened)).as("the store as reopened from its files").isEqualTo(before);
        assertThat(reopened.problems()).as("problems after a clean reopen").isEmpty();
        return reopened;
    }
}
