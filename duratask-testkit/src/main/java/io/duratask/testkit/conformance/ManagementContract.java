package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.T0;
import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.inputOf;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.QueueDepths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Client and management operations: creating instances, sending them messages, reading their metadata,
 * listing them with filters and pages.
 */
public abstract class ManagementContract extends ContractSupport {

    protected ManagementContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void createInstanceStoresAPendingInstanceAndItsStartMessage() {
        provider().createInstance(start("i1", "Greet"));

        InstanceInfo info = provider().getInstance("i1").orElseThrow();
        assertThat(info).isEqualTo(new InstanceInfo("i1", "Greet", Messages.VERSION, 1, RuntimeStatus.PENDING,
                inputOf("i1"), null, null, null, null, T0, T0));
        OrchestrationItem item = fetch("i1");
        assertThat(item.messages()).containsExactly(start("i1", "Greet"));
        assertThat(item.instance()).as("the metadata the item carries").isEqualTo(info);
    }

    @Test
    void createInstanceWithAnIdInUseIsRejectedAndChangesNothing() {
        InstanceInfo running = createAndRun("i1", "First", RuntimeStatus.RUNNING);
        provider().createInstance(start("pending", "First"));

        assertThatThrownBy(() -> provider().createInstance(start("i1", "Second")))
                .isInstanceOfSatisfying(InstanceExistsException.class, e -> assertThat(e.instanceId()).isEqualTo("i1"))
                .hasMessageContaining("'i1'");
        assertThatThrownBy(() -> provider().createInstance(start("pending", "Second")))
                .isInstanceOf(InstanceExistsException.class);

        assertThat(provider().getInstance("i1")).contains(running);
        assertThat(provider().readHistory("i1", 0)).hasSize(1);
        assertThat(fetch("pending").messages()).as("the first start message only").containsExactly(start("pending", "First"));
        assertNothingToFetch("the rejected starts enqueued nothing");
    }

