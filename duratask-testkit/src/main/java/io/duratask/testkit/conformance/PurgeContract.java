package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.T0;
import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.QueueDepths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Purging: a finished instance goes with every execution's history, its messages, its work items and,
 * recursively, its sub-orchestrations whatever their state; an unfinished one is refused and nothing is
 * deleted.
 */
public abstract class PurgeContract extends ContractSupport {

    protected PurgeContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void purgeDeletesAFinishedInstanceWithEveryExecutionAndEverythingQueuedForIt() {
        InstanceInfo keep = createAndRun("keep", "Job", RuntimeStatus.RUNNING);
        provider().createInstance(start("p1", "Job"));
        OrchestrationItem first = fetch("p1");
        provider().commitOrchestrationItem(first, Turn.of(first).schedule("Leftover1").continueAsNew("\"2\"").commit());
        OrchestrationItem second = fetch("p1");
        provider().commitOrchestrationItem(second, Turn.of(second).schedule("Leftover2")
                .timer(clock.instant().plusSeconds(60)).status(RuntimeStatus.COMPLETED).output("\"done\"").commit());
        provider().enqueue(event("p1", "late", "1"));

        assertThat(provider().purgeInstance("p1")).as("instances deleted").isEqualTo(1);

        assertThat(provider().getInstance("p1")).isEmpty();
        assertThat(List.of(provider().readHistory("p1", 0), provider().readHistory("p1", 1), provider().readHistory("p1", 2)))
                .as("histories of every execution").containsOnly(List.of());
        assertThat(provider().listInstances(InstanceQuery.all()).instances()).containsExactly(keep);
        assertNoWorkToFetch("the purged instance's work items are gone");
        clock.advance(Duration.ofSeconds(60));
        assertNothingToFetch("the purged instance's messages and timer are gone");
        assertThat(provider().queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));

        provider().createInstance(start("p1", "Again"));
        assertThat(provider().getInstance("p1").orElseThrow().executionId()).as("the id is free for a new instance")
                .isEqualTo(1);
        OrchestrationItem fresh = fetch("p1");
        assertThat(fresh.historySize()).isZero();
        assertThat(fresh.messages()).containsExactly(start("p1", "Again"));
    }

    @Test
    void purgeCascadesToSubOrchestrationsWhateverTheirState() {
        InstanceInfo other = createAndRun("other", "Job", RuntimeStatus.COMPLETED);
        provider().createInstance(start("parent", "Parent"));
        OrchestrationItem parent = fetch("parent");
        provider().commitOrchestrationItem(parent, Turn.of(parent).subOrchestration("Child", "child").commit());
        OrchestrationItem child = fetch("child");
        provider().commitOrchestrationItem(child, Turn.of(child).subOrchestration("Grandchild", "grandchild").commit());
        OrchestrationItem grandchild = fetch("grandchild");
        provider().commitOrchestrationItem(grandchild, Turn.of(grandchild).schedule("Work").commit());
        provider().enqueue(event("parent", "finish", "1"));
        OrchestrationItem finishing = fetch("parent");
        provider().commitOrchestrationItem(finishing, Turn.of(finishing).status(RuntimeStatus.COMPLETED).commit());

        assertThat(provider().purgeInstance("parent")).as("parent, running child, running grandchild").isEqualTo(3);

        for (String id : List.of("parent", "child", "grandchild")) {
            assertThat(provider().getInstance(id)).as("instance " + id).isEmpty();
            assertThat(provider().readHistory(id, 0)).as("history of " + id).isEmpty();
        }
        assertNoWorkToFetch("the grandchild's work item went with it");
        assertThat(provider().listInstances(InstanceQuery.all()).instances()).containsExactly(other);
    }

    @Test
    void purgeOfAnUnfinishedInstanceIsRefusedAndDeletesNothing() {
        InstanceInfo running = createAndRun("running", "Job", RuntimeStatus.RUNNING);
        provider().createInstance(start("pending", "Job"));

        assertThatThrownBy(() -> provider().purgeInstance("running"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        assertThatThrownBy(() -> provider().purgeInstance("pending"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pending");

        assertThat(provider().getInstance("running")).contains(running);
        assertThat(provider().readHistory("running", 0)).hasSize(1);
        assertThat(fetch("pending").messages()).containsExactly(start("pending", "Job"));
    }

    @Test
    void purgeOfAnUnknownInstanceDeletesNothing() {
        InstanceInfo done = createAndRun("done", "Job", RuntimeStatus.COMPLETED);

        assertThat(provider().purgeInstance("nobody")).isZero();
        assertThat(provider().getInstance("done")).contains(done);
    }

    @Test
    void purgeInstancesDeletesFinishedInstancesLastUpdatedBeforeTheCutoff() {
        clock.advance(Duration.ofSeconds(1));
        createAndRun("a", "Job", RuntimeStatus.COMPLETED);
        provider().createInstance(start("e", "Job"));
        OrchestrationItem e = fetch("e");
        provider().commitOrchestrationItem(e, Turn.of(e).subOrchestration("Child", "e-child")
                .status(RuntimeStatus.TERMINATED).commit());
        OrchestrationItem child = fetch("e-child");
        provider().commitOrchestrationItem(child, Turn.of(child).commit());
        createAndRun("d", "Job", RuntimeStatus.RUNNING);
        clock.advance(Duration.ofSeconds(1));
        createAndRun("b", "Job", RuntimeStatus.FAILED);
        clock.advance(Duration.ofSeconds(3));
        createAndRun("c", "Job", RuntimeStatus.COMPLETED);

        assertThat(provider().purgeInstances(T0.plusSeconds(3), Set.of()))
                .as("a, b, e and e's running child: finished (or below a finished parent) before the cutoff").isEqualTo(4);
        assertThat(ids()).as("by creation time").containsExactly("d", "c");

        assertThat(provider().purgeInstances(T0.plusSeconds(10), Set.of(RuntimeStatus.FAILED))).isZero();
        assertThat(provider().purgeInstances(T0.plusSeconds(10), Set.of(RuntimeStatus.COMPLETED))).isEqualTo(1);
        assertThat(ids()).as("a running instance is never purged").containsExactly("d");
    }

    private List<String> ids() {
        return provider().listInstances(InstanceQuery.all()).instances().stream().map(InstanceInfo::instanceId).toList();
    }
}