    @Test
    void createInstanceNeedsAStartMessage() {
        assertThatThrownBy(() -> provider().createInstance(event("i1", "not-a-start", "1")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(provider().getInstance("i1")).isEmpty();
        assertNothingToFetch("nothing was created");
    }

    @Test
    void enqueueToAnUnknownInstanceIsRejectedAndCreatesNothing() {
        assertThatThrownBy(() -> provider().enqueue(event("nobody", "hello", "1")))
                .isInstanceOfSatisfying(InstanceNotFoundException.class, e -> assertThat(e.instanceId()).isEqualTo("nobody"));

        assertThat(provider().getInstance("nobody")).isEmpty();
        assertThat(provider().listInstances(InstanceQuery.all()).instances()).isEmpty();
        assertThat(provider().queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
    }

    @Test
    void enqueueToAFinishedInstanceIsDeliveredForTheRuntimeToRecordAsIgnored() {
        InstanceInfo done = createAndRun("i1", "Greet", RuntimeStatus.COMPLETED);

        provider().enqueue(event("i1", "late", "1"));

        OrchestrationItem item = fetch("i1");
        assertThat(item.messages()).containsExactly(event("i1", "late", "1"));
        assertThat(item.instance()).isEqualTo(done);
    }

    @Test
    void getInstanceOfAnUnknownIdIsEmpty() {
        assertThat(provider().getInstance("nobody")).isEmpty();
    }

    @Test
    void listInstancesFiltersByStatus() {
        createAndRun("c1", "Job", RuntimeStatus.COMPLETED);
        createAndRun("f1", "Job", RuntimeStatus.FAILED);
        createAndRun("r1", "Job", RuntimeStatus.RUNNING);
        provider().createInstance(start("p1", "Job"));

        assertThat(ids(InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.COMPLETED, RuntimeStatus.FAILED))))
                .containsExactly("c1", "f1");
        assertThat(ids(InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.PENDING)))).containsExactly("p1");
        assertThat(ids(InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.SUSPENDED)))).isEmpty();
        assertThat(ids(InstanceQuery.all())).as("no status filter; same creation time, so by id")
                .containsExactly("c1", "f1", "p1", "r1");
    }

    @Test
    void listInstancesFiltersByNamePrefix() {
        provider().createInstance(start("1", "OrderPlaced"));
        provider().createInstance(start("2", "Order"));
        provider().createInstance(start("3", "Invoice"));
        provider().createInstance(start("4", "order_lowercase"));
        provider().createInstance(start("5", "Or%der_"));

        assertThat(ids(InstanceQuery.all().withNamePrefix("Order"))).containsExactly("1", "2");
        assertThat(ids(InstanceQuery.all().withNamePrefix("Or%"))).as("no wildcards in prefixes").containsExactly("5");
        assertThat(ids(InstanceQuery.all().withNamePrefix("Or_"))).as("no wildcards in prefixes").isEmpty();
        assertThat(ids(InstanceQuery.all().withNamePrefix("Nothing"))).isEmpty();
    }

    @Test
    void listInstancesFiltersByCreationTime() {
        provider().createInstance(start("t0", "Job"));
        clock.advance(Duration.ofSeconds(10));
        provider().createInstance(start("t10", "Job"));
        clock.advance(Duration.ofSeconds(10));
        provider().createInstance(start("t20", "Job"));
        Instant t10 = T0.plusSeconds(10);
        Instant t20 = T0.plusSeconds(20);

        assertThat(ids(new InstanceQuery(Set.of(), null, t10, null, 100, null))).as("created at or after t10")
                .containsExactly("t10", "t20");
        assertThat(ids(new InstanceQuery(Set.of(), null, null, t10, 100, null))).as("created before t10")
                .containsExactly("t0");
        assertThat(ids(new InstanceQuery(Set.of(), null, t10, t20, 100, null))).as("in [t10, t20)")
                .containsExactly("t10");
        assertThat(ids(new InstanceQuery(Set.of(), null, t10.plusMillis(1), t20, 100, null))).isEmpty();
    }

    @Test
    void pagesComeInCreationOrderWithoutGapsOrRepeats() {
        List<String> expected = new ArrayList<>();
        String[][] batches = {{"m", "c", "x"}, {"b", "a"}, {"z", "y", "k"}};
        for (String[] batch : batches) {
            for (String id : batch) {
                provider().createInstance(start(id, "Job"));
            }
            expected.addAll(List.of(batch).stream().sorted().toList());
            clock.advance(Duration.ofMillis(1));
        }

        List<InstancePage> pages = allPages(InstanceQuery.all().withPageSize(3));

        assertThat(pages).extracting(p -> p.instances().size()).as("page sizes").containsExactly(3, 3, 2);
        assertThat(pages.stream().flatMap(p -> p.instances().stream()).map(InstanceInfo::instanceId).toList())
                .as("by creation time, then by id").isEqualTo(expected);
    }

    @Test
    void pagingWorksTogetherWithFilters() {
        for (int i = 0; i < 5; i++) {
            createAndRun("done-" + i, "Job", RuntimeStatus.COMPLETED);
            createAndRun("live-" + i, "Job", RuntimeStatus.RUNNING);
        }

        List<InstancePage> pages = allPages(InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.COMPLETED)).withPageSize(2));

        assertThat(pages.stream().flatMap(p -> p.instances().stream()).map(InstanceInfo::instanceId).toList())
                .containsExactly("done-0", "done-1", "done-2", "done-3", "done-4");
        assertThat(pages).hasSize(3);
    }

    @Test
    void theLastPageHasNoContinuationTokenEvenWhenItIsFull() {
        assertThat(provider().listInstances(InstanceQuery.all())).as("an empty store")
                .isEqualTo(new InstancePage(List.of(), null));
        provider().createInstance(start("a", "Job"));
        provider().createInstance(start("b", "Job"));

        InstancePage first = provider().listInstances(InstanceQuery.all().withPageSize(1));
        InstancePage last = provider().listInstances(InstanceQuery.all().withPageSize(1)
                .withContinuationToken(first.continuationToken()));

        assertThat(first.continuationToken()).as("token of a page with more to come").isNotNull();
        assertThat(last.instances()).extracting(InstanceInfo::instanceId).containsExactly("b");
        assertThat(last.continuationToken()).as("token of the full last page").isNull();
    }

    @Test
    void anInstanceCreatedBetweenPagesAppearsOnALaterPage() {
        provider().createInstance(start("a", "Job"));
        provider().createInstance(start("b", "Job"));
        InstancePage first = provider().listInstances(InstanceQuery.all().withPageSize(1));
        clock.advance(Duration.ofSeconds(1));
        provider().createInstance(start("c", "Job"));

        List<String> rest = new ArrayList<>();
        for (InstancePage page : allPages(InstanceQuery.all().withPageSize(1).withContinuationToken(first.continuationToken()))) {
            page.instances().forEach(i -> rest.add(i.instanceId()));
        }
        assertThat(first.instances()).extracting(InstanceInfo::instanceId).containsExactly("a");
        assertThat(rest).containsExactly("b", "c");
    }

    private List<String> ids(InstanceQuery query) {
        return allPages(query).stream().flatMap(p -> p.instances().stream()).map(InstanceInfo::instanceId).toList();
    }

    private List<InstancePage> allPages(InstanceQuery query) {
        List<InstancePage> pages = new ArrayList<>();
        InstanceQuery q = query;
        while (true) {
            InstancePage page = provider().listInstances(q);
            pages.add(page);
            assertThat(pages).as("pages of %s (runaway paging?)", query).hasSizeLessThan(100);
            if (page.continuationToken() == null) {
                return pages;
            }
            q = q.withContinuationToken(page.continuationToken());
        }
    }
}
